import { IconDelete, IconPlus, IconSearch } from "@douyinfe/semi-icons";
import { Button, Empty, Input, Select, Table, Tag } from "@douyinfe/semi-ui";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { EVALUATOR_TYPE, evaluatorTypeLabel, useDeleteEvaluator, useEvaluatorList, type Evaluator, type EvaluatorKind } from "../../../api/evaluators";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { formatServerTime } from "../../../lib/time";
import { ConfirmDeleteModal } from "../../common/ConfirmDeleteModal";
import { LabelledTable } from "../../common/LabelledTable";
import { PageHeader } from "../../common/PageHeader";
import { ErrorState, Loading } from "../../common/QueryState";
import { useConfirmedDelete } from "../../common/useConfirmedDelete";
import { useDebounced, usePaging } from "../common/useDebounced";
import "../evaluation.css";

const PAGE_SIZE = 20;

/** evaluation/evaluators: search, filter by type, page; create an LLM judge or a code evaluator. */
export function EvaluatorList() {
  const space = useCurrentSpace();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const debounced = useDebounced(search.trim(), 300);
  const [type, setType] = useState<EvaluatorKind | null>(null);
  const [page, setPage] = usePaging(`${debounced}\u0000${type}`);
  const list = useEvaluatorList(space.id, { search: debounced, type, page, pageSize: PAGE_SIZE });
  const base = paths.spaceModule(space.id, "evaluation/evaluators");
  const deletion = useConfirmedDelete(useDeleteEvaluator(space.id), (row: Evaluator) => ({ id: row.evaluator_id ?? "", label: `evaluator "${row.name}"` }));

  const columns = [
    {
      title: "Name",
      key: "name",
      render: (_: unknown, row: Evaluator) => (
        <div>
          <Link to={`${base}/${row.evaluator_id}`} className="loop-link-strong">
            {row.name}
          </Link>
          {row.description && <div className="loop-muted loop-clamp">{row.description}</div>}
        </div>
      ),
    },
    { title: "Type", key: "type", width: 130, render: (_: unknown, row: Evaluator) => <Tag>{evaluatorTypeLabel(row.evaluator_type)}</Tag> },
    {
      title: "Latest version",
      key: "version",
      width: 140,
      render: (_: unknown, row: Evaluator) => (row.latest_version ? <Tag color="blue">{row.latest_version}</Tag> : <Tag color="grey">Draft only</Tag>),
    },
    { title: "Updated", key: "updated", width: 190, render: (_: unknown, row: Evaluator) => formatServerTime(row.base_info?.updated_at ?? "", "ms", "—") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 60,
      render: (_: unknown, row: Evaluator) => (
        <Button type="danger" theme="borderless" icon={<IconDelete aria-hidden />} aria-label={`Delete ${row.name}`} onClick={() => deletion.ask(row)} />
      ),
    },
  ];

  return (
    <div className="loop-page loop-eval">
      <PageHeader
        title="Evaluators"
        description="LLM judges and code evaluators score each item of an experiment with a number and a reason."
        actions={
          <>
            <Button icon={<IconPlus aria-hidden />} onClick={() => void navigate(`${base}/create/code`)}>
              Create code evaluator
            </Button>
            <Button theme="solid" icon={<IconPlus aria-hidden />} onClick={() => void navigate(`${base}/create/llm`)}>
              Create LLM judge
            </Button>
          </>
        }
      />
      <div className="loop-card">
        <div className="loop-row loop-toolbar">
          <Input aria-label="Search evaluators" prefix={<IconSearch aria-hidden />} placeholder="Search by name" value={search} onChange={setSearch} showClear style={{ width: 280 }} />
          <span id="evaluator-type-filter-label" className="loop-visually-hidden">
            Evaluator type
          </span>
          <Select
            aria-labelledby="evaluator-type-filter-label"
            value={type ?? 0}
            onChange={(value) => setType(value ? (value as EvaluatorKind) : null)}
            optionList={[
              { value: 0, label: "All types" },
              { value: EVALUATOR_TYPE.prompt, label: "LLM judges" },
              { value: EVALUATOR_TYPE.code, label: "Code" },
            ]}
            style={{ width: 160 }}
          />
        </div>
        {list.isPending && <Loading label="Loading evaluators…" />}
        {list.isError && <ErrorState title="Could not load the evaluators" error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && (
          <LabelledTable label="Evaluators">
            <Table<Evaluator>
              rowKey="evaluator_id"
              columns={columns}
              dataSource={list.data.evaluators}
              loading={list.isFetching && list.isPlaceholderData}
              pagination={Number(list.data.total) > PAGE_SIZE ? { currentPage: page, pageSize: PAGE_SIZE, total: Number(list.data.total), onPageChange: setPage } : false}
              empty={<Empty description={debounced || type ? "No evaluators match." : "No evaluators yet. Create an LLM judge from one of the built-in templates, or write code."} />}
            />
          </LabelledTable>
        )}
      </div>
      <ConfirmDeleteModal title="Delete evaluator?" deletion={deletion}>
        <strong>{deletion.pending?.name}</strong> and its versions will be deleted. Experiments that ran it keep their scores.
      </ConfirmDeleteModal>
    </div>
  );
}
