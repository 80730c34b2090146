import { IconArrowLeft } from "@douyinfe/semi-icons";
import { Empty, Select, Table, Tag } from "@douyinfe/semi-ui";
import { useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { actualOutput, readTurn, targetError, useExperimentAggregates, useExperimentList, useExperimentResults, useExperiments, type ItemResult, type TurnView } from "../../../api/experiments";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { compareAverages, compareItemScores, comparisonColumns, parseComparison, type CompareColumn } from "../../../lib/comparison";
import { isRunning, progressOf } from "../../../lib/experimentStatus";
import { formatScore } from "../../../lib/scores";
import { Field } from "../../common/Field";
import { LabelledTable } from "../../common/LabelledTable";
import { PageHeader } from "../../common/PageHeader";
import { ErrorState, Loading } from "../../common/QueryState";
import { ContentCell } from "../common/ContentView";
import { Delta } from "../common/ScoreView";
import { ExperimentStatusTag } from "../common/StatusTags";
import { usePaging } from "../common/useDebounced";
import "../evaluation.css";

const PAGE_SIZE = 20;

interface Row {
  item: ItemResult;
  /** experiment id → its result for the item's first turn. */
  turns: Record<string, TurnView | null>;
}

/** evaluation/experiments/contrast?ids=a,b&baseline=a: the same items side by side, scores with their delta from the baseline. */
export function CompareView() {
  const space = useCurrentSpace();
  const [searchParams, setSearchParams] = useSearchParams();
  const { ids, baseline } = parseComparison(searchParams.get("ids"), searchParams.get("baseline"));
  const choices = useExperimentList(space.id, { search: "", page: 1, pageSize: 100 });
  const experiments = useExperiments(space.id, ids);
  const live = (experiments.data ?? []).some((expt) => isRunning(expt.status));
  const revision = (experiments.data ?? []).map((expt) => `${expt.status}:${progressOf(expt.expt_stats, expt.total_item_count).done}`).join(",");
  const ready = ids.length >= 2;
  const [page, setPage] = usePaging(`${ids.join(",")}:${baseline}`);
  const results = useExperimentResults(space.id, { ids: ready ? ids : [], baseline, filters: {}, page, pageSize: PAGE_SIZE, revision }, live);
  const aggregates = useExperimentAggregates(space.id, ready ? ids : [], revision);
  const base = paths.spaceModule(space.id, "evaluation/experiments");
  const nameOf = (id: string) => experiments.data?.find((expt) => expt.id === id)?.name ?? choices.data?.experiments.find((expt) => expt.id === id)?.name ?? id;

  const columns = useMemo(() => comparisonColumns(results.data?.expt_column_evaluators ?? []), [results.data]);
  const rows: Row[] = (results.data?.item_results ?? []).map((item) => ({
    item,
    turns: Object.fromEntries(ids.map((id) => [id, readTurn(item.turn_results[0]?.experiment_results.find((result) => result.experiment_id === id))])),
  }));
  const recordsOf = (row: Row) => Object.fromEntries(ids.map((id) => [id, row.turns[id]?.records]));
  const setParams = (nextIds: string[], nextBaseline: string) => setSearchParams({ ids: nextIds.join(","), baseline: nextIds.includes(nextBaseline) ? nextBaseline : (nextIds[0] ?? "") });

  const averageColumns = [
    { title: "Evaluator", key: "name", render: (_: unknown, column: CompareColumn) => column.name },
    ...ids.map((id) => ({
      title: (
        <span>
          {nameOf(id)}
          {id === baseline && <Tag size="small" color="blue" style={{ marginLeft: 4 }}>baseline</Tag>}
        </span>
      ),
      key: `avg-${id}`,
      render: (_: unknown, column: CompareColumn) => {
        const compared = compareAverages(column, aggregates.data ?? [], ids, baseline)[id];
        return (
          <span className="loop-eval-score">
            {formatScore(compared?.score)}
            <Delta delta={compared?.delta ?? null} />
          </span>
        );
      },
    })),
  ];

  const fields = results.data?.column_eval_set_fields ?? [];
  const itemColumns = [
    { title: "#", key: "index", width: 52, render: (_: unknown, row: Row) => <span className="loop-muted">{Number(row.item.item_index) + 1}</span> },
    ...fields.map((field) => ({
      title: field.name ?? "",
      key: `field-${field.key ?? field.name}`,
      render: (_: unknown, row: Row) => <ContentCell content={row.turns[baseline]?.cells.find((cell) => cell.key === field.key || cell.name === field.name)?.content} />,
    })),
    ...ids.map((id) => ({
      title: (
        <span>
          {nameOf(id)}
          {id === baseline && <Tag size="small" color="blue" style={{ marginLeft: 4 }}>baseline</Tag>}
        </span>
      ),
      key: `expt-${id}`,
      className: "loop-eval-compare-col",
      render: (_: unknown, row: Row) => {
        const turn = row.turns[id] ?? null;
        if (!turn) return <span className="loop-muted">Not in this experiment</span>;
        const failure = targetError(turn);
        return (
          <div className="loop-form" style={{ gap: 4 }}>
            {turn.target && (failure ? <span className="loop-eval-delta-worse">{failure}</span> : <ContentCell content={actualOutput(turn)} />)}
            {columns.map((column) => {
              const compared = compareItemScores(column, ids, baseline, recordsOf(row))[id];
              if (!column.versionIds[id]) return null;
              return (
                <span key={column.evaluatorId} className="loop-mono-small" data-testid={`compare-score-${id}-${column.evaluatorId}`}>
                  {`${column.name}: `}
                  <span className="loop-eval-score">{formatScore(compared?.score)}</span>
                  <Delta delta={compared?.delta ?? null} />
                </span>
              );
            })}
          </div>
        );
      },
    })),
  ];

  return (
    <div className="loop-page loop-page-wide loop-eval">
      <div className="loop-row">
        <Link to={base} className="loop-icon-link" aria-label="Back to experiments">
          <IconArrowLeft aria-hidden />
        </Link>
      </div>
      <PageHeader title="Compare experiments" description="The baseline's items, each experiment's answer and scores side by side; the deltas are against the baseline." />
      <div className="loop-card loop-form">
        <div className="loop-eval-grid" style={{ gridTemplateColumns: "minmax(0, 2fr) minmax(0, 1fr)" }}>
          <Field id="compare-experiments" label="Experiments">
            <Select
              id="compare-experiments"
              aria-labelledby="compare-experiments-label"
              multiple
              value={ids}
              filter
              style={{ width: "100%" }}
              placeholder={choices.isPending ? "Loading…" : "Pick two or more experiments"}
              onChange={(value) => setParams((value as string[]) ?? [], baseline)}
              optionList={(choices.data?.experiments ?? []).map((expt) => ({ value: expt.id, label: expt.name }))}
            />
          </Field>
          <Field id="compare-baseline" label="Baseline">
            <Select
              id="compare-baseline"
              aria-labelledby="compare-baseline-label"
              value={baseline || undefined}
              style={{ width: "100%" }}
              onChange={(value) => setParams(ids, (value as string))}
              optionList={ids.map((id) => ({ value: id, label: nameOf(id) }))}
            />
          </Field>
        </div>
        {(experiments.data ?? []).length > 0 && (
          <div className="loop-row">
            {(experiments.data ?? []).map((expt) => (
              <span key={expt.id} className="loop-row loop-row-tight">
                <Link to={`${base}/${expt.id}`}>{expt.name}</Link>
                <ExperimentStatusTag status={expt.status} />
              </span>
            ))}
          </div>
        )}
      </div>
      {!ready && <Empty description="Pick at least two experiments to compare. Experiments on the same evaluation set compare item by item." />}
      {ready && (
        <>
          <section className="loop-card" aria-labelledby="compare-averages">
            <h2 id="compare-averages" className="loop-card-title">
              Average scores
            </h2>
            {aggregates.isError && <ErrorState title="Could not load the scores" error={aggregates.error} onRetry={() => void aggregates.refetch()} />}
            {results.data && (
              <LabelledTable label="Average scores">
                <Table<CompareColumn> rowKey="evaluatorId" columns={averageColumns} dataSource={columns} pagination={false} size="small" />
              </LabelledTable>
            )}
          </section>
          <section className="loop-card" aria-labelledby="compare-items">
            <h2 id="compare-items" className="loop-card-title">
              Items
            </h2>
            {results.isPending && <Loading label="Loading results…" />}
            {results.isError && <ErrorState title="Could not load the results" error={results.error} onRetry={() => void results.refetch()} />}
            {results.data && (
              <LabelledTable label="Compared items">
                <Table<Row>
                  rowKey={(row?: Row) => row?.item.item_id ?? ""}
                  columns={itemColumns}
                  dataSource={rows}
                  size="small"
                  loading={results.isFetching && results.isPlaceholderData}
                  pagination={Number(results.data.total) > PAGE_SIZE ? { currentPage: page, pageSize: PAGE_SIZE, total: Number(results.data.total), onPageChange: setPage } : false}
                  empty={<Empty description="The baseline has no items yet." />}
                />
              </LabelledTable>
            )}
          </section>
        </>
      )}
    </div>
  );
}
