import { IconDelete, IconPlus, IconSearch } from "@douyinfe/semi-icons";
import { Button, Empty, Input, Table, Tag } from "@douyinfe/semi-ui";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { setColumns, useDeleteEvaluationSet, useEvaluationSetList, type EvaluationSet } from "../../../api/evaluationSets";
import { paths } from "../../../app/paths";
import { useCurrentSpace } from "../../../app/session";
import { formatServerTime } from "../../../lib/time";
import { ConfirmDeleteModal } from "../../common/ConfirmDeleteModal";
import { LabelledTable } from "../../common/LabelledTable";
import { PageHeader } from "../../common/PageHeader";
import { ErrorState, Loading } from "../../common/QueryState";
import { useConfirmedDelete } from "../../common/useConfirmedDelete";
import { useDebounced, usePaging } from "../common/useDebounced";
import { CreateEvalSetModal } from "./CreateEvalSetModal";
import "../evaluation.css";

const PAGE_SIZE = 20;

/** evaluation/datasets: the workspace's evaluation sets, searched by name and paged; create and delete. */
export function EvalSetList() {
  const space = useCurrentSpace();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const name = useDebounced(search.trim(), 300);
  const [page, setPage] = usePaging(name);
  const [creating, setCreating] = useState(false);
  const list = useEvaluationSetList(space.id, { name, page, pageSize: PAGE_SIZE });
  const base = paths.spaceModule(space.id, "evaluation/datasets");
  const deletion = useConfirmedDelete(useDeleteEvaluationSet(space.id), (row: EvaluationSet) => ({ id: row.id, label: `evaluation set "${row.name}"` }));

  const columns = [
    {
      title: "Name",
      key: "name",
      render: (_: unknown, row: EvaluationSet) => (
        <div>
          <Link to={`${base}/${row.id}`} className="loop-link-strong">
            {row.name}
          </Link>
          {row.description && <div className="loop-muted loop-clamp">{row.description}</div>}
        </div>
      ),
    },
    { title: "Columns", key: "columns", width: 90, align: "right" as const, render: (_: unknown, row: EvaluationSet) => setColumns(row).length },
    { title: "Items", key: "items", width: 90, align: "right" as const, render: (_: unknown, row: EvaluationSet) => Number(row.item_count).toLocaleString() },
    {
      title: "Latest version",
      key: "version",
      width: 140,
      render: (_: unknown, row: EvaluationSet) => (row.latest_version ? <Tag color="blue">{row.latest_version}</Tag> : <Tag color="grey">Draft only</Tag>),
    },
    { title: "Updated", key: "updated", width: 190, render: (_: unknown, row: EvaluationSet) => formatServerTime(row.base_info.updated_at ?? "", "ms", "—") },
    {
      title: <span className="loop-visually-hidden">Actions</span>,
      key: "actions",
      width: 60,
      render: (_: unknown, row: EvaluationSet) => <Button type="danger" theme="borderless" icon={<IconDelete aria-hidden />} aria-label={`Delete ${row.name}`} onClick={() => deletion.ask(row)} />,
    },
  ];

  return (
    <div className="loop-page loop-eval">
      <PageHeader
        title="Evaluation sets"
        description="Typed columns of inputs and reference outputs that experiments run over; versions freeze them."
        actions={
          <Button theme="solid" icon={<IconPlus aria-hidden />} onClick={() => setCreating(true)}>
            Create evaluation set
          </Button>
        }
      />
      <div className="loop-card">
        <div className="loop-row loop-toolbar">
          <Input aria-label="Search evaluation sets" prefix={<IconSearch aria-hidden />} placeholder="Search by name" value={search} onChange={setSearch} showClear style={{ width: 320 }} />
        </div>
        {list.isPending && <Loading label="Loading evaluation sets…" />}
        {list.isError && <ErrorState title="Could not load the evaluation sets" error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && (
          <LabelledTable label="Evaluation sets">
            <Table<EvaluationSet>
              rowKey="id"
              columns={columns}
              dataSource={list.data.evaluation_sets}
              loading={list.isFetching && list.isPlaceholderData}
              pagination={Number(list.data.total) > PAGE_SIZE ? { currentPage: page, pageSize: PAGE_SIZE, total: Number(list.data.total), onPageChange: setPage } : false}
              empty={<Empty description={name ? "No evaluation sets match." : "No evaluation sets yet. Create one, then add items or import a CSV or JSONL file."} />}
            />
          </LabelledTable>
        )}
      </div>
      {creating && <CreateEvalSetModal spaceId={space.id} onClose={() => setCreating(false)} onCreated={(id) => void navigate(`${base}/${id}`)} />}
      <ConfirmDeleteModal title="Delete evaluation set?" deletion={deletion}>
        <strong>{deletion.pending?.name}</strong>, its items and all its versions will be deleted. Experiments that ran on it keep their results.
      </ConfirmDeleteModal>
    </div>
  );
}
