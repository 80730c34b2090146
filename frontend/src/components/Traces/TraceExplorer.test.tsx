import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { queryKeys } from "../../api/queryKeys";
import { fail, mockFetch, ok, PERSONAL_SPACE, TEAM_SPACE, USER, type MockReply } from "../../test/fetchMock";
import type { OutputSpan } from "../../api/traces";
import { outputSpan } from "../../test/outputSpan";
import { renderApp } from "../../test/render";

const TRACE = "6364e077140622d359c7ce4488a38d80";
const TEXT = ["match", "not_match", "eq", "not_eq", "in", "not_in", "exist", "not_exist"];

function span(fields: Partial<OutputSpan>) {
  return outputSpan({
    input: '{"question": "What is the weather in Paris?"}',
    output: "Sunny and 24 degrees.",
    tags_string: { tenant: "acme" },
    tags_long: {},
    tags_double: {},
    custom_tags: { tenant: "acme" },
    system_tags: {},
    ...fields,
  });
}

const ROOT = span({});
const LLM = span({
  span_id: "4e06f3a9324822d4",
  parent_id: ROOT.span_id,
  span_name: "llm_call",
  span_type: "model",
  started_at: "1795662950644",
  duration: "3",
  input: '{"messages":[{"role":"system","content":"You are a weather assistant."},{"role":"user","content":"What is the weather in Paris?"}]}',
  output: '{"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":"Sunny and 24 degrees."}}]}',
  tags_string: { model_name: "gpt-4o-mini" },
  tags_long: { input_tokens: "12", output_tokens: "6" },
});

const SYSTEM_VIEWS = [
  { id: "1", view_name: "Exceptions", span_list_type: "root_span", is_system: true, filters: '{"query_and_or": "and", "filter_fields": [{"field_name": "status", "field_type": "string", "values": ["error"], "query_type": "in"}]}' },
  { id: "2", view_name: "High latency", span_list_type: "root_span", is_system: true, filters: '{"query_and_or": "and", "filter_fields": [{"field_name": "duration", "field_type": "long", "values": ["10000"], "query_type": "gte"}]}' },
];
const USER_VIEW = {
  id: "77",
  view_name: "Acme LLM",
  span_list_type: "llm_span",
  is_system: false,
  filters: JSON.stringify({ query_and_or: "and", filter_fields: [{ field_name: "tenant", field_type: "string", values: ["acme"], query_type: "eq", is_custom: true }] }),
};

interface Sent {
  lists: Record<string, unknown>[];
  views: Record<string, unknown>[];
  deleted: string[];
  traceUrls: string[];
}

function mockObservability(): Sent {
  const sent: Sent = { lists: [], views: [], deleted: [], traceUrls: [] };
  let views = [...SYSTEM_VIEWS, USER_VIEW];
  const spy = mockFetch({
    "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
    "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
    "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    "GET /api/observability/v1/traces/meta_info": ok({
      field_metas: {
        status: { value_type: "string", filter_types: ["in", "not_in"], field_options: { string_list: ["success", "error"] } },
        span_name: { value_type: "string", filter_types: TEXT },
        duration: { value_type: "long", filter_types: ["eq", "gt", "gte", "lt", "lte"] },
      },
    }),
    "POST /api/observability/v1/views/list": () => ok({ views }),
    "POST /api/observability/v1/views": (body) => {
      sent.views.push(body as Record<string, unknown>);
      views = [...views, { ...(body as typeof USER_VIEW), id: "88", is_system: false }];
      return ok({ id: "88" });
    },
    "DELETE /api/observability/v1/views/77": () => {
      sent.deleted.push("77");
      views = views.filter((view) => view.id !== "77");
      return ok({});
    },
    "POST /api/observability/v1/spans/list": (body) => {
      sent.lists.push(body as Record<string, unknown>);
      return ok({ spans: [ROOT], next_page_token: "", has_more: false });
    },
    "POST /api/observability/v1/traces/batch_get_advance_info": () => ok({ traces_advance_info: [{ trace_id: TRACE, tokens: { input: "12", output: "6" } }] }),
    [`GET /api/observability/v1/traces/${TRACE}`]: () => ok({ spans: [LLM, ROOT], traces_advance_info: { trace_id: TRACE, tokens: { input: "12", output: "6" } } }),
  });
  // Keep the full URLs of trace reads (to check the workspace is sent).
  const original = spy.getMockImplementation()!;
  spy.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes(`/traces/${TRACE}`)) sent.traceUrls.push(url);
    return original(input, init);
  });
  return sent;
}

