import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fail, mockFetch, ok, PERSONAL_SPACE, USER, type MockReply } from "../../test/fetchMock";
import { renderApp } from "../../test/render";

// ECharts draws on a canvas jsdom lacks: the charts become their options, to check what would be drawn.
vi.mock("./EChart", () => ({
  EChart: ({ label, option }: { label: string; option: unknown }) => <div role="img" aria-label={label} data-option={JSON.stringify(option)} />,
}));

const PAGE = "/console/enterprise/personal/space/200/observation/metrics";
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 26, 10, 30);
const NAMES = ["service_trace_count", "service_span_count", "general_fail_ratio", "model_duration", "model_token_count", "service_user_count", "model_duration_pct99", "model_total_count_pie", "model_token_count_pie"];

interface MetricsBody {
  start_time: number;
  end_time: number;
  granularity: string;
  metric_names: string[];
  drill_down_fields: { field_name: string }[] | null;
}

/** A metrics answer: every asked metric with `summary`, one point at the window's first hour. */
function answer(body: MetricsBody, summary: string): MockReply {
  const bucket = String(body.start_time - (body.start_time % HOUR));
  const points = [{ timestamp: bucket, value: summary }];
  const series = body.drill_down_fields ? { "gpt-4o-mini": points, claude: points, "": points } : { all: points };
  const metrics = Object.fromEntries(
    body.metric_names.map((name) => [name, name.endsWith("_pie") ? { pie: summary === "0" ? {} : { "gpt-4o-mini": summary } } : { summary, time_series: series }]),
  );
  return ok({ metrics });
}

function routes(metrics: (body: MetricsBody) => MockReply | Promise<MockReply>, models: () => MockReply = () => ok({ drill_down_values: [{ value: "gpt-4o-mini" }] })) {
  return mockFetch({
    "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
    "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
    "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    "GET /api/observability/v1/metrics/names": ok({ metric_names: NAMES }),
    "POST /api/observability/v1/metrics/list": (body) => metrics(body as MetricsBody),
    "POST /api/observability/v1/metrics/drill_down_values": () => models(),
  });
}

function chartOption(name: string): { xAxis: { min: number; max: number }; series: { name: string; data: [number, number | null][] }[] } {
  return JSON.parse(screen.getByRole("img", { name }).getAttribute("data-option")!) as ReturnType<typeof chartOption>;
}

/** Picks `label` in the Semi select named `name` (a multiple select names its options "tick <label>"). */
async function choose(name: string, label: string) {
  fireEvent.click(screen.getByRole("combobox", { name }));
  fireEvent.click(await screen.findByRole("option", { name: new RegExp(`^(tick )?${label}$`) }));
}

