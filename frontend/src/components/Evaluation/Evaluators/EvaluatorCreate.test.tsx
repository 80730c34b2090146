import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockFetch, ok } from "../../../test/fetchMock";
import { renderApp } from "../../../test/render";
import { SPACE_PATH, withWorkspace } from "../testRoutes";

const MODEL = {
  model_id: "1",
  workspace_id: "200",
  name: "fake-echo (test model)",
  desc: "",
  ability: { function_call: true },
  protocol: "fake",
  protocol_config: {},
  scenario_configs: {},
  param_config: { param_schemas: [] },
  identification: "fake",
  icon: "",
  tags: ["test model"],
  status: "available",
};

const RELEVANCE = {
  key: "relevance",
  evaluator_type: 1,
  name: "Relevance",
  description: "Does the output answer the input?",
  tags: {},
  evaluator_content: {
    input_schemas: [{ key: "input" }, { key: "output" }],
    prompt_evaluator: {
      prompt_template_key: "relevance",
      prompt_template_name: "Relevance",
      model_config: { model_id: "1", temperature: 0.2 },
      message_list: [
        { role: 1, content: { content_type: "Text", text: "Judge relevance." } },
        { role: 2, content: { content_type: "Text", text: "In: {{input}} Out: {{output}}" } },
      ],
    },
  },
};

/** Picks an option of a Semi select with real pointer events (its single select ignores a bare click event). */
async function pick(combobox: string, option: RegExp, shows: string) {
  const select = screen.getByRole("combobox", { name: combobox });
  await userEvent.click(select);
  await userEvent.click(await screen.findByRole("option", { name: option }));
  await waitFor(() => expect(select).toHaveTextContent(shows));
}

describe("creating an LLM judge", () => {
  it("starts from a template, runs the draft on typed values, and creates it with version 0.0.1", async () => {
    const debugged: Record<string, unknown>[] = [];
    const created: Record<string, unknown>[] = [];
    mockFetch(
      withWorkspace({
        "POST /api/evaluation/v1/evaluator_template/list": ok({ evaluator_templates: [RELEVANCE], total: 1 }),
        "POST /api/llm/v1/models/list": ok({ models: [MODEL], next_page_token: "", has_more: false }),
        "POST /api/evaluation/v1/evaluators/debug": (body) => {
          debugged.push(body as Record<string, unknown>);
          return debugged.length === 1
            ? ok({ evaluator_output_data: { evaluator_result: { score: 0.8333, reasoning: "mostly relevant" }, evaluator_usage: { input_tokens: "30", output_tokens: "8" }, time_consuming_ms: "12" } })
            : ok({ evaluator_output_data: { evaluator_run_error: { code: 600, message: "the judge answered without a score" } } });
        },
        "POST /api/evaluation/v1/evaluators": (body) => {
          created.push(body as Record<string, unknown>);
          return ok({ evaluator_id: "30" });
        },
        "GET /api/evaluation/v1/evaluators/30": ok({ evaluator: { evaluator_id: "30", name: "Relevance judge", evaluator_type: 1, latest_version: "0.0.1", builtin: false, current_version: { version: "", evaluator_content: RELEVANCE.evaluator_content } } }),
        "POST /api/evaluation/v1/evaluators/30/versions/list": ok({ evaluator_versions: [], total: "0" }),
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/evaluators/create/llm`);
    fireEvent.change(await screen.findByLabelText("Name", {}, { timeout: 5000 }), { target: { value: "Relevance judge" } });
    await waitFor(() => expect(screen.getByRole("combobox", { name: "Template" })).not.toHaveTextContent("Loading"));
    await pick("Template", /Relevance/, "Relevance");
    expect(await screen.findByText("Does the output answer the input?")).toBeInTheDocument();
    expect(screen.getByLabelText("Judge message 2 (user)")).toHaveValue("In: {{input}} Out: {{output}}");
    // The template's model is kept; its variables get a value box each.
    fireEvent.change(screen.getByLabelText("Value of input"), { target: { value: "2+2?" } });
    fireEvent.change(screen.getByLabelText("Value of output"), { target: { value: "4" } });
    fireEvent.click(screen.getByRole("button", { name: "Run" }));
    const result = await screen.findByTestId("debug-result");
    expect(within(result).getByTestId("debug-score")).toHaveTextContent("0.83");
    expect(result).toHaveTextContent("mostly relevant");
    expect(result).toHaveTextContent("30 in / 8 out");
    expect(debugged[0]).toMatchObject({
      workspace_id: "200",
      evaluator_type: 1,
      input_data: { input_fields: { input: { content_type: "Text", text: "2+2?" }, output: { content_type: "Text", text: "4" } } },
      evaluator_content: { input_schemas: [{ key: "input" }, { key: "output" }], prompt_evaluator: { prompt_template_key: "relevance", model_config: { model_id: "1", temperature: 0.2 } } },
    });

    // A failed run says why.
    fireEvent.click(screen.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(screen.getByTestId("debug-result")).toHaveTextContent("the judge answered without a score"));

    fireEvent.click(screen.getByRole("button", { name: "Create" }));
    await waitFor(() => expect(created).toHaveLength(1));
    // Then the new evaluator's page (its own lazy chunk).
    await screen.findByRole("heading", { name: "Relevance judge", level: 1 }, { timeout: 15000 });
    expect(created[0]).toMatchObject({ workspace_id: "200", evaluator: { name: "Relevance judge", evaluator_type: 1, current_version: { version: "0.0.1", evaluator_content: { prompt_evaluator: { prompt_source_type: 1 } } } } });
  }, 30000);

  it("will not create a judge without a model or a name", async () => {
    mockFetch(
      withWorkspace({
        "POST /api/evaluation/v1/evaluator_template/list": ok({ evaluator_templates: [RELEVANCE], total: 1 }),
        "POST /api/llm/v1/models/list": ok({ models: [MODEL], next_page_token: "", has_more: false }),
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/evaluators/create/llm`);
    const create = await screen.findByRole("button", { name: "Create" }, { timeout: 5000 });
    expect(create).toBeDisabled();
    expect(screen.getByText(/Name the evaluator\. Pick the model that judges\./)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Run" })).toBeDisabled();
  }, 20000);
});
