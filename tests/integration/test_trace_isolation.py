"""Workspaces are sealed: nobody reads, writes or annotates another workspace's traces, by token or by session."""

from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.integration.test_accounts import assert_error
from tests.support.accounts import Account, bearer, create_token, register
from tests.support.stack import RunningStack
from tests.support.traces import (
    OBSERVABILITY,
    OTLP,
    SPANS_LIST,
    by_name,
    filters,
    get_trace,
    ingest,
    ingest_ok,
    list_spans,
    new_span_id,
    sdk_span,
    time_window,
    wait_for_ingest_queue_drained,
    wait_for_span_ids,
)


@dataclass
class Tenant:
    account: Account
    token: str

    @property
    def workspace_id(self) -> str:
        return self.account.workspace_id


@dataclass
class Bobs:
    tenant: Tenant
    root: dict[str, Any]
    child: dict[str, Any]
    view_id: str


@pytest.fixture(scope="module")
def alice(stack: RunningStack) -> Tenant:
    account = register(stack.base_url)
    return Tenant(account, create_token(account, "alice"))


@pytest.fixture(scope="module")
def bob(stack: RunningStack) -> Bobs:
    """Bob's workspace holds one trace (a root and a model call) and one saved view."""
    account = register(stack.base_url)
    tenant = Tenant(account, create_token(account, "bob"))
    root = sdk_span(tenant.workspace_id, span_name="bob_root", output="bob's secret")
    child = sdk_span(
        tenant.workspace_id,
        span_name="bob_llm",
        span_type="model",
        trace_id=root["trace_id"],
        parent_id=root["span_id"],
        tags_long={"input_tokens": 3, "output_tokens": 4},
    )
    ingest_ok(stack.base_url, tenant.token, [child, root])
    wait_for_span_ids(account.client, tenant.workspace_id, {root["span_id"], child["span_id"]})
    view = account.client.post(
        f"{OBSERVABILITY}/views",
        json={"workspace_id": tenant.workspace_id, "view_name": "bob's view", "filters": "{}"},
    )
    assert view.status_code == 200, view.text
    return Bobs(tenant, root, child, view.json()["id"])


def bobs_span_names(bob: Bobs) -> set[str]:
    return {span["span_name"] for span in list_spans(bob.tenant.account.client, bob.tenant.workspace_id)["spans"]}


def test_a_token_cannot_write_spans_into_another_workspace(stack: RunningStack, alice: Tenant, bob: Bobs) -> None:
    bob_ws = bob.tenant.workspace_id
    # A span for Bob's workspace sent with Alice's token
    refused = ingest(stack.base_url, alice.token, [sdk_span(bob_ws, span_name="planted")])
    assert_error(refused, 404, "not found")
    # In a batch mixing Alice's workspace and Bob's, Bob's span is refused (and named) and Alice's is stored
    mixed = [sdk_span(alice.workspace_id, span_name="alice_mixed"), sdk_span(bob_ws, span_name="planted_mixed")]
    answer = ingest(stack.base_url, alice.token, mixed)
    assert answer.status_code == 200 and answer.json()["code"] == 0, answer.text
    assert "accepted 1 of 2" in answer.json()["msg"] and f"workspace {bob_ws}" in answer.json()["msg"]
    # OTLP with Bob's workspace in the header
    otlp = {
        "resourceSpans": [
            {
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": bob.root["trace_id"],
                                "spanId": new_span_id(),
                                "name": "planted_otlp",
                                "startTimeUnixNano": str(bob.root["started_at_micros"] * 1000),
                                "endTimeUnixNano": str(bob.root["started_at_micros"] * 1000 + 1000),
                            }
                        ]
                    }
                ]
            }
        ]
    }
    headers = {**bearer(alice.token), "cozeloop-workspace-id": bob_ws}
    assert_error(httpx.post(f"{stack.base_url}{OTLP}", headers=headers, json=otlp), 404, "not found")

    # Then, once Bob's own next span is stored, his workspace still holds only his spans
    marker = sdk_span(bob_ws, span_name="bob_marker")
    ingest_ok(stack.base_url, bob.tenant.token, [marker])
    wait_for_span_ids(bob.tenant.account.client, bob_ws, {marker["span_id"]})
    wait_for_ingest_queue_drained(stack)
    assert bobs_span_names(bob) == {"bob_root", "bob_llm", "bob_marker"}
    assert "alice_mixed" in {
        span["span_name"] for span in list_spans(alice.account.client, alice.workspace_id)["spans"]
    }
    trace = get_trace(bob.tenant.account.client, bob_ws, bob.root["trace_id"]).json()
    assert {span["span_name"] for span in trace["spans"]} == {"bob_root", "bob_llm"}


