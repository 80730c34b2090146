import type { ReactNode } from "react";

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="loop-page-header">
      <div>
        <h1>{title}</h1>
        {description && <p className="loop-muted">{description}</p>}
      </div>
      {actions && <div className="loop-page-actions">{actions}</div>}
    </div>
  );
}
