import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ItemResult } from "../../../api/experiments";
import { mockFetch } from "../../../test/fetchMock";
import { renderWithProviders } from "../../../test/render";
import { ItemDrawer, itemTurns } from "./ItemDrawer";

const COLUMNS = [{ evaluator_version_id: "31", evaluator_id: "30", evaluator_type: 1, name: "Correctness", version: "0.0.1" }];

function turn(index: number, question: string, answer: string, score: number) {
  return {
    turn_id: String(index + 1),
    turn_index: String(index),
    experiment_results: [
      {
        experiment_id: "700",
        payload: {
          turn_id: String(index + 1),
          eval_set: { turn: { id: String(index + 1), field_data_list: [{ key: "k1", name: "question", content: { content_type: "Text", text: question } }] } },
          target_output: { eval_target_record: { eval_target_output_data: { output_fields: { actual_output: { content_type: "Text", text: answer } } } } },
          evaluator_output: { evaluator_records: { "31": { id: `9${index}`, evaluator_version_id: "31", evaluator_output_data: { evaluator_result: { score, reasoning: `reason ${index + 1}` } } } } },
          system_info: { turn_run_state: 1 },
        },
      },
    ],
  };
}

describe("an experiment's item drawer", () => {
  it("shows each turn of a multi-turn item with its own input, output and scores, in turn order", () => {
    mockFetch({});
    // The server may list the turns in any order: turn_index orders them.
    const item = { item_id: "800", item_index: "0", system_info: { run_state: 2 }, turn_results: [turn(1, "And Spain?", "Madrid", 0.5), turn(0, "Capital of France?", "Paris", 1)] } as unknown as ItemResult;
    renderWithProviders(<ItemDrawer spaceId="200" title="Item 1" turns={itemTurns(item)} columns={COLUMNS} onClose={() => undefined} />);
    const drawer = screen.getByTestId("item-drawer");
    expect(drawer).toHaveTextContent("2 turns");
    const first = within(drawer).getByRole("region", { name: "Turn 1" });
    const second = within(drawer).getByRole("region", { name: "Turn 2" });
    expect(first).toHaveTextContent(/Capital of France\?[\s\S]*Paris[\s\S]*Correctness 0\.0\.1[\s\S]*1[\s\S]*reason 1/);
    expect(second).toHaveTextContent(/And Spain\?[\s\S]*Madrid[\s\S]*Correctness 0\.0\.1[\s\S]*0\.5[\s\S]*reason 2/);
    expect(within(first).queryByText("Madrid")).not.toBeInTheDocument();
  });

  it("shows a single-turn item without turn headings", () => {
    mockFetch({});
    const item = { item_id: "800", item_index: "0", system_info: { run_state: 2 }, turn_results: [turn(0, "Capital of France?", "Paris", 1)] } as unknown as ItemResult;
    renderWithProviders(<ItemDrawer spaceId="200" title="Item 1" turns={itemTurns(item)} columns={COLUMNS} onClose={() => undefined} />);
    const drawer = screen.getByTestId("item-drawer");
    expect(within(drawer).queryByRole("region", { name: "Turn 1" })).not.toBeInTheDocument();
    expect(drawer).toHaveTextContent(/Capital of France\?[\s\S]*Paris[\s\S]*reason 1/);
  });
});
