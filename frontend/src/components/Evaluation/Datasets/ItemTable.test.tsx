import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, mockFetch, ok } from "../../../test/fetchMock";
import { renderApp } from "../../../test/render";
import { evalSet, type MockReply, SPACE_PATH, withWorkspace } from "../testRoutes";

const FIELDS = [
  { key: "input", name: "input", content_type: "Text", isRequired: true },
  { key: "picture", name: "picture", content_type: "Image" },
];
const SET = evalSet(FIELDS, { name: "Chats" });
const text = (value: string) => ({ key: "input", name: "input", content: { content_type: "Text", text: value } });
const SKY = { key: "picture", name: "picture", content: { content_type: "Image", image: { name: "sky.png", uri: "200/evaluation/9/sky.png", url: "http://127.0.0.1:4566/loop-files/200/evaluation/9/sky.png?X-Amz-Signature=s" } } };
const ITEMS = [
  { item_id: "1", turns: [{ id: "0", field_data_list: [text("Describe the picture")] }] },
  {
    item_id: "2",
    turns: [
      { id: "21", field_data_list: [text("Hello")] },
      { id: "22", field_data_list: [text("And the weather?"), SKY] },
    ],
  },
];
const SIGNED = ok({
  uris: ["200/evaluation/1/cat.png"],
  uploads: [{ url: "http://127.0.0.1:4566/loop-files", fields: { key: "200/evaluation/1/cat.png", policy: "p" } }],
  max_bytes: 1_000_000,
  expired_time: "9",
});

/** The set's page with these routes; the object store's answer to the upload form is 204 (the mock reads JSON only). */
function mockSet(extra: Record<string, MockReply | ((body: unknown) => MockReply)>) {
  const stored: FormData[] = [];
  const spy = mockFetch(
    withWorkspace({
      "GET /api/evaluation/v1/evaluation_sets/500": ok({ evaluation_set: SET }),
      "POST /api/evaluation/v1/evaluation_sets/500/items/list": ok({ items: ITEMS, total: "2", next_page_token: "", filter_total: "2" }),
      "POST /api/evaluation/v1/evaluation_sets/500/versions/list": ok({ versions: [], total: "0", next_page_token: "" }),
      ...extra,
    }),
  );
  const original = spy.getMockImplementation()!;
  spy.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (new URL(request.url).pathname === "/loop-files") {
      stored.push(await request.formData());
      return new Response(null, { status: 204 });
    }
    return original(input, init);
  });
  return { spy, stored };
}

