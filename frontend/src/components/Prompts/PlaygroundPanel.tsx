import { IconDelete, IconSend, IconStop } from "@douyinfe/semi-icons";
import { Banner, Button, TextArea } from "@douyinfe/semi-ui";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { streamDebug, type DebugDelta, type VariableValue } from "../../api/debugStream";
import { errorMessage } from "../../api/errors";
import type { PromptDetail, PromptMessage } from "../../api/prompts";

interface ToolCallView {
  id: string;
  name: string;
  arguments: string;
}

export interface Turn {
  role: "user" | "assistant";
  content: string;
  reasoning?: string;
  toolCalls?: ToolCallView[];
  error?: string;
  stats?: { firstTokenMs: number | null; totalMs: number; inputTokens?: number; outputTokens?: number; stopped?: boolean };
}

interface Props {
  spaceId: string;
  promptId: string;
  promptKey?: string;
  detail: PromptDetail;
}

function mergeToolCalls(previous: ToolCallView[], delta: NonNullable<DebugDelta["delta"]>["tool_calls"]): ToolCallView[] {
  const next = [...previous];
  for (const call of delta ?? []) {
    const index = call.index ?? next.length;
    const current = next[index] ?? { id: "", name: "", arguments: "" };
    next[index] = {
      id: call.id ?? current.id,
      name: call.function_call?.name ?? current.name,
      arguments: current.arguments + (call.function_call?.arguments ?? ""),
    };
  }
  return next;
}

function variableValues(detail: PromptDetail, values: Record<string, string>): { vals: VariableValue[]; problem: string | null } {
  const vals: VariableValue[] = [];
  for (const def of detail.prompt_template?.variable_defs ?? []) {
    const raw = values[def.key] ?? "";
    if (def.type === "placeholder") {
      if (!raw.trim()) {
        vals.push({ key: def.key, placeholder_messages: [] });
        continue;
      }
      try {
        const parsed: unknown = JSON.parse(raw);
        if (!Array.isArray(parsed)) throw new Error("not an array");
        vals.push({ key: def.key, placeholder_messages: parsed as PromptMessage[] });
      } catch {
        return { vals, problem: `${def.key}: enter a JSON array of messages, e.g. [{"role":"user","content":"hi"}]` };
      }
    } else {
      vals.push({ key: def.key, value: raw });
    }
  }
  return { vals, problem: null };
}

/**
 * The conversation so far, as messages for the next run. An assistant turn with no text sends its tool calls, or
 * nothing when it has none (stopped before the first token, or failed); the user message that started such an
 * empty turn is dropped with it, so the next run never sends two user messages in a row.
 */
export function historyMessages(turns: readonly Turn[]): PromptMessage[] {
  const messages: PromptMessage[] = [];
  turns.forEach((turn, i) => {
    if (turn.role === "user") {
      const answer = turns[i + 1];
      if (answer?.role === "assistant" && answerMessage(answer) === null) return;
      messages.push({ role: "user", content: turn.content });
      return;
    }
    const message = answerMessage(turn);
    if (message) messages.push(message);
  });
  return messages;
}

function answerMessage(turn: Turn): PromptMessage | null {
  const calls = (turn.toolCalls ?? []).filter((call) => call.name);
  if (turn.content) return { role: "assistant", content: turn.content, ...(calls.length ? { tool_calls: toolCallMessages(calls) } : {}) };
  if (calls.length) return { role: "assistant", content: null, tool_calls: toolCallMessages(calls) };
  return null;
}

function toolCallMessages(calls: ToolCallView[]) {
  return calls.map((call, index) => ({ index, id: call.id || null, type: "function" as const, function_call: { name: call.name, arguments: call.arguments } }));
}

