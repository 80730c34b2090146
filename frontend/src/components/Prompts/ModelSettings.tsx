import { InputNumber, Select, Slider, Switch, Tag, Input } from "@douyinfe/semi-ui";
import type { ModelConfig, ModelView, ParamSchema } from "../../api/prompts";

/** Parameters the model config stores in its own fields; any other schema goes to param_config_values. */
const NUMERIC_FIELDS = ["temperature", "max_tokens", "top_p", "top_k", "frequency_penalty", "presence_penalty"] as const;
type NumericField = (typeof NUMERIC_FIELDS)[number];
const isNumericField = (name: string): name is NumericField => (NUMERIC_FIELDS as readonly string[]).includes(name);

function parseNumber(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The value a parameter has in `config`, as a string (what param_schemas speak), or undefined when unset. */
export function paramValue(config: ModelConfig, schema: ParamSchema): string | undefined {
  if (isNumericField(schema.name)) {
    const value = config[schema.name];
    return value === null || value === undefined ? undefined : String(value);
  }
  if (schema.name === "json_mode") return config.json_mode === null || config.json_mode === undefined ? undefined : String(config.json_mode);
  return config.param_config_values?.find((entry) => entry.name === schema.name)?.value?.value ?? undefined;
}

export function withParam(config: ModelConfig, schema: ParamSchema, value: string | undefined): ModelConfig {
  if (isNumericField(schema.name)) return { ...config, [schema.name]: parseNumber(value) ?? null };
  if (schema.name === "json_mode") return { ...config, json_mode: value === undefined ? null : value === "true" };
  const rest = (config.param_config_values ?? []).filter((entry) => entry.name !== schema.name);
  if (value === undefined) return { ...config, param_config_values: rest };
  const label = schema.options?.find((option) => option.value === value)?.label ?? value;
  return { ...config, param_config_values: [...rest, { name: schema.name, label: schema.label, value: { value, label } }] };
}

function clamp(value: number, min: number | undefined, max: number | undefined): number {
  if (max !== undefined && value > max) value = max;
  if (min !== undefined && value < min) value = min;
  return value;
}

/**
 * Choosing a model: keep only the values it declares (the server rejects a parameter the model does not have),
 * within its min and max, then fill the rest with its defaults.
 */
export function selectModel(config: ModelConfig, model: ModelView): ModelConfig {
  const schemas = model.param_config.param_schemas ?? [];
  const declared = new Map(schemas.map((schema) => [schema.name, schema]));
  let next: ModelConfig = { ...config, model_id: model.model_id };
  for (const field of NUMERIC_FIELDS) {
    const schema = declared.get(field);
    const value = next[field];
    if (!schema) {
      delete next[field];
    } else if (typeof value === "number") {
      let max = parseNumber(schema.max);
      if (field === "max_tokens" && typeof model.ability.max_output_tokens === "number") {
        max = max === undefined ? model.ability.max_output_tokens : Math.min(max, model.ability.max_output_tokens);
      }
      next[field] = clamp(value, parseNumber(schema.min), max);
    }
  }
  if (!model.ability.json_mode) {
    if (next.json_mode) next.json_mode = false;
    if (!declared.has("json_mode")) delete next.json_mode;
  }
  if (next.param_config_values) next.param_config_values = next.param_config_values.filter((entry) => declared.has(entry.name));
  for (const schema of schemas) {
    if (paramValue(next, schema) === undefined && schema.default_value !== null && schema.default_value !== undefined) {
      next = withParam(next, schema, schema.default_value);
    }
  }
  return next;
}

export function ModelLabel({ model }: { model: ModelView }) {
  return (
    <span className="loop-model-label">
      <span>{model.name}</span>
      {model.tags.map((tag) => (
        <Tag key={tag} size="small" color={tag === "test model" ? "orange" : "grey"}>
          {tag}
        </Tag>
      ))}
      {model.status === "unavailable" && (
        <Tag size="small" color="red">
          unavailable
        </Tag>
      )}
    </span>
  );
}

export function ModelPicker({ id, models, config, onChange }: { id: string; models: ModelView[]; config: ModelConfig; onChange: (config: ModelConfig) => void }) {
  const selected = config.model_id === null || config.model_id === undefined ? undefined : String(config.model_id);
  return (
    <Select
      id={id}
      aria-labelledby={`${id}-label`}
      placeholder="Choose a model"
      value={selected}
      style={{ width: "100%" }}
      onChange={(value) => {
        const model = models.find((m) => m.model_id === value);
        if (model) onChange(selectModel(config, model));
      }}
      renderSelectedItem={(option: { value?: string | number }) => {
        const model = models.find((m) => m.model_id === option.value);
        return model ? <ModelLabel model={model} /> : String(option.value ?? "");
      }}
    >
      {models.map((model) => (
        <Select.Option key={model.model_id} value={model.model_id} label={model.name} disabled={model.status === "unavailable"}>
          <ModelLabel model={model} />
        </Select.Option>
      ))}
    </Select>
  );
}

/** One control per parameter schema: a slider plus a number box (within min/max), a switch, a select, or a text box. */
export function ParamControls({ idPrefix, schemas, config, onChange }: { idPrefix: string; schemas: ParamSchema[]; config: ModelConfig; onChange: (config: ModelConfig) => void }) {
  if (schemas.length === 0) return <p className="loop-muted">This model has no parameters to set.</p>;
  return (
    <div className="loop-params">
      {schemas.map((schema) => {
        const id = `${idPrefix}-${schema.name}`;
        // An unset parameter shows empty with a "default X" hint: the control shows exactly what is sent.
        const value = paramValue(config, schema);
        const fallback = schema.default_value ?? undefined;
        const defaultHint = value === undefined && fallback !== undefined && fallback !== "" ? `default ${schema.options?.find((o) => o.value === fallback)?.label ?? fallback}` : undefined;
        const set = (next: string | undefined) => onChange(withParam(config, schema, next));
        const min = parseNumber(schema.min);
        const max = parseNumber(schema.max);
        let control;
        if (schema.type === "boolean") {
          control = <Switch id={id} aria-labelledby={`${id}-label`} checked={value === "true"} onChange={(checked) => set(String(checked))} />;
        } else if (schema.options && schema.options.length > 0) {
          control = (
            <Select
              id={id}
              aria-labelledby={`${id}-label`}
              value={value}
              placeholder={defaultHint}
              onChange={(next) => set(next as string)}
              optionList={schema.options.map((option) => ({ value: option.value, label: option.label }))}
              style={{ width: "100%" }}
            />
          );
        } else if (schema.type === "float" || schema.type === "int") {
          const step = schema.type === "int" ? 1 : max !== undefined && max <= 2 ? 0.01 : 0.1;
          const numeric = parseNumber(value);
          control = (
            <div className="loop-param-number">
              {min !== undefined && max !== undefined && (
                <div className="loop-param-slider">
                  <Slider
                    aria-label={`${schema.label || schema.name} slider`}
                    min={min}
                    max={max}
                    step={step}
                    value={numeric ?? parseNumber(fallback) ?? min}
                    onChange={(next) => typeof next === "number" && set(String(next))}
                  />
                </div>
              )}
              <InputNumber
                id={id}
                aria-labelledby={`${id}-label`}
                min={min}
                max={max}
                step={step}
                precision={schema.type === "int" ? 0 : undefined}
                value={numeric}
                placeholder={defaultHint}
                onNumberChange={(next) => set(Number.isFinite(next) ? String(next) : undefined)}
                style={{ width: 110 }}
              />
            </div>
          );
        } else {
          control = <Input id={id} value={value ?? ""} placeholder={defaultHint} onChange={(next) => set(next || undefined)} />;
        }
        return (
          <div className="loop-field" key={schema.name}>
            <label htmlFor={id} id={`${id}-label`} className="loop-field-label" title={schema.desc}>
              {schema.label || schema.name}
            </label>
            {control}
            {defaultHint && <div className="loop-field-hint">Not set: the model uses its {defaultHint}</div>}
            {schema.type !== "boolean" && (min !== undefined || max !== undefined) && (
              <div className="loop-field-hint">
                {min ?? "…"} to {max ?? "…"}
                {schema.desc ? ` · ${schema.desc}` : ""}
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