describe("the items of an evaluation set", () => {
  it("shows every turn of a multi-turn item, and edits a cell of a later turn keeping the others", async () => {
    const updates: unknown[] = [];
    mockSet({
      "PUT /api/evaluation/v1/evaluation_sets/500/items/2": (body) => {
        updates.push(body);
        return ok({});
      },
    });
    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    const table = await screen.findByRole("table", { name: "Items" }, { timeout: 5000 });
    // The row previews turn 1; the item is edited turn by turn in its sheet.
    await within(table).findByText("Hello");
    expect(within(table).queryByText("And the weather?")).not.toBeInTheDocument();
    expect(within(table).getByRole("button", { name: "Edit input of item 1" })).toBeInTheDocument();
    expect(within(table).queryByRole("button", { name: "Edit input of item 2" })).not.toBeInTheDocument();

    fireEvent.click(within(table).getByRole("button", { name: "Show the 2 turns of item 2" }));
    const sheet = await screen.findByTestId("item-turns");
    const first = within(sheet).getByRole("region", { name: "Turn 1" });
    const second = within(sheet).getByRole("region", { name: "Turn 2" });
    expect(first).toHaveTextContent("Hello");
    expect(second).toHaveTextContent("And the weather?");
    expect(within(second).getByRole("img", { name: "picture of item 2, turn 2" })).toHaveAttribute("src", SKY.content.image.url);

    fireEvent.click(within(second).getByRole("button", { name: "Edit input of item 2, turn 2" }));
    const editor = within(second).getByLabelText("New value of input of item 2, turn 2");
    expect(editor).toHaveValue("And the weather?");
    fireEvent.change(editor, { target: { value: "And tomorrow's weather?" } });
    fireEvent.keyDown(editor, { key: "Enter" });
    await waitFor(() =>
      expect(updates).toEqual([
        {
          workspace_id: "200",
          turns: [
            { id: "21", field_data_list: [text("Hello")] },
            { id: "22", field_data_list: [{ key: "input", name: "input", content: { content_type: "Text", format: 1, text: "And tomorrow's weather?" } }, SKY] },
          ],
        },
      ]),
    );
  }, 20000);

  it("uploads an image into an Image cell and saves the cell with the upload's uri", async () => {
    const updates: unknown[] = [];
    const { stored } = mockSet({
      "POST /api/foundation/v1/sign_upload_files": SIGNED,
      "PUT /api/evaluation/v1/evaluation_sets/500/items/1": (body) => {
        updates.push(body);
        return ok({});
      },
    });
    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    const table = await screen.findByRole("table", { name: "Items" }, { timeout: 5000 });
    fireEvent.click(await within(table).findByRole("button", { name: "Edit picture of item 1" }));
    // The URL field stays; the upload is beside it.
    expect(within(table).getByLabelText("New value of picture of item 1")).toHaveValue("");
    const png = new File([new Uint8Array([137, 80, 78, 71])], "cat.png", { type: "image/png" });
    fireEvent.change(within(table).getByLabelText("Upload an image for picture of item 1"), { target: { files: [png] } });
    await within(table).findByText("Uploaded cat.png");
    expect(stored[0]?.get("key")).toBe("200/evaluation/1/cat.png");
    // The file goes as the form's "file" part, after the signed fields (jsdom's Request keeps no more of it).
    expect([...(stored[0]?.keys() ?? [])]).toEqual(["key", "policy", "file"]);

    fireEvent.click(within(table).getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(updates).toEqual([
        {
          workspace_id: "200",
          turns: [{ id: "0", field_data_list: [text("Describe the picture"), { key: "picture", name: "picture", content: { content_type: "Image", image: { name: "cat.png", uri: "200/evaluation/1/cat.png" } } }] }],
        },
      ]),
    );
  }, 20000);

  it("says why an image was not uploaded: not an image, or too large", async () => {
    const { spy } = mockSet({ "POST /api/foundation/v1/sign_upload_files": ok({ ...SIGNED.body as object, max_bytes: 2 }) });
    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    const table = await screen.findByRole("table", { name: "Items" }, { timeout: 5000 });
    fireEvent.click(await within(table).findByRole("button", { name: "Edit picture of item 1" }));
    const picker = within(table).getByLabelText("Upload an image for picture of item 1");

    fireEvent.change(picker, { target: { files: [new File(["a,b"], "rows.csv", { type: "text/csv" })] } });
    expect(await within(table).findByRole("alert")).toHaveTextContent('"rows.csv" is not an image');
    expect(calls(spy)).not.toContain("POST /api/foundation/v1/sign_upload_files");

    fireEvent.change(picker, { target: { files: [new File([new Uint8Array(2_200_000)], "huge.png", { type: "image/png" })] } });
    await waitFor(() => expect(within(table).getByRole("alert")).toHaveTextContent(/Could not upload "huge\.png": The file is 2\.1 MB; uploads are limited to 0 MB\. Pick a smaller image\./));
    expect(calls(spy)).not.toContain("POST /loop-files");
    expect(within(table).queryByText(/^Uploaded/)).not.toBeInTheDocument();
  }, 20000);

  it("adds an item with an uploaded image", async () => {
    const created: unknown[] = [];
    mockSet({
      "POST /api/foundation/v1/sign_upload_files": SIGNED,
      "POST /api/evaluation/v1/evaluation_sets/500/items/batch_create": (body) => {
        created.push(body);
        return ok({ added_items: { "0": "3" }, item_outputs: [], errors: [] });
      },
    });
    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    fireEvent.click(await screen.findByRole("button", { name: "Add item" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog", { name: "Add item" });
    fireEvent.change(within(dialog).getByLabelText("input (required)"), { target: { value: "What is this?" } });
    fireEvent.change(within(dialog).getByLabelText("Upload an image for picture"), { target: { files: [new File([new Uint8Array([1])], "cat.png", { type: "image/png" })] } });
    await within(dialog).findByText("Uploaded cat.png");
    fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    await waitFor(() =>
      expect(created).toEqual([
        {
          workspace_id: "200",
          skip_invalid_items: false,
          allow_partial_add: false,
          items: [
            {
              turns: [
                {
                  field_data_list: [
                    { key: "input", name: "input", content: { content_type: "Text", format: 1, text: "What is this?" } },
                    { key: "picture", name: "picture", content: { content_type: "Image", image: { name: "cat.png", uri: "200/evaluation/1/cat.png" } } },
                  ],
                },
              ],
            },
          ],
        },
      ]),
    );
  }, 20000);
});
