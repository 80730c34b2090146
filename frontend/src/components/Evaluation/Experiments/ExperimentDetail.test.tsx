import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fail, mockFetch, ok } from "../../../test/fetchMock";
import { renderApp } from "../../../test/render";
import { SPACE_PATH, withWorkspace } from "../testRoutes";

function experiment(fields: Record<string, unknown> = {}) {
  return {
    id: "700",
    name: "Run A",
    desc: "",
    creator_by: "100",
    status: 11,
    status_message: "",
    item_concur_num: 5,
    item_retry_num: 0,
    eval_set_id: "500",
    eval_set_version_id: "501",
    evaluator_version_ids: ["31"],
    evaluator_id_version_list: [{ evaluator_id: "30", version: "0.0.1", evaluator_version_id: "31" }],
    eval_set: { id: "500", name: "QA basics", evaluation_set_version: { id: "501", version: "1.0.0" } },
    eval_target: { eval_target_version: { eval_target_content: { prompt: { prompt_id: "20", name: "Answerer", prompt_key: "answerer", version: "1.0.0" } } } },
    evaluators: [{ evaluator_id: "30", name: "Correctness", latest_version: "0.0.1", builtin: false }],
    base_info: {},
    expt_stats: { evaluator_aggregate_results: [], success_turn_cnt: 1, fail_turn_cnt: 1, pending_turn_cnt: 0, processing_turn_cnt: 0, terminated_turn_cnt: 0 },
    target_field_mapping: { from_eval_set: [] },
    evaluator_field_mapping: [],
    enable_weighted_score: false,
    total_item_count: "2",
    run_id: "1",
    ...fields,
  };
}

function item(index: number, question: string, answer: string | null, score: number | null, state: number, error?: string) {
  return {
    item_id: `80${index}`,
    item_index: String(index),
    system_info: { run_state: state, ...(error ? { error: { code: "1", message: error } } : {}) },
    turn_results: [
      {
        turn_id: "1",
        experiment_results: [
          {
            experiment_id: "700",
            payload: {
              turn_id: "1",
              eval_set: { turn: { id: "1", field_data_list: [{ key: "k1", name: "question", content: { content_type: "Text", text: question } }] } },
              target_output: {
                eval_target_record: answer === null ? { eval_target_output_data: { eval_target_run_error: { message: "the target failed: quota" } } } : { trace_id: "a".repeat(32), eval_target_output_data: { output_fields: { actual_output: { content_type: "Text", text: answer } } } },
              },
              evaluator_output: { evaluator_records: score === null ? {} : { "31": { id: `90${index}`, evaluator_version_id: "31", evaluator_output_data: { evaluator_result: { score, reasoning: "close enough" } } } } },
              system_info: { turn_run_state: state === 2 ? 1 : 2 },
            },
          },
        ],
      },
    ],
  };
}

const RESULTS = {
  column_eval_set_fields: [{ key: "k1", name: "question", content_type: "Text" }],
  column_evaluators: [{ evaluator_version_id: "31", evaluator_id: "30", evaluator_type: 1, name: "Correctness", version: "0.0.1" }],
  expt_column_evaluators: [{ experiment_id: "700", column_evaluators: [{ evaluator_version_id: "31", evaluator_id: "30", evaluator_type: 1, name: "Correctness", version: "0.0.1" }] }],
  item_results: [item(0, "2+2?", "4", 0.5, 2), item(1, "Capital?", null, null, 3, "the target failed: quota")],
  total: "2",
};

