import { IconDelete } from "@douyinfe/semi-icons";
import { Button, Empty, Table, Toast } from "@douyinfe/semi-ui";
import { useState, type ReactNode } from "react";
import { errorMessage } from "../../../api/errors";
import { useDeleteItems, useEvalSetItems, useUpdateItem, type EvalFieldSchema, type EvalSetItem } from "../../../api/evaluationSets";
import type { ContentInput } from "../../../lib/evalContent";
import { turnCount, withContent } from "../../../lib/evalSetItems";
import { LabelledTable } from "../../common/LabelledTable";
import { ErrorState, Loading } from "../../common/QueryState";
import { usePaging } from "../common/useDebounced";
import { ItemCell } from "./ItemCell";
import { ItemTurnsSheet } from "./ItemTurnsSheet";
import "../evaluation.css";

const PAGE_SIZE = 20;

interface Editing {
  itemId: string;
  column: string;
  turn: number;
}

const idOf = (item: EvalSetItem) => item.item_id ?? item.id ?? "";
const columnId = (column: EvalFieldSchema) => column.key ?? column.name ?? "";

/**
 * The items of a set's draft (editable: a cell is edited in place, rows are selected and deleted) or of one of its
 * versions (read-only), paged by the server. A multi-turn item shows its first turn in the row and all of its turns,
 * each editable, in a side sheet.
 */
export function ItemTable({ spaceId, setId, versionId, columns, toolbar }: { spaceId: string; setId: string; versionId: string; columns: EvalFieldSchema[]; toolbar?: ReactNode }) {
  const editable = versionId === "";
  const [page, setPage] = usePaging(versionId);
  const items = useEvalSetItems(spaceId, setId, versionId, { page, pageSize: PAGE_SIZE });
  const update = useUpdateItem(spaceId, setId);
  const remove = useDeleteItems(spaceId, setId);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  // The open item by id, so the sheet follows the refetched page after an edit.
  const [openId, setOpenId] = useState<string | null>(null);

  const save = (item: EvalSetItem, column: EvalFieldSchema, turn: number, content: ContentInput) => {
    if (update.isPending) return;
    update.mutate(
      { itemId: idOf(item), turns: withContent(item, column, content, turn) },
      {
        onSuccess: () => {
          setEditing(null);
          void items.refetch();
        },
        onError: (error) => Toast.error(`Could not save the cell: ${errorMessage(error)}`),
      },
    );
  };
  const deleteSelected = () => {
    if (remove.isPending || selected.length === 0) return;
    const count = selected.length;
    remove.mutate(selected, {
      onSuccess: () => {
        setSelected([]);
        Toast.success(`Deleted ${count} item${count === 1 ? "" : "s"}`);
        void items.refetch();
      },
      onError: (error) => Toast.error(`Could not delete: ${errorMessage(error)}`),
    });
  };

  const rowIndex = (item: EvalSetItem) => (items.data?.items.indexOf(item) ?? 0) + 1 + (page - 1) * PAGE_SIZE;
  const open = items.data?.items.find((item) => idOf(item) === openId) ?? null;
  const cell = (item: EvalSetItem, column: EvalFieldSchema, turn: number, label: string, { full = false, canEdit = editable } = {}) => {
    const itemId = idOf(item);
    const isEditing = canEdit && !!editing && editing.itemId === itemId && editing.column === columnId(column) && editing.turn === turn;
    return (
      <ItemCell
        spaceId={spaceId}
        item={item}
        column={column}
        turn={turn}
        label={label}
        full={full}
        editable={canEdit}
        editing={isEditing}
        busy={update.isPending}
        onEdit={() => setEditing({ itemId, column: columnId(column), turn })}
        onSave={(content) => save(item, column, turn, content)}
        onCancel={() => setEditing(null)}
      />
    );
  };
  const tableColumns = columns.map((column) => ({
    title: (
      <span title={column.description ?? undefined}>
        {column.name}
        {column.isRequired && <span className="loop-muted"> *</span>}
      </span>
    ),
    key: columnId(column),
    // A multi-turn item is edited turn by turn in the sheet; its row previews the first turn.
    render: (_: unknown, item: EvalSetItem) => cell(item, column, 0, `${column.name} of item ${rowIndex(item)}`, { canEdit: editable && turnCount(item) === 1 }),
  }));
  const indexColumn = {
    title: "#",
    key: "index",
    width: 96,
    render: (_: unknown, item: EvalSetItem) => {
      const turns = turnCount(item);
      return (
        <div className="loop-eval-index">
          <span className="loop-muted">{rowIndex(item)}</span>
          {turns > 1 && (
            <Button size="small" theme="light" onClick={() => setOpenId(idOf(item))} aria-label={`Show the ${turns} turns of item ${rowIndex(item)}`} title="The row shows turn 1">
              {`${turns} turns`}
            </Button>
          )}
        </div>
      );
    },
  };

  return (
    <>
      <div className="loop-row loop-toolbar">
        {toolbar}
        {editable && selected.length > 0 && (
          <Button type="danger" icon={<IconDelete aria-hidden />} onClick={deleteSelected} loading={remove.isPending} disabled={remove.isPending}>
            {`Delete ${selected.length} selected`}
          </Button>
        )}
        {items.data && <span className="loop-muted">{`${Number(items.data.total).toLocaleString()} item${items.data.total === "1" ? "" : "s"}`}</span>}
      </div>
      {items.isPending && <Loading label="Loading items…" />}
      {items.isError && <ErrorState title="Could not load the items" error={items.error} onRetry={() => void items.refetch()} />}
      {items.data && (
        <LabelledTable label={editable ? "Items" : "Version items"}>
          <Table<EvalSetItem>
            rowKey={(item?: EvalSetItem) => (item ? idOf(item) : "")}
            columns={[indexColumn, ...tableColumns]}
            dataSource={items.data.items}
            loading={items.isFetching && items.isPlaceholderData}
            size="small"
            rowSelection={
              editable
                ? {
                    selectedRowKeys: selected,
                    onChange: (keys?: (string | number)[]) => setSelected((keys ?? []).map(String)),
                    getCheckboxProps: (item: EvalSetItem) => ({ "aria-label": `Select item ${rowIndex(item)}` }),
                  }
                : undefined
            }
            pagination={Number(items.data.total) > PAGE_SIZE ? { currentPage: page, pageSize: PAGE_SIZE, total: Number(items.data.total), onPageChange: setPage } : false}
            empty={<Empty description={editable ? "No items yet. Add one, or import a CSV or JSONL file." : "This version has no items."} />}
          />
        </LabelledTable>
      )}
      <ItemTurnsSheet
        title={open ? `Item ${rowIndex(open)}` : ""}
        item={open}
        columns={columns}
        renderCell={(item, column, turn) => cell(item, column, turn, `${column.name} of item ${rowIndex(item)}, turn ${turn + 1}`, { full: true })}
        onClose={() => {
          setOpenId(null);
          setEditing(null);
        }}
      />
    </>
  );
}
