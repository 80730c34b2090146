import { Button, Checkbox, Tag } from "@douyinfe/semi-ui";
import { createContext, useContext, useMemo, useState } from "react";
import { isImagePart, parsePayload, safeUrl, type ChatMessage, type ChatPart } from "../../lib/modelPayload";
import { CopyButton } from "../common/CopyButton";

/**
 * Longer texts show their first CLIP_CHARS characters and a "Show all" button: laying out a 1 MiB payload (the
 * ingest limit) in one go would freeze the drawer for seconds. Copy always copies everything.
 */
export const CLIP_CHARS = 20_000;
/** Chats longer than this show their first CLIP_MESSAGES messages and a "Show all" button. */
export const CLIP_MESSAGES = 100;

function size(chars: number): string {
  return chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} M characters` : `${chars.toLocaleString()} characters`;
}

/** `text`, cut at `limit` characters with a "Show all" button when it is longer. */
export function Clipped({ text, limit = CLIP_CHARS, pre = false, className }: { text: string; limit?: number; pre?: boolean; className?: string }) {
  // Expanded for this text only: a new text (another span) starts clipped again.
  const [expanded, setExpanded] = useState<string | null>(null);
  const clipped = expanded !== text && text.length > limit;
  const shown = clipped ? `${text.slice(0, limit)}…` : text;
  const body = pre ? <pre className={className ?? "loop-payload-pre"}>{shown}</pre> : <div className={className ?? "loop-turn-content"}>{shown}</div>;
  if (!clipped) return body;
  return (
    <div className="loop-clipped">
      {body}
      <div className="loop-row loop-row-tight">
        <span className="loop-muted">
          Showing the first {limit.toLocaleString()} of {size(text.length)}.
        </span>
        <Button size="small" theme="light" onClick={() => setExpanded(text)}>
          Show all
        </Button>
      </div>
    </div>
  );
}

function prettyArguments(raw: string): string {
  if (raw.length > CLIP_CHARS * 10) return raw;
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/** What a media part is called: its name, else its URL (a data: URL only up to its comma). */
function mediaName(part: ChatPart): string {
  if (part.name) return part.name;
  if (!part.url) return "(no URL)";
  if (part.url.startsWith("data:")) {
    const comma = part.url.indexOf(",");
    return `${part.url.slice(0, comma > 0 ? Math.min(comma + 1, 60) : 40)}…`;
  }
  return part.url.length > 120 ? `${part.url.slice(0, 119)}…` : part.url;
}

/**
 * Files the SDK uploaded for a span (its `attr_tos.multimodal_data`): the SDK replaces an inline image's URL with the
 * upload's key, and the server signs a URL for each key.
 */
export const UploadedMedia = createContext<Record<string, string>>({});

function Part({ part }: { part: ChatPart }) {
  const uploaded = useContext(UploadedMedia);
  if (part.text !== undefined && !part.url) return <Clipped text={part.text} />;
  const url = (part.url && uploaded[part.url]) || part.url;
  const label = `${isImagePart(part) ? "Image" : "File"}: ${mediaName(part)}`;
  const image = isImagePart(part) ? safeUrl(url, "image") : null;
  const href = safeUrl(url);
  const thumbnail = image && <img src={image} alt="" className="loop-chat-image" loading="lazy" referrerPolicy="no-referrer" />;
  return (
    <div className="loop-chat-part">
      {part.text !== undefined && <Clipped text={part.text} />}
      {href ? (
        <a href={href} target="_blank" rel="noreferrer noopener" className="loop-chat-media">
          {thumbnail}
          <span>{label}</span>
        </a>
      ) : (
        <span className="loop-chat-media">
          {thumbnail}
          <span className="loop-muted">{label}</span>
        </span>
      )}
    </div>
  );
}

export function ChatMessages({ messages, label }: { messages: ChatMessage[]; label: string }) {
  const [expanded, setExpanded] = useState<ChatMessage[] | null>(null);
  const shown = expanded === messages ? messages : messages.slice(0, CLIP_MESSAGES);
  return (
    <>
      <ol className="loop-chat-messages" aria-label={label}>
        {shown.map((message, index) => (
          <li key={index} className={`loop-chat-message loop-chat-role-${message.role}`} data-testid="chat-message">
            <div className="loop-chat-message-head">
              <span className="loop-turn-role">{message.role}</span>
              {message.name && <span className="loop-muted loop-mono-small">{message.name}</span>}
              {message.toolCallId && <span className="loop-muted loop-mono-small">reply to {message.toolCallId}</span>}
              {message.finishReason && (
                <Tag size="small" color="grey">
                  finish: {message.finishReason}
                </Tag>
              )}
            </div>
            {message.reasoning && <Clipped text={message.reasoning} className="loop-turn-reasoning" />}
            {message.content && <Clipped text={message.content} />}
            {message.parts.map((part, partIndex) => (
              <Part key={partIndex} part={part} />
            ))}
            {message.toolCalls.map((call, callIndex) => (
              <div key={call.id ?? callIndex} className="loop-chat-tool-call">
                <div className="loop-turn-tool">
                  Tool call <code>{call.name || "(unnamed)"}</code>
                  {call.id && <span className="loop-muted"> ({call.id})</span>}
                </div>
                {call.arguments && <Clipped pre text={prettyArguments(call.arguments)} />}
              </div>
            ))}
            {!message.content && message.parts.length === 0 && message.toolCalls.length === 0 && !message.reasoning && <div className="loop-muted">(empty)</div>}
          </li>
        ))}
      </ol>
      {shown.length < messages.length && (
        <div className="loop-row loop-row-tight">
          <span className="loop-muted">
            Showing the first {shown.length} of {messages.length} messages.
          </span>
          <Button size="small" theme="light" onClick={() => setExpanded(messages)}>
            Show all messages
          </Button>
        </div>
      )}
    </>
  );
}

/** A span's input or output: chat messages for ModelInput / ModelOutput JSON, pretty JSON, else text; "Raw" shows the string as sent. */
export function PayloadView({ title, raw }: { title: string; raw: string }) {
  const payload = useMemo(() => parsePayload(raw), [raw]);
  const [showRaw, setShowRaw] = useState(false);
  const rendered = payload.kind === "messages" || payload.kind === "choices" || payload.kind === "json";
  return (
    <section className="loop-payload" aria-label={title}>
      <div className="loop-payload-head">
        <h3>{title}</h3>
        {payload.kind !== "empty" && (
          <>
            {rendered && (
              <Checkbox checked={showRaw} onChange={(event) => setShowRaw(!!event.target.checked)}>
                Raw
              </Checkbox>
            )}
            <CopyButton compact text={raw} label={`Copy ${title.toLowerCase()}`} />
          </>
        )}
      </div>
      {payload.kind === "empty" && <p className="loop-muted">Empty</p>}
      {payload.kind !== "empty" && showRaw && <Clipped pre text={raw} />}
      {!showRaw && payload.kind === "messages" && (
        <>
          <ChatMessages messages={payload.messages} label={`${title} messages`} />
          {payload.tools.length > 0 && <p className="loop-muted">Tools: {payload.tools.map((tool) => tool.name).join(", ")}</p>}
        </>
      )}
      {!showRaw && payload.kind === "choices" && <ChatMessages messages={payload.messages} label={`${title} messages`} />}
      {!showRaw && payload.kind === "json" && <Clipped pre text={payload.pretty} />}
      {payload.kind === "text" && <Clipped pre text={payload.text} className="loop-payload-pre loop-payload-text" />}
    </section>
  );
}