/** Run what is on screen (the unsaved draft) against the model, streaming the answer. */
export function PlaygroundPanel({ spaceId, promptId, promptKey, detail }: Props) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [mocks, setMocks] = useState<Record<string, string>>({});
  const [turns, setTurns] = useState<Turn[]>([]);
  const [input, setInput] = useState("");
  const [running, setRunning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const outputRef = useRef<HTMLDivElement>(null);

  useEffect(() => () => abortRef.current?.abort(), []);
  useEffect(() => {
    const node = outputRef.current;
    if (node && typeof node.scrollTo === "function") node.scrollTo({ top: node.scrollHeight });
  }, [turns]);

  const defs = detail.prompt_template?.variable_defs ?? [];
  const tools = detail.tools ?? [];

  const run = () => {
    if (running) return;
    const { vals, problem: valueProblem } = variableValues(detail, values);
    if (valueProblem) {
      setProblem(valueProblem);
      return;
    }
    setProblem(null);
    const history = historyMessages(turns);
    const text = input.trim();
    const newTurns: Turn[] = text ? [{ role: "user", content: text }] : [];
    const messages = text ? [...history, { role: "user" as const, content: text }] : history;
    const base = turns.length + newTurns.length;
    setTurns((current) => [...current, ...newTurns, { role: "assistant", content: "" }]);
    setInput("");
    setRunning(true);

    const controller = new AbortController();
    abortRef.current = controller;
    const started = performance.now();
    let firstTokenMs: number | null = null;
    const update = (patch: (turn: Turn) => Turn) => setTurns((current) => current.map((turn, i) => (i === base ? patch(turn) : turn)));

    streamDebug(
      {
        promptId,
        workspaceId: spaceId,
        promptKey,
        detail,
        messages,
        variableVals: vals,
        mockTools: tools.map((tool) => ({ name: tool.function.name, mock_response: mocks[tool.function.name] ?? "" })),
      },
      (event) => {
        if (event.event === "error") {
          update((turn) => ({ ...turn, error: event.data.msg }));
          return;
        }
        const { delta, usage } = event.data;
        if (firstTokenMs === null && (delta?.content || delta?.reasoning_content || delta?.tool_calls?.length)) firstTokenMs = Math.round(performance.now() - started);
        update((turn) => ({
          ...turn,
          content: turn.content + (delta?.content ?? ""),
          reasoning: (turn.reasoning ?? "") + (delta?.reasoning_content ?? "") || undefined,
          toolCalls: delta?.tool_calls?.length ? mergeToolCalls(turn.toolCalls ?? [], delta.tool_calls) : turn.toolCalls,
          stats: usage ? { firstTokenMs, totalMs: 0, inputTokens: usage.input_tokens, outputTokens: usage.output_tokens } : turn.stats,
        }));
      },
      controller.signal,
    )
      .catch((error: unknown) => {
        if (controller.signal.aborted) {
          update((turn) => ({ ...turn, stats: { ...(turn.stats ?? { firstTokenMs }), totalMs: 0, stopped: true } }));
          return;
        }
        update((turn) => ({ ...turn, error: errorMessage(error) }));
      })
      .finally(() => {
        const totalMs = Math.round(performance.now() - started);
        update((turn) => ({ ...turn, stats: { ...(turn.stats ?? {}), firstTokenMs, totalMs } }));
        if (abortRef.current === controller) abortRef.current = null;
        setRunning(false);
      });
  };

  const stop = () => abortRef.current?.abort();
  const onInputKey = (event: KeyboardEvent) => {
    if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      run();
    }
  };

  return (
    <section className="loop-card loop-playground" aria-labelledby="playground-heading">
      <div className="loop-section-header">
        <h2 id="playground-heading" className="loop-card-title">
          Playground
        </h2>
        <Button icon={<IconDelete aria-hidden />} theme="borderless" disabled={running || turns.length === 0} onClick={() => setTurns([])}>
          Clear chat
        </Button>
      </div>
      {defs.length > 0 && (
        <fieldset className="loop-fieldset">
          <legend className="loop-field-label">Variable values</legend>
          {defs.map((def) => (
            <div className="loop-field" key={def.key}>
              <label htmlFor={`value-${def.key}`} className="loop-field-label">
                {def.key} <span className="loop-muted">({def.type})</span>
              </label>
              <TextArea
                id={`value-${def.key}`}
                autosize={{ minRows: 1, maxRows: 8 }}
                value={values[def.key] ?? ""}
                placeholder={def.type === "placeholder" ? '[{"role":"user","content":"…"}]' : def.type === "string" ? "" : "JSON value"}
                onChange={(value) => setValues((current) => ({ ...current, [def.key]: value }))}
              />
            </div>
          ))}
        </fieldset>
      )}
      {tools.length > 0 && (
        <fieldset className="loop-fieldset">
          <legend className="loop-field-label">Mock tool responses</legend>
          <p className="loop-field-hint">When the model calls a tool, the playground answers with this text and lets the model continue.</p>
          {tools.map((tool) => (
            <div className="loop-field" key={tool.function.name}>
              <label htmlFor={`mock-${tool.function.name}`} className="loop-field-label">
                {tool.function.name}
              </label>
              <TextArea
                id={`mock-${tool.function.name}`}
                autosize={{ minRows: 1, maxRows: 6 }}
                value={mocks[tool.function.name] ?? ""}
                onChange={(value) => setMocks((current) => ({ ...current, [tool.function.name]: value }))}
              />
            </div>
          ))}
        </fieldset>
      )}
      <div className="loop-chat" ref={outputRef} aria-live="polite" aria-label="Conversation" role="log">
        {turns.length === 0 && <p className="loop-muted">Run the prompt to see the model's answer here. Add a message below to continue the conversation.</p>}
        {turns.map((turn, index) => (
          <div key={index} className={`loop-turn loop-turn-${turn.role}`} data-testid={turn.role === "assistant" ? "assistant-turn" : "user-turn"}>
            <div className="loop-turn-role">{turn.role === "user" ? "You" : "Assistant"}</div>
            {turn.reasoning && <div className="loop-turn-reasoning">{turn.reasoning}</div>}
            {(turn.content || (running && index === turns.length - 1 && !turn.error)) && (
              <div className="loop-turn-content">{turn.content || <span className="loop-muted">…</span>}</div>
            )}
            {turn.toolCalls?.map((call) => (
              <div key={call.id || call.name} className="loop-turn-tool">
                Called <code>{call.name}</code>({call.arguments})
              </div>
            ))}
            {turn.error && (
              <Banner type="danger" fullMode={false} closeIcon={null} description={turn.error} className="loop-turn-error" />
            )}
            {turn.stats && (
              <div className="loop-turn-stats loop-muted" data-testid="run-stats">
                {turn.stats.stopped && "Stopped · "}
                {turn.stats.firstTokenMs !== null && `First token ${turn.stats.firstTokenMs} ms · `}
                {turn.stats.totalMs > 0 && `Total ${turn.stats.totalMs} ms`}
                {turn.stats.inputTokens !== undefined && ` · Tokens ${turn.stats.inputTokens} in / ${turn.stats.outputTokens} out`}
              </div>
            )}
          </div>
        ))}
      </div>
      {problem && (
        <div className="loop-form-error" role="alert">
          {problem}
        </div>
      )}
      <div className="loop-field">
        <label htmlFor="playground-input" className="loop-field-label">
          Message
        </label>
        <TextArea
          id="playground-input"
          autosize={{ minRows: 2, maxRows: 8 }}
          value={input}
          placeholder="Optional: a user message after the template (Ctrl/⌘+Enter to run)"
          onChange={setInput}
          onKeyDown={onInputKey}
        />
      </div>
      <div className="loop-form-actions">
        {running ? (
          <Button type="danger" icon={<IconStop aria-hidden />} onClick={stop}>
            Stop
          </Button>
        ) : (
          <Button theme="solid" icon={<IconSend aria-hidden />} onClick={run}>
            Run
          </Button>
        )}
      </div>
    </section>
  );
}
