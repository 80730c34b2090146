"""Reading traces: the filter language (reference §5.4), paging, views, annotations, metrics, trace settings,
the platform's own spans and the OpenAPI search routes, over spans ingested once for the whole module."""

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.integration.test_accounts import assert_error
from tests.integration.test_prompt_playground import run as playground_run
from tests.support.accounts import Account, bearer, create_token, register
from tests.support.stack import RunningStack
from tests.support.traces import (
    OBSERVABILITY,
    SPANS_LIST,
    Span,
    custom_filter,
    filters,
    get_trace,
    ingest_ok,
    list_spans,
    new_span_id,
    new_trace_id,
    now_ms,
    now_us,
    sdk_span,
    time_window,
    wait_for_span_ids,
    wait_for_spans,
)

MINUTE_US = 60_000_000
PAGING_SPANS = 60


@dataclass
class Seeded:
    account: Account
    token: str
    filter_spans: dict[str, Span]  # span name → the span as sent
    paging_spans: list[Span]
    metric_traces: list[str]
    metrics_base_us: int


def suite(name: str) -> dict[str, Any]:
    return custom_filter("suite", name)


def filter_spans(ws: str) -> dict[str, Span]:
    """Four root spans that differ in every filterable way."""
    base = now_us() - 20 * MINUTE_US

    def span(name: str, offset_s: int, **fields: Any) -> Span:
        tags_string = {"suite": "filters", **fields.pop("tags_string", {})}
        start = base + offset_s * 1_000_000
        return sdk_span(ws, span_name=name, started_at_micros=start, tags_string=tags_string, **fields)

    return {
        "f_alpha": span(
            "f_alpha",
            1,
            input="hello alpha",
            duration_micros=50_000,
            log_id="log-alpha",
            tags_string={"env": "prod"},
            tags_long={"retries": 3, "latency_first_resp": 250_000},  # µs
            tags_double={"score": 0.2},
            tags_bool={"vip": True},
        ),
        "f_beta": span(
            "f_beta",
            2,
            input="hello beta",
            status_code=-1,
            duration_micros=1_500_000,
            tags_string={"env": "dev", "error": "bad"},
            tags_long={"retries": 7},
            tags_double={"score": 0.9},
            tags_bool={"vip": False},
        ),
        "f_gamma": span(
            "f_gamma",
            3,
            input="gamma 100%_done",
            duration_micros=12_000_000,
            tags_string={"env": "prod"},
            tags_long={"retries": 0},
            tags_double={"score": 0.5},
        ),
        "f_delta": span(
            "f_delta",
            4,
            duration_micros=300_000,
            tags_string={"env": "staging"},
            tags_long={"retries": 10},
            tags_double={"score": 0.6},
            tags_bool={"vip": True},
        ),
    }


