import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockFetch, ok } from "../../../test/fetchMock";
import { renderApp } from "../../../test/render";
import { SPACE_PATH, withWorkspace } from "../testRoutes";

const column = (version: string) => ({ evaluator_version_id: version, evaluator_id: "30", evaluator_type: 1, name: "Correctness", version: "0.0.1" });
const expt = (id: string, name: string) => ({
  id,
  name,
  desc: "",
  creator_by: "100",
  status: 11,
  item_concur_num: 5,
  item_retry_num: 0,
  eval_set_id: "500",
  eval_set_version_id: "501",
  evaluator_version_ids: [],
  evaluator_id_version_list: [],
  eval_set: {},
  evaluators: [],
  base_info: {},
  expt_stats: {},
  target_field_mapping: { from_eval_set: [] },
  evaluator_field_mapping: [],
  total_item_count: "1",
  run_id: "1",
});
const result = (exptId: string, version: string, answer: string, score: number) => ({
  experiment_id: exptId,
  payload: {
    turn_id: "1",
    eval_set: { turn: { id: "1", field_data_list: [{ key: "k1", name: "question", content: { content_type: "Text", text: "2+2?" } }] } },
    target_output: { eval_target_record: { eval_target_output_data: { output_fields: { actual_output: { content_type: "Text", text: answer } } } } },
    evaluator_output: { evaluator_records: { [version]: { evaluator_output_data: { evaluator_result: { score } } } } },
    system_info: { turn_run_state: 1 },
  },
});

describe("comparing experiments", () => {
  it("shows the baseline's items with each experiment's answer and scores, deltas against the baseline", async () => {
    let asked: Record<string, unknown> | undefined;
    mockFetch(
      withWorkspace({
        "POST /api/evaluation/v1/experiments/list": ok({ experiments: [expt("1", "Run A"), expt("2", "Run B")], total: "2" }),
        "POST /api/evaluation/v1/experiments/batch_get": ok({ experiments: [expt("1", "Run A"), expt("2", "Run B")] }),
        "POST /api/evaluation/v1/experiments/results/batch_get": (body) => {
          asked = body as Record<string, unknown>;
          return ok({
            column_eval_set_fields: [{ key: "k1", name: "question" }],
            column_evaluators: [column("31")],
            expt_column_evaluators: [
              { experiment_id: "1", column_evaluators: [column("31")] },
              { experiment_id: "2", column_evaluators: [column("32")] },
            ],
            item_results: [{ item_id: "9", item_index: "0", system_info: { run_state: 2 }, turn_results: [{ turn_id: "1", experiment_results: [result("1", "31", "four", 0.5), result("2", "32", "4", 0.75)] }] }],
            total: "1",
          });
        },
        "POST /api/evaluation/v1/experiments/aggr_results/batch_get": ok({
          expt_aggregate_result: [
            { experiment_id: "1", evaluator_results: { "31": { evaluator_version_id: "31", aggregator_results: [{ aggregator_type: 1, data: { data_type: 0, value: 0.5 } }] } }, status: 1, weighted_results: [] },
            { experiment_id: "2", evaluator_results: { "32": { evaluator_version_id: "32", aggregator_results: [{ aggregator_type: 1, data: { data_type: 0, value: 0.75 } }] } }, status: 1, weighted_results: [] },
          ],
        }),
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/experiments/contrast?ids=1,2&baseline=1`);
    const items = await screen.findByRole("table", { name: "Compared items" }, { timeout: 5000 });
    const row = await within(items).findByRole("row", { name: /2\+2\?/ });
    expect(row).toHaveTextContent(/four[\s\S]*Correctness: 0\.5[\s\S]*4[\s\S]*Correctness: 0\.75 \+0\.25/);
    expect(asked).toMatchObject({ experiment_ids: ["1", "2"], baseline_experiment_id: "1" });
    const averages = screen.getByRole("table", { name: "Average scores" });
    expect(await within(averages).findByText("+0.25", { exact: false })).toBeInTheDocument();
    expect(within(averages).getByRole("row", { name: /Correctness/ })).toHaveTextContent(/0\.5[\s\S]*0\.75 \+0\.25/);
  }, 20000);

  it("asks for two experiments before comparing", async () => {
    mockFetch(withWorkspace({ "POST /api/evaluation/v1/experiments/list": ok({ experiments: [], total: "0" }), "POST /api/evaluation/v1/experiments/batch_get": ok({ experiments: [] }) }));
    renderApp(`${SPACE_PATH}/evaluation/experiments/contrast?ids=1`);
    expect(await screen.findByText(/Pick at least two experiments to compare/, undefined, { timeout: 5000 })).toBeInTheDocument();
  }, 20000);
});
