import { useEffect, useRef, type ReactNode } from "react";

/**
 * Semi's Table cannot name its <table>; this names it (aria-label) so assistive tech and tests can find it
 * by role and name. Semi marks it role="grid" without grid keyboard support, so it is exposed as a plain table.
 * Semi renders the <table> after its own updates, so watch the subtree.
 */
export function LabelledTable({ label, children }: { label: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const apply = () =>
      root.querySelectorAll("table").forEach((table) => {
        if (table.getAttribute("aria-label") !== label) table.setAttribute("aria-label", label);
        if (table.getAttribute("role") !== "table") table.setAttribute("role", "table");
      });
    apply();
    const observer = new MutationObserver(apply);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [label]);
  return <div ref={ref}>{children}</div>;
}
