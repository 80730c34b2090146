import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, fail, mockFetch, ok } from "../../../test/fetchMock";
import { renderApp } from "../../../test/render";
import { evalSet, SPACE_PATH, withWorkspace } from "../testRoutes";

const FIELDS = [
  { key: "input", name: "input", content_type: "Text", isRequired: true, status: 1 },
  { key: "reference_output", name: "reference_output", content_type: "Text", status: 1 },
  { key: "notes", name: "notes", content_type: "Text", status: 1 },
];
const SET = evalSet(FIELDS, { latest_version: "1.0.0", next_version_num: "2" });
const BASE = {
  "GET /api/evaluation/v1/evaluation_sets/500": ok({ evaluation_set: SET }),
  "POST /api/evaluation/v1/evaluation_sets/500/items/list": ok({ items: [], total: "0", next_page_token: "", filter_total: "0" }),
  "POST /api/evaluation/v1/evaluation_sets/500/versions/list": ok({ versions: [], total: "0", next_page_token: "" }),
};

async function openColumns() {
  renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
  fireEvent.click(await screen.findByRole("button", { name: "Edit columns" }, { timeout: 5000 }));
  return screen.findByRole("dialog", { name: "Edit columns" });
}

describe("deleting a saved column", () => {
  it("says what happens, and after confirmation sends the saved schema without the column", async () => {
    const sent: unknown[] = [];
    const spy = mockFetch(
      withWorkspace({
        ...BASE,
        "PUT /api/evaluation/v1/evaluation_sets/500/schema": (body) => {
          sent.push(body);
          return ok({});
        },
      }),
    );
    const editor = await openColumns();
    // An unsaved description change stays in the form: the delete sends the saved schema only.
    fireEvent.change(within(editor).getByLabelText("Description of column 1"), { target: { value: "the question" } });
    fireEvent.click(within(editor).getByRole("button", { name: "Remove column reference_output" }));

    const confirm = await screen.findByRole("dialog", { name: 'Delete column "reference_output"?' });
    expect(confirm).toHaveTextContent("Versions already created keep it");
    expect(confirm).toHaveTextContent("not erased but hidden");
    expect(calls(spy)).not.toContain("PUT /api/evaluation/v1/evaluation_sets/500/schema");
    fireEvent.click(within(confirm).getByRole("button", { name: "Delete column" }));

    await waitFor(() => expect(sent).toEqual([{ workspace_id: "200", fields: [FIELDS[0], FIELDS[2]] }]));
    // Back to the form, the column gone and the unsaved edit kept.
    const form = await screen.findByRole("dialog", { name: "Edit columns" });
    expect(within(form).queryByRole("button", { name: "Remove column reference_output" })).not.toBeInTheDocument();
    expect(within(form).getByLabelText("Description of column 1")).toHaveValue("the question");
    expect(within(form).getByLabelText("Name of column 2")).toHaveValue("notes");
  }, 20000);

  it("removes an unsaved column without asking, and shows the server's message when it refuses a delete", async () => {
    const spy = mockFetch(
      withWorkspace({
        ...BASE,
        "PUT /api/evaluation/v1/evaluation_sets/500/schema": fail(409, "the schema was changed by someone else meanwhile; reload it and apply your change again"),
      }),
    );
    const editor = await openColumns();
    fireEvent.click(within(editor).getByRole("button", { name: "Add column" }));
    fireEvent.change(within(editor).getByLabelText("Name of column 4"), { target: { value: "draft" } });
    fireEvent.click(within(editor).getByRole("button", { name: "Remove column draft" }));
    expect(within(editor).queryByLabelText("Name of column 4")).not.toBeInTheDocument();
    expect(screen.queryByRole("dialog", { name: /^Delete column/ })).not.toBeInTheDocument();

    fireEvent.click(within(editor).getByRole("button", { name: "Remove column notes" }));
    const confirm = await screen.findByRole("dialog", { name: 'Delete column "notes"?' });
    fireEvent.click(within(confirm).getByRole("button", { name: "Delete column" }));
    expect(await within(confirm).findByRole("alert")).toHaveTextContent("changed by someone else meanwhile");
    // Cancel goes back to the form with the column still there: nothing was deleted.
    fireEvent.click(within(confirm).getByRole("button", { name: "Cancel" }));
    const form = await screen.findByRole("dialog", { name: "Edit columns" });
    expect(within(form).getByLabelText("Name of column 3")).toHaveValue("notes");
    expect(calls(spy).filter((call) => call === "PUT /api/evaluation/v1/evaluation_sets/500/schema")).toHaveLength(1);
  }, 20000);
});
