"""Evaluation sets through the console (/api/evaluation/v1) and the OpenAPI with a PAT (/v1/loop/evaluation),
and the read API the experiment engine uses, run in a process of its own against the stack's AWS."""

import json
import subprocess
import sys
from typing import Any

import httpx

from tests.integration.test_accounts import assert_error
from tests.integration.test_datasets import upload
from tests.support.accounts import Account, bearer, create_token, register
from tests.support.stack import REPO_ROOT, RunningStack, aws_environment

CONSOLE = "/api/evaluation/v1/evaluation_sets"
OPENAPI = "/v1/loop/evaluation/evaluation_sets"


def schema(*names: str, **extra: dict[str, Any]) -> dict[str, Any]:
    return {"field_schemas": [{"name": name, "content_type": "Text", **extra.get(name, {})} for name in names]}


def create_set(account: Account, name: str = "qa", **body: Any) -> str:
    response = account.client.post(
        CONSOLE,
        json={
            "workspace_id": account.workspace_id,
            "name": name,
            "evaluation_set_schema": body.pop("evaluation_set_schema", schema("question", "answer")),
            **body,
        },
    )
    assert response.status_code == 200, response.text
    set_id: str = response.json()["evaluation_set_id"]
    return set_id


def turn(**cells: str) -> dict[str, Any]:
    return {
        "field_data_list": [
            {"name": name, "content": {"content_type": "Text", "text": text}} for name, text in cells.items()
        ]
    }


def texts(item: dict[str, Any]) -> list[dict[str, str]]:
    return [{cell["name"]: cell["content"]["text"] for cell in t["field_data_list"]} for t in item["turns"]]


def test_evaluation_sets_in_the_console(account: Account) -> None:
    # Given an evaluation set with a required field
    set_id = create_set(account, evaluation_set_schema=schema("question", "answer", question={"isRequired": True}))
    got = account.client.get(f"{CONSOLE}/{set_id}", params={"workspace_id": account.workspace_id}).json()
    evaluation_set = got["evaluation_set"]
    draft_schema = evaluation_set["evaluation_set_version"]["evaluation_set_schema"]["field_schemas"]
    assert [(f["name"], f["key"], f["isRequired"]) for f in draft_schema] == [
        ("question", "question", True),
        ("answer", "answer", False),
    ]
    assert evaluation_set["type"] == "default" and evaluation_set["features"]["repeatedData"]
    # When adding single- and multi-turn items, one keyed and one invalid
    items = [
        {"item_key": "k1", "turns": [turn(question="2+2?", answer="4")]},
        {"turns": [turn(question="hi"), turn(question="and then?", answer="bye")]},
        {"turns": [turn(answer="no question")]},
    ]
    created = account.client.post(
        f"{CONSOLE}/{set_id}/items/batch_create",
        json={"workspace_id": account.workspace_id, "items": items, "skip_invalid_items": True},
    ).json()
    assert [(o["item_index"], o["is_new_item"]) for o in created["item_outputs"]] == [(0, True), (1, True)]
    assert created["errors"][0]["type"] == 7
    again = account.client.post(
        f"{CONSOLE}/{set_id}/items/batch_create", json={"workspace_id": account.workspace_id, "items": items[:1]}
    ).json()
    assert again["item_outputs"][0]["is_new_item"] is False and again["added_items"] == {}
    listed = account.client.post(
        f"{CONSOLE}/{set_id}/items/list",
        json={"workspace_id": account.workspace_id, "order_bys": [{"field": "created_at", "is_asc": True}]},
    ).json()
    assert [texts(item) for item in listed["items"]] == [
        [{"question": "2+2?", "answer": "4"}],
        [{"question": "hi"}, {"question": "and then?", "answer": "bye"}],
    ]
    assert listed["items"][0]["turns"][0]["id"] == "0" and listed["total"] == "2"
    first = listed["items"][0]["item_id"]
    # Update, the whole field of one cell, versions
    account.client.put(
        f"{CONSOLE}/{set_id}/items/{first}",
        json={"workspace_id": account.workspace_id, "turns": [turn(question="2+2?", answer="four")]},
    )
    field = account.client.get(
        f"{CONSOLE}/{set_id}/items/{first}/field",
        params={"workspace_id": account.workspace_id, "field_name": "answer"},
    ).json()
    assert field["field_data"]["content"]["text"] == "four"
    version = account.client.post(
        f"{CONSOLE}/{set_id}/versions", json={"workspace_id": account.workspace_id, "version": "0.1.0", "desc": "d"}
    ).json()["id"]
    shown = account.client.get(
        f"{CONSOLE}/{set_id}/versions/{version}", params={"workspace_id": account.workspace_id}
    ).json()
    assert shown["version"]["item_count"] == "2" and shown["version"]["snapshot_status"] == 3
    assert [f["name"] for f in shown["version"]["evaluation_set_schema"]["field_schemas"]] == ["question", "answer"]
    account.client.post(f"{CONSOLE}/{set_id}/items/clear", json={"workspace_id": account.workspace_id})
    of_version = account.client.post(
        f"{CONSOLE}/{set_id}/items/list", json={"workspace_id": account.workspace_id, "version_id": version}
    ).json()
    assert of_version["total"] == "2" and len(of_version["items"]) == 2
    batch = account.client.post(
        "/api/evaluation/v1/evaluation_set_versions/batch_get",
        json={"workspace_id": account.workspace_id, "version_ids": [version]},
    ).json()
    assert batch["versioned_evaluation_sets"][0]["evaluation_set"]["latest_version"] == "0.1.0"
    listed_versions = account.client.post(
        f"{CONSOLE}/{set_id}/versions/list", json={"workspace_id": account.workspace_id}
    ).json()
    assert [v["version"] for v in listed_versions["versions"]] == ["0.1.0"]