def paging_spans(ws: str) -> list[Span]:
    """60 roots; every three share a start time, so the order also rests on span_id."""
    base = now_us() - 40 * MINUTE_US
    return [
        sdk_span(ws, span_name=f"p{i:02d}", started_at_micros=base + (i // 3) * 1000, tags_string={"suite": "paging"})
        for i in range(PAGING_SPANS)
    ]


def metric_spans(ws: str, base_us: int) -> tuple[list[Span], list[str]]:
    """Two traces, five minutes apart: 2 roots (1 failed), 3 model calls (1 failed), 2 tools (1 failed)."""
    first, second = new_trace_id(), new_trace_id()
    spans = []

    def add(trace_id: str, name: str, span_type: str, at_us: int, **fields: Any) -> str:
        tags = {"suite": "metrics", **fields.pop("tags_string", {})}
        span = sdk_span(ws, trace_id=trace_id, span_name=name, span_type=span_type, tags_string=tags, **fields)
        span["started_at_micros"] = at_us
        spans.append(span)
        return str(span["span_id"])

    def model(model_name: str, tokens: tuple[int, int], duration_ms: int, **fields: Any) -> dict[str, Any]:
        return {
            "tags_string": {"model_name": model_name, **fields.pop("tags_string", {})},
            "tags_long": {"input_tokens": tokens[0], "output_tokens": tokens[1]},
            "duration_micros": duration_ms * 1000,
            **fields,
        }

    root = add(first, "m_root", "custom", base_us, log_id="log-metrics", duration_micros=900_000)
    add(first, "m_call", "model", base_us + 1000, parent_id=root, log_id="log-metrics", **model("gpt-a", (10, 5), 200))
    add(
        first,
        "m_call",
        "model",
        base_us + 2000,
        parent_id=root,
        log_id="log-metrics",
        status_code=-1,
        **model("gpt-a", (20, 10), 400, tags_string={"error": "rate limited"}),
    )
    add(first, "m_search", "tool", base_us + 3000, parent_id=root, log_id="log-metrics")
    later = base_us + 5 * MINUTE_US
    root2 = add(second, "m_root", "custom", later, status_code=-1, tags_string={"error": "failed"})
    add(second, "m_call", "model", later + 1000, parent_id=root2, **model("gpt-b", (7, 3), 100))
    add(second, "m_fetch", "tool", later + 2000, parent_id=root2, status_code=-1, tags_string={"error": "404"})
    return spans, [first, second]


@pytest.fixture(scope="module")
def seeded(stack: RunningStack) -> Seeded:
    account = register(stack.base_url)
    token = create_token(account, "query tests")
    ws = account.workspace_id
    by_name = filter_spans(ws)
    paging = paging_spans(ws)
    minute = now_us() // MINUTE_US * MINUTE_US
    metrics_base = minute - 12 * MINUTE_US + 7_000_000
    metrics, metric_traces = metric_spans(ws, metrics_base)
    ingest_ok(stack.base_url, token, [*by_name.values(), *paging, *metrics])
    wait_for_span_ids(account.client, ws, {s["span_id"] for s in [*by_name.values(), *paging, *metrics]})
    return Seeded(account, token, by_name, paging, metric_traces, metrics_base)


def names(seeded: Seeded, *fields: dict[str, Any], relation: str = "and") -> set[str]:
    """The names of the filter suite's spans that match `fields`."""
    if relation == "and":
        body = filters(suite("filters"), *fields)
    else:
        body = filters(suite("filters"), {"sub_filter": filters(*fields, relation=relation)})
    spans = list_spans(seeded.account.client, seeded.account.workspace_id, filters=body)["spans"]
    return {span["span_name"] for span in spans}


def field(name: str, query_type: str, *values: Any, field_type: str | None = None, **extra: Any) -> dict[str, Any]:
    found = {"field_name": name, "query_type": query_type, "values": list(values), **extra}
    return found | ({"field_type": field_type} if field_type else {})


# --- filters ------------------------------------------------------------------------------------------


def test_status_filters_on_success_and_error(seeded: Seeded) -> None:
    assert names(seeded, field("status", "in", "success")) == {"f_alpha", "f_gamma", "f_delta"}
    assert names(seeded, field("status", "eq", "error")) == {"f_beta"}
    assert names(seeded, field("status", "not_in", "error")) == {"f_alpha", "f_gamma", "f_delta"}
    assert names(seeded, field("status", "in", "success", "error")) == {"f_alpha", "f_beta", "f_gamma", "f_delta"}


def test_custom_tags_filter_by_their_type(seeded: Seeded) -> None:
    assert names(seeded, custom_filter("env", "prod")) == {"f_alpha", "f_gamma"}
    assert names(seeded, custom_filter("retries", "7", "long", "gte")) == {"f_beta", "f_delta"}
    assert names(seeded, custom_filter("score", "0.55", "double", "lt")) == {"f_alpha", "f_gamma"}
    assert names(seeded, custom_filter("vip", "true", "bool")) == {"f_alpha", "f_delta"}
    assert names(seeded, custom_filter("vip", "false", "bool")) == {"f_beta"}
    # not_eq keeps the spans that lack the tag
    assert names(seeded, custom_filter("vip", "true", "bool", "not_eq")) == {"f_beta", "f_gamma"}
    assert names(seeded, custom_filter("env", "prod", "string", "not_eq")) == {"f_beta", "f_delta"}
    # Values may be numbers and booleans too
    assert names(seeded, field("retries", "lt", 3, field_type="long", is_custom=True)) == {"f_gamma"}
    assert names(seeded, field("vip", "eq", True, field_type="bool", is_custom=True)) == {"f_alpha", "f_delta"}
    # A tag of one type is not found under another
    assert names(seeded, custom_filter("retries", "7", "string")) == set()


def test_text_match_in_and_existence_filters(seeded: Seeded) -> None:
    assert names(seeded, field("input", "match", "hello")) == {"f_alpha", "f_beta"}
    assert names(seeded, field("input", "not_match", "hello")) == {"f_gamma", "f_delta"}
    # % and _ are literal characters, not wildcards
    assert names(seeded, field("input", "match", "100%_d")) == {"f_gamma"}
    assert names(seeded, field("input", "match", "a_p")) == set()
    assert names(seeded, field("env", "in", "prod", "staging", field_type="string", is_custom=True)) == {
        "f_alpha",
        "f_gamma",
        "f_delta",
    }
    assert names(seeded, field("env", "not_in", "prod", "staging", field_type="string", is_custom=True)) == {"f_beta"}
    assert names(seeded, field("span_name", "in", "f_alpha", "f_beta")) == {"f_alpha", "f_beta"}
    assert names(seeded, field("vip", "exist", field_type="bool", is_custom=True)) == {"f_alpha", "f_beta", "f_delta"}
    assert names(seeded, field("vip", "not_exist", field_type="bool", is_custom=True)) == {"f_gamma"}
    assert names(seeded, field("input", "exist")) == {"f_alpha", "f_beta", "f_gamma"}
    assert names(seeded, field("logid", "eq", "log-alpha")) == {"f_alpha"}


def test_duration_filters_are_in_milliseconds(seeded: Seeded) -> None:
    assert names(seeded, field("duration", "gte", "1000")) == {"f_beta", "f_gamma"}
    assert names(seeded, field("duration", "lt", "100")) == {"f_alpha"}
    assert names(seeded, field("duration", "gte", "10000")) == {"f_gamma"}
    # Latency tags are stored in µs, filtered and shown in ms
    assert names(seeded, field("latency_first_resp", "gte", "200")) == {"f_alpha"}
    assert names(seeded, field("latency_first_resp", "gte", "300")) == set()
    spans = list_spans(seeded.account.client, seeded.account.workspace_id, filters=filters(suite("filters")))["spans"]
    alpha = next(span for span in spans if span["span_name"] == "f_alpha")
    assert alpha["tags_long"]["latency_first_resp"] == "250" and alpha["custom_tags"]["latency_first_resp"] == "250"


def test_nested_filters_combine_with_and_and_or(seeded: Seeded) -> None:
    dev_or_no_retries = [custom_filter("env", "dev"), custom_filter("retries", "0", "long")]
    assert names(seeded, *dev_or_no_retries, relation="or") == {"f_beta", "f_gamma"}
    assert names(seeded, *dev_or_no_retries, relation="and") == set()
    # A field with its own condition and a sub_filter: succeeded AND (score > 0.55 OR input has "alpha")
    nested = field(
        "status",
        "in",
        "success",
        query_and_or="and",
        sub_filter=filters(
            custom_filter("score", "0.55", "double", "gt"), field("input", "match", "alpha"), relation="or"
        ),
    )
    assert names(seeded, nested) == {"f_alpha", "f_delta"}
    # ... and OR between the condition and the sub_filter: error OR prod
    either = field("status", "in", "error", query_and_or="or", sub_filter=filters(custom_filter("env", "prod")))
    assert names(seeded, either) == {"f_alpha", "f_beta", "f_gamma"}


def test_invalid_filters_are_400_naming_the_problem(seeded: Seeded) -> None:
    client, ws = seeded.account.client, seeded.account.workspace_id

    def refused(fields: dict[str, Any] | None = None, *words: str, **body: Any) -> None:
        request = {"workspace_id": ws, **time_window(), **body}
        if fields is not None:
            request["filters"] = filters(fields)
        assert_error(client.post(SPANS_LIST, json=request), 400, *words)

    refused(custom_filter("retries", "abc", "long", "gte"), "retries", "'abc' is not a finite number")
    refused(field("duration", "gte", "soon"), "duration", "'soon' is not a finite number")
    refused(field("input", "like", "x"), "query_type")
    refused(field("status", "in", "broken"), "status", "success")
    refused(custom_filter("vip", "maybe", "bool"), "vip", "not true or false")
    refused(custom_filter("retries", "3", "long", "match"), "match")
    refused(field("span_name", "eq", "x", field_type="long"), "span_name", "string")
    refused(field("env", "eq", field_type="string"), "needs at least one value")
    deep: dict[str, Any] = custom_filter("env", "prod")
    for _ in range(5):
        deep = {"sub_filter": filters(deep)}
    refused(deep, "deeper")
    refused(None, "page_token", page_token="not-a-token!")
    refused(None, "page_token", page_token="eyJ4IjogMX0=")  # base64 JSON, but not a cursor
    refused(None, "start_time", start_time=now_ms(), end_time=now_ms() - 1000)
    refused(None, "180 days", start_time=now_ms() - 200 * 86_400_000, end_time=now_ms())
    refused(None, "order", order_bys=[{"field": "duration", "is_asc": True}])
    refused(None, "page_size", page_size=1001)


# --- paging -------------------------------------------------------------------------------------------


def pages(seeded: Seeded, page_size: int, **body: Any) -> list[dict[str, Any]]:
    found, token = [], None
    while True:
        extra: dict[str, str] = {"page_token": token} if token else {}
        page = list_spans(
            seeded.account.client,
            seeded.account.workspace_id,
            filters=filters(suite("paging")),
            span_list_type="root_span",
            page_size=page_size,
            **body,
            **extra,
        )
        found.append(page)
        if not page["has_more"]:
            return found
        assert page["next_page_token"]
        token = page["next_page_token"]
        assert len(found) < 10, "paging does not end"


def test_pages_cover_every_span_once_newest_first(seeded: Seeded) -> None:
    got = pages(seeded, 25)

    assert [len(page["spans"]) for page in got] == [25, 25, 10]
    assert [page["has_more"] for page in got] == [True, True, False] and got[-1]["next_page_token"] == ""
    expected = sorted(seeded.paging_spans, key=lambda s: (s["started_at_micros"], s["span_id"]), reverse=True)
    listed = [span["span_id"] for page in got for span in page["spans"]]
    assert listed == [span["span_id"] for span in expected]


def test_pages_go_oldest_first_when_asked(seeded: Seeded) -> None:
    got = pages(seeded, 25, order_bys=[{"field": "start_time", "is_asc": True}])

    assert [len(page["spans"]) for page in got] == [25, 25, 10]
    expected = sorted(seeded.paging_spans, key=lambda s: (s["started_at_micros"], s["span_id"]))
    assert [span["span_id"] for page in got for span in page["spans"]] == [span["span_id"] for span in expected]
    # A page size that divides the total still ends with has_more false and no empty page after it
    exact = pages(seeded, 20, order_bys=[{"field": "start_time", "is_asc": True}])
    assert [len(page["spans"]) for page in exact] == [20, 20, 20]


# --- views --------------------------------------------------------------------------------------------


def views(seeded: Seeded) -> list[dict[str, Any]]:
    response = seeded.account.client.post(
        f"{OBSERVABILITY}/views/list", json={"workspace_id": seeded.account.workspace_id}
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["views"]
    return found


def test_system_views_are_listed_and_their_filters_work(seeded: Seeded) -> None:
    system = {view["view_name"]: view for view in views(seeded) if view["is_system"]}

    assert set(system) == {"Exceptions", "High latency"}
    exceptions = json.loads(system["Exceptions"]["filters"])
    high_latency = json.loads(system["High latency"]["filters"])
    with_suite = [suite("filters")]
    assert names(seeded, *exceptions["filter_fields"], *with_suite) == {"f_beta"}
    assert names(seeded, *high_latency["filter_fields"], *with_suite) == {"f_gamma"}


def test_user_views_are_created_updated_and_deleted(seeded: Seeded) -> None:
    client, ws = seeded.account.client, seeded.account.workspace_id
    prod = json.dumps(filters(custom_filter("env", "prod")))
    created = client.post(
        f"{OBSERVABILITY}/views",
        json={"workspace_id": ws, "view_name": "prod only", "span_list_type": "all_span", "filters": prod},
    )
    assert created.status_code == 200, created.text
    view_id = created.json()["id"]
    mine = next(view for view in views(seeded) if view["id"] == view_id)
    assert (mine["view_name"], mine["is_system"], mine["filters"], mine["span_list_type"]) == (
        "prod only",
        False,
        prod,
        "all_span",
    )

    dev = json.dumps(filters(custom_filter("env", "dev")))
    updated = client.put(
        f"{OBSERVABILITY}/views/{view_id}", json={"workspace_id": ws, "view_name": "dev only", "filters": dev}
    )
    assert updated.json() == {"code": 0, "msg": ""}
    mine = next(view for view in views(seeded) if view["id"] == view_id)
    assert (mine["view_name"], mine["filters"], mine["span_list_type"]) == ("dev only", dev, "all_span")
    searched = client.post(f"{OBSERVABILITY}/views/list", json={"workspace_id": ws, "view_name": "DEV"}).json()
    assert [view["id"] for view in searched["views"]] == [view_id]

    assert client.delete(f"{OBSERVABILITY}/views/{view_id}", params={"workspace_id": ws}).json()["code"] == 0
    assert view_id not in {view["id"] for view in views(seeded)}
    assert_error(client.delete(f"{OBSERVABILITY}/views/{view_id}", params={"workspace_id": ws}), 404, "not found")
    assert_error(client.put(f"{OBSERVABILITY}/views/{view_id}", json={"workspace_id": ws, "view_name": "x"}), 404)


def test_system_views_cannot_change_and_bad_views_are_refused(seeded: Seeded) -> None:
    client, ws = seeded.account.client, seeded.account.workspace_id
    exceptions = next(view for view in views(seeded) if view["view_name"] == "Exceptions")

    assert_error(
        client.put(f"{OBSERVABILITY}/views/{exceptions['id']}", json={"workspace_id": ws, "view_name": "mine"}),
        403,
        "built-in",
    )
    assert_error(client.delete(f"{OBSERVABILITY}/views/{exceptions['id']}", params={"workspace_id": ws}), 403)
    assert next(view for view in views(seeded) if view["id"] == exceptions["id"])["view_name"] == "Exceptions"

    def create(**body: Any) -> httpx.Response:
        return client.post(f"{OBSERVABILITY}/views", json={"workspace_id": ws, "view_name": "v", **body})

    assert_error(create(filters="{not json"), 400, "filters")
    assert_error(create(filters=json.dumps(filters(field("input", "like", "x")))), 400, "filters", "query_type")
    assert_error(create(filters="{}", view_name="  "), 400, "view_name")
    assert_error(create(filters="{}", span_list_type="odd"), 400, "span_list_type")
    assert "v" not in {view["view_name"] for view in views(seeded)}


# --- annotations --------------------------------------------------------------------------------------


def annotations_of(seeded: Seeded, span: Span) -> list[dict[str, Any]]:
    response = seeded.account.client.post(
        f"{OBSERVABILITY}/annotations/list",
        json={"workspace_id": seeded.account.workspace_id, "span_id": span["span_id"], "trace_id": span["trace_id"]},
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["annotations"]
    return found


def annotate(seeded: Seeded, span: Span, key: str, value: str, **extra: Any) -> httpx.Response:
    annotation = {
        "span_id": span["span_id"],
        "trace_id": span["trace_id"],
        "workspace_id": seeded.account.workspace_id,
        "start_time": span["started_at_micros"] // 1000,
        "key": key,
        "value": value,
        **extra,
    }
    return seeded.account.client.post(
        f"{OBSERVABILITY}/annotations", json={"annotation": annotation, "platform_type": "cozeloop"}
    )


def test_annotations_are_listed_shown_on_spans_replaced_and_deleted(seeded: Seeded) -> None:
    client, ws = seeded.account.client, seeded.account.workspace_id
    span = seeded.filter_spans["f_alpha"]

    created = annotate(seeded, span, "quality", "4", value_type="long", reasoning="mostly right")
    assert created.status_code == 200, created.text
    annotation_id = created.json()["annotation_id"]
    listed = annotations_of(seeded, span)
    assert [(a["id"], a["key"], a["value"], a["value_type"], a["type"]) for a in listed] == [
        (annotation_id, "quality", "4", "long", "manual_feedback")
    ]
    assert listed[0]["reasoning"] == "mostly right"
    assert listed[0]["base_info"]["created_by"]["user_id"] == seeded.account.user_id

    # The same key again replaces the value; another key adds one
    again = annotate(seeded, span, "quality", "5", value_type="long")
    assert again.json()["annotation_id"] == annotation_id
    annotate(seeded, span, "verdict", "good", value_type="string")
    assert {a["key"]: a["value"] for a in annotations_of(seeded, span)} == {"quality": "5", "verdict": "good"}

    # The span carries them in the list and in its trace; other spans do not
    listed_spans = list_spans(client, ws, filters=filters(suite("filters")))["spans"]
    shown = {s["span_name"]: {a["key"]: a["value"] for a in s["annotations"]} for s in listed_spans}
    assert shown["f_alpha"] == {"quality": "5", "verdict": "good"} and shown["f_beta"] == {}
    in_trace = get_trace(client, ws, span["trace_id"]).json()["spans"][0]["annotations"]
    assert {a["key"] for a in in_trace} == {"quality", "verdict"}

    deleted = client.delete(
        f"{OBSERVABILITY}/annotations/{annotation_id}", params={"workspace_id": ws, "trace_id": span["trace_id"]}
    )
    assert deleted.json() == {"code": 0, "msg": ""}
    assert [a["key"] for a in annotations_of(seeded, span)] == ["verdict"]
    again_deleted = client.delete(
        f"{OBSERVABILITY}/annotations/{annotation_id}", params={"workspace_id": ws, "trace_id": span["trace_id"]}
    )
    assert_error(again_deleted, 404, "not found")


def test_bad_annotations_are_refused(seeded: Seeded) -> None:
    client, ws = seeded.account.client, seeded.account.workspace_id
    span = seeded.filter_spans["f_gamma"]

    unknown_trace = {**span, "trace_id": new_trace_id()}
    assert_error(annotate(seeded, unknown_trace, "quality", "1"), 404, "not found")
    assert_error(annotate(seeded, span, "quality", "1", value_type="emoji"), 400, "value_type")
    assert_error(annotate(seeded, span, " ", "1"), 400, "key")
    assert_error(annotate(seeded, {**span, "span_id": "XYZ"}, "quality", "1"), 400, "span_id")
    annotation_id = annotate(seeded, span, "quality", "1").json()["annotation_id"]
    mismatched = {
        "annotation": {
            "span_id": span["span_id"],
            "trace_id": span["trace_id"],
            "workspace_id": ws,
            "key": "other",
            "value": "2",
        }
    }
    assert_error(client.put(f"{OBSERVABILITY}/annotations/{annotation_id}", json=mismatched), 400, "annotation_id")
    assert {a["key"]: a["value"] for a in annotations_of(seeded, span)} == {"quality": "1"}


def test_openapi_feedback_is_created_and_deleted_with_a_token(stack: RunningStack, seeded: Seeded) -> None:
    span = seeded.filter_spans["f_delta"]
    url = f"{stack.base_url}/v1/loop/annotations"
    body = {
        "workspace_id": seeded.account.workspace_id,
        "span_id": span["span_id"],
        "trace_id": span["trace_id"],
        "annotation_key": "thumbs",
        "annotation_value": "up",
        "annotation_value_type": "string",
        "reasoning": "user clicked",
    }

    created = httpx.post(url, headers=bearer(seeded.token), json=body)
    assert created.json() == {"code": 0, "msg": ""}, created.text
    [feedback] = annotations_of(seeded, span)
    assert (feedback["type"], feedback["key"], feedback["value"], feedback["reasoning"]) == (
        "openapi_feedback",
        "thumbs",
        "up",
        "user clicked",
    )

    params = {k: body[k] for k in ("workspace_id", "trace_id", "span_id")} | {"annotation_key": "thumbs"}
    removed = httpx.delete(url, headers=bearer(seeded.token), params=params)
    assert removed.json() == {"code": 0, "msg": ""}, removed.text
    assert annotations_of(seeded, span) == []
    assert_error(httpx.delete(url, headers=bearer(seeded.token), params=params), 404, "not found")
    unknown = httpx.post(url, headers=bearer(seeded.token), json={**body, "trace_id": new_trace_id()})
    assert_error(unknown, 404, "not found")
    assert_error(httpx.post(url, json=body), 401)


# --- metrics ------------------------------------------------------------------------------------------


def metrics(seeded: Seeded, *metric_names: str, **body: Any) -> dict[str, Any]:
    request = {
        "workspace_id": seeded.account.workspace_id,
        "start_time": now_ms() - 3_600_000,
        "end_time": now_ms() + 60_000,
        "metric_names": list(metric_names),
        "filters": filters(suite("metrics")),
        **body,
    }
    response = seeded.account.client.post(f"{OBSERVABILITY}/metrics/list", json=request)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["metrics"]
    return found


def test_summary_metrics_match_what_was_sent(seeded: Seeded) -> None:
    found = metrics(
        seeded,
        "general_total_count",
        "general_fail_ratio",
        "general_model_fail_ratio",
        "general_model_latency_avg",
        "general_model_total_tokens",
        "general_tool_total_count",
        "general_tool_fail_ratio",
        "model_token_count",
        "model_input_token_count",
        "model_output_token_count",
        "model_total_count",
        "model_total_error_count",
        "model_success_error_count",
        "model_duration_max",
        "service_trace_count",
        "service_uniq_trace",
        "service_span_count",
        "service_span_error_count",
        "service_trace_error_count",
    )

    assert {name: metric["summary"] for name, metric in found.items()} == {
        "general_total_count": "2",
        "general_fail_ratio": "0.5",
        "general_model_fail_ratio": "0.333333",
        "general_model_latency_avg": "233.333",
        "general_model_total_tokens": "55",
        "general_tool_total_count": "2",
        "general_tool_fail_ratio": "0.5",
        "model_token_count": "55",
        "model_input_token_count": "37",
        "model_output_token_count": "18",
        "model_total_count": "3",
        "model_total_error_count": "1",
        "model_success_error_count": "2",
        "model_duration_max": "400",
        "service_trace_count": "2",
        "service_uniq_trace": "2",
        "service_span_count": "7",
        "service_span_error_count": "3",
        "service_trace_error_count": "1",
    }


def test_pies_split_by_model_name(seeded: Seeded) -> None:
    found = metrics(seeded, "model_token_count_pie", "model_total_count_pie", "tool_total_count_pie")

    assert found["model_token_count_pie"]["pie"] == {"gpt-a": "45", "gpt-b": "10"}
    assert found["model_total_count_pie"]["pie"] == {"gpt-a": "2", "gpt-b": "1"}
    assert found["model_total_count_pie"]["summary"] == "3"
    assert found["tool_total_count_pie"]["pie"] == {"m_search": "1", "m_fetch": "1"}


def test_time_series_have_a_point_per_minute_and_drill_down_by_model(seeded: Seeded) -> None:
    found = metrics(seeded, "model_total_count", "model_token_count", granularity="1min")
    series = found["model_total_count"]["time_series"]
    assert list(series) == ["all"]
    points = series["all"]
    assert all(int(point["timestamp"]) % 60_000 == 0 for point in points) and len(points) >= 60
    nonzero = {int(point["timestamp"]): point["value"] for point in points if point["value"] != "0"}
    first_minute = seeded.metrics_base_us // MINUTE_US * 60_000
    assert nonzero == {first_minute: "2", first_minute + 5 * 60_000: "1"}

    drilled = metrics(
        seeded, "model_token_count", granularity="1min", drill_down_fields=[{"field_name": "model_name"}]
    )["model_token_count"]["time_series"]
    assert set(drilled) == {"gpt-a", "gpt-b"}
    totals = {name: sum(int(p["value"]) for p in points) for name, points in drilled.items()}
    assert totals == {"gpt-a": 45, "gpt-b": 10}
    by_tool = metrics(seeded, "tool_total_count", granularity="1min", drill_down_fields=[{"field_name": "tool_name"}])
    tool_series = by_tool["tool_total_count"]["time_series"]
    assert {name: sum(int(p["value"]) for p in points) for name, points in tool_series.items()} == {
        "m_search": 1,
        "m_fetch": 1,
    }


def test_drill_down_values_list_models_and_tools(seeded: Seeded) -> None:
    client, ws = seeded.account.client, seeded.account.workspace_id

    def values(kind: str) -> list[str]:
        body = {"workspace_id": ws, **time_window(), "drill_down_value_type": kind}
        body["filters"] = filters(suite("metrics"))
        response = client.post(f"{OBSERVABILITY}/metrics/drill_down_values", json=body)
        assert response.status_code == 200, response.text
        return [value["value"] for value in response.json()["drill_down_values"]]

    assert values("model_name") == ["gpt-a", "gpt-b"]
    assert values("tool_name") == ["m_fetch", "m_search"]
    bad = client.post(
        f"{OBSERVABILITY}/metrics/drill_down_values",
        json={"workspace_id": ws, **time_window(), "drill_down_value_type": "colour"},
    )
    assert_error(bad, 400, "drill_down_value_type")


def test_bad_metric_requests_are_400(seeded: Seeded) -> None:
    client, ws = seeded.account.client, seeded.account.workspace_id

    def refused(*words: str, **body: Any) -> None:
        request = {"workspace_id": ws, **time_window(), "metric_names": ["model_total_count"], **body}
        assert_error(client.post(f"{OBSERVABILITY}/metrics/list", json=request), 400, *words)

    refused("unknown metric names: model_vibes", metric_names=["model_total_count", "model_vibes"])
    refused("metric_names", metric_names=[])
    refused("granularity", granularity="2min")
    refused("1min", granularity="1min", start_time=now_ms() - 3 * 86_400_000)
    refused("drill-down", drill_down_fields=[{"field_name": "colour"}])
    refused("compare", compare={"compare_type": "yoy"})
    names_response = client.get(f"{OBSERVABILITY}/metrics/names", params={"workspace_id": ws})
    assert {"model_total_count", "service_span_count", "general_fail_ratio"} <= set(
        names_response.json()["metric_names"]
    )


# --- trace settings -----------------------------------------------------------------------------------


def test_trace_settings_choose_a_retention_tier(stack: RunningStack) -> None:
    owner = register(stack.base_url)
    url = f"{OBSERVABILITY}/trace_settings"
    ws = owner.workspace_id

    assert owner.client.get(url, params={"workspace_id": ws}).json() == {
        "code": 0,
        "msg": "",
        "ttl_days": 30,
        "ttl_choices": [3, 7, 30, 90, 180, 365],
    }
    for days in (3, 7, 30, 90, 180, 365):
        assert owner.client.put(url, json={"workspace_id": ws, "ttl_days": days}).json()["ttl_days"] == days
    assert owner.client.put(url, json={"workspace_id": ws, "ttl_days": 7}).status_code == 200
    for bad in (0, 10, 366, -7):
        assert_error(owner.client.put(url, json={"workspace_id": ws, "ttl_days": bad}), 400, "ttl_days")
    assert_error(owner.client.put(url, json={"workspace_id": ws, "ttl_days": "week"}), 400, "ttl_days")
    assert owner.client.get(url, params={"workspace_id": ws}).json()["ttl_days"] == 7

    # The tier sets when spans are deleted
    token = create_token(owner)
    span = sdk_span(ws, span_name="kept a week")
    ingest_ok(stack.base_url, token, [span])
    stored = wait_for_span_ids(owner.client, ws, {span["span_id"]})[0]
    assert int(stored["logic_delete_date"]) == int(stored["started_at"]) + 7 * 86_400_000

    # Only owners and admins choose it
    team = owner.client.post("/api/foundation/v1/spaces", json={"name": "trace team"}).json()["space"]["id"]
    member = register(stack.base_url)
    added = owner.client.post(f"/api/foundation/v1/spaces/{team}/members", json={"email": member.email, "role": 3})
    assert added.status_code == 200, added.text
    assert member.client.get(url, params={"workspace_id": team}).json()["ttl_days"] == 30
    assert_error(member.client.put(url, json={"workspace_id": team, "ttl_days": 3}), 403, "owners and admins")
    assert owner.client.get(url, params={"workspace_id": team}).json()["ttl_days"] == 30


# --- the platform's own spans -------------------------------------------------------------------------


def test_prompt_debug_runs_are_traced_under_the_prompt_platform(seeded: Seeded) -> None:
    status, events = playground_run(seeded.account, "0", "trace this run")
    assert status == 200 and events[-1][0] == "data"
    client, ws = seeded.account.client, seeded.account.workspace_id

    def debug_spans(spans: list[Span]) -> bool:
        return any(span["call_type"] == "PromptDebug" and span["span_type"] == "prompt" for span in spans)

    spans = wait_for_spans(client, ws, debug_spans, platform_type="prompt")
    debug = next(span for span in spans if span["span_type"] == "prompt")
    tree = [span for span in spans if span["trace_id"] == debug["trace_id"]]
    assert {span["call_type"] for span in tree} == {"PromptDebug"}
    model = next(span for span in tree if span["span_type"] == "model")
    assert model["parent_id"] == debug["span_id"] and "trace this run" in model["input"]
    assert debug["parent_id"] == "0" and debug["custom_tags"]["output_tokens"] == model["custom_tags"]["output_tokens"]
    # Not among the user's own spans, nor among the evaluator's
    for platform_type in (None, "cozeloop", "evaluator"):
        body = {"platform_type": platform_type} if platform_type else {}
        listed = list_spans(client, ws, **body)["spans"]
        assert debug["trace_id"] not in {span["trace_id"] for span in listed}, platform_type
    roots = list_spans(client, ws, platform_type="prompt", span_list_type="root_span")["spans"]
    assert debug["span_id"] in {span["span_id"] for span in roots} and model["span_id"] not in {
        span["span_id"] for span in roots
    }


# --- OpenAPI search -----------------------------------------------------------------------------------


def openapi(stack: RunningStack, seeded: Seeded, path: str, **body: Any) -> httpx.Response:
    request = {"workspace_id": seeded.account.workspace_id, **time_window(), **body}
    return httpx.post(f"{stack.base_url}/v1/loop{path}", headers=bearer(seeded.token), json=request, timeout=30)


def test_openapi_span_search_pages_up_to_200(stack: RunningStack, seeded: Seeded) -> None:
    found = openapi(stack, seeded, "/spans/search", filters=filters(suite("filters")), page_size=200)
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["code"] == 0 and {s["span_name"] for s in body["data"]["spans"]} == set(seeded.filter_spans)
    assert body["data"]["has_more"] is False

    first = openapi(stack, seeded, "/spans/search", filters=filters(suite("paging")), page_size=40).json()["data"]
    rest = openapi(
        stack,
        seeded,
        "/spans/search",
        filters=filters(suite("paging")),
        page_size=40,
        page_token=first["next_page_token"],
    ).json()["data"]
    ids = [s["span_id"] for s in first["spans"] + rest["spans"]]
    assert len(ids) == len(set(ids)) == PAGING_SPANS and rest["has_more"] is False

    assert_error(openapi(stack, seeded, "/spans/search", page_size=201), 400, "page_size")
    no_token = httpx.post(
        f"{stack.base_url}/v1/loop/spans/search", json={"workspace_id": seeded.account.workspace_id, **time_window()}
    )
    assert_error(no_token, 401)


def test_openapi_trace_search_by_trace_id_and_by_logid(stack: RunningStack, seeded: Seeded) -> None:
    first_trace = seeded.metric_traces[0]
    by_trace = openapi(stack, seeded, "/traces/search", trace_id=first_trace)
    assert by_trace.status_code == 200, by_trace.text
    data = by_trace.json()["data"]
    assert [s["span_name"] for s in data["spans"]] == ["m_root", "m_call", "m_call", "m_search"]
    assert data["traces_advance_info"]["tokens"] == {"input": "30", "output": "15"}

    by_log = openapi(stack, seeded, "/traces/search", logid="log-metrics").json()["data"]
    assert [s["span_name"] for s in by_log["spans"]] == ["m_root", "m_call", "m_call", "m_search"]
    assert {s["logid"] for s in by_log["spans"]} == {"log-metrics"}
    limited = openapi(stack, seeded, "/traces/search", logid="log-metrics", limit=2).json()["data"]
    assert [s["span_name"] for s in limited["spans"]] == ["m_root", "m_call"]
    assert openapi(stack, seeded, "/traces/search", logid="no-such-log").json()["data"]["spans"] == []

    assert_error(openapi(stack, seeded, "/traces/search"), 400, "trace_id or logid")
    assert_error(openapi(stack, seeded, "/traces/search", trace_id="short"), 400, "trace_id")


def test_openapi_trace_list_gives_token_totals(stack: RunningStack, seeded: Seeded) -> None:
    unknown = new_trace_id()
    listed = openapi(stack, seeded, "/traces/list", trace_ids=[*seeded.metric_traces, unknown])
    assert listed.status_code == 200, listed.text
    assert listed.json()["data"]["traces"] == [
        {"trace_id": seeded.metric_traces[0], "tokens": {"input": "30", "output": "15"}},
        {"trace_id": seeded.metric_traces[1], "tokens": {"input": "7", "output": "3"}},
        {"trace_id": unknown, "tokens": {"input": "0", "output": "0"}},
    ]
    assert_error(openapi(stack, seeded, "/traces/list", trace_ids=[]), 400, "trace_ids")
    assert_error(openapi(stack, seeded, "/traces/list", trace_ids=[new_span_id()]), 400, "trace_ids")
