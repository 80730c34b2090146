import type { MutateOptions, UseMutationResult } from "@tanstack/react-query";
import { useRef } from "react";

/**
 * Run a mutation from a form submit or a confirm button at most once at a time. Semi's `loading` only turns off
 * pointer events, so Enter (or a focused button's Enter/Space) would send the request again. The ref blocks a repeat
 * even before React re-renders; also put `disabled={busy}` on the submit button.
 */
export function useSubmitOnce<TData, TError, TVariables, TContext>(mutation: UseMutationResult<TData, TError, TVariables, TContext>) {
  const inFlight = useRef(false);
  const submit = (variables: TVariables, options?: MutateOptions<TData, TError, TVariables, TContext>) => {
    if (inFlight.current || mutation.isPending) return;
    inFlight.current = true;
    // mutateAsync settles even if the caller resets the mutation meanwhile; errors are shown from mutation.error.
    void mutation
      .mutateAsync(variables, options)
      .catch(() => undefined)
      .finally(() => {
        inFlight.current = false;
      });
  };
  return { submit, busy: mutation.isPending };
}