def test_evaluation_set_routes_see_only_evaluation_sets(stack: RunningStack, account: Account) -> None:
    plain = account.client.post(
        "/api/data/v1/datasets",
        json={"workspace_id": account.workspace_id, "name": "plain", "fields": [{"name": "a", "content_type": 1}]},
    ).json()["dataset_id"]
    assert_error(account.client.get(f"{CONSOLE}/{plain}", params={"workspace_id": account.workspace_id}), 404)
    set_id = create_set(account, name="mine")
    stranger = register(stack.base_url)
    assert_error(stranger.client.get(f"{CONSOLE}/{set_id}", params={"workspace_id": stranger.workspace_id}), 404)
    sets = account.client.post(f"{CONSOLE}/list", json={"workspace_id": account.workspace_id, "name": "MI"}).json()
    assert [s["name"] for s in sets["evaluation_sets"]] == ["mine"]
    assert_error(
        account.client.post(CONSOLE, json={"workspace_id": account.workspace_id, "name": "no fields"}),
        400,
        "at least one field",
    )
    renamed = account.client.patch(
        f"{CONSOLE}/{set_id}",
        json={"workspace_id": account.workspace_id, "name": "renamed", "tags": [{"tag_name": "t"}]},
    )
    assert renamed.json()["code"] == 0
    tagged = account.client.post(
        f"{CONSOLE}/list", json={"workspace_id": account.workspace_id, "tag_filter": {"tag_names": ["t"]}}
    ).json()
    assert [s["name"] for s in tagged["evaluation_sets"]] == ["renamed"]
    account.client.delete(f"{CONSOLE}/{set_id}", params={"workspace_id": account.workspace_id})
    assert_error(account.client.get(f"{CONSOLE}/{set_id}", params={"workspace_id": account.workspace_id}), 404)


