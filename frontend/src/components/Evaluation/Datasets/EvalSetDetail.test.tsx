import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockFetch, ok } from "../../../test/fetchMock";
import { renderApp } from "../../../test/render";
import { evalSet, SPACE_PATH, withWorkspace } from "../testRoutes";

const FIELDS = [
  { key: "k1", name: "input", content_type: "Text", isRequired: true },
  { key: "k2", name: "reference_output", content_type: "Text" },
];
const SET = evalSet(FIELDS, { description: "Three questions", change_uncommitted: true, latest_version: "1.0.0", next_version_num: "2" });
const cell = (key: string, name: string, text: string) => ({ key, name, content: { content_type: "Text", text } });
const ITEMS = [
  { item_id: "1", turns: [{ id: "11", field_data_list: [cell("k1", "input", "2+2?"), cell("k2", "reference_output", "4")] }] },
  { item_id: "2", turns: [{ id: "21", field_data_list: [cell("k1", "input", "Capital?"), cell("k2", "reference_output", "Paris")] }] },
];

describe("an evaluation set's page", () => {
  it("edits a cell in place (keeping the others), deletes picked items, and creates the next version", async () => {
    const sent: { updates: unknown[]; deleted: unknown[]; versions: unknown[] } = { updates: [], deleted: [], versions: [] };
    mockFetch(
      withWorkspace({
        "GET /api/evaluation/v1/evaluation_sets/500": ok({ evaluation_set: SET }),
        "POST /api/evaluation/v1/evaluation_sets/500/items/list": ok({ items: ITEMS, total: "2", next_page_token: "", filter_total: "2" }),
        "POST /api/evaluation/v1/evaluation_sets/500/versions/list": ok({ versions: [], total: "0", next_page_token: "" }),
        "PUT /api/evaluation/v1/evaluation_sets/500/items/2": (body) => {
          sent.updates.push(body);
          return ok({});
        },
        "POST /api/evaluation/v1/evaluation_sets/500/items/batch_delete": (body) => {
          sent.deleted.push(body);
          return ok({});
        },
        "POST /api/evaluation/v1/evaluation_sets/500/versions": (body) => {
          sent.versions.push(body);
          return ok({ id: "502" });
        },
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    const table = await screen.findByRole("table", { name: "Items" }, { timeout: 5000 });
    await within(table).findByText("Paris");
    expect(screen.getByText("The draft has changes since the latest version.")).toBeInTheDocument();

    fireEvent.click(within(table).getByRole("button", { name: "Edit reference_output of item 2" }));
    const editor = within(table).getByLabelText("New value of reference_output of item 2");
    expect(editor).toHaveValue("Paris");
    fireEvent.change(editor, { target: { value: "Paris, France" } });
    fireEvent.keyDown(editor, { key: "Enter" });
    await waitFor(() =>
      expect(sent.updates).toEqual([
        {
          workspace_id: "200",
          turns: [{ id: "21", field_data_list: [ cell("k1", "input", "Capital?"), { key: "k2", name: "reference_output", content: { content_type: "Text", format: 1, text: "Paris, France" } } ] }],
        },
      ]),
    );

    fireEvent.click(within(table).getByRole("checkbox", { name: "Select item 1" }));
    fireEvent.click(await screen.findByRole("button", { name: "Delete 1 selected" }));
    await waitFor(() => expect(sent.deleted).toEqual([{ workspace_id: "200", item_ids: ["1"] }]));

    fireEvent.click(screen.getByRole("button", { name: "Create version" }));
    const dialog = await screen.findByRole("dialog");
    // The next patch version is proposed; a version that is not semver is refused before it is sent.
    const version = within(dialog).getByLabelText("Version");
    expect(version).toHaveValue("1.0.1");
    fireEvent.change(version, { target: { value: "v2" } });
    expect(within(dialog).getByRole("button", { name: "Create" })).toBeDisabled();
    fireEvent.change(version, { target: { value: "1.1.0" } });
    fireEvent.change(within(dialog).getByLabelText("Description"), { target: { value: "fixed Paris" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Create" }));
    await waitFor(() => expect(sent.versions).toEqual([{ workspace_id: "200", version: "1.1.0", desc: "fixed Paris" }]));
  }, 20000);

  it("adds an item only once its required columns are filled, and shows the server's item errors", async () => {
    const created: unknown[] = [];
    mockFetch(
      withWorkspace({
        "GET /api/evaluation/v1/evaluation_sets/500": ok({ evaluation_set: SET }),
        "POST /api/evaluation/v1/evaluation_sets/500/items/list": ok({ items: ITEMS, total: "2", next_page_token: "", filter_total: "2" }),
        "POST /api/evaluation/v1/evaluation_sets/500/versions/list": ok({ versions: [], total: "0", next_page_token: "" }),
        "POST /api/evaluation/v1/evaluation_sets/500/items/batch_create": (body) => {
          created.push(body);
          return ok({ added_items: {}, item_outputs: [], errors: [{ type: 3, summary: "the item is larger than 1 MB", error_count: 1, details: [{ index: 0, message: "item 0 is 2 MB" }] }] });
        },
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    fireEvent.click(await screen.findByRole("button", { name: "Add item" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("reference_output"), { target: { value: "4" } });
    expect(dialog).toHaveTextContent('Fill "input": required.');
    expect(within(dialog).getByRole("button", { name: "Add" })).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText("input (required)"), { target: { value: "2+2?" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    expect(await within(dialog).findByText(/item 0 is 2 MB/)).toBeInTheDocument();
    expect(within(dialog).getByText("Item too large")).toBeInTheDocument();
    expect(created).toEqual([
      {
        workspace_id: "200",
        skip_invalid_items: false,
        allow_partial_add: false,
        items: [{ turns: [{ field_data_list: [ { key: "k1", name: "input", content: { content_type: "Text", format: 1, text: "2+2?" } }, { key: "k2", name: "reference_output", content: { content_type: "Text", format: 1, text: "4" } } ] }] }],
      },
    ]);
  }, 20000);
});