describe("an experiment's page", () => {
  it("shows progress, each item's answer and score, asks again with filters, and corrects a score", async () => {
    const asked: Record<string, unknown>[] = [];
    const corrections: unknown[] = [];
    mockFetch(
      withWorkspace({
        "POST /api/evaluation/v1/experiments/batch_get": ok({ experiments: [experiment()] }),
        "POST /api/evaluation/v1/experiments/results/batch_get": (body) => {
          asked.push(body as Record<string, unknown>);
          return ok(RESULTS);
        },
        "POST /api/evaluation/v1/experiments/aggr_results/batch_get": ok({ expt_aggregate_result: [] }),
        "PATCH /api/evaluation/v1/evaluator_records/900": (body) => {
          corrections.push(body);
          return ok({ record: {} });
        },
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/experiments/700`);
    expect(await screen.findByRole("heading", { name: "Run A", level: 1 }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId("experiment-progress")).toHaveTextContent("2 of 2 items done");
    expect(screen.getByTestId("count-fail")).toHaveTextContent("1");
    // A finished experiment with a failed item can retry it; it cannot be killed.
    expect(screen.getByRole("button", { name: "Retry failed" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Kill" })).not.toBeInTheDocument();

    const table = await screen.findByRole("table", { name: "Results" });
    const first = within(table).getByRole("row", { name: /2\+2\?/ });
    expect(first).toHaveTextContent(/2\+2\?\s*4\s*0\.5/);
    const second = within(table).getByRole("row", { name: /Capital\?/ });
    expect(second).toHaveTextContent("the target failed: quota");
    expect(second).toHaveTextContent("Failed");
    expect(asked[0]).toMatchObject({ workspace_id: "200", experiment_ids: ["700"], baseline_experiment_id: "700", filters: {}, page_number: 1 });

    // Only the failed items: the state filter goes to the server.
    fireEvent.click(screen.getByRole("combobox", { name: "Status" }));
    fireEvent.click(await screen.findByRole("option", { name: /Failed/ }));
    await waitFor(() =>
      expect(asked.at(-1)).toMatchObject({ filters: { "700": { filters: { logic_op: 1, filter_conditions: [{ field: { field_type: 48 }, operator: 7, value: "3" }] } } } }),
    );

    // The drawer: the answer, the score with its reasoning, the trace link; a person corrects the score.
    fireEvent.click(within(table).getByRole("button", { name: "Details of item 1" }));
    const drawer = await screen.findByTestId("item-drawer");
    expect(within(drawer).getByText("close enough")).toBeInTheDocument();
    expect(within(drawer).getByRole("link", { name: "Open the target's trace" })).toHaveAttribute("href", `${SPACE_PATH}/observation/traces?trace_id=${"a".repeat(32)}`);
    fireEvent.click(within(drawer).getByRole("button", { name: "Correct score" }));
    fireEvent.change(within(drawer).getByLabelText("Corrected score"), { target: { value: "1" } });
    fireEvent.change(within(drawer).getByLabelText("Why"), { target: { value: "4 is right" } });
    fireEvent.click(within(drawer).getByRole("button", { name: "Save score" }));
    await waitFor(() => expect(corrections).toEqual([{ workspace_id: "200", correction: { score: 1, explain: "4 is right" } }]));
  }, 20000);

  it("polls a running experiment, and kills it after asking", async () => {
    let status = 3;
    let killed = 0;
    mockFetch(
      withWorkspace({
        "POST /api/evaluation/v1/experiments/batch_get": () => ok({ experiments: [experiment({ status, expt_stats: { success_turn_cnt: 1, processing_turn_cnt: 1 } })] }),
        "POST /api/evaluation/v1/experiments/results/batch_get": ok(RESULTS),
        "POST /api/evaluation/v1/experiments/aggr_results/batch_get": ok({ expt_aggregate_result: [] }),
        "POST /api/evaluation/v1/experiments/700/kill": () => {
          killed += 1;
          status = 13;
          return ok({});
        },
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/experiments/700`);
    expect(await screen.findByTestId("experiment-progress", undefined, { timeout: 5000 })).toHaveTextContent("Running: 1 of 2 items done");
    fireEvent.click(screen.getByRole("button", { name: "Kill" }));
    const confirm = await screen.findByRole("dialog");
    fireEvent.click(within(confirm).getByRole("button", { name: "Kill" }));
    await waitFor(() => expect(killed).toBe(1));
    await waitFor(() => expect(screen.getByTestId("experiment-status")).toHaveTextContent("Killed"), { timeout: 8000 });
  }, 20000);

  it("says so when the experiment is not in this workspace", async () => {
    mockFetch(withWorkspace({ "POST /api/evaluation/v1/experiments/batch_get": fail(404, "experiment 700 not found in this workspace") }));
    renderApp(`${SPACE_PATH}/evaluation/experiments/700`);
    // (A toast of an earlier test may still be on screen: look for this page's own alert.)
    const message = await screen.findByText("experiment 700 not found in this workspace", undefined, { timeout: 5000 });
    expect(message.closest('[role="alert"]')).toHaveTextContent("Could not load the experiment");
  });
});
