/**
 * The experiment wizard's state, what each step still needs (in words), and the submit request it makes. Pure, so
 * the rules are tested without rendering the steps.
 */
import type { SubmitExperimentInput } from "../../../api/experiments";
import { buildEvaluatorFieldMapping, buildTargetFieldMapping, PROMPT_USER_QUERY, unmappedVariables, type MappingSource } from "../../../lib/fieldMapping";

export interface EvaluatorChoice {
  key: number;
  evaluatorId: string;
  name: string;
  type: number;
  versionId: string;
  version: string;
  variables: string[];
  mapping: Record<string, MappingSource>;
}

export interface WizardState {
  name: string;
  desc: string;
  setId: string | null;
  setName: string;
  /** "" = the set's draft (its live items); LATEST_VERSION until the set's versions have loaded. */
  versionId: string;
  versionLabel: string;
  itemCount: number;
  columns: string[];
  target: "prompt" | "none";
  promptId: string | null;
  promptName: string;
  promptVersion: string | null;
  promptVariables: string[];
  /** prompt variable (or PROMPT_USER_QUERY) → column name ("" = not mapped). */
  targetMapping: Record<string, string>;
  evaluators: EvaluatorChoice[];
}

export const EMPTY_WIZARD: WizardState = {
  name: "",
  desc: "",
  setId: null,
  setName: "",
  versionId: "",
  versionLabel: "",
  itemCount: 0,
  columns: [],
  target: "prompt",
  promptId: null,
  promptName: "",
  promptVersion: null,
  promptVariables: [],
  targetMapping: {},
  evaluators: [],
};

/** The version to pick once the chosen set's versions have loaded: its latest ready one. */
export const LATEST_VERSION = "latest";

export const STEPS = ["Basics", "Evaluation set", "Target", "Evaluators", "Review"] as const;

/** What stops the step from being done; [] when the wizard can go on. */
export function stepProblems(step: number, state: WizardState): string[] {
  switch (step) {
    case 0:
      return state.name.trim() ? [] : ["Name the experiment."];
    case 1:
      if (!state.setId) return ["Choose an evaluation set."];
      if (state.versionId === LATEST_VERSION) return ["Loading the set's versions…"];
      return state.itemCount > 0 ? [] : ["This version of the set has no items: add or import items, or pick another version."];
    case 2: {
      if (state.target === "none") return [];
      if (!state.promptId) return ["Choose a prompt, or run with no target."];
      if (!state.promptVersion) return ["Choose the prompt's version."];
      const missing = state.promptVariables.filter((variable) => !state.targetMapping[variable]);
      return missing.length > 0 ? [`Map ${missing.map((v) => `{{${v}}}`).join(", ")} to a column.`] : [];
    }
    case 3: {
      if (state.evaluators.length === 0) return ["Add at least one evaluator."];
      const problems: string[] = [];
      for (const choice of state.evaluators) {
        if (!choice.versionId) problems.push(`Choose a version of ${choice.name}.`);
        const missing = unmappedVariables(choice.variables, choice.mapping);
        if (missing.length > 0) problems.push(`${choice.name}: map ${missing.map((v) => `{{${v}}}`).join(", ")}.`);
      }
      return problems;
    }
    default:
      return [0, 1, 2, 3].flatMap((earlier) => stepProblems(earlier, state));
  }
}

/** The submit request of a finished wizard. */
export function submitInput(state: WizardState, itemConcurrency = 5): SubmitExperimentInput {
  const prompt = state.target === "prompt" && state.promptId && state.promptVersion ? { promptId: state.promptId, version: state.promptVersion } : null;
  const targetMapping: Record<string, string> = {};
  if (prompt) {
    for (const variable of [...state.promptVariables, PROMPT_USER_QUERY]) {
      const column = state.targetMapping[variable];
      if (column) targetMapping[variable] = column;
    }
  }
  return {
    name: state.name.trim(),
    desc: state.desc.trim(),
    evalSetId: state.setId ?? "",
    evalSetVersionId: state.versionId,
    target: prompt,
    targetFieldMapping: buildTargetFieldMapping(targetMapping),
    evaluatorVersionIds: state.evaluators.map((choice) => choice.versionId),
    evaluatorFieldMapping: state.evaluators.map((choice) => buildEvaluatorFieldMapping(choice.versionId, choice.mapping)),
    itemConcurrency,
  };
}
