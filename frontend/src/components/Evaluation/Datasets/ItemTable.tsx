import { IconDelete, IconEdit } from "@douyinfe/semi-icons";
import { Button, Empty, Table, TextArea, Toast } from "@douyinfe/semi-ui";
import { useState, type ReactNode } from "react";
import { errorMessage } from "../../../api/errors";
import { useDeleteItems, useEvalSetItems, useUpdateItem, type EvalFieldSchema, type EvalSetItem } from "../../../api/evaluationSets";
import { cellOf, cellValue, withCell } from "../../../lib/evalSetItems";
import { LabelledTable } from "../../common/LabelledTable";
import { ErrorState, Loading } from "../../common/QueryState";
import { ContentCell } from "../common/ContentView";
import { usePaging } from "../common/useDebounced";
import "../evaluation.css";

const PAGE_SIZE = 20;

function CellEditor({ initial, label, busy, onSave, onCancel }: { initial: string; label: string; busy: boolean; onSave: (value: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(initial);
  return (
    <form
      className="loop-form"
      style={{ gap: 4 }}
      onSubmit={(event) => {
        event.preventDefault();
        onSave(value);
      }}
    >
      <TextArea
        aria-label={label}
        value={value}
        onChange={setValue}
        autosize={{ minRows: 1, maxRows: 8 }}
        autoFocus
        onKeyDown={(event) => {
          // Enter saves (Shift+Enter for a new line), Esc cancels: as in a spreadsheet.
          if (event.key === "Enter" && !event.shiftKey) {
            event.preventDefault();
            onSave(value);
          } else if (event.key === "Escape") onCancel();
        }}
      />
      <div className="loop-row loop-row-tight">
        <Button size="small" theme="solid" htmlType="submit" loading={busy} disabled={busy}>
          Save
        </Button>
        <Button size="small" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/**
 * The items of a set's draft (editable: a cell is edited in place, rows are selected and deleted) or of one of its
 * versions (read-only), paged by the server.
 */
export function ItemTable({ spaceId, setId, versionId, columns, toolbar }: { spaceId: string; setId: string; versionId: string; columns: EvalFieldSchema[]; toolbar?: ReactNode }) {
  const editable = versionId === "";
  const [page, setPage] = usePaging(versionId);
  const items = useEvalSetItems(spaceId, setId, versionId, { page, pageSize: PAGE_SIZE });
  const update = useUpdateItem(spaceId, setId);
  const remove = useDeleteItems(spaceId, setId);
  const [editing, setEditing] = useState<{ itemId: string; column: string } | null>(null);
  const [selected, setSelected] = useState<string[]>([]);

  const save = (item: EvalSetItem, column: EvalFieldSchema, value: string) => {
    if (update.isPending) return;
    update.mutate(
      { itemId: item.item_id ?? item.id ?? "", turns: withCell(item, column, value) },
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
  const tableColumns = columns.map((column) => ({
    title: (
      <span title={column.description ?? undefined}>
        {column.name}
        {column.isRequired && <span className="loop-muted"> *</span>}
      </span>
    ),
    key: column.key ?? column.name ?? "",
    render: (_: unknown, item: EvalSetItem) => {
      const itemId = item.item_id ?? item.id ?? "";
      const label = `${column.name} of item ${rowIndex(item)}`;
      if (editing && editing.itemId === itemId && editing.column === (column.key ?? column.name)) {
        return <CellEditor initial={cellValue(item, column)} label={`New value of ${label}`} busy={update.isPending} onSave={(value) => save(item, column, value)} onCancel={() => setEditing(null)} />;
      }
      return (
        <div className="loop-row loop-row-tight" style={{ alignItems: "flex-start", flexWrap: "nowrap" }}>
          <ContentCell content={cellOf(item, column)?.content} />
          {editable && (
            <Button size="small" theme="borderless" icon={<IconEdit aria-hidden />} aria-label={`Edit ${label}`} onClick={() => setEditing({ itemId, column: column.key ?? column.name ?? "" })} />
          )}
        </div>
      );
    },
  }));

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
            rowKey={(item?: EvalSetItem) => item?.item_id ?? item?.id ?? ""}
            columns={[{ title: "#", key: "index", width: 56, render: (_: unknown, item: EvalSetItem) => <span className="loop-muted">{rowIndex(item)}</span> }, ...tableColumns]}
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
    </>
  );
}
