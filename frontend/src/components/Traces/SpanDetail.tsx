import { Button, TabPane, Tabs, Tag } from "@douyinfe/semi-ui";
import { useState } from "react";
import { useWholeSpan, type OutputSpan } from "../../api/traces";
import { formatTimestamp } from "../../lib/time";
import { formatLatency } from "../../lib/timeRange";
import { CopyButton } from "../common/CopyButton";
import { ErrorState } from "../common/QueryState";
import { FeedbackPanel } from "./FeedbackPanel";
import { PayloadView, UploadedMedia } from "./PayloadView";
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

/**
 * The span's input and output (its own component, keyed by the span: "Show all", "Raw" and a loaded whole span
 * never carry over to the next span). When the trace's answer cut them (`clipped`), "Load them whole" asks again.
 */
function SpanPayloads({ spaceId, span }: { spaceId: string; span: OutputSpan }) {
  const [wanted, setWanted] = useState(false);
  const whole = useWholeSpan(spaceId, span, span.clipped && wanted);
  const shown = whole.data ?? span;
  return (
    <div className="loop-span-io">
      {span.clipped && !whole.data && (
        <div className="loop-row loop-row-tight loop-clip-note">
          <span className="loop-muted">This span&apos;s input and output were shortened to fit the trace&apos;s answer; copying copies the shortened text.</span>
          <Button size="small" loading={whole.isFetching} disabled={whole.isFetching} onClick={() => (wanted ? void whole.refetch() : setWanted(true))}>
            Load them whole
          </Button>
        </div>
      )}
      {whole.isError && <ErrorState title="Could not load the whole span" error={whole.error} onRetry={() => void whole.refetch()} />}
      <UploadedMedia.Provider value={span.attr_tos?.multimodal_data ?? {}}>
        <UploadedText label="input" url={span.attr_tos?.input_data_url} />
        <PayloadView title="Input" raw={shown.input} />
        <UploadedText label="output" url={span.attr_tos?.output_data_url} />
        <PayloadView title="Output" raw={shown.output} />
      </UploadedMedia.Provider>
    </div>
  );
}

/** The SDK uploads a text over 1 MiB as a file (`ultra_large_report`) and keeps only its start in the span. */
function UploadedText({ label, url }: { label: string; url: string | null | undefined }) {
  if (!url) return null;
  return (
    <div className="loop-row loop-row-tight loop-clip-note">
      <span className="loop-muted">The whole {label} was uploaded as a file; below is its start.</span>
      <a href={url} target="_blank" rel="noreferrer noopener">
        Open the whole {label}
      </a>
    </div>
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
          <dd>{formatTimestamp(span.started_at, "full")}</dd>
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
          <SpanPayloads key={`${span.trace_id}:${span.span_id}`} spaceId={spaceId} span={span} />
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