def test_a_session_cannot_read_another_workspaces_traces(alice: Tenant, bob: Bobs) -> None:
    client, bob_ws, trace_id = alice.account.client, bob.tenant.workspace_id, bob.root["trace_id"]
    window = time_window()

    assert_error(client.post(SPANS_LIST, json={"workspace_id": bob_ws, **window}), 404, "not found")
    assert_error(get_trace(client, bob_ws, trace_id), 404, "not found")
    advance = {"workspace_id": bob_ws, "traces": [{"trace_id": trace_id, **window}]}
    assert_error(client.post(f"{OBSERVABILITY}/traces/batch_get_advance_info", json=advance), 404)
    assert_error(client.get(f"{OBSERVABILITY}/traces/meta_info", params={"workspace_id": bob_ws}), 404)
    metrics = {"workspace_id": bob_ws, **window, "metric_names": ["service_span_count"]}
    assert_error(client.post(f"{OBSERVABILITY}/metrics/list", json=metrics), 404)
    drill = {"workspace_id": bob_ws, **window, "drill_down_value_type": "model_name"}
    assert_error(client.post(f"{OBSERVABILITY}/metrics/drill_down_values", json=drill), 404)
    assert_error(client.get(f"{OBSERVABILITY}/trace_settings", params={"workspace_id": bob_ws}), 404)
    assert_error(client.put(f"{OBSERVABILITY}/trace_settings", json={"workspace_id": bob_ws, "ttl_days": 3}), 404)

    # Asking for Bob's trace in her own workspace finds nothing, with no tokens
    own = get_trace(client, alice.workspace_id, trace_id).json()
    assert own["spans"] == [] and own["traces_advance_info"]["tokens"] == {"input": "0", "output": "0"}
    advance["workspace_id"] = alice.workspace_id
    infos = client.post(f"{OBSERVABILITY}/traces/batch_get_advance_info", json=advance).json()["traces_advance_info"]
    assert infos == [{"trace_id": trace_id, "tokens": {"input": "0", "output": "0"}}]
    # Two different workspaces in one request are refused rather than guessed
    two = client.post(f"{SPANS_LIST}?workspace_id={bob_ws}", json={"workspace_id": alice.workspace_id, **window})
    assert_error(two, 400, "two different workspaces")
    # Bob still sees his trace (so the 404s above are about Alice, not the data)
    assert len(get_trace(bob.tenant.account.client, bob_ws, trace_id).json()["spans"]) == 2