def test_the_evaluation_set_openapi_with_a_token(stack: RunningStack, account: Account) -> None:
    token = create_token(account)
    api = httpx.Client(base_url=stack.base_url, headers=bearer(token), timeout=30)
    ws = account.workspace_id
    # Create with lowercase enums, as the OpenAPI spells them
    created = api.post(
        OPENAPI,
        json={
            "workspace_id": ws,
            "name": "via api",
            "evaluation_set_schema": {
                "field_schemas": [
                    {"name": "input", "content_type": "text", "is_required": True},
                    {"name": "score", "content_type": "text", "schema_key": "integer"},
                ]
            },
        },
    )
    assert created.status_code == 200, created.text
    set_id = created.json()["data"]["evaluation_set_id"]
    body = created.json()
    assert body["code"] == 0 and body["msg"] == ""
    # Items: partial writes with skip/partial flags named as the OpenAPI names them
    items = [
        {
            "item_key": "a",
            "turns": [{"field_datas": [{"name": "input", "content": {"content_type": "text", "text": "x"}}]}],
        },
        {"turns": [{"field_datas": [{"name": "score", "content": {"content_type": "text", "text": "NaN"}}]}]},
    ]
    written = api.post(
        f"{OPENAPI}/{set_id}/items", json={"workspace_id": ws, "items": items, "is_skip_invalid_items": True}
    )
    data = written.json()["data"]
    assert [o["item_index"] for o in data["itemOutputs"]] == [0]
    assert data["errors"][0]["error_code"] in (1, 7) and data["errors"][0]["details"][0]["index"] == 1
    refused = api.post(f"{OPENAPI}/{set_id}/items", json={"workspace_id": ws, "items": items})
    assert_error(refused, 400, "skip_invalid_items")
    item_id = data["itemOutputs"][0]["item_id"]
    listed = api.get(f"{OPENAPI}/{set_id}/items", params={"workspace_id": ws}).json()["data"]
    assert listed["total"] == "1" and listed["items"][0]["turns"][0]["field_datas"][0]["content"]["text"] == "x"
    updated = api.put(
        f"{OPENAPI}/{set_id}/items",
        json={
            "workspace_id": ws,
            "items": [{"id": item_id, "turns": [{"field_datas": [{"name": "input", "content": {"text": "y"}}]}]}],
        },
    )
    assert updated.json()["data"]["itemOutputs"][0]["item_id"] == item_id
    field = api.get(
        f"{OPENAPI}/{set_id}/items/{item_id}/field", params={"workspace_id": ws, "field_name": "input"}
    ).json()
    assert field["field_data"]["content"]["text"] == "y"
    # Versions, the list of sets (query parameters), get, update and the schema
    version = api.post(
        f"{OPENAPI}/{set_id}/versions", json={"workspace_id": ws, "version": "1.0.0", "description": "v"}
    ).json()
    version_id = version["data"]["version_id"]
    versions = api.get(f"{OPENAPI}/{set_id}/versions", params={"workspace_id": ws}).json()["data"]
    assert [v["id"] for v in versions["versions"]] == [version_id]
    of_version = api.get(f"{OPENAPI}/{set_id}/items", params={"workspace_id": ws, "version_id": version_id}).json()[
        "data"
    ]
    assert of_version["items"][0]["turns"][0]["field_datas"][0]["content"]["text"] == "y"
    sets = api.get(OPENAPI, params={"workspace_id": ws, "name": "via"}).json()["data"]
    assert [s["id"] for s in sets["sets"]] == [set_id] and sets["sets"][0]["latest_version"] == "1.0.0"
    got = api.get(f"{OPENAPI}/{set_id}", params={"workspace_id": ws}).json()["data"]["evaluation_set"]
    fields = got["current_version"]["evaluation_set_schema"]["field_schemas"]
    assert [(f["name"], f["content_type"], f["schema_key"]) for f in fields] == [
        ("input", "text", None),
        ("score", "text", "integer"),
    ]
    assert api.put(f"{OPENAPI}/{set_id}", json={"workspace_id": ws, "description": "new"}).json()["code"] == 0
    new_schema = {"workspace_id": ws, "fields": [{"key": "input", "name": "input", "content_type": "text"}]}
    assert api.put(f"{OPENAPI}/{set_id}/schema", json=new_schema).json()["code"] == 0
    assert [
        f["name"]
        for f in api.get(f"{OPENAPI}/{set_id}", params={"workspace_id": ws}).json()["data"]["evaluation_set"][
            "current_version"
        ]["evaluation_set_schema"]["field_schemas"]
    ] == ["input"]
    # Import through the OpenAPI and read its job
    uri = upload(account, "rows.csv", b"input\nfrom file\n")
    job = api.post(
        f"{OPENAPI}/{set_id}/import",
        json={
            "workspace_id": ws,
            "file": {"provider": 5, "path": uri},
            "field_mappings": [{"source": "input", "target": "input"}],
        },
    ).json()["data"]["job_id"]
    assert api.get(f"{OPENAPI}/io_job/{job}", params={"workspace_id": ws}).json()["data"]["job"]["id"] == job
    # Delete items, then the set
    assert (
        api.request("DELETE", f"{OPENAPI}/{set_id}/items", json={"workspace_id": ws, "item_ids": [item_id]}).json()[
            "code"
        ]
        == 0
    )
    assert api.delete(f"{OPENAPI}/{set_id}", params={"workspace_id": ws}).json()["code"] == 0
    assert_error(api.get(f"{OPENAPI}/{set_id}", params={"workspace_id": ws}), 404)
    # The OpenAPI takes tokens only, and a stranger's token finds nothing
    assert_error(account.client.get(f"{OPENAPI}/{set_id}", params={"workspace_id": ws}), 401)
    stranger = register(stack.base_url)
    other = httpx.get(f"{stack.base_url}{OPENAPI}", params={"workspace_id": ws}, headers=bearer(create_token(stranger)))
    assert_error(other, 404)


