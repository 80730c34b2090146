import { Empty } from "@douyinfe/semi-ui";
import type { ModuleItem } from "../../app/modules";

/** What a planned module shows until its page lands: one heading (the item name) and a friendly note. */
export default function ComingSoonPage({ item }: { item: Pick<ModuleItem, "label" | "summary"> }) {
  return (
    <div className="loop-page">
      <h1>{item.label}</h1>
      <Empty
        className="loop-coming-soon"
        description={
          <>
            <p className="loop-coming-soon-lead">{item.label} is coming soon.</p>
            <p className="loop-muted">{item.summary} This page is not built yet; it will appear here in a coming release.</p>
          </>
        }
      />
    </div>
  );
}
