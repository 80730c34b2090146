"""Spans exported into datasets and evaluation sets (observability → data), with a preview first."""

import json
from typing import Any

from tests.integration.test_accounts import assert_error
from tests.integration.test_datasets import create_dataset, get_dataset, list_items, text_field, values
from tests.support.accounts import Account, create_token, register
from tests.support.stack import RunningStack
from tests.support.traces import ingest_ok, sdk_span, time_window, wait_for_span_ids

EXPORT = "/api/observability/v1/traces/export_to_dataset"
PREVIEW = "/api/observability/v1/traces/preview_export_to_dataset"


def spans_of(stack: RunningStack, account: Account, count: int) -> list[dict[str, Any]]:
    """Spans as the SDK sends them: a chat input (JSON), a text output and a model tag."""
    spans = [
        sdk_span(
            account.workspace_id,
            span_name=f"chat-{i}",
            span_type="model",
            input=json.dumps({"messages": [{"role": "user", "content": f"question {i}"}]}),
            output=f"answer {i}",
            tags_string={"model_name": "gpt-test"},
        )
        for i in range(count)
    ]
    ingest_ok(stack.base_url, create_token(account), spans)
    wait_for_span_ids(account.client, account.workspace_id, {span["span_id"] for span in spans})
    return spans


def mapping(name: str, key: str, path: str = "", content_type: str = "Text") -> dict[str, Any]:
    return {
        "field_schema": {"name": name, "content_type": content_type},
        "trace_field_key": key,
        "trace_field_jsonpath": path,
    }


def request(account: Account, spans: list[dict[str, Any]], config: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "workspace_id": account.workspace_id,
        "span_ids": [{"trace_id": s["trace_id"], "span_id": s["span_id"]} for s in spans],
        "category": extra.pop("category", 4),
        "config": config,
        **time_window(),
        "export_type": extra.pop("export_type", "append"),
        "field_mappings": extra.pop(
            "field_mappings",
            [
                mapping("input", "input", "$.messages[0].content"),
                mapping("output", "output"),
                mapping("model", "tags.model_name"),
            ],
        ),
        **extra,
    }


NEW_SET = {
    "is_new_dataset": True,
    "dataset_name": "from production",
    "dataset_schema": {"field_schemas": [{"name": n, "content_type": "Text"} for n in ("input", "output", "model")]},
}


def test_spans_preview_then_export_into_a_new_evaluation_set(stack: RunningStack, account: Account) -> None:
    # Given three spans in the trace store
    spans = spans_of(stack, account, 3)
    # When previewing the export, Then each span is shown mapped, and nothing is created
    preview = account.client.post(PREVIEW, json=request(account, spans, NEW_SET)).json()
    assert preview["code"] == 0 and preview["errors"] == []
    assert [item["status"] for item in preview["items"]] == ["success"] * 3
    first = {cell["name"]: cell["content"]["text"] for cell in preview["items"][0]["field_list"]}
    assert first == {"input": "question 0", "output": "answer 0", "model": "gpt-test"}
    assert preview["items"][0]["span_info"]["span_id"] == spans[0]["span_id"]
    sets = account.client.post(
        "/api/evaluation/v1/evaluation_sets/list", json={"workspace_id": account.workspace_id}
    ).json()
    assert sets["evaluation_sets"] == []
    # When exporting, Then a new evaluation set holds one item per span, with the trace id on each cell
    exported = account.client.post(EXPORT, json=request(account, spans, NEW_SET)).json()
    assert exported["code"] == 0 and exported["success_count"] == 3 and exported["dataset_name"] == "from production"
    set_id = exported["dataset_id"]
    items = account.client.post(
        f"/api/evaluation/v1/evaluation_sets/{set_id}/items/list",
        json={"workspace_id": account.workspace_id, "order_bys": [{"is_asc": True}]},
    ).json()["items"]
    cells = items[0]["turns"][0]["field_data_list"]
    assert {c["name"]: c["content"]["text"] for c in cells} == {
        "input": "question 0",
        "output": "answer 0",
        "model": "gpt-test",
    }
    assert {c["trace_id"] for c in cells} == {spans[0]["trace_id"]}


def test_spans_are_appended_or_overwrite_an_existing_dataset(stack: RunningStack, account: Account) -> None:
    # Given a dataset with an older item, and two spans
    dataset_id = create_dataset(account, [text_field("input"), text_field("output")])
    account.client.post(
        f"/api/data/v1/datasets/{dataset_id}/items/batch_create",
        json={"workspace_id": account.workspace_id, "items": [{"data": [{"name": "input", "content": "old"}]}]},
    )
    spans = spans_of(stack, account, 2)
    existing = {"is_new_dataset": False, "dataset_id": dataset_id}
    two_fields = [mapping("input", "input", "$.messages[0].content"), mapping("output", "output")]
    # When appending, the dataset keeps the older item; a mapping to a new field adds the field
    appended = account.client.post(
        EXPORT,
        json=request(
            account,
            spans,
            {**existing, "dataset_schema": {"field_schemas": [{"name": "span_name", "content_type": "Text"}]}},
            category=1,
            field_mappings=[*two_fields, mapping("span_name", "span_name")],
        ),
    ).json()
    assert appended["success_count"] == 2 and get_dataset(account, dataset_id)["item_count"] == "3"
    assert any(values(item).get("span_name") == "chat-0" for item in list_items(account, dataset_id)["items"])
    # When overwriting, only the spans remain
    overwritten = account.client.post(
        EXPORT, json=request(account, spans, existing, category=1, export_type="overwrite", field_mappings=two_fields)
    ).json()
    assert overwritten["success_count"] == 2
    assert sorted(values(item)["input"] for item in list_items(account, dataset_id)["items"]) == [
        "question 0",
        "question 1",
    ]
    # A value that does not fit its field (text into an image) is an error of that span, not of the request
    pictures = create_dataset(account, [{"name": "picture", "content_type": 2}])
    image = account.client.post(
        EXPORT,
        json=request(
            account,
            spans,
            {"is_new_dataset": False, "dataset_id": pictures},
            category=1,
            field_mappings=[mapping("picture", "output", content_type="Image")],
        ),
    ).json()
    assert image["success_count"] == 0 and image["errors"][0]["type"] == 1
    assert image["errors"][0]["error_count"] == 2 and "http" in image["errors"][0]["details"][0]["message"]


def test_bad_export_requests(stack: RunningStack, account: Account) -> None:
    spans = spans_of(stack, account, 1)
    missing = request(account, [{"trace_id": "0" * 32, "span_id": "1" * 16}], NEW_SET)
    assert_error(account.client.post(EXPORT, json=missing), 404, "none of the selected spans")
    bad_path = request(account, spans, NEW_SET, field_mappings=[mapping("input", "input", "$.[")])
    assert_error(account.client.post(EXPORT, json=bad_path), 400, "JSONPath")
    assert_error(
        account.client.post(EXPORT, json=request(account, spans, {"is_new_dataset": True})), 400, "dataset_name"
    )
    # another workspace's dataset is not found, and the stranger cannot read our spans either
    stranger = register(stack.base_url)
    theirs = create_dataset(stranger)
    into_theirs = request(account, spans, {"is_new_dataset": False, "dataset_id": theirs}, category=1)
    assert_error(account.client.post(EXPORT, json=into_theirs), 404)
    foreign = request(stranger, spans, {"is_new_dataset": False, "dataset_id": theirs}, category=1)
    assert_error(stranger.client.post(EXPORT, json=foreign), 404, "none of the selected spans")
