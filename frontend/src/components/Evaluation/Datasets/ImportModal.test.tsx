import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { calls, mockFetch, ok } from "../../../test/fetchMock";
import { renderApp } from "../../../test/render";
import { evalSet, SPACE_PATH, withWorkspace } from "../testRoutes";

const FIELDS = [
  { key: "k1", name: "input", content_type: "Text", isRequired: true },
  { key: "k2", name: "reference_output", content_type: "Text" },
];
const SET = evalSet(FIELDS, { item_count: "0" });
const JOB = (status: number, processed: string, added: string, errors: unknown[] = []) => ({
  id: "900",
  space_id: "200",
  dataset_id: "500",
  job_type: 1,
  source: {},
  target: {},
  status,
  progress: { total: "3", processed, added },
  errors,
  created_by: "100",
  created_at: "1",
  updated_at: "1",
});

describe("importing a file into an evaluation set", () => {
  it("uploads the file with the presigned form, maps columns by name, starts the job and reports it", async () => {
    const sent: { upload?: FormData; importBody?: Record<string, unknown> } = {};
    let polls = 0;
    const spy = mockFetch(
      withWorkspace({
        "GET /api/evaluation/v1/evaluation_sets/500": ok({ evaluation_set: SET }),
        "POST /api/evaluation/v1/evaluation_sets/500/items/list": ok({ items: [], total: "0", next_page_token: "", filter_total: "0" }),
        "POST /api/evaluation/v1/evaluation_sets/500/versions/list": ok({ versions: [], total: "0", next_page_token: "" }),
        "POST /api/foundation/v1/sign_upload_files": ok({
          uris: ["200/evaluation/1/questions.csv"],
          uploads: [{ url: "http://127.0.0.1:4566/loop-files", fields: { key: "200/evaluation/1/questions.csv", policy: "p" } }],
          max_bytes: 1_000_000,
          expired_time: "9",
        }),
        "POST /api/data/v1/datasets/500/import": (body) => {
          sent.importBody = body as Record<string, unknown>;
          return ok({ job_id: "900" });
        },
        "GET /api/data/v1/dataset_io_jobs/900": () => {
          polls += 1;
          return ok({ job: polls < 2 ? JOB(2, "1", "1") : JOB(3, "3", "2", [{ type: 7, summary: "a required column is empty", error_count: 1, details: [{ index: 3, message: "row 3: input is required" }] }]) });
        },
      }),
    );
    // The object store's answer to the form (the mock reads a JSON body; the form's is multipart).
    const original = spy.getMockImplementation()!;
    spy.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      if (new URL(request.url).pathname === "/loop-files") {
        sent.upload = await request.formData();
        return new Response(null, { status: 204 });
      }
      return original(input, init);
    });

    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    fireEvent.click(await screen.findByRole("button", { name: "Import" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog");
    const file = new File(["Input,Reference Output\n2+2?,4\nCapital?,Paris\n,x\n"], "questions.csv", { type: "text/csv" });
    fireEvent.change(within(dialog).getByLabelText("File"), { target: { files: [file] } });

    // The file's columns are matched to the set's (case, spaces and underscores aside).
    await waitFor(() => expect(within(dialog).getByRole("combobox", { name: "input *" })).toHaveTextContent("Input"), { timeout: 5000 });
    expect(within(dialog).getByRole("combobox", { name: "reference_output" })).toHaveTextContent("Reference Output");
    expect(sent.upload?.get("key")).toBe("200/evaluation/1/questions.csv");
    // The file goes as the form's "file" part, after the signed fields (jsdom's Request keeps no more of it).
    expect([...(sent.upload?.keys() ?? [])]).toEqual(["key", "policy", "file"]);

    fireEvent.click(within(dialog).getByRole("button", { name: "Import" }));
    await within(dialog).findByText("Import finished: 2 rows added of 3 read.", undefined, { timeout: 8000 });
    expect(within(dialog).getByText(/row 3: input is required/)).toBeInTheDocument();
    expect(within(dialog).getByText("Required column missing")).toBeInTheDocument();
    expect(sent.importBody).toEqual({
      workspace_id: "200",
      file: { path: "200/evaluation/1/questions.csv", format: 3, provider: 5, original_file_name: "questions.csv" },
      field_mappings: [
        { source: "Input", target: "input" },
        { source: "Reference Output", target: "reference_output" },
      ],
      option: { overwrite_dataset: false },
    });
    expect(calls(spy).filter((call) => call === "GET /api/data/v1/dataset_io_jobs/900").length).toBeGreaterThanOrEqual(2);
  }, 20000);

  it("refuses a file that is not CSV, JSONL or Parquet, and a CSV whose header is broken, before uploading", async () => {
    const spy = mockFetch(
      withWorkspace({
        "GET /api/evaluation/v1/evaluation_sets/500": ok({ evaluation_set: SET }),
        "POST /api/evaluation/v1/evaluation_sets/500/items/list": ok({ items: [], total: "0", next_page_token: "", filter_total: "0" }),
        "POST /api/evaluation/v1/evaluation_sets/500/versions/list": ok({ versions: [], total: "0", next_page_token: "" }),
      }),
    );
    renderApp(`${SPACE_PATH}/evaluation/datasets/500`);
    fireEvent.click(await screen.findByRole("button", { name: "Import" }, { timeout: 5000 }));
    const dialog = await screen.findByRole("dialog");
    const input = within(dialog).getByLabelText("File");
    fireEvent.change(input, { target: { files: [new File(["x"], "rows.xlsx")] } });
    expect(await within(dialog).findByRole("alert")).toHaveTextContent('"rows.xlsx" is not a CSV, JSONL or Parquet file');
    fireEvent.change(input, { target: { files: [new File(['"input,answer\n1,2\n'], "broken.csv")] } });
    await waitFor(() => expect(within(dialog).getByRole("alert")).toHaveTextContent("never closed"));
    expect(within(dialog).getByRole("button", { name: "Import" })).toBeDisabled();
    expect(calls(spy)).not.toContain("POST /api/foundation/v1/sign_upload_files");
  }, 20000);
});
