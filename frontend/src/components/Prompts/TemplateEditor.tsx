import { IconArrowDown, IconArrowUp, IconDelete, IconPlus } from "@douyinfe/semi-icons";
import { Button, Input, RadioGroup, Radio, Select, TextArea } from "@douyinfe/semi-ui";
import type { MessageRole, ModelConfig, ModelView, PromptDetail, PromptMessage, PromptTool, TemplateType, VariableDef, VariableType } from "../../api/prompts";
import { syncVariableDefs, VARIABLE_TYPES } from "../../lib/promptVariables";
import { ErrorState, Loading } from "../common/QueryState";
import { ModelPicker, ParamControls } from "./ModelSettings";

const ROLES: { value: MessageRole; label: string }[] = [
  { value: "system", label: "System" },
  { value: "user", label: "User" },
  { value: "assistant", label: "Assistant" },
  { value: "placeholder", label: "Placeholder (history)" },
];

interface ModelsState {
  data?: ModelView[];
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

interface Props {
  detail: PromptDetail;
  onChange: (detail: PromptDetail) => void;
  models: ModelsState;
}

function template(detail: PromptDetail) {
  return detail.prompt_template ?? { template_type: "normal" as TemplateType, messages: [], variable_defs: [] };
}

/** Is `text` a JSON object (a tool's parameters schema)? Returns the problem, or null. */
export function jsonSchemaProblem(text: string): string | null {
  if (!text.trim()) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return "The schema must be a JSON object.";
    return null;
  } catch (error) {
    return `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export function TemplateEditor({ detail, onChange, models }: Props) {
  const tpl = template(detail);
  const messages = tpl.messages ?? [];
  const defs = tpl.variable_defs ?? [];

  const setTemplate = (next: { template_type?: TemplateType; messages?: PromptMessage[]; variable_defs?: VariableDef[] }) => {
    const templateType = next.template_type ?? tpl.template_type;
    const nextMessages = next.messages ?? messages;
    const nextDefs = syncVariableDefs(nextMessages, templateType, next.variable_defs ?? defs);
    onChange({ ...detail, prompt_template: { ...tpl, template_type: templateType, messages: nextMessages, variable_defs: nextDefs } });
  };
  const setMessage = (index: number, patch: Partial<PromptMessage>) => setTemplate({ messages: messages.map((m, i) => (i === index ? { ...m, ...patch } : m)) });
  const move = (index: number, by: number) => {
    const next = [...messages];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    setTemplate({ messages: next });
  };

  const tools = detail.tools ?? [];
  const setTools = (next: PromptTool[]) => {
    const config = detail.tool_call_config ?? { tool_choice: "auto" };
    const specific = config.tool_choice_specification?.name;
    const keep = specific && next.some((tool) => tool.function.name === specific);
    onChange({ ...detail, tools: next, tool_call_config: keep || config.tool_choice !== "specific" ? config : { tool_choice: "auto" } });
  };
  const setTool = (index: number, patch: Partial<PromptTool["function"]>) => setTools(tools.map((t, i) => (i === index ? { ...t, function: { ...t.function, ...patch } } : t)));
  const toolChoice = detail.tool_call_config?.tool_choice ?? "auto";

  const modelConfig: ModelConfig = detail.model_config ?? {};
  const setModelConfig = (config: ModelConfig) => onChange({ ...detail, model_config: config });
  const selectedModel = models.data?.find((m) => m.model_id === String(modelConfig.model_id ?? ""));

  return (
    <div className="loop-template-editor">
      <section className="loop-card" aria-labelledby="model-heading">
        <h2 id="model-heading" className="loop-card-title">
          Model
        </h2>
        {models.isPending && <Loading label="Loading models…" />}
        {models.isError && <ErrorState title="Could not load the models" error={models.error} onRetry={() => void models.refetch()} />}
        {models.data && (
          <>
            <div className="loop-field">
              <label id="prompt-model-label" htmlFor="prompt-model" className="loop-visually-hidden">
                Model
              </label>
              <ModelPicker id="prompt-model" models={models.data} config={modelConfig} onChange={setModelConfig} />
              {modelConfig.model_id && !selectedModel && <div className="loop-form-error">Model {String(modelConfig.model_id)} is not available in this workspace.</div>}
            </div>
            {selectedModel && <ParamControls idPrefix="param" schemas={selectedModel.param_config.param_schemas ?? []} config={modelConfig} onChange={setModelConfig} />}
          </>
        )}
      </section>

      <section className="loop-card" aria-labelledby="template-heading">
        <div className="loop-section-header">
          <h2 id="template-heading" className="loop-card-title">
            Prompt template
          </h2>
          <RadioGroup
            type="button"
            aria-label="Template type"
            value={tpl.template_type}
            onChange={(event) => setTemplate({ template_type: event.target.value as TemplateType })}
          >
            <Radio value="normal">Normal {"{{var}}"}</Radio>
            <Radio value="jinja2">Jinja2</Radio>
          </RadioGroup>
        </div>
        <ol className="loop-message-list">
          {messages.map((message, index) => {
            const id = `message-${index}`;
            const placeholder = message.role === "placeholder";
            return (
              <li key={index} className="loop-message">
                <div className="loop-message-toolbar">
                  <span id={`${id}-role-label`} className="loop-visually-hidden">
                    Role of message {index + 1}
                  </span>
                  <Select
                    aria-labelledby={`${id}-role-label`}
                    size="small"
                    value={message.role}
                    optionList={ROLES}
                    onChange={(role) => setMessage(index, { role: role as MessageRole })}
                    style={{ width: 190 }}
                  />
                  <span className="loop-header-spacer" />
                  <Button size="small" theme="borderless" icon={<IconArrowUp aria-hidden />} aria-label={`Move message ${index + 1} up`} disabled={index === 0} onClick={() => move(index, -1)} />
                  <Button
                    size="small"
                    theme="borderless"
                    icon={<IconArrowDown aria-hidden />}
                    aria-label={`Move message ${index + 1} down`}
                    disabled={index === messages.length - 1}
                    onClick={() => move(index, 1)}
                  />
                  <Button
                    size="small"
                    theme="borderless"
                    type="danger"
                    icon={<IconDelete aria-hidden />}
                    aria-label={`Remove message ${index + 1}`}
                    onClick={() => setTemplate({ messages: messages.filter((_, i) => i !== index) })}
                  />
                </div>
                <label htmlFor={id} className="loop-visually-hidden">
                  {placeholder ? `Placeholder variable name of message ${index + 1}` : `Content of message ${index + 1} (${message.role})`}
                </label>
                {placeholder ? (
                  <Input id={id} value={message.content ?? ""} placeholder="history" onChange={(content) => setMessage(index, { content })} />
                ) : (
                  <TextArea
                    id={id}
                    value={message.content ?? ""}
                    autosize={{ minRows: 2, maxRows: 16 }}
                    placeholder={message.role === "system" ? "You are a helpful assistant…" : "Use {{variable}} to insert a value"}
                    onChange={(content) => setMessage(index, { content })}
                  />
                )}
                {placeholder && <div className="loop-field-hint">Inserts the messages of this placeholder variable (e.g. chat history) here.</div>}
              </li>
            );
          })}
        </ol>
        <div className="loop-row">
          <Button icon={<IconPlus aria-hidden />} onClick={() => setTemplate({ messages: [...messages, { role: messages.at(-1)?.role === "user" ? "assistant" : "user", content: "" }] })}>
            Add message
          </Button>
          <Button icon={<IconPlus aria-hidden />} theme="borderless" onClick={() => setTemplate({ messages: [...messages, { role: "placeholder", content: "history" }] })}>
            Add placeholder
          </Button>
        </div>
      </section>

      <section className="loop-card" aria-labelledby="variables-heading">
        <h2 id="variables-heading" className="loop-card-title">
          Variables
        </h2>
        {defs.length === 0 ? (
          <p className="loop-muted">No variables. Write {"{{name}}"} in a message to add one.</p>
        ) : (
          <ul className="loop-variable-list" aria-label="Variables">
            {defs.map((def) => (
              <li key={def.key} className="loop-variable">
                <code>{def.key}</code>
                <span id={`var-type-${def.key}-label`} className="loop-visually-hidden">
                  Type of {def.key}
                </span>
                <Select
                  aria-labelledby={`var-type-${def.key}-label`}
                  size="small"
                  value={def.type}
                  disabled={def.type === "placeholder"}
                  optionList={(def.type === "placeholder" ? VARIABLE_TYPES : VARIABLE_TYPES.filter((t) => t !== "placeholder")).map((t) => ({ value: t, label: t }))}
                  onChange={(type) => setTemplate({ variable_defs: defs.map((d) => (d.key === def.key ? { ...d, type: type as VariableType } : d)) })}
                  style={{ width: 150 }}
                />
                <Input
                  size="small"
                  aria-label={`Description of ${def.key}`}
                  placeholder="Description"
                  value={def.desc}
                  onChange={(desc) => setTemplate({ variable_defs: defs.map((d) => (d.key === def.key ? { ...d, desc } : d)) })}
                />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="loop-card" aria-labelledby="tools-heading">
        <div className="loop-section-header">
          <h2 id="tools-heading" className="loop-card-title">
            Tools
          </h2>
          <Button
            icon={<IconPlus aria-hidden />}
            onClick={() =>
              setTools([
                ...tools,
                { type: "function", function: { name: `tool_${tools.length + 1}`, description: "", parameters: '{\n  "type": "object",\n  "properties": {}\n}' } },
              ])
            }
          >
            Add tool
          </Button>
        </div>
        {tools.length > 0 && (
          <div className="loop-field">
            <label id="tool-choice-label" className="loop-field-label">
              Tool choice
            </label>
            <div className="loop-row">
              <Select
                aria-labelledby="tool-choice-label"
                value={toolChoice}
                optionList={[
                  { value: "auto", label: "Auto: the model decides" },
                  { value: "none", label: "None: never call tools" },
                  { value: "specific", label: "Always call one tool" },
                ]}
                onChange={(value) =>
                  onChange({
                    ...detail,
                    tool_call_config:
                      value === "specific"
                        ? { tool_choice: "specific", tool_choice_specification: { type: "function", name: tools[0]?.function.name ?? "" } }
                        : { tool_choice: value as "auto" | "none" },
                  })
                }
                style={{ width: 240 }}
              />
              {toolChoice === "specific" && (
                <Select
                  aria-label="Tool to call"
                  value={detail.tool_call_config?.tool_choice_specification?.name}
                  optionList={tools.map((t) => ({ value: t.function.name, label: t.function.name }))}
                  onChange={(name) => onChange({ ...detail, tool_call_config: { tool_choice: "specific", tool_choice_specification: { type: "function", name: name as string } } })}
                  style={{ width: 200 }}
                />
              )}
            </div>
          </div>
        )}
        {tools.map((tool, index) => {
          const id = `tool-${index}`;
          const problem = jsonSchemaProblem(tool.function.parameters);
          const duplicate = tools.some((other, i) => i !== index && other.function.name === tool.function.name);
          return (
            <fieldset key={index} className="loop-tool">
              <legend className="loop-visually-hidden">Tool {index + 1}</legend>
              <div className="loop-row">
                <div className="loop-field" style={{ flex: 1 }}>
                  <label htmlFor={`${id}-name`} className="loop-field-label">
                    Tool {index + 1} name
                  </label>
                  <Input id={`${id}-name`} value={tool.function.name} onChange={(name) => setTool(index, { name })} />
                  {duplicate && <div className="loop-form-error">Two tools cannot share a name.</div>}
                </div>
                <Button type="danger" theme="borderless" icon={<IconDelete aria-hidden />} aria-label={`Remove tool ${tool.function.name || index + 1}`} onClick={() => setTools(tools.filter((_, i) => i !== index))} />
              </div>
              <div className="loop-field">
                <label htmlFor={`${id}-desc`} className="loop-field-label">
                  Description
                </label>
                <Input id={`${id}-desc`} value={tool.function.description} onChange={(description) => setTool(index, { description })} />
              </div>
              <div className="loop-field">
                <label htmlFor={`${id}-params`} className="loop-field-label">
                  Parameters (JSON schema)
                </label>
                <TextArea
                  id={`${id}-params`}
                  className="loop-mono"
                  autosize={{ minRows: 3, maxRows: 14 }}
                  value={tool.function.parameters}
                  onChange={(parameters) => setTool(index, { parameters })}
                  aria-invalid={problem ? true : undefined}
                />
                {problem && (
                  <div className="loop-form-error" role="alert">
                    {problem}
                  </div>
                )}
              </div>
            </fieldset>
          );
        })}
      </section>
    </div>
  );
}