const PAGE = "/console/enterprise/personal/space/200/observation/traces";
const last = <T,>(items: T[]): T => items[items.length - 1]!;

describe("TraceExplorer", () => {
  // jsdom lays nothing out: give the span tree's viewport a height, as the virtualiser measures it.
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("loop-span-tree") ? 600 : 0;
    });
  });

  it("lists root spans with their trace's tokens, and applies saved views (tab and filters)", async () => {
    const sent = mockObservability();
    renderApp(PAGE);
    const table = await screen.findByRole("table", { name: "Spans" }, { timeout: 5000 });
    const row = await within(table).findByRole("row", { name: /handle_request/ });
    await waitFor(() => expect(row).toHaveTextContent("18"));
    expect(last(sent.lists)).toMatchObject({ workspace_id: "200", span_list_type: "root_span", page_size: 50, filters: null, page_token: null });

    fireEvent.click(await screen.findByRole("button", { name: "Exceptions (built-in)" }));
    await waitFor(() =>
      expect(last(sent.lists)).toMatchObject({
        span_list_type: "root_span",
        filters: { query_and_or: "and", filter_fields: [{ field_name: "status", field_type: "string", query_type: "in", values: ["error"] }] },
      }),
    );
    expect(screen.getByRole("button", { name: "Exceptions (built-in)" })).toHaveAttribute("aria-pressed", "true");

    fireEvent.click(screen.getByRole("button", { name: "Acme LLM" }));
    await waitFor(() =>
      expect(last(sent.lists)).toMatchObject({
        span_list_type: "llm_span",
        filters: { filter_fields: [{ field_name: "tenant", field_type: "string", query_type: "eq", values: ["acme"], is_custom: true }] },
      }),
    );
    expect(screen.getByRole("tab", { name: "LLM spans" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByLabelText("Tag key of filter 1")).toHaveValue("tenant");
  });

  it("builds a custom tag filter, applies it, and saves it as a view", async () => {
    const sent = mockObservability();
    renderApp(PAGE);
    await screen.findByRole("table", { name: "Spans" }, { timeout: 5000 });

    fireEvent.click(screen.getByRole("button", { name: "Add custom tag filter" }));
    fireEvent.change(screen.getByLabelText("Tag key of filter 1"), { target: { value: "tenant" } });
    fireEvent.change(screen.getByLabelText("Value of filter 1"), { target: { value: "acme" } });
    expect(screen.getByText("Not applied yet")).toBeInTheDocument();
    const before = sent.lists.length;
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(sent.lists.length).toBeGreaterThan(before));
    expect(last(sent.lists).filters).toEqual({ query_and_or: "and", filter_fields: [{ field_name: "tenant", field_type: "string", query_type: "eq", values: ["acme"], is_custom: true }] });

    fireEvent.click(screen.getByRole("button", { name: "Save as view" }));
    const dialog = await screen.findByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("View name"), { target: { value: "Acme" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save view" }));
    await waitFor(() => expect(sent.views).toHaveLength(1));
    expect(sent.views[0]).toEqual({
      workspace_id: "200",
      platform_type: "cozeloop",
      view_name: "Acme",
      span_list_type: "root_span",
      filters: '{"query_and_or":"and","filter_fields":[{"field_name":"tenant","field_type":"string","query_type":"eq","values":["acme"],"is_custom":true}]}',
    });
    const saved = await screen.findByRole("button", { name: "Acme" });
    expect(saved).toHaveAttribute("aria-pressed", "true");
  });

  it("deletes a workspace view only after confirmation; built-in views have no delete", async () => {
    const sent = mockObservability();
    renderApp(PAGE);
    await screen.findByRole("button", { name: "Acme LLM" }, { timeout: 5000 });
    expect(screen.queryByRole("button", { name: "Delete view Exceptions" })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Delete view Acme LLM" }));
    const dialog = await screen.findByRole("dialog");
    expect(sent.deleted).toEqual([]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(sent.deleted).toEqual(["77"]));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Acme LLM" })).not.toBeInTheDocument());
  });

  it("loads the next page with the server's keyset token, never an offset", async () => {
    const sent = mockObservability();
    const second = span({ trace_id: "b".repeat(32), span_id: "1111111111111111", span_name: "older_request", started_at: "1795662000000" });
    mockFetch({
      "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
      "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
      "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
      "GET /api/observability/v1/traces/meta_info": ok({ field_metas: {} }),
      "POST /api/observability/v1/views/list": ok({ views: SYSTEM_VIEWS }),
      "POST /api/observability/v1/traces/batch_get_advance_info": ok({ traces_advance_info: [] }),
      "POST /api/observability/v1/spans/list": (body) => {
        sent.lists.push(body as Record<string, unknown>);
        return (body as { page_token: string | null }).page_token === "cursor-1"
          ? ok({ spans: [second], next_page_token: "", has_more: false })
          : ok({ spans: [ROOT], next_page_token: "cursor-1", has_more: true });
      },
    });
    renderApp(PAGE);
    await screen.findByRole("link", { name: "handle_request" }, { timeout: 5000 });
    expect(screen.getByText(/1 trace shown, 50 more per page/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByRole("link", { name: "older_request" });
    expect(sent.lists.map((body) => body.page_token)).toEqual([null, "cursor-1"]);
    expect(sent.lists.every((body) => !("offset" in body) && body.page_size === 50)).toBe(true);
    expect(screen.getByRole("link", { name: "handle_request" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
    expect(screen.getByText(/2 traces shown, that is all/)).toBeInTheDocument();
  });

  it("shows the server's message and a Retry when the list fails, and how to send traces when it is empty", async () => {
    let fail = true;
    mockFetch({
      "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
      "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
      "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
      "GET /api/observability/v1/traces/meta_info": ok({ field_metas: {} }),
      "POST /api/observability/v1/views/list": ok({ views: SYSTEM_VIEWS }),
      "POST /api/observability/v1/spans/list": () => (fail ? { status: 400, body: { code: 400, msg: "the time range may span at most 180 days" } } : ok({ spans: [], next_page_token: "", has_more: false })),
    });
    renderApp(PAGE);
    // (Toasts of earlier tests may still be on the page: find the banner by its message.)
    const message = await screen.findByText("the time range may span at most 180 days", {}, { timeout: 5000 });
    const alert = message.closest<HTMLElement>('[role="alert"]')!;
    expect(alert).toHaveTextContent("Could not load the spans");
    fail = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("No traces in this time range")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Connect the SDK" })).toHaveAttribute("href", "/console/enterprise/personal/space/200/home");
  });

  it("opens the trace drawer from ?trace_id= with the span tree and chat-rendered input", async () => {
    const sent = mockObservability();
    renderApp(`${PAGE}?trace_id=${TRACE}&span_id=${LLM.span_id}`);
    const tree = await screen.findByRole("tree", { name: "Span tree" }, { timeout: 5000 });
    expect(new URL(sent.traceUrls[0]!).searchParams.get("workspace_id")).toBe("200");
    expect(within(tree).getAllByRole("treeitem").map((item) => item.getAttribute("aria-label"))).toEqual([
      "handle_request, custom, success, 6 ms",
      "llm_call, model, success, 3 ms",
    ]);
    expect(screen.getByTestId("trace-summary")).toHaveTextContent("Tokens 18 (12 in / 6 out)");
    const input = await screen.findByRole("list", { name: "Input messages" });
    expect(within(input).getAllByTestId("chat-message").map((m) => m.textContent)).toEqual(["systemYou are a weather assistant.", "userWhat is the weather in Paris?"]);
  });
});

type Routes = Parameters<typeof mockFetch>[0];

/** The routes every page load needs, plus `extra` (which win). */
function baseRoutes(extra: Routes): Routes {
  return {
    "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
    "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
    "GET /api/foundation/v1/spaces/300": ok({ space: TEAM_SPACE }),
    "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE, TEAM_SPACE], total: 2 }),
    "GET /api/observability/v1/traces/meta_info": ok({ field_metas: { status: { value_type: "string", filter_types: ["in", "not_in"], field_options: { string_list: ["success", "error"] } } } }),
    "POST /api/observability/v1/views/list": ok({ views: SYSTEM_VIEWS }),
    "POST /api/observability/v1/traces/batch_get_advance_info": ok({ traces_advance_info: [{ trace_id: TRACE, tokens: { input: "12", output: "6" } }] }),
    [`GET /api/observability/v1/traces/${TRACE}`]: ok({ spans: [LLM, ROOT], traces_advance_info: { trace_id: TRACE, tokens: { input: "12", output: "6" } } }),
    ...extra,
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe("TraceExplorer: state, paging and errors", () => {
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("loop-span-tree") ? 600 : 0;
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it("starts over in another workspace: its own spans, none of the filters or rows of the last one", async () => {
    const lists: Record<string, unknown>[] = [];
    const team = span({ trace_id: "c".repeat(32), span_name: "team_request" });
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": (body) => {
          lists.push(body as Record<string, unknown>);
          return ok({ spans: (body as { workspace_id: string }).workspace_id === "300" ? [team] : [ROOT], next_page_token: "", has_more: false });
        },
      }),
    );
    const { router, queryClient } = renderApp(PAGE);
    await screen.findByRole("link", { name: "handle_request" }, { timeout: 5000 });
    fireEvent.click(screen.getByRole("button", { name: "Add custom tag filter" }));
    fireEvent.change(screen.getByLabelText("Tag key of filter 1"), { target: { value: "tenant" } });
    fireEvent.change(screen.getByLabelText("Value of filter 1"), { target: { value: "acme" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() => expect(last(lists).filters).not.toBeNull());

    // The team workspace is already known (visited before), so its pages render at once.
    queryClient.setQueryData(queryKeys.space("300"), TEAM_SPACE);
    await act(() => router.navigate("/console/enterprise/personal/space/300/observation/traces"));
    await screen.findByRole("link", { name: "team_request" });
    expect(last(lists)).toMatchObject({ workspace_id: "300", filters: null, page_token: null });
    expect(screen.queryByLabelText("Tag key of filter 1")).not.toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "handle_request" })).not.toBeInTheDocument();
  });

  it("asks about the last 24 h from now again when the tab changes, not from when the range was picked", async () => {
    const lists: { start_time: number; end_time: number; span_list_type: string }[] = [];
    const now = vi.spyOn(Date, "now").mockReturnValue(1_795_660_000_000);
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": (body) => (lists.push(body as (typeof lists)[number]), ok({ spans: [ROOT], next_page_token: "", has_more: false })),
      }),
    );
    renderApp(PAGE);
    await screen.findByRole("link", { name: "handle_request" }, { timeout: 5000 });
    expect(last(lists)).toMatchObject({ start_time: 1_795_660_000_000 - 24 * 3_600_000, end_time: 1_795_660_000_000 });

    now.mockReturnValue(1_795_660_000_000 + 3_600_000); // an hour on
    fireEvent.click(screen.getByRole("tab", { name: "All spans" }));
    await waitFor(() => expect(last(lists).span_list_type).toBe("all_span"));
    expect(last(lists)).toMatchObject({ start_time: 1_795_660_000_000 - 23 * 3_600_000, end_time: 1_795_660_000_000 + 3_600_000 });
  });

  it("names the custom range's inputs, and asks again on Refresh with a custom range (same window, same key)", async () => {
    let requests = 0;
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": () => ((requests += 1), ok({ spans: [ROOT], next_page_token: "", has_more: false })),
      }),
    );
    renderApp(PAGE);
    await screen.findByRole("link", { name: "handle_request" }, { timeout: 5000 });
    fireEvent.click(screen.getByRole("radio", { name: "Custom" }));
    await waitFor(() => expect(screen.getByRole("radio", { name: "Custom" })).toBeChecked());
    // Semi's range picker drops aria-label: its two inputs are named by the page.
    const group = screen.getByRole("group", { name: "Custom time range" });
    expect(within(group).getByLabelText("Start of the custom time range")).toBeInTheDocument();
    expect(within(group).getByLabelText("End of the custom time range")).toBeInTheDocument();
    await sleep(50);
    const before = requests;
    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(requests).toBe(before + 1));
  });

  it("does not ask for a failed next page again and again; shows the server's message and retries on Retry", async () => {
    // The sentinel under the table is always in view.
    class VisibleObserver {
      constructor(private readonly callback: IntersectionObserverCallback) {}
      observe() {
        this.callback([{ isIntersecting: true } as IntersectionObserverEntry], this as unknown as IntersectionObserver);
      }
      disconnect() {}
    }
    vi.stubGlobal("IntersectionObserver", VisibleObserver);
    const older = span({ trace_id: "b".repeat(32), span_id: "1111111111111111", span_name: "older_request" });
    let secondPage = 0;
    let broken = true;
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": (body): MockReply => {
          if ((body as { page_token: string | null }).page_token !== "cursor-1") return ok({ spans: [ROOT], next_page_token: "cursor-1", has_more: true });
          secondPage += 1;
          return broken ? fail(400, "page_token does not match this query; start from the first page") : ok({ spans: [older], next_page_token: "", has_more: false });
        },
      }),
    );
    renderApp(PAGE);
    const message = await screen.findByText("page_token does not match this query; start from the first page", {}, { timeout: 5000 });
    await sleep(300);
    expect(secondPage).toBe(1);
    const alert = message.closest<HTMLElement>('[role="alert"]')!;
    expect(alert).toHaveTextContent("Could not load more spans");
    expect(screen.getByRole("link", { name: "handle_request" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();

    broken = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    await screen.findByRole("link", { name: "older_request" });
    expect(secondPage).toBe(2);
    expect(screen.queryByText(/page_token does not match/)).not.toBeInTheDocument();
  });

  it("lists a span once when the next page repeats it", async () => {
    const older = span({ trace_id: "b".repeat(32), span_id: "1111111111111111", span_name: "older_request" });
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": (body) =>
          (body as { page_token: string | null }).page_token === "cursor-1"
            ? ok({ spans: [ROOT, older], next_page_token: "", has_more: false })
            : ok({ spans: [ROOT], next_page_token: "cursor-1", has_more: true }),
      }),
    );
    renderApp(PAGE);
    fireEvent.click(await screen.findByRole("button", { name: "Load more" }, { timeout: 5000 }));
    await screen.findByRole("link", { name: "older_request" });
    expect(screen.getAllByRole("link", { name: "handle_request" })).toHaveLength(1);
    expect(screen.getByText(/2 traces shown, that is all/)).toBeInTheDocument();
  });

  it("shows the server's message with Retry when the traces' token totals fail, and – instead of a forever …", async () => {
    let broken = true;
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": ok({ spans: [ROOT], next_page_token: "", has_more: false }),
        "POST /api/observability/v1/traces/batch_get_advance_info": () =>
          broken ? fail(400, "traces: ask for at most 200 at a time") : ok({ traces_advance_info: [{ trace_id: TRACE, tokens: { input: "12", output: "6" } }] }),
      }),
    );
    renderApp(PAGE);
    const message = await screen.findByText("traces: ask for at most 200 at a time", {}, { timeout: 5000 });
    const row = screen.getByRole("row", { name: /handle_request/ });
    expect(within(row).queryByText("Loading tokens")).not.toBeInTheDocument();
    expect(row).toHaveTextContent(/6 ms\s*–/);
    broken = false;
    fireEvent.click(within(message.closest<HTMLElement>('[role="alert"]')!).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.getByRole("row", { name: /handle_request/ })).toHaveTextContent("18"));
    expect(screen.queryByText("traces: ask for at most 200 at a time")).not.toBeInTheDocument();
  });

  it("keeps a view's status filter a built-in field when applied before the filterable fields have loaded", async () => {
    const lists: Record<string, unknown>[] = [];
    mockFetch(
      baseRoutes({
        "GET /api/observability/v1/traces/meta_info": () => new Promise<MockReply>(() => undefined), // still loading
        "POST /api/observability/v1/spans/list": (body) => (lists.push(body as Record<string, unknown>), ok({ spans: [ROOT], next_page_token: "", has_more: false })),
      }),
    );
    renderApp(PAGE);
    fireEvent.click(await screen.findByRole("button", { name: "Exceptions (built-in)" }, { timeout: 5000 }));
    await waitFor(() => expect(last(lists).filters).toEqual({ query_and_or: "and", filter_fields: [{ field_name: "status", field_type: "string", query_type: "in", values: ["error"] }] }));
    expect(screen.queryByLabelText("Tag key of filter 1")).not.toBeInTheDocument();
    expect(screen.getByText("Field of filter 1")).toBeInTheDocument();
  });

  it("puts latency, tokens and model before the start time and the input / output; the cost under the tokens when a span has one", async () => {
    const costly = span({ trace_id: "d".repeat(32), span_name: "priced", tags_double: { cost: 0.0123 } });
    let spans = [ROOT];
    mockFetch(baseRoutes({ "POST /api/observability/v1/spans/list": () => ok({ spans, next_page_token: "", has_more: false }) }));
    const { queryClient } = renderApp(PAGE);
    const table = await screen.findByRole("table", { name: "Spans" }, { timeout: 5000 });
    await within(table).findByRole("link", { name: "handle_request" });
    const headers = () => within(screen.getByRole("table", { name: "Spans" })).getAllByRole("columnheader").map((header) => header.textContent);
    // The first column holds the check boxes that pick spans to export.
    expect(headers()).toEqual(["", "Status", "Trace ID", "Span", "Latency", "Tokens", "Model", "Start time", "Input / output"]);
    const row = within(table).getByRole("row", { name: /handle_request/ });
    expect(row).toHaveTextContent(/In\s*\{"question": "What is the weather in Paris\?"\}/);
    expect(within(row).getByText("Sunny and 24 degrees.")).toHaveAttribute("title", "Sunny and 24 degrees.");

    spans = [ROOT, costly];
    await act(() => queryClient.invalidateQueries());
    await screen.findByRole("link", { name: "priced" });
    expect(headers()).toEqual(["", "Status", "Trace ID", "Span", "Latency", "Tokensand cost", "Model", "Start time", "Input / output"]);
    expect(within(screen.getByRole("row", { name: /priced/ })).getByTitle("Cost (the span's cost tag)")).toHaveTextContent("0.0123");
    expect(within(screen.getByRole("row", { name: /handle_request/ })).queryByTitle("Cost (the span's cost tag)")).not.toBeInTheDocument();
  });
});

