import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockFetch, ok } from "../../test/fetchMock";
import { outputSpan } from "../../test/outputSpan";
import { renderWithProviders } from "../../test/render";
import { FeedbackPanel } from "./FeedbackPanel";

const SPAN = outputSpan({
  annotations: [
    { id: "a1", span_id: "6c91a4376eea6c21", trace_id: "6364e077140622d359c7ce4488a38d80", workspace_id: "200", start_time: "1795662950641", type: "manual_feedback", key: "helpful", value_type: "string", value: "yes", status: "normal", reasoning: "short and right" },
  ],
});

describe("FeedbackPanel", () => {
  it("lists the span's annotations and adds feedback with the span's start time", async () => {
    const posted: { url: string; body: unknown }[] = [];
    mockFetch({ "POST /api/observability/v1/annotations": (body) => (posted.push({ url: "", body }), ok({ annotation_id: "a2" })) });
    renderWithProviders(<FeedbackPanel spaceId="200" span={SPAN} />);
    const list = screen.getByRole("list", { name: "Feedback" });
    expect(within(list).getByRole("listitem")).toHaveTextContent(/helpful\s*yes\s*Manual/);
    expect(within(list).getByText("short and right")).toBeInTheDocument();

    const form = screen.getByRole("form", { name: "Add feedback" });
    fireEvent.change(within(form).getByLabelText("Key"), { target: { value: " correct " } });
    fireEvent.change(within(form).getByLabelText("Value"), { target: { value: "no" } });
    fireEvent.change(within(form).getByLabelText("Reasoning (optional)"), { target: { value: "wrong city" } });
    fireEvent.submit(form);
    fireEvent.submit(form); // a second Enter while the first is in flight sends nothing
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]!.body).toEqual({
      annotation: {
        span_id: SPAN.span_id,
        trace_id: SPAN.trace_id,
        workspace_id: "200",
        start_time: "1795662950641",
        key: "correct",
        value_type: "string",
        value: "no",
        reasoning: "wrong city",
      },
      platform_type: "cozeloop",
    });
    await waitFor(() => expect(within(form).getByLabelText("Key")).toHaveValue(""));
  });

  it("deletes a manual annotation after confirmation, and shows the server's message on failure", async () => {
    const deleted: string[] = [];
    mockFetch({
      "DELETE /api/observability/v1/annotations/a1": () => (deleted.push("a1"), ok({})),
      "POST /api/observability/v1/annotations": { status: 404, body: { code: 404, msg: "trace 6364 not found in workspace 200; spans show up about a second after ingest" } },
    });
    renderWithProviders(<FeedbackPanel spaceId="200" span={SPAN} />);
    fireEvent.click(screen.getByRole("button", { name: "Delete feedback helpful" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(deleted).toEqual(["a1"]));

    const form = screen.getByRole("form", { name: "Add feedback" });
    fireEvent.change(within(form).getByLabelText("Key"), { target: { value: "k" } });
    fireEvent.submit(form);
    expect(await within(form).findByRole("alert")).toHaveTextContent("spans show up about a second after ingest");
  });
});