def test_a_session_cannot_change_another_workspaces_views_annotations_or_settings(alice: Tenant, bob: Bobs) -> None:
    client, bob_ws = alice.account.client, bob.tenant.workspace_id

    assert_error(
        client.post(f"{OBSERVABILITY}/views", json={"workspace_id": bob_ws, "view_name": "x", "filters": "{}"}), 404
    )
    assert_error(client.post(f"{OBSERVABILITY}/views/list", json={"workspace_id": bob_ws}), 404)
    # Bob's view id, in Alice's own workspace or in Bob's
    for ws in (alice.workspace_id, bob_ws):
        assert_error(
            client.put(f"{OBSERVABILITY}/views/{bob.view_id}", json={"workspace_id": ws, "view_name": "taken"}), 404
        )
        assert_error(client.delete(f"{OBSERVABILITY}/views/{bob.view_id}", params={"workspace_id": ws}), 404)
    alices_views = client.post(f"{OBSERVABILITY}/views/list", json={"workspace_id": alice.workspace_id}).json()["views"]
    assert bob.view_id not in {view["id"] for view in alices_views}
    bobs_views = bob.tenant.account.client.post(f"{OBSERVABILITY}/views/list", json={"workspace_id": bob_ws}).json()
    assert {view["id"]: view["view_name"] for view in bobs_views["views"]}[bob.view_id] == "bob's view"

    annotation = {
        "span_id": bob.root["span_id"],
        "trace_id": bob.root["trace_id"],
        "workspace_id": bob_ws,
        "key": "sneaky",
        "value": "1",
    }
    assert_error(client.post(f"{OBSERVABILITY}/annotations", json={"annotation": annotation}), 404, "not found")
    # Claiming her own workspace: Bob's trace is not in it
    in_own = {"annotation": {**annotation, "workspace_id": alice.workspace_id}}
    assert_error(client.post(f"{OBSERVABILITY}/annotations", json=in_own), 404, "not found")
    # A workspace in the query that is not the annotation's is refused
    mismatched = client.post(
        f"{OBSERVABILITY}/annotations?workspace_id={alice.workspace_id}", json={"annotation": annotation}
    )
    assert_error(mismatched, 400, "workspace_id")
    listing = {"workspace_id": bob_ws, "span_id": bob.root["span_id"], "trace_id": bob.root["trace_id"]}
    assert_error(client.post(f"{OBSERVABILITY}/annotations/list", json=listing), 404)
    bobs_annotations = bob.tenant.account.client.post(f"{OBSERVABILITY}/annotations/list", json=listing).json()
    assert bobs_annotations["annotations"] == []


def test_a_token_cannot_search_or_annotate_another_workspace(stack: RunningStack, alice: Tenant, bob: Bobs) -> None:
    bob_ws = bob.tenant.workspace_id

    def post(path: str, token: str, **body: Any) -> httpx.Response:
        request = {"workspace_id": bob_ws, **time_window(), **body}
        return httpx.post(f"{stack.base_url}/v1/loop{path}", headers=bearer(token), json=request)

    assert_error(post("/spans/search", alice.token), 404, "not found")
    assert_error(post("/traces/search", alice.token, trace_id=bob.root["trace_id"]), 404)
    assert_error(post("/traces/list", alice.token, trace_ids=[bob.root["trace_id"]]), 404)
    feedback = {
        "span_id": bob.root["span_id"],
        "trace_id": bob.root["trace_id"],
        "annotation_key": "k",
        "annotation_value": "v",
    }
    assert_error(post("/annotations", alice.token, **feedback), 404)
    params = {"workspace_id": bob_ws, "trace_id": bob.root["trace_id"], "span_id": bob.root["span_id"]}
    removal = httpx.delete(
        f"{stack.base_url}/v1/loop/annotations", headers=bearer(alice.token), params={**params, "annotation_key": "k"}
    )
    assert_error(removal, 404)

    # Bob's own token does all of it
    found = post(
        "/spans/search", bob.tenant.token, filters=filters({"field_name": "span_name", "values": ["bob_root"]})
    )
    assert found.status_code == 200, found.text
    assert [span["output"] for span in found.json()["data"]["spans"]] == ["bob's secret"]
    listed = post("/traces/list", bob.tenant.token, trace_ids=[bob.root["trace_id"]]).json()["data"]["traces"]
    assert listed == [{"trace_id": bob.root["trace_id"], "tokens": {"input": "3", "output": "4"}}]
    assert by_name(post("/traces/search", bob.tenant.token, trace_id=bob.root["trace_id"]).json()["data"]["spans"])
