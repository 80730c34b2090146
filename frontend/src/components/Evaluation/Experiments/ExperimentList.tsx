import { IconDelete, IconPlus, IconSearch } from "@douyinfe/semi-icons";
import { Button, Empty, Input, Progress, Table, Tooltip } from "@douyinfe/semi-ui";
import { useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { experimentEvalSet, experimentPrompt, useDeleteExperiment, useExperimentList, type Experiment } from "../../../api/experiments";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { progressOf } from "../../../lib/experimentStatus";
import { AGGREGATOR, aggregateValue, formatScore } from "../../../lib/scores";
import { formatServerTime } from "../../../lib/time";
import { ConfirmDeleteModal } from "../../common/ConfirmDeleteModal";
import { LabelledTable } from "../../common/LabelledTable";
import { PageHeader } from "../../common/PageHeader";
import { ErrorState, Loading } from "../../common/QueryState";
import { useConfirmedDelete } from "../../common/useConfirmedDelete";
import { ExperimentStatusTag } from "../common/StatusTags";
import { useDebounced, usePaging } from "../common/useDebounced";
import "../evaluation.css";

const PAGE_SIZE = 20;

/** The evaluators (by name) whose averages the page's experiments report: one score column each. */
function evaluatorNames(experiments: readonly Experiment[]): string[] {
  const names: string[] = [];
  for (const expt of experiments) for (const evaluator of expt.evaluators) if (evaluator.name && !names.includes(evaluator.name)) names.push(evaluator.name);
  return names.slice(0, 6);
}

function averageOf(expt: Experiment, name: string): number | null {
  const ids = new Set(expt.evaluators.filter((evaluator) => evaluator.name === name).map((evaluator) => evaluator.evaluator_id));
  const ref = expt.evaluator_id_version_list.find((entry) => entry.evaluator_id && ids.has(entry.evaluator_id));
  const result = (expt.expt_stats.evaluator_aggregate_results ?? []).find((aggregate) => aggregate.evaluator_version_id === ref?.evaluator_version_id);
  return aggregateValue(result?.aggregator_results, AGGREGATOR.average);
}

export function ProgressCell({ expt }: { expt: Experiment }) {
  const progress = progressOf(expt.expt_stats, expt.total_item_count);
  return (
    <div style={{ minWidth: 120 }}>
      <Progress motion={false} percent={progress.percent} size="small" aria-label={`Progress of ${expt.name}`} stroke={progress.fail > 0 ? "var(--semi-color-warning)" : undefined} />
      <span className="loop-muted loop-mono-small">
        <span title="succeeded">{progress.success}</span> / <span title="failed">{progress.fail}</span> / <span title="total">{progress.total}</span>
      </span>
    </div>
  );
}

/** evaluation/experiments: status, progress and average scores (refreshed while any runs); pick 2+ to compare. */
export function ExperimentList() {
  const space = useCurrentSpace();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const debounced = useDebounced(search.trim(), 300);
  const [page, setPage] = usePaging(debounced);
  const [selected, setSelected] = useState<string[]>([]);
  const list = useExperimentList(space.id, { search: debounced, page, pageSize: PAGE_SIZE });
  const base = paths.spaceModule(space.id, "evaluation/experiments");
  const deletion = useConfirmedDelete(useDeleteExperiment(space.id), (row: Experiment) => ({ id: row.id, label: `experiment "${row.name}"` }));
  const experiments = useMemo(() => list.data?.experiments ?? [], [list.data]);
  const names = useMemo(() => evaluatorNames(experiments), [experiments]);

  const columns = [
    {
      title: "Name",
      key: "name",
      render: (_: unknown, row: Experiment) => (
        <div>
          <Link to={`${base}/${row.id}`} className="loop-link-strong">
            {row.name}
          </Link>
          {row.desc && <div className="loop-muted loop-clamp">{row.desc}</div>}
        </div>
      ),
    },
    { title: "Status", key: "status", width: 100, render: (_: unknown, row: Experiment) => <ExperimentStatusTag status={row.status} /> },
    {
      title: (
        <Tooltip content="Succeeded / failed / total items">
          <span>Progress</span>
        </Tooltip>
      ),
      key: "progress",
      width: 140,
      render: (_: unknown, row: Experiment) => <ProgressCell expt={row} />,
    },
    ...names.map((name) => ({
      title: <span title={`Average score of ${name}`}>{name}</span>,
      key: `score-${name}`,
      width: 110,
      align: "right" as const,
      render: (_: unknown, row: Experiment) => <span className="loop-eval-score">{formatScore(averageOf(row, name))}</span>,
    })),
    {
      title: "Set / target",
      key: "set",
      width: 180,
      render: (_: unknown, row: Experiment) => {
        const set = experimentEvalSet(row);
        const prompt = experimentPrompt(row);
        return (
          <div className="loop-muted">
            <div className="loop-clamp">{`${set.name || "Set"} ${set.version || "(draft)"}`}</div>
            <div className="loop-clamp">{prompt ? `${prompt.key || prompt.name} ${prompt.version}` : "No target"}</div>
          </div>
        );
      },
    },
    { title: "Created", key: "created", width: 150, render: (_: unknown, row: Experiment) => formatServerTime(row.base_info.created_at ?? "", "ms", "—") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 56,
      render: (_: unknown, row: Experiment) => <Button type="danger" theme="borderless" icon={<IconDelete aria-hidden />} aria-label={`Delete ${row.name}`} onClick={() => deletion.ask(row)} />,
    },
  ];

  return (
    <div className="loop-page loop-page-wide loop-eval">
      <PageHeader
        title="Experiments"
        description="Run a prompt over an evaluation set, score every answer with evaluators, and compare runs."
        actions={
          <Button theme="solid" icon={<IconPlus aria-hidden />} onClick={() => void navigate(`${base}/create`)}>
            Create experiment
          </Button>
        }
      />
      <div className="loop-card">
        <div className="loop-row loop-toolbar">
          <Input aria-label="Search experiments" prefix={<IconSearch aria-hidden />} placeholder="Search by name" value={search} onChange={setSearch} showClear style={{ width: 320 }} />
          <Button disabled={selected.length < 2} onClick={() => void navigate(`${base}/contrast?ids=${selected.join(",")}&baseline=${selected[0]}`)}>
            {selected.length < 2 ? "Compare (pick 2 or more)" : `Compare ${selected.length}`}
          </Button>
        </div>
        {list.isPending && <Loading label="Loading experiments…" />}
        {list.isError && <ErrorState title="Could not load the experiments" error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && (
          <LabelledTable label="Experiments">
            <Table<Experiment>
              rowKey="id"
              columns={columns}
              dataSource={experiments}
              size="small"
              // The name keeps 220 px; with many evaluators the table scrolls inside its card.
              scroll={{ x: `max(100%, ${220 + 48 + 100 + 140 + names.length * 110 + 180 + 150 + 56}px)` }}
              loading={list.isFetching && list.isPlaceholderData}
              rowSelection={{
                selectedRowKeys: selected,
                onChange: (keys?: (string | number)[]) => setSelected((keys ?? []).map(String)),
                getCheckboxProps: (row: Experiment) => ({ "aria-label": `Select ${row.name}` }),
              }}
              pagination={Number(list.data.total) > PAGE_SIZE ? { currentPage: page, pageSize: PAGE_SIZE, total: Number(list.data.total), onPageChange: setPage } : false}
              empty={<Empty description={debounced ? "No experiments match." : "No experiments yet. Create one: pick an evaluation set, a prompt and evaluators."} />}
            />
          </LabelledTable>
        )}
      </div>
      <ConfirmDeleteModal title="Delete experiment?" deletion={deletion}>
        <strong>{deletion.pending?.name}</strong> and all its results will be deleted. This cannot be undone.
      </ConfirmDeleteModal>
    </div>
  );
}