describe("MetricsDashboard", () => {
  afterEach(() => vi.restoreAllMocks());

  it("shows how to send traces in an empty workspace, with zero cards and no empty charts", async () => {
    routes((body) => answer(body, "0"));
    renderApp(PAGE);
    expect(await screen.findByText("No traces in this time range", {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId("metric-service_trace_count")).toHaveTextContent("0");
    expect(screen.getByTestId("metric-general_fail_ratio")).toHaveTextContent("0%");
    expect(document.querySelectorAll("[data-option]")).toHaveLength(0);
  });

  it("keeps each chart on the axis of its own data while another range loads", async () => {
    vi.spyOn(Date, "now").mockReturnValue(NOW);
    let release: (() => void) | undefined;
    routes((body) => {
      if (body.end_time - body.start_time === 24 * HOUR) return answer(body, "4");
      return new Promise<MockReply>((done) => (release = () => done(answer(body, "1"))));
    });
    renderApp(PAGE);
    await screen.findByRole("img", { name: "Traces" }, { timeout: 5000 });
    expect(chartOption("Traces").xAxis).toEqual({ type: "time", min: NOW - 24 * HOUR - ((NOW - 24 * HOUR) % HOUR), max: NOW });

    fireEvent.click(screen.getByRole("radio", { name: "1 h" }));
    await waitFor(() => expect(release).toBeDefined());
    // Still the 24 h numbers: still the 24 h axis, and marked as not current.
    expect(chartOption("Traces").xAxis.max).toBe(NOW);
    expect(chartOption("Traces").series[0]!.data[0]![0]).toBe(NOW - 24 * HOUR - ((NOW - 24 * HOUR) % HOUR));
    expect(screen.getByRole("list", { name: "Summary" })).toHaveAttribute("aria-busy", "true");

    act(() => release!());
    await waitFor(() => expect(chartOption("Traces").xAxis.min).toBe(NOW - HOUR - ((NOW - HOUR) % 60_000)));
    expect(screen.getByRole("list", { name: "Summary" })).toHaveAttribute("aria-busy", "false");
    expect(screen.getByTestId("metric-service_trace_count")).toHaveTextContent("1");
  });

  it("splits the model charts by model, and back on all models combined drops a failed split's error", async () => {
    let splitFails = true;
    const asked: MetricsBody[] = [];
    routes((body) => {
      asked.push(body);
      if (body.drill_down_fields && splitFails) return fail(400, "drill_down_fields: model_name is not indexed yet");
      return answer(body, "3");
    });
    renderApp(PAGE);
    await screen.findByRole("img", { name: "Model tokens" }, { timeout: 5000 });

    await choose("Split by model", "gpt-4o-mini");
    expect(await screen.findByText("drill_down_fields: model_name is not indexed yet")).toBeInTheDocument();
    expect(asked.filter((body) => body.drill_down_fields)[0]).toMatchObject({ drill_down_fields: [{ field_name: "model_name" }], metric_names: ["model_token_count", "model_duration_pct99"] });

    // Unpick the model: the charts are the combined ones again, and the split's error is gone.
    await choose("Split by model", "gpt-4o-mini");
    await waitFor(() => expect(screen.queryByText("drill_down_fields: model_name is not indexed yet")).not.toBeInTheDocument());
    expect(screen.getByRole("img", { name: "Model tokens" })).toBeInTheDocument();

    splitFails = false;
    await choose("Split by model", "gpt-4o-mini");
    await screen.findByRole("img", { name: "Model tokens, by model" });
    // Only the picked model's series (the split answers every model).
    await waitFor(() => expect(chartOption("Model tokens, by model").series.map((line) => line.name)).toEqual(["gpt-4o-mini"]));
    expect(screen.queryByRole("img", { name: "Model tokens" })).not.toBeInTheDocument();
  });

  it("shows the server's message with Retry when the models of the range cannot be listed", async () => {
    let broken = true;
    routes(
      (body) => answer(body, "3"),
      () => (broken ? fail(400, "drill_down_value_type: unknown") : ok({ drill_down_values: [{ value: "gpt-4o-mini" }] })),
    );
    renderApp(PAGE);
    const message = await screen.findByText("drill_down_value_type: unknown", {}, { timeout: 5000 });
    const alert = message.closest<HTMLElement>('[role="alert"]')!;
    expect(alert).toHaveTextContent("Could not load the models of this range");
    broken = false;
    fireEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.queryByText("drill_down_value_type: unknown")).not.toBeInTheDocument());
  });

  it("names what Auto picks for the range, and asks with it", async () => {
    const asked: MetricsBody[] = [];
    routes((body) => (asked.push(body), answer(body, "3")));
    renderApp(PAGE);
    await screen.findByRole("img", { name: "Traces" }, { timeout: 5000 });
    const granularity = screen.getByRole("combobox", { name: "Granularity" });
    expect(granularity).toHaveTextContent("Auto (1 hour)");
    expect(asked[asked.length - 1]).toMatchObject({ granularity: "1hour" });
    fireEvent.click(screen.getByRole("radio", { name: "7 d" }));
    await waitFor(() => expect(asked[asked.length - 1]).toMatchObject({ granularity: "1hour" }));
    fireEvent.click(screen.getByRole("radio", { name: "1 h" }));
    await waitFor(() => expect(asked[asked.length - 1]).toMatchObject({ granularity: "1min" }));
    expect(granularity).toHaveTextContent("Auto (1 minute)");
  });
});
