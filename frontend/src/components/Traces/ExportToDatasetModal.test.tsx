import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { mockFetch, ok } from "../../test/fetchMock";
import { renderWithProviders } from "../../test/render";
import { ExportToDatasetModal } from "./ExportToDatasetModal";

const SPANS = [{ trace_id: "a".repeat(32), span_id: "b".repeat(16) }];

describe("exporting spans to an evaluation set", () => {
  it("previews, then exports into a new set, and reports what was added", async () => {
    const sent: { preview?: Record<string, unknown>; exported?: Record<string, unknown> } = {};
    mockFetch({
      "POST /api/evaluation/v1/evaluation_sets/list": ok({ evaluation_sets: [], total: "0", next_page_token: "" }),
      "POST /api/observability/v1/traces/preview_export_to_dataset": (body) => {
        sent.preview = body as Record<string, unknown>;
        return ok({
          items: [{ status: "success", span_info: SPANS[0], field_list: [ { name: "input", content: { content_type: "Text", text: "What is the weather?" } }, { name: "output", content: { content_type: "Text", text: "Sunny" } } ] }],
          errors: [],
        });
      },
      "POST /api/observability/v1/traces/export_to_dataset": (body) => {
        sent.exported = body as Record<string, unknown>;
        return ok({ success_count: 1, errors: [], dataset_id: "600", dataset_name: "From traces" });
      },
    });
    const onExported = vi.fn();
    renderWithProviders(<ExportToDatasetModal spaceId="200" spans={SPANS} window={{ start: 1, end: 2 }} onClose={() => undefined} onExported={onExported} />);
    const dialog = await screen.findByRole("dialog");
    // Nothing to send before the new set has a name.
    expect(within(dialog).getByRole("button", { name: "Export" })).toBeDisabled();
    expect(dialog).toHaveTextContent("Name the new evaluation set.");
    fireEvent.change(within(dialog).getByLabelText("Name of the new set"), { target: { value: "From traces" } });
    fireEvent.change(within(dialog).getByLabelText("JSONPath of mapping 1"), { target: { value: "$.question" } });

    fireEvent.click(within(dialog).getByRole("button", { name: "Preview" }));
    const preview = await within(dialog).findByRole("table", { name: "Export preview" });
    expect(preview).toHaveTextContent(/What is the weather\?\s*Sunny\s*OK/);
    expect(sent.preview).toMatchObject({
      workspace_id: "200",
      category: 4,
      span_ids: SPANS,
      start_time: 1,
      end_time: 2,
      config: { is_new_dataset: true, dataset_name: "From traces" },
      field_mappings: [
        { field_schema: { name: "input", content_type: "Text" }, trace_field_key: "input", trace_field_jsonpath: "$.question" },
        { field_schema: { name: "output", content_type: "Text" }, trace_field_key: "output", trace_field_jsonpath: "" },
      ],
    });

    fireEvent.click(within(dialog).getByRole("button", { name: "Export" }));
    const result = await screen.findByTestId("export-result");
    expect(result).toHaveTextContent("1 item added to From traces.");
    expect(within(result).getByRole("link", { name: "From traces" })).toHaveAttribute("href", "/console/enterprise/personal/space/200/evaluation/datasets/600");
    expect(sent.exported).toEqual(sent.preview);
    await waitFor(() => expect(onExported).toHaveBeenCalledTimes(1));
  }, 20000);

  it("shows the server's refusal and keeps the dialog to fix it", async () => {
    mockFetch({
      "POST /api/evaluation/v1/evaluation_sets/list": ok({ evaluation_sets: [], total: "0", next_page_token: "" }),
      "POST /api/observability/v1/traces/export_to_dataset": { status: 400, body: { code: 400, msg: "trace_field_jsonpath '$[' is not a valid JSONPath" } },
    });
    renderWithProviders(<ExportToDatasetModal spaceId="200" spans={SPANS} window={{ start: 1, end: 2 }} onClose={() => undefined} onExported={() => undefined} />);
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("Name of the new set"), { target: { value: "x" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Export" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("is not a valid JSONPath");
    expect(within(dialog).getByRole("button", { name: "Export" })).toBeEnabled();
  }, 20000);
});
