import { SideSheet } from "@douyinfe/semi-ui";
import { Fragment, type ReactNode } from "react";
import type { EvalFieldSchema, EvalSetItem } from "../../../api/evaluationSets";
import { turnCount } from "../../../lib/evalSetItems";
import "../evaluation.css";

/** Every turn of a multi-turn item, each with a cell per column (`renderCell` edits them where the table does). */
export function ItemTurnsSheet({
  title,
  item,
  columns,
  renderCell,
  onClose,
}: {
  title: string;
  item: EvalSetItem | null;
  columns: EvalFieldSchema[];
  renderCell: (item: EvalSetItem, column: EvalFieldSchema, turn: number) => ReactNode;
  onClose: () => void;
}) {
  return (
    <SideSheet title={title} visible={item !== null} onCancel={onClose} width={640} closeOnEsc>
      {item && (
        <div className="loop-form" data-testid="item-turns">
          {Array.from({ length: turnCount(item) }, (_, turn) => (
            <section key={item.turns?.[turn]?.id ?? turn} className="loop-eval-section loop-eval-turn" aria-label={`Turn ${turn + 1}`}>
              <h3>{`Turn ${turn + 1}`}</h3>
              <dl className="loop-eval-kv">
                {columns.map((column) => (
                  <Fragment key={column.key ?? column.name}>
                    <dt>{column.name}</dt>
                    <dd>{renderCell(item, column, turn)}</dd>
                  </Fragment>
                ))}
              </dl>
            </section>
          ))}
        </div>
      )}
    </SideSheet>
  );
}