READER_PROBE = """
import json, sys
from shared.data.reader import iter_version_items, load_draft_info, load_version
from shared.errors import LoopError
workspace_id, set_id, version_id = (int(x) for x in sys.argv[1:4])
info = load_version(workspace_id, set_id, version_id)
items = list(iter_version_items(workspace_id, info))
draft = load_draft_info(workspace_id, set_id)
draft_items = list(iter_version_items(workspace_id, draft))
try:
    load_version(workspace_id + 1, set_id, version_id)
    other = "found"
except LoopError as error:
    other = type(error).__name__
print(json.dumps({
    "version": info.version, "count": info.item_count, "fields": [f.name for f in info.fields],
    "items": [[c.content.text for t in i.turns for c in t.field_data_list] for i in items],
    "draft_count": draft.item_count, "draft_items": len(draft_items), "other_workspace": other,
}))
"""


def test_the_experiment_engine_reads_versions_through_the_reader(stack: RunningStack, account: Account) -> None:
    # Given a version of two items, and a draft that moved on
    set_id = create_set(account)
    account.client.post(
        f"{CONSOLE}/{set_id}/items/batch_create",
        json={"workspace_id": account.workspace_id, "items": [{"turns": [turn(question=q)]} for q in ("a", "b")]},
    )
    version_id = account.client.post(
        f"{CONSOLE}/{set_id}/versions", json={"workspace_id": account.workspace_id, "version": "1.0.0"}
    ).json()["id"]
    account.client.post(
        f"{CONSOLE}/{set_id}/items/batch_create",
        json={"workspace_id": account.workspace_id, "items": [{"turns": [turn(question="c")]}]},
    )
    # When the reader runs in another process (as the experiment worker does)
    done = subprocess.run(
        [sys.executable, "-c", READER_PROBE, account.workspace_id, set_id, version_id],
        cwd=REPO_ROOT,
        env=aws_environment(stack.moto_url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    read = json.loads(done.stdout.splitlines()[-1])
    # Then it sees the version's items in item order, the draft's count, and nothing from another workspace
    assert read == {
        "version": "1.0.0",
        "count": 2,
        "fields": ["question", "answer"],
        "items": [["a"], ["b"]],
        "draft_count": 3,
        "draft_items": 3,
        "other_workspace": "NotFound",
    }
