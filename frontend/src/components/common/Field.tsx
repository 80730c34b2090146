import type { ReactNode } from "react";

/** A visible label bound to its control by id (the control receives `id`, or `aria-labelledby={labelId}`). */
export function Field({ id, label, hint, children }: { id: string; label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="loop-field">
      <label htmlFor={id} id={`${id}-label`} className="loop-field-label">
        {label}
      </label>
      {children}
      {hint && <div className="loop-field-hint">{hint}</div>}
    </div>
  );
}
