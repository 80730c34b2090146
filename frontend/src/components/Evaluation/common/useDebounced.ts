import { useEffect, useState } from "react";

/** `value`, once it has stopped changing for `ms` (search boxes ask the server after typing pauses). */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** Page state that goes back to page 1 whenever `filterKey` (the filters, as a string) changes. */
export function usePaging(filterKey: string): [number, (page: number) => void] {
  const [paging, setPaging] = useState({ filterKey, page: 1 });
  const page = paging.filterKey === filterKey ? paging.page : 1;
  return [page, (next: number) => setPaging({ filterKey, page: next })];
}
