import { Checkbox, Tag } from "@douyinfe/semi-ui";
import { useMemo, useState } from "react";
import { parsePayload, type ChatMessage } from "../../lib/modelPayload";
import { CopyButton } from "../common/CopyButton";

function prettyArguments(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

export function ChatMessages({ messages, label }: { messages: ChatMessage[]; label: string }) {
  return (
    <ol className="loop-chat-messages" aria-label={label}>
      {messages.map((message, index) => (
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
          {message.reasoning && <div className="loop-turn-reasoning">{message.reasoning}</div>}
          {message.content && <div className="loop-turn-content">{message.content}</div>}
          {message.parts.map((part, partIndex) => (
            <div key={partIndex} className="loop-chat-part">
              {part.text !== undefined && <div className="loop-turn-content">{part.text}</div>}
              {part.url && (
                <a href={part.url} target="_blank" rel="noreferrer noopener">
                  {part.type === "image_url" ? "Image" : "File"}: {part.name || part.url.slice(0, 80)}
                </a>
              )}
            </div>
          ))}
          {message.toolCalls.map((call, callIndex) => (
            <div key={call.id ?? callIndex} className="loop-chat-tool-call">
              <div className="loop-turn-tool">
                Tool call <code>{call.name}</code>
                {call.id && <span className="loop-muted"> ({call.id})</span>}
              </div>
              {call.arguments && <pre className="loop-payload-pre">{prettyArguments(call.arguments)}</pre>}
            </div>
          ))}
          {!message.content && message.parts.length === 0 && message.toolCalls.length === 0 && !message.reasoning && <div className="loop-muted">(empty)</div>}
        </li>
      ))}
    </ol>
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
      {payload.kind !== "empty" && showRaw && <pre className="loop-payload-pre">{raw}</pre>}
      {!showRaw && payload.kind === "messages" && (
        <>
          <ChatMessages messages={payload.messages} label={`${title} messages`} />
          {payload.tools.length > 0 && (
            <p className="loop-muted">
              Tools: {payload.tools.map((tool) => tool.name).join(", ")}
            </p>
          )}
        </>
      )}
      {!showRaw && payload.kind === "choices" && <ChatMessages messages={payload.messages} label={`${title} messages`} />}
      {!showRaw && payload.kind === "json" && <pre className="loop-payload-pre">{payload.pretty}</pre>}
      {payload.kind === "text" && <pre className="loop-payload-pre loop-payload-text">{payload.text}</pre>}
    </section>
  );
}
