import { IconArrowLeft } from "@douyinfe/semi-icons";
import { Button, Empty, InputNumber, Modal, Progress, Select, Table, TabPane, Tabs, Tag, Toast } from "@douyinfe/semi-ui";
import { lazy, Suspense, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { errorMessage } from "../../../api/errors";
import {
  actualOutput,
  experimentEvalSet,
  experimentPrompt,
  readTurn,
  targetError,
  useCloneExperiment,
  useExperimentAggregates,
  useExperimentResults,
  useExperiments,
  useExportExperiment,
  useKillExperiment,
  useRetryExperiment,
  type ColumnEvaluator,
  type Experiment,
  type ItemResult,
  type TurnView,
} from "../../../api/experiments";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { isRunning, ITEM_STATE, progressOf } from "../../../lib/experimentStatus";
import { NO_FILTER, resultFilters, scoreRangeProblem, type ResultFilterState } from "../../../lib/resultFilters";
import { LabelledTable } from "../../common/LabelledTable";
import { ErrorState, Loading } from "../../common/QueryState";
import { ContentCell } from "../common/ContentView";
import { RecordScore } from "../common/ScoreView";
import { ExperimentStatusTag, ItemStateTag } from "../common/StatusTags";
import { usePaging } from "../common/useDebounced";
import { ItemDrawer, itemTurns } from "./ItemDrawer";
import "../evaluation.css";

// ECharts is only loaded when the charts tab is opened.
const ScoreCharts = lazy(() => import("./ScoreCharts"));

const PAGE_SIZE = 20;
/** Fixed columns (#, a score, status, details) and the least a text column (an input, the output) gets. */
const SCORE_WIDTH = 104;
const TEXT_MIN_WIDTH = 160;
const FIXED_WIDTH = 52 + 96 + 88;

const STATE_OPTIONS = [
  { value: ITEM_STATE.success, label: "Success" },
  { value: ITEM_STATE.fail, label: "Failed" },
  { value: ITEM_STATE.processing, label: "Running" },
  { value: ITEM_STATE.queueing, label: "Queued" },
  { value: ITEM_STATE.terminal, label: "Terminated" },
];

/** evaluation/experiments/:experimentID: progress, actions, the item results (filters, drawer), and charts. */
export function ExperimentDetail() {
  const space = useCurrentSpace();
  const id = useParams().experimentID ?? "";
  const ids = useMemo(() => [id], [id]);
  const experiments = useExperiments(space.id, ids);
  if (experiments.isPending) return <Loading label="Loading the experiment…" />;
  if (experiments.isError) return <ErrorState title="Could not load the experiment" error={experiments.error} onRetry={() => void experiments.refetch()} />;
  const expt = experiments.data[0];
  if (!expt) return <ErrorState title="Experiment not found" error={new Error(`Experiment ${id} is not in this workspace; it may have been deleted.`)} />;
  return <ExperimentView key={expt.id} expt={expt} />;
}

function ProgressCard({ expt }: { expt: Experiment }) {
  const progress = progressOf(expt.expt_stats, expt.total_item_count);
  const running = isRunning(expt.status);
  const tokens = expt.expt_stats.token_usage;
  return (
    <section className="loop-card loop-eval-stats" aria-label="Progress">
      <div className="loop-eval-progress">
        <Progress motion={false} percent={progress.percent} showInfo size="large" aria-label="Experiment progress" stroke={progress.fail > 0 ? "var(--semi-color-warning)" : undefined} />
        <span className="loop-muted" role="status" data-testid="experiment-progress">
          {running ? `Running: ${progress.done} of ${progress.total} items done` : `${progress.done} of ${progress.total} items done`}
        </span>
      </div>
      <div className="loop-eval-stat">
        <span className="loop-muted">Succeeded</span>
        <span className="loop-eval-stat-value" data-testid="count-success">
          {progress.success}
        </span>
      </div>
      <div className="loop-eval-stat">
        <span className="loop-muted">Failed</span>
        <span className="loop-eval-stat-value" data-testid="count-fail">
          {progress.fail}
        </span>
      </div>
      <div className="loop-eval-stat">
        <span className="loop-muted">Left</span>
        <span className="loop-eval-stat-value">{progress.total - progress.done}</span>
      </div>
      {tokens && (
        <div className="loop-eval-stat">
          <span className="loop-muted">Target tokens</span>
          <span className="loop-eval-stat-value">{`${Number(tokens.input_tokens) + Number(tokens.output_tokens)}`}</span>
        </div>
      )}
    </section>
  );
}

function Filters({ value, onChange, evaluators }: { value: ResultFilterState; onChange: (next: ResultFilterState) => void; evaluators: ColumnEvaluator[] }) {
  const problem = scoreRangeProblem(value.score.min, value.score.max);
  return (
    <div className="loop-row loop-toolbar" role="group" aria-label="Filters">
      <span id="filter-status-label" className="loop-visually-hidden">
        Status
      </span>
      <Select
        aria-labelledby="filter-status-label"
        multiple
        placeholder="Any status"
        value={value.states}
        onChange={(states) => onChange({ ...value, states: (states as number[]) ?? [] })}
        optionList={STATE_OPTIONS}
        style={{ minWidth: 200 }}
        showClear
      />
      <span id="filter-evaluator-label" className="loop-visually-hidden">
        Score of
      </span>
      <Select
        aria-labelledby="filter-evaluator-label"
        value={value.score.evaluatorVersionId}
        onChange={(versionId) => onChange({ ...value, score: { ...value.score, evaluatorVersionId: (versionId as string) } })}
        optionList={[{ value: "", label: "Any score" }, ...evaluators.map((column) => ({ value: column.evaluator_version_id, label: `Score of ${column.name ?? column.evaluator_version_id}` }))]}
        style={{ width: 220 }}
      />
      {value.score.evaluatorVersionId && (
        <>
          <InputNumber aria-label="Lowest score" placeholder="min" value={value.score.min ?? undefined} step={0.1} style={{ width: 100 }} onNumberChange={(min) => onChange({ ...value, score: { ...value.score, min: Number.isFinite(min) ? min : null } })} />
          <InputNumber aria-label="Highest score" placeholder="max" value={value.score.max ?? undefined} step={0.1} style={{ width: 100 }} onNumberChange={(max) => onChange({ ...value, score: { ...value.score, max: Number.isFinite(max) ? max : null } })} />
        </>
      )}
      {problem && <span className="loop-form-error">{problem}</span>}
      {(value.states.length > 0 || value.score.evaluatorVersionId) && <Button onClick={() => onChange(NO_FILTER)}>Clear filters</Button>}
    </div>
  );
}

interface Row {
  item: ItemResult;
  turn: TurnView | null;
}

function ExperimentView({ expt }: { expt: Experiment }) {
  const space = useCurrentSpace();
  const navigate = useNavigate();
  const base = paths.spaceModule(space.id, "evaluation/experiments");
  const live = isRunning(expt.status);
  const [filters, setFilters] = useState<ResultFilterState>(NO_FILTER);
  const filterValid = !scoreRangeProblem(filters.score.min, filters.score.max);
  const applied = filterValid ? filters : NO_FILTER;
  const [page, setPage] = usePaging(JSON.stringify(applied));
  const ids = useMemo(() => [expt.id], [expt.id]);
  const progress = progressOf(expt.expt_stats, expt.total_item_count);
  // The experiment is polled while it runs; its results and scores are asked again whenever its counters or status move.
  const revision = `${expt.status}:${progress.done}:${expt.run_id}`;
  const results = useExperimentResults(space.id, { ids, baseline: expt.id, filters: resultFilters(expt.id, applied), page, pageSize: PAGE_SIZE, revision }, live);
  const aggregates = useExperimentAggregates(space.id, ids, revision);
  const [tab, setTab] = useState("items");
  // The open item by id, so the drawer follows the refreshed results (a running item, a corrected score).
  const [openId, setOpenId] = useState<string | null>(null);
  const kill = useKillExperiment(space.id);
  const retry = useRetryExperiment(space.id);
  const clone = useCloneExperiment(space.id);
  const exporter = useExportExperiment(space.id);
  const [confirmKill, setConfirmKill] = useState(false);
  const set = experimentEvalSet(expt);
  const prompt = experimentPrompt(expt);

  const columnsOfSet = results.data?.column_eval_set_fields ?? [];
  const evaluators = results.data?.column_evaluators ?? [];
  const rows: Row[] = (results.data?.item_results ?? []).map((item) => ({ item, turn: readTurn(item.turn_results[0]?.experiment_results[0]) }));
  const open = rows.find((row) => row.item.item_id === openId) ?? null;

  const act = <T,>(label: string, run: (done: { onSuccess: (value: T) => void; onError: (error: Error) => void }) => void, onSuccess?: (value: T) => void) =>
    run({
      onSuccess: (value) => {
        Toast.success(label);
        onSuccess?.(value);
      },
      onError: (error) => Toast.error(errorMessage(error)),
    });

  const tableColumns = [
    { title: "#", key: "index", width: 52, render: (_: unknown, row: Row) => <span className="loop-muted">{Number(row.item.item_index) + 1}</span> },
    ...columnsOfSet.map((field) => ({
      title: field.name ?? field.key ?? "",
      key: `field-${field.key ?? field.name}`,
      render: (_: unknown, row: Row) => <ContentCell content={row.turn?.cells.find((cell) => cell.key === field.key || cell.name === field.name)?.content} />,
    })),
    ...(prompt
      ? [
          {
            title: "Actual output",
            key: "output",
            render: (_: unknown, row: Row) => {
              const failure = targetError(row.turn);
              return failure ? <span className="loop-eval-delta-worse">{failure}</span> : <ContentCell content={actualOutput(row.turn)} />;
            },
          },
        ]
      : []),
    ...evaluators.map((column) => ({
      title: <span title={`${column.name} ${column.version}`}>{column.name}</span>,
      key: `score-${column.evaluator_version_id}`,
      width: SCORE_WIDTH,
      render: (_: unknown, row: Row) => <RecordScore record={row.turn?.records[column.evaluator_version_id]} label={`${column.name} score of item ${Number(row.item.item_index) + 1}`} />,
    })),
    { title: "Status", key: "status", width: 96, render: (_: unknown, row: Row) => <ItemStateTag state={row.item.system_info.run_state} /> },
    // The error column only when an item failed: most runs have none, and the text columns need the room.
    ...(rows.some((row) => row.item.system_info.error?.message)
      ? [
          {
            title: "Error",
            key: "error",
            width: 160,
            render: (_: unknown, row: Row) => {
              const message = row.item.system_info.error?.message;
              return message ? <span className="loop-eval-cell loop-eval-delta-worse">{message}</span> : <span className="loop-muted">–</span>;
            },
          },
        ]
      : []),
    {
      title: <span className="loop-visually-hidden">Details</span>,
      key: "open",
      width: 88,
      render: (_: unknown, row: Row) => (
        <Button size="small" onClick={() => setOpenId(row.item.item_id)} aria-label={`Details of item ${Number(row.item.item_index) + 1}`}>
          Details
        </Button>
      ),
    },
  ];

  return (
    <div className="loop-page loop-page-wide loop-eval">
      <div className="loop-editor-header">
        <div className="loop-editor-title">
          <Link to={base} className="loop-icon-link" aria-label="Back to experiments">
            <IconArrowLeft aria-hidden />
          </Link>
          <div>
            <h1>{expt.name}</h1>
            <div className="loop-row">
              <ExperimentStatusTag status={expt.status} />
              <Link to={`${paths.spaceModule(space.id, "evaluation/datasets")}/${set.id}`}>
                <Tag>{`${set.name || "Evaluation set"} ${set.version || "(draft)"}`}</Tag>
              </Link>
              {prompt ? (
                <Link to={`${paths.spaceModule(space.id, "pe/prompts")}/${prompt.promptId}`}>
                  <Tag color="violet">{`${prompt.name || prompt.key} ${prompt.version}`}</Tag>
                </Link>
              ) : (
                <Tag color="grey">No target</Tag>
              )}
              {expt.evaluators.map((evaluator) => (
                <Tag key={evaluator.evaluator_id} color="blue">{`${evaluator.name} ${evaluator.latest_version ?? ""}`}</Tag>
              ))}
            </div>
            {expt.desc && <p className="loop-muted">{expt.desc}</p>}
            {expt.status_message && <p className="loop-muted">{expt.status_message}</p>}
          </div>
        </div>
        <div className="loop-page-actions">
          {live && (
            <Button type="danger" onClick={() => setConfirmKill(true)} disabled={kill.isPending}>
              Kill
            </Button>
          )}
          {!live && progress.fail + progress.terminated > 0 && (
            <Button onClick={() => act("Retrying the failed items", (done) => retry.mutate(expt.id, done))} loading={retry.isPending} disabled={retry.isPending}>
              Retry failed
            </Button>
          )}
          <Button
            onClick={() => act("Cloned: the copy is running", (done) => clone.mutate(expt.id, done), (copy: Experiment) => void navigate(`${base}/${copy.id}`))}
            loading={clone.isPending}
            disabled={clone.isPending}
          >
            Clone and run
          </Button>
          <Button
            onClick={() =>
              act("Export ready: downloading", (done) => exporter.mutate(expt.id, done), (url: string) => {
                const link = document.createElement("a");
                link.href = url;
                link.rel = "noopener";
                link.download = `experiment-${expt.id}.csv`;
                document.body.appendChild(link);
                link.click();
                link.remove();
              })
            }
            loading={exporter.isPending}
            disabled={exporter.isPending}
          >
            Export CSV
          </Button>
          <Button onClick={() => void navigate(`${base}/contrast?ids=${expt.id}&baseline=${expt.id}`)}>Compare</Button>
        </div>
      </div>
      <ProgressCard expt={expt} />
      <div className="loop-card">
        <Tabs type="line" activeKey={tab} onChange={setTab}>
          <TabPane tab="Items" itemKey="items">
            <Filters value={filters} onChange={setFilters} evaluators={evaluators} />
            {results.isPending && <Loading label="Loading results…" />}
            {results.isError && <ErrorState title="Could not load the results" error={results.error} onRetry={() => void results.refetch()} />}
            {results.data && (
              <LabelledTable label="Results">
                <Table<Row>
                  rowKey={(row?: Row) => row?.item.item_id ?? ""}
                  columns={tableColumns}
                  dataSource={rows}
                  size="small"
                  // Wide sets scroll inside the card rather than squeezing every text column to a word.
                  scroll={{ x: `max(100%, ${FIXED_WIDTH + evaluators.length * SCORE_WIDTH + (columnsOfSet.length + (prompt ? 1 : 0)) * TEXT_MIN_WIDTH}px)` }}
                  loading={results.isFetching && results.isPlaceholderData}
                  pagination={Number(results.data.total) > PAGE_SIZE ? { currentPage: page, pageSize: PAGE_SIZE, total: Number(results.data.total), onPageChange: setPage } : false}
                  empty={<Empty description={applied !== NO_FILTER ? "No items match these filters." : "No items yet: they appear as the experiment starts."} />}
                />
              </LabelledTable>
            )}
          </TabPane>
          <TabPane tab="Charts" itemKey="charts">
            {aggregates.isPending && <Loading label="Loading scores…" />}
            {aggregates.isError && <ErrorState title="Could not load the scores" error={aggregates.error} onRetry={() => void aggregates.refetch()} />}
            {aggregates.data && tab === "charts" && (
              <Suspense fallback={<Loading label="Loading charts…" />}>
                <ScoreCharts results={Object.values(aggregates.data[0]?.evaluator_results ?? {})} />
              </Suspense>
            )}
          </TabPane>
        </Tabs>
      </div>
      <ItemDrawer spaceId={space.id} title={open ? `Item ${Number(open.item.item_index) + 1}` : ""} turns={open ? itemTurns(open.item) : null} columns={evaluators} onClose={() => setOpenId(null)} />
      <Modal
        title="Kill the experiment?"
        visible={confirmKill}
        onCancel={() => setConfirmKill(false)}
        closeOnEsc
        footer={
          <>
            <Button onClick={() => setConfirmKill(false)}>Cancel</Button>
            <Button
              type="danger"
              theme="solid"
              loading={kill.isPending}
              disabled={kill.isPending}
              onClick={() => act("Experiment killed", (done) => kill.mutate(expt.id, done), () => setConfirmKill(false))}
            >
              Kill
            </Button>
          </>
        }
      >
        Items not yet run are not run; finished items keep their results. You can retry the rest later.
      </Modal>
    </div>
  );
}
