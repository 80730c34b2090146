import type { UseMutationResult } from "@tanstack/react-query";
import { Toast } from "@douyinfe/semi-ui";
import { useState } from "react";
import { errorMessage } from "../../api/errors";
import { useSubmitOnce } from "./useSubmitOnce";

/**
 * The "delete this?" flow of a table: `ask(row)` opens the confirm dialog, `confirm()` deletes once (Enter-safe)
 * and says how it went in a toast, `cancel()` closes. `pending` is the row awaiting confirmation.
 */
export function useConfirmedDelete<Row, TData, TContext>(
  mutation: UseMutationResult<TData, Error, string, TContext>,
  describe: (row: Row) => { id: string; label: string },
) {
  const remove = useSubmitOnce(mutation);
  const [pending, setPending] = useState<Row | null>(null);
  const confirm = () => {
    if (pending === null) return;
    const { id, label } = describe(pending);
    remove.submit(id, {
      onSuccess: () => {
        setPending(null);
        Toast.success(`Deleted ${label}`);
      },
      onError: (error) => Toast.error(`Could not delete ${label}: ${errorMessage(error)}`),
    });
  };
  return { pending, ask: setPending, cancel: () => setPending(null), confirm, busy: remove.busy };
}
