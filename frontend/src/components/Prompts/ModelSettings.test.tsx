import { screen } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import type { ModelConfig, ParamSchema } from "../../api/prompts";
import { renderWithProviders } from "../../test/render";
import { ParamControls, paramValue, selectModel, withParam } from "./ModelSettings";

const SCHEMAS: ParamSchema[] = [
  { name: "temperature", label: "Temperature", desc: "randomness", type: "float", min: "0", max: "1.0", default_value: "0.7" },
  { name: "max_tokens", label: "Max tokens", desc: "", type: "int", min: "1", max: "4096", default_value: "1024" },
  { name: "stream_reasoning", label: "Show reasoning", desc: "", type: "boolean", default_value: "false" },
  { name: "effort", label: "Effort", desc: "", type: "string", default_value: "low", options: [{ label: "Low", value: "low" }, { label: "High", value: "high" }] },
];

function Harness({ initial }: { initial: ModelConfig }) {
  const [config, setConfig] = useState(initial);
  return (
    <>
      <ParamControls idPrefix="p" schemas={SCHEMAS} config={config} onChange={setConfig} />
      <output data-testid="config">{JSON.stringify(config)}</output>
    </>
  );
}

describe("model parameter controls", () => {
  it("builds one labelled control per param schema, within min and max", () => {
    renderWithProviders(<Harness initial={{ model_id: "1", temperature: 0.2 }} />);
    const temperature = screen.getByRole("spinbutton", { name: "Temperature" });
    expect(temperature).toHaveValue("0.2");
    expect(temperature).toHaveAttribute("aria-valuemin", "0");
    expect(temperature).toHaveAttribute("aria-valuemax", "1");
    // Unset: the control is empty (nothing is sent) and says which default the model uses.
    expect(screen.getByRole("spinbutton", { name: "Max tokens" })).toHaveValue("");
    expect(screen.getByText("Not set: the model uses its default 1024")).toBeInTheDocument();
    expect(screen.getByText("Not set: the model uses its default Low")).toBeInTheDocument();
    expect(screen.queryByText(/uses its default 0.7/)).not.toBeInTheDocument();
    expect(screen.getByRole("switch", { name: "Show reasoning" })).not.toBeChecked();
    expect(screen.getByRole("combobox", { name: "Effort" })).toBeInTheDocument();
    expect(screen.getByText(/0 to 1 · randomness/)).toBeInTheDocument();
    expect(screen.getByRole("slider", { name: "Temperature slider" })).toBeInTheDocument();
  });

  it("stores known parameters in model_config and others in param_config_values; a new model gets its defaults", () => {
    let config: ModelConfig = withParam({}, SCHEMAS[0]!, "0.3");
    config = withParam(config, SCHEMAS[3]!, "high");
    expect(config.temperature).toBe(0.3);
    expect(config.param_config_values).toEqual([{ name: "effort", label: "Effort", value: { value: "high", label: "High" } }]);
    expect(paramValue(config, SCHEMAS[3]!)).toBe("high");

    const model = { model_id: "1", ability: { json_mode: true }, param_config: { param_schemas: SCHEMAS } } as Parameters<typeof selectModel>[1];
    const chosen = selectModel({ temperature: 0.1 }, model);
    expect(chosen).toMatchObject({ model_id: "1", temperature: 0.1, max_tokens: 1024 });
    expect(paramValue(chosen, SCHEMAS[2]!)).toBe("false");
  });

  it("switching models drops the parameters the new model does not declare and clamps to its range", () => {
    type Model = Parameters<typeof selectModel>[1];
    const modelA = { model_id: "1", ability: { json_mode: true }, param_config: { param_schemas: SCHEMAS } } as Model;
    const modelB = {
      model_id: "2",
      ability: { json_mode: false },
      param_config: { param_schemas: [{ name: "max_tokens", label: "Max tokens", desc: "", type: "int", min: "1", max: "512", default_value: "256" }] },
    } as Model;
    let config = selectModel({}, modelA);
    config = withParam(config, SCHEMAS[3]!, "high");
    config = { ...config, max_tokens: 4000, top_p: 0.9, json_mode: true };
    const switched = selectModel(config, modelB);
    expect(switched.model_id).toBe("2");
    expect(switched.max_tokens).toBe(512);
    expect(switched.param_config_values).toEqual([]);
    expect(switched).not.toHaveProperty("temperature");
    expect(switched).not.toHaveProperty("top_p");
    expect(switched.json_mode ?? false).toBe(false);
  });
});
