import {
  IconBeaker,
  IconCheckboxTick,
  IconFile,
  IconFlowChartStroked,
  IconHistogram,
  IconLayers,
  IconPlay,
  IconPriceTag,
} from "@douyinfe/semi-icons";
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from "react";

/**
 * The single registry of console modules. The side navigation and the router are both derived from it:
 * to add a page, set an item's status to "ready" and give it a lazy `page` (one entry change), e.g.
 *   { key: "prompts", ..., status: "ready", page: lazy(() => import("../routes/prompts/PromptsPage")) }
 * The page is rendered at `<space>/<path>/*`, so it can declare its own nested <Routes>.
 */

export type ModuleStatus = "ready" | "planned";

export interface ModuleItem {
  key: string;
  label: string;
  /** Path under /console/enterprise/:enterpriseID/space/:spaceID/ ; nested routes may follow it. */
  path: string;
  icon: ReactNode;
  status: ModuleStatus;
  /** Required when status is "ready". Rendered at `path/*`. */
  page?: LazyExoticComponent<ComponentType>;
  /** One line shown on the "coming soon" page. */
  summary: string;
}

export interface ModuleGroup {
  key: string;
  label: string;
  items: ModuleItem[];
}

export const MODULE_GROUPS: ModuleGroup[] = [
  {
    key: "pe",
    label: "Prompt engineering",
    items: [
      { key: "prompts", label: "Prompts", path: "pe/prompts", icon: <IconFile aria-hidden />, status: "ready", page: lazy(() => import("../routes/prompts/PromptsPage")), summary: "Write, version and debug prompts." },
      { key: "playground", label: "Playground", path: "pe/playground", icon: <IconPlay aria-hidden />, status: "ready", page: lazy(() => import("../routes/prompts/PlaygroundPage")), summary: "Try models freely without saving a prompt." },
    ],
  },
  {
    key: "evaluation",
    label: "Evaluation",
    items: [
      { key: "datasets", label: "Datasets", path: "evaluation/datasets", icon: <IconLayers aria-hidden />, status: "ready", page: lazy(() => import("../routes/evaluation/DatasetsPage")), summary: "Build evaluation sets with typed columns and versions." },
      { key: "evaluators", label: "Evaluators", path: "evaluation/evaluators", icon: <IconCheckboxTick aria-hidden />, status: "ready", page: lazy(() => import("../routes/evaluation/EvaluatorsPage")), summary: "LLM-judge and code evaluators that score outputs." },
      { key: "experiments", label: "Experiments", path: "evaluation/experiments", icon: <IconBeaker aria-hidden />, status: "ready", page: lazy(() => import("../routes/evaluation/ExperimentsPage")), summary: "Run a target over a dataset and compare scores." },
    ],
  },
  {
    key: "observation",
    label: "Observation",
    items: [
      { key: "traces", label: "Traces", path: "observation/traces", icon: <IconFlowChartStroked aria-hidden />, status: "ready", page: lazy(() => import("../routes/observation/TracesPage")), summary: "Search and inspect the traces your apps report." },
      { key: "metrics", label: "Metrics", path: "observation/metrics", icon: <IconHistogram aria-hidden />, status: "ready", page: lazy(() => import("../routes/observation/MetricsPage")), summary: "Latency, tokens and error rates over time." },
    ],
  },
  {
    key: "tag",
    label: "Tags",
    items: [{ key: "tags", label: "Tags", path: "tag/tag", icon: <IconPriceTag aria-hidden />, status: "planned", summary: "Manage the tags used to annotate traces." }],
  },
];

export const MODULE_ITEMS: ModuleItem[] = MODULE_GROUPS.flatMap((group) => group.items);