describe("TraceDrawer", () => {
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockImplementation(function (this: HTMLElement) {
      return this.classList.contains("loop-span-tree") ? 600 : 0;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it("moves the selection to the collapsed ancestor when a collapse hides the selected span", async () => {
    mockFetch(baseRoutes({ "POST /api/observability/v1/spans/list": ok({ spans: [ROOT], next_page_token: "", has_more: false }) }));
    renderApp(`${PAGE}?trace_id=${TRACE}&span_id=${LLM.span_id}`);
    const tree = await screen.findByRole("tree", { name: "Span tree" }, { timeout: 5000 });
    expect(screen.getByRole("region", { name: "Span llm_call" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Collapse all" }));
    expect(within(tree).getAllByRole("treeitem")).toHaveLength(1);
    expect(tree).toHaveAttribute("aria-activedescendant", `span-row-${ROOT.span_id}`);
    expect(screen.getByRole("region", { name: "Span handle_request" })).toBeInTheDocument();
    // Expanding again keeps the ancestor selected; the keyboard goes on from it.
    fireEvent.click(screen.getByRole("button", { name: "Expand all" }));
    fireEvent.keyDown(tree, { key: "ArrowDown" });
    expect(screen.getByRole("region", { name: "Span llm_call" })).toBeInTheDocument();
  });

  it("keeps the trace on screen when a Reload fails, with the server's message and Retry", async () => {
    let broken = false;
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": ok({ spans: [ROOT], next_page_token: "", has_more: false }),
        [`GET /api/observability/v1/traces/${TRACE}`]: () =>
          broken ? fail(400, "the trace store is being compacted; try again") : ok({ spans: [LLM, ROOT], traces_advance_info: { trace_id: TRACE, tokens: { input: "12", output: "6" } } }),
      }),
    );
    renderApp(`${PAGE}?trace_id=${TRACE}`);
    const tree = await screen.findByRole("tree", { name: "Span tree" }, { timeout: 5000 });
    broken = true;
    fireEvent.click(screen.getByRole("button", { name: "Reload" }));
    const message = await screen.findByText("the trace store is being compacted; try again");
    expect(message.closest('[role="alert"]')).toHaveTextContent("Could not reload this trace");
    expect(within(tree).getAllByRole("treeitem")).toHaveLength(2);
    broken = false;
    fireEvent.click(within(message.closest<HTMLElement>('[role="alert"]')!).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.queryByText("the trace store is being compacted; try again")).not.toBeInTheDocument());
  });

  it("loads a span whose input the trace's answer cut, whole, on request; the server's message and Retry when that fails", async () => {
    const whole = `{"messages":[{"role":"user","content":"${"w".repeat(150_000)} the end"}]}`;
    const clippedLlm = { ...LLM, input: whole.slice(0, 100_000), clipped: true };
    const urls: URL[] = [];
    let broken = true;
    const spy = mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": ok({ spans: [ROOT], next_page_token: "", has_more: false }),
        [`GET /api/observability/v1/traces/${TRACE}`]: ok({ spans: [clippedLlm, ROOT] }),
      }),
    );
    const original = spy.getMockImplementation()!;
    spy.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.endsWith(`/traces/${TRACE}`) && url.searchParams.get("without_clip") === "true") {
        urls.push(url);
        const reply = broken ? fail(400, "without_clip needs span_ids (at most 20)") : ok({ spans: [{ ...LLM, input: whole, clipped: false }] });
        return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers: { "content-type": "application/json" } });
      }
      return original(input, init);
    });
    renderApp(`${PAGE}?trace_id=${TRACE}&span_id=${LLM.span_id}`);
    const input = await screen.findByRole("region", { name: "Input" }, { timeout: 5000 });
    expect(screen.getByText(/input and output were shortened/)).toBeInTheDocument();
    // Cut JSON is no JSON: it shows as text.
    expect(input.querySelector("pre")!.textContent).toMatch(/^\{"messages"/);

    fireEvent.click(screen.getByRole("button", { name: "Load them whole" }));
    const message = await screen.findByText("without_clip needs span_ids (at most 20)");
    expect(urls[0]!.searchParams.getAll("span_ids")).toEqual([LLM.span_id]);
    expect(urls[0]!.searchParams.get("workspace_id")).toBe("200");
    broken = false;
    fireEvent.click(within(message.closest<HTMLElement>('[role="alert"]')!).getByRole("button", { name: "Retry" }));
    const messages = await screen.findByRole("list", { name: "Input messages" });
    expect(screen.queryByText(/input and output were shortened/)).not.toBeInTheDocument();
    fireEvent.click(within(messages).getByRole("button", { name: "Show all" }));
    expect(within(messages).getByTestId("chat-message")).toHaveTextContent(/w the end$/);
  });

  it("counts each span once in the summary, even when the store returned one twice", async () => {
    const failed = { ...LLM, status: "error", status_code: -1 };
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": ok({ spans: [ROOT], next_page_token: "", has_more: false }),
        [`GET /api/observability/v1/traces/${TRACE}`]: ok({ spans: [failed, failed, ROOT] }),
      }),
    );
    renderApp(`${PAGE}?trace_id=${TRACE}`);
    const summary = await screen.findByTestId("trace-summary", {}, { timeout: 5000 });
    expect(summary).toHaveTextContent("2 spans");
    expect(summary).toHaveTextContent("1 with errors");
  });
});

