import { TabPane, Tabs, Tag } from "@douyinfe/semi-ui";
import type { OutputSpan } from "../../api/traces";
import { formatLatency, formatMs } from "../../lib/timeRange";
import { CopyButton } from "../common/CopyButton";
import { FeedbackPanel } from "./FeedbackPanel";
import { PayloadView } from "./PayloadView";
import { StatusTag } from "./SpanTable";

function TagTable({ title, tags }: { title: string; tags: Record<string, string> }) {
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className="loop-tag-section" aria-label={title}>
      <h3>{title}</h3>
      {entries.length === 0 ? (
        <p className="loop-muted">None</p>
      ) : (
        <table className="loop-kv-table" aria-label={title}>
          <tbody>
            {entries.map(([key, value]) => (
              <tr key={key}>
                <th scope="row">{key}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The selected span: what it is, its input and output, its tags and its feedback. */
export function SpanDetail({ spaceId, span }: { spaceId: string; span: OutputSpan }) {
  const annotations = span.annotations?.length ?? 0;
  return (
    <div className="loop-span-detail" aria-label={`Span ${span.span_name}`} role="region">
      <div className="loop-span-detail-head">
        <h2 className="loop-card-title">{span.span_name || "(unnamed)"}</h2>
        <Tag size="small" color="blue">
          {span.span_type}
        </Tag>
        <StatusTag status={span.status} />
      </div>
      <dl className="loop-span-facts">
        <div>
          <dt>Latency</dt>
          <dd>{formatLatency(Number(span.duration))}</dd>
        </div>
        <div>
          <dt>Start time</dt>
          <dd>{formatMs(Number(span.started_at))}</dd>
        </div>
        <div>
          <dt>Span ID</dt>
          <dd className="loop-mono-small">
            {span.span_id} <CopyButton compact text={span.span_id} label="Copy span ID" />
          </dd>
        </div>
        {span.status_code !== 0 && (
          <div>
            <dt>Status code</dt>
            <dd>{span.status_code}</dd>
          </div>
        )}
        {span.tags_string?.model_name && (
          <div>
            <dt>Model</dt>
            <dd>{span.tags_string.model_name}</dd>
          </div>
        )}
        {span.tags_string?.error && (
          <div className="loop-span-error">
            <dt>Error</dt>
            <dd>{span.tags_string.error}</dd>
          </div>
        )}
      </dl>
      <Tabs type="line" size="small" keepDOM={false} tabPaneMotion={false}>
        <TabPane tab="Input & output" itemKey="io">
          <div className="loop-span-io">
            <PayloadView title="Input" raw={span.input} />
            <PayloadView title="Output" raw={span.output} />
          </div>
        </TabPane>
        <TabPane tab="Tags" itemKey="tags">
          <TagTable title="Custom tags" tags={span.custom_tags ?? {}} />
          <TagTable title="System tags" tags={span.system_tags ?? {}} />
        </TabPane>
        <TabPane tab={annotations ? `Feedback (${annotations})` : "Feedback"} itemKey="feedback">
          <FeedbackPanel key={span.span_id} spaceId={spaceId} span={span} />
        </TabPane>
      </Tabs>
    </div>
  );
}