describe("picking spans to export", () => {
  it("shows the picked count and opens the export dialog with those spans; a new list starts with none picked", async () => {
    mockFetch(
      baseRoutes({
        "POST /api/observability/v1/spans/list": (body) =>
          ok({ spans: (body as { span_list_type: string }).span_list_type === "all_span" ? [ROOT, LLM] : [ROOT], next_page_token: "", has_more: false }),
        "POST /api/evaluation/v1/evaluation_sets/list": ok({ evaluation_sets: [], total: "0", next_page_token: "" }),
      }),
    );
    renderApp(PAGE);
    const table = await screen.findByRole("table", { name: "Spans" }, { timeout: 5000 });
    await within(table).findByRole("link", { name: "handle_request" });
    expect(screen.queryByRole("group", { name: "Selected spans" })).not.toBeInTheDocument();

    fireEvent.click(within(table).getByRole("checkbox", { name: "Select span handle_request" }));
    const picked = await screen.findByRole("group", { name: "Selected spans" });
    expect(picked).toHaveTextContent("1 span selected");
    // Picking a span does not open its trace.
    expect(screen.queryByRole("tree", { name: "Span tree" })).not.toBeInTheDocument();

    fireEvent.click(within(picked).getByRole("button", { name: "Export to dataset" }));
    expect(await screen.findByRole("dialog", { name: "Export 1 span to an evaluation set" }, { timeout: 5000 })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());

    // Another tab is another list: nothing is picked there.
    fireEvent.click(screen.getByRole("tab", { name: "All spans" }));
    await within(await screen.findByRole("table", { name: "Spans" })).findByRole("link", { name: "llm_call" });
    expect(screen.queryByRole("group", { name: "Selected spans" })).not.toBeInTheDocument();
  });
});
