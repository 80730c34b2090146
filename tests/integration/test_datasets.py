"""Datasets through the data console API (/api/data/v1) of the running stack: CRUD and isolation, schema edits,
items and their errors, versions. The helpers here serve the other data test files too."""

import secrets
import time
from typing import Any

import httpx

from tests.integration.test_accounts import assert_error
from tests.support.accounts import Account, register
from tests.support.stack import RunningStack

DATA = "/api/data/v1"
TEXT, IMAGE = 1, 2


def text_field(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "content_type": TEXT, **extra}


def create_dataset(account: Account, fields: list[dict[str, Any]] | None = None, **extra: Any) -> str:
    body = {
        "workspace_id": account.workspace_id,
        "name": extra.pop("name", f"ds-{secrets.token_hex(4)}"),
        "fields": fields or [text_field("input"), text_field("output")],
        **extra,
    }
    response = account.client.post(f"{DATA}/datasets", json=body)
    assert response.status_code == 200, response.text
    dataset_id: str = response.json()["dataset_id"]
    return dataset_id


def row(**values: str) -> dict[str, Any]:
    """A single-turn item in the data form, cells named by field name."""
    return {"data": [{"name": name, "content": value} for name, value in values.items()]}


def add_items(account: Account, dataset_id: str, items: list[dict[str, Any]], **flags: Any) -> httpx.Response:
    body = {"workspace_id": account.workspace_id, "items": items, **flags}
    return account.client.post(f"{DATA}/datasets/{dataset_id}/items/batch_create", json=body)


def list_items(account: Account, dataset_id: str, **body: Any) -> dict[str, Any]:
    response = account.client.post(
        f"{DATA}/datasets/{dataset_id}/items/list", json={"workspace_id": account.workspace_id, **body}
    )
    assert response.status_code == 200, response.text
    listed: dict[str, Any] = response.json()
    return listed


def get_dataset(account: Account, dataset_id: str) -> dict[str, Any]:
    response = account.client.get(f"{DATA}/datasets/{dataset_id}", params={"workspace_id": account.workspace_id})
    assert response.status_code == 200, response.text
    dataset: dict[str, Any] = response.json()["dataset"]
    return dataset


def values(item: dict[str, Any]) -> dict[str, str]:
    return {cell["name"]: cell.get("content") for cell in item["data"]}


def upload(account: Account, name: str, body: bytes) -> str:
    """A file uploaded as the console does: a presigned form from the foundation module, then a browser POST."""
    signed = account.client.post(
        "/api/foundation/v1/sign_upload_files",
        json={"workspace_id": account.workspace_id, "keys": [name], "business_type": "data"},
    ).json()
    form = signed["uploads"][0]
    sent = httpx.post(form["url"], data=form["fields"], files={"file": (name, body)}, timeout=60)
    assert sent.status_code in (200, 204), sent.text
    uri: str = signed["uris"][0]
    return uri


def create_version(account: Account, dataset_id: str, version: str, desc: str = "") -> str:
    response = account.client.post(
        f"{DATA}/datasets/{dataset_id}/versions",
        json={"workspace_id": account.workspace_id, "version": version, "desc": desc},
    )
    assert response.status_code == 200, response.text
    version_id: str = response.json()["id"]
    return version_id


def wait_version(account: Account, version_id: str, timeout: float = 60) -> dict[str, Any]:
    """Polls a version until its snapshot is Completed (3) or Failed (4)."""
    deadline = time.monotonic() + timeout
    while True:
        found = account.client.get(
            f"{DATA}/dataset_versions/{version_id}", params={"workspace_id": account.workspace_id}
        )
        assert found.status_code == 200, found.text
        version: dict[str, Any] = found.json()["version"]
        if version["snapshot_status"] in (3, 4):
            return version
        assert time.monotonic() < deadline, f"version {version_id} still snapshotting"
        time.sleep(0.2)


def test_datasets_crud_search_and_paging(account: Account) -> None:
    # Given three datasets, one of them ours by name "alpha"
    ids = [create_dataset(account, name=name) for name in ("alpha one", "beta", "alpha two")]
    # When listing by name, Then the search is a case-insensitive substring match, newest first
    listed = account.client.post(
        f"{DATA}/datasets/list", json={"workspace_id": account.workspace_id, "name": "ALPHA"}
    ).json()
    assert [d["name"] for d in listed["datasets"]] == ["alpha two", "alpha one"] and listed["total"] == "2"
    creators = account.client.post(
        f"{DATA}/datasets/list", json={"workspace_id": account.workspace_id, "created_bys": ["1"]}
    ).json()
    assert creators["datasets"] == []
    # Paging by page_number and by page_token see the same pages
    first = account.client.post(
        f"{DATA}/datasets/list", json={"workspace_id": account.workspace_id, "page_size": 2}
    ).json()
    by_token = account.client.post(
        f"{DATA}/datasets/list",
        json={"workspace_id": account.workspace_id, "page_size": 2, "page_token": first["next_page_token"]},
    ).json()
    by_number = account.client.post(
        f"{DATA}/datasets/list", json={"workspace_id": account.workspace_id, "page_size": 2, "page_number": 2}
    ).json()
    assert [d["id"] for d in by_token["datasets"]] == [d["id"] for d in by_number["datasets"]] == [ids[0]]
    assert by_token["next_page_token"] == ""
    # Update, batch get and delete
    renamed = account.client.patch(
        f"{DATA}/datasets/{ids[1]}", json={"workspace_id": account.workspace_id, "name": "gamma", "description": "d"}
    )
    assert renamed.json() == {"code": 0, "msg": ""}
    assert (get_dataset(account, ids[1])["name"], get_dataset(account, ids[1])["description"]) == ("gamma", "d")
    batch = account.client.post(
        f"{DATA}/datasets/batch_get", json={"workspace_id": account.workspace_id, "dataset_ids": [ids[1], "1"]}
    ).json()
    assert [d["id"] for d in batch["datasets"]] == [ids[1]]
    deleted = account.client.delete(f"{DATA}/datasets/{ids[1]}", params={"workspace_id": account.workspace_id})
    assert deleted.status_code == 200
    assert_error(account.client.get(f"{DATA}/datasets/{ids[1]}", params={"workspace_id": account.workspace_id}), 404)
    with_deleted = account.client.get(
        f"{DATA}/datasets/{ids[1]}", params={"workspace_id": account.workspace_id, "with_deleted": "true"}
    )
    assert with_deleted.json()["dataset"]["status"] == 2


def test_dataset_names_are_unique_per_workspace_and_category(account: Account) -> None:
    create_dataset(account, name="same")
    assert_error(
        account.client.post(
            f"{DATA}/datasets", json={"workspace_id": account.workspace_id, "name": "same", "fields": [text_field("a")]}
        ),
        409,
        "already exists",
    )
    create_dataset(account, name="same", category=4)  # an evaluation set may share the name
    assert_error(
        account.client.post(f"{DATA}/datasets", json={"workspace_id": account.workspace_id, "name": "x", "fields": []}),
        400,
        "fields",
    )
    assert_error(
        account.client.post(
            f"{DATA}/datasets", json={"workspace_id": account.workspace_id, "name": "x", "fields": [{"name": "a"}]}
        ),
        400,
        "content_type is required",
    )


def test_another_workspaces_dataset_is_404(stack: RunningStack, account: Account) -> None:
    # Given a dataset with an item, and a stranger
    dataset_id = create_dataset(account)
    item_id = add_items(account, dataset_id, [row(input="secret")]).json()["added_items"]["0"]
    stranger = register(stack.base_url)
    ws = stranger.workspace_id
    # Then every route answers 404 to the stranger, whether naming their workspace or ours
    assert_error(stranger.client.get(f"{DATA}/datasets/{dataset_id}", params={"workspace_id": ws}), 404)
    assert_error(
        stranger.client.get(f"{DATA}/datasets/{dataset_id}", params={"workspace_id": account.workspace_id}), 404
    )
    assert_error(stranger.client.get(f"{DATA}/datasets/{dataset_id}/items/{item_id}", params={"workspace_id": ws}), 404)
    assert_error(add_items(stranger, dataset_id, [row(input="x")]), 404)
    assert_error(stranger.client.post(f"{DATA}/datasets/{dataset_id}/items/list", json={"workspace_id": ws}), 404)
    assert_error(stranger.client.delete(f"{DATA}/datasets/{dataset_id}", params={"workspace_id": ws}), 404)
    listed = stranger.client.post(f"{DATA}/datasets/list", json={"workspace_id": ws}).json()
    assert listed["datasets"] == []
    assert get_dataset(account, dataset_id)["item_count"] == "1"
    assert_error(httpx.get(f"{stack.base_url}{DATA}/datasets/{dataset_id}", params={"workspace_id": ws}), 401)


def test_schema_edits_keep_keys_and_soft_delete_columns(account: Account) -> None:
    # Given a dataset with data in three fields
    dataset_id = create_dataset(account, [text_field("question"), text_field("answer"), text_field("notes")])
    add_items(account, dataset_id, [row(question="2+2?", answer="4", notes="easy")])
    schema = account.client.get(f"{DATA}/datasets/{dataset_id}/schema", params={"workspace_id": account.workspace_id})
    keys = {f["name"]: f["key"] for f in schema.json()["fields"]}
    # When renaming answer (by key), dropping notes and adding a field without a key
    fields = [
        {**text_field("question"), "key": keys["question"]},
        {**text_field("expected"), "key": keys["answer"]},
        text_field("score", text_schema='{"type": "number"}'),
    ]
    updated = account.client.put(
        f"{DATA}/datasets/{dataset_id}/schema", json={"workspace_id": account.workspace_id, "fields": fields}
    )
    assert updated.json() == {"code": 0, "msg": ""}, updated.text
    # Then keys are stable, the data shows under the new name, notes is hidden but kept
    now = account.client.get(
        f"{DATA}/datasets/{dataset_id}/schema", params={"workspace_id": account.workspace_id, "with_deleted": "true"}
    ).json()["fields"]
    assert [(f["name"], f["key"], f["status"]) for f in now] == [
        ("question", keys["question"], 1),
        ("expected", keys["answer"], 1),
        ("score", "score", 1),
        ("notes", keys["notes"], 2),
    ]
    assert values(list_items(account, dataset_id)["items"][0]) == {"question": "2+2?", "expected": "4"}
    # When notes is restored by its key, Then its data is back
    restored = [*fields[:2], {**text_field("notes"), "key": keys["notes"]}]
    account.client.put(
        f"{DATA}/datasets/{dataset_id}/schema", json={"workspace_id": account.workspace_id, "fields": restored}
    )
    assert values(list_items(account, dataset_id)["items"][0])["notes"] == "easy"
    # An incompatible change on a dataset with items is refused; so is a bad JSON Schema
    image = [{**text_field("question"), "key": keys["question"], "content_type": IMAGE}, *restored[1:]]
    assert_error(
        account.client.put(
            f"{DATA}/datasets/{dataset_id}/schema", json={"workspace_id": account.workspace_id, "fields": image}
        ),
        409,
        "empty dataset",
    )
    bad = [*restored, text_field("n", text_schema='{"type": 3}')]
    assert_error(
        account.client.put(
            f"{DATA}/datasets/{dataset_id}/schema", json={"workspace_id": account.workspace_id, "fields": bad}
        ),
        400,
        "fields[3].text_schema",
    )


def test_batch_create_reports_each_error_type_and_honours_skip_and_partial(account: Account) -> None:
    # Given a dataset of at most 4 items of at most 600 bytes, with a required and an integer field
    fields = [text_field("q", isRequired=True), text_field("n", text_schema='{"type": "integer"}')]
    dataset_id = create_dataset(account, fields, spec={"max_item_count": 4, "max_item_size": 600})
    items = [
        row(q="fine", n="1"),
        row(q="fine", n="one"),  # MismatchSchema
        {"data": [{"name": "q", "content": ""}]},  # EmptyData
        row(q="x" * 700),  # ExceedMaxItemSize
        row(n="2"),  # MissingRequiredField
        row(q="also fine"),
    ]
    # When sending them without skip_invalid_items, Then nothing is written and the message says why
    refused = add_items(account, dataset_id, items)
    assert_error(refused, 400, "4 of 6 items are invalid", "skip_invalid_items")
    assert get_dataset(account, dataset_id)["item_count"] == "0"
    # When skipping invalid items, Then the valid ones are written and errors come grouped by type
    written = add_items(account, dataset_id, items, skip_invalid_items=True).json()
    assert sorted(written["added_items"]) == ["0", "5"]
    groups = {g["type"]: g for g in written["errors"]}
    assert {t: (g["error_count"], [d["index"] for d in g["details"]]) for t, g in groups.items()} == {
        1: (1, [1]),
        2: (1, [2]),
        3: (1, [3]),
        7: (1, [4]),
    }
    assert groups[1]["details"][0]["messages_by_field"]["n"]
    # When three more arrive for the two places left: refused, unless partial adds are allowed
    more = [row(q=f"m{i}") for i in range(3)]
    assert_error(add_items(account, dataset_id, more), 409, "allow_partial_add")
    partial = add_items(account, dataset_id, more, allow_partial_add=True).json()
    assert sorted(partial["added_items"]) == ["0", "1"]
    capacity = partial["errors"][0]
    assert (capacity["type"], capacity["error_count"], capacity["details"][0]["start_index"]) == (4, 1, 2)
    assert get_dataset(account, dataset_id)["item_count"] == "4"
    # Requests the schema cannot even parse are plain 400s
    assert_error(add_items(account, dataset_id, []), 400, "items")
    assert_error(add_items(account, dataset_id, [row(q="a")] * 101), 400, "items")


def test_item_keys_make_creation_idempotent(account: Account) -> None:
    dataset_id = create_dataset(account)
    first = add_items(account, dataset_id, [{**row(input="a"), "item_key": "k-1"}]).json()["added_items"]["0"]
    again = add_items(account, dataset_id, [{**row(input="changed"), "item_key": "k-1"}]).json()
    assert again["added_items"] == {} and again["errors"] == []
    listed = list_items(account, dataset_id)
    assert (
        listed["total"] == "1" and listed["items"][0]["item_id"] == first and values(listed["items"][0])["input"] == "a"
    )
    twice = add_items(account, dataset_id, [{**row(input="x"), "item_key": "d"}, {**row(input="y"), "item_key": "d"}])
    assert_error(twice, 400, "more than once")


def test_multi_turn_items_round_trip(account: Account) -> None:
    # Given a dataset with repeated (multi-turn) data
    dataset_id = create_dataset(account, features={"repeatedData": True})
    turns = [
        {"data": [{"name": "input", "content": "hi"}, {"name": "output", "content": "hello"}]},
        {"data": [{"name": "input", "content": "bye"}]},
    ]
    item_id = add_items(account, dataset_id, [{"repeated_data": turns}]).json()["added_items"]["0"]
    got = account.client.get(
        f"{DATA}/datasets/{dataset_id}/items/{item_id}", params={"workspace_id": account.workspace_id}
    )
    repeated = got.json()["item"]["repeated_data"]
    assert [[cell["content"] for cell in turn["data"]] for turn in repeated] == [["hi", "hello"], ["bye"]]
    assert len({turn["id"] for turn in repeated}) == 2
    # A single-turn dataset refuses two turns
    single = create_dataset(account)
    refused = add_items(account, single, [{"repeated_data": turns}])
    assert_error(refused, 400, "single-turn")


def test_images_are_uploaded_files_returned_with_signed_urls(stack: RunningStack, account: Account) -> None:
    # Given an image uploaded through the presigned route
    png = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64)
    uri = upload(account, "cat.png", png)
    dataset_id = create_dataset(account, [text_field("caption"), {"name": "picture", "content_type": IMAGE}])
    item = {"data": [{"name": "caption", "content": "a cat"}, {"name": "picture", "attachments": [{"uri": uri}]}]}
    item_id = add_items(account, dataset_id, [item]).json()["added_items"]["0"]
    # When reading the item, Then the picture has a signed url that fetches the file
    got = account.client.get(
        f"{DATA}/datasets/{dataset_id}/items/{item_id}", params={"workspace_id": account.workspace_id}
    )
    picture = next(cell for cell in got.json()["item"]["data"] if cell["name"] == "picture")
    assert picture["content_type"] == IMAGE and picture["attachments"][0]["uri"] == uri
    assert httpx.get(picture["attachments"][0]["url"]).content == png
    # A uri of another workspace's file is refused (it would leak through the signed url)
    stranger = register(stack.base_url)
    foreign = upload(stranger, "theirs.png", png)
    stolen = {"data": [{"name": "picture", "attachments": [{"uri": foreign}]}]}
    skipped = add_items(account, dataset_id, [stolen], skip_invalid_items=True).json()
    assert skipped["added_items"] == {} and skipped["errors"][0]["type"] == 6


def test_large_values_are_stored_whole_and_clipped_in_lists(account: Account) -> None:
    dataset_id = create_dataset(account)
    big = "long text " * 30_000  # 300 KB: over what a DynamoDB row should hold
    item_id = add_items(account, dataset_id, [row(input=big, output="short")]).json()["added_items"]["0"]
    listed = list_items(account, dataset_id)["items"][0]
    cell = next(c for c in listed["data"] if c["name"] == "input")
    assert cell["content_omitted"] and len(cell["content"]) < 5000 and listed["data_omitted"]
    got = account.client.get(
        f"{DATA}/datasets/{dataset_id}/items/{item_id}", params={"workspace_id": account.workspace_id}
    )
    assert values(got.json()["item"])["input"] == big


def test_items_update_delete_clear_and_keep_the_count(account: Account) -> None:
    dataset_id = create_dataset(account)
    added = add_items(account, dataset_id, [row(input=str(i)) for i in range(5)]).json()["added_items"]
    ids = [added[str(i)] for i in range(5)]
    updated = account.client.put(
        f"{DATA}/datasets/{dataset_id}/items/{ids[0]}",
        json={"workspace_id": account.workspace_id, "data": [{"name": "input", "content": "edited"}]},
    )
    assert updated.json() == {"code": 0, "msg": ""}, updated.text
    assert_error(
        account.client.put(
            f"{DATA}/datasets/{dataset_id}/items/123",
            json={"workspace_id": account.workspace_id, "data": [{"name": "input", "content": "x"}]},
        ),
        404,
    )
    account.client.delete(f"{DATA}/datasets/{dataset_id}/items/{ids[1]}", params={"workspace_id": account.workspace_id})
    account.client.post(
        f"{DATA}/datasets/{dataset_id}/items/batch_delete",
        json={"workspace_id": account.workspace_id, "item_ids": [ids[2], ids[2], "42"]},
    )
    assert get_dataset(account, dataset_id)["item_count"] == "3"
    batch = account.client.post(
        f"{DATA}/datasets/{dataset_id}/items/batch_get",
        json={"workspace_id": account.workspace_id, "item_ids": [ids[0], ids[1], ids[3]]},
    ).json()
    assert [(i["item_id"], values(i)["input"]) for i in batch["items"]] == [(ids[0], "edited"), (ids[3], "3")]
    # Paging the draft: oldest first when asked, by page_number and page_token alike
    page = list_items(account, dataset_id, page_size=1, order_bys=[{"field": "created_at", "is_asc": True}])
    second = list_items(
        account, dataset_id, page_size=1, page_token=page["next_page_token"], order_bys=[{"is_asc": True}]
    )
    assert [page["items"][0]["item_id"], second["items"][0]["item_id"]] == [ids[0], ids[3]]
    assert list_items(account, dataset_id, page_size=1, page_number=2)["items"][0]["item_id"] == ids[3]
    cleared = account.client.post(
        f"{DATA}/datasets/{dataset_id}/items/clear", json={"workspace_id": account.workspace_id}
    )
    assert cleared.json()["code"] == 0
    assert list_items(account, dataset_id)["items"] == [] and get_dataset(account, dataset_id)["item_count"] == "0"
    assert_error(list_items_raw(account, dataset_id, filter={"filter_fields": [{"field_name": "x"}]}), 400, "filter")


def list_items_raw(account: Account, dataset_id: str, **body: Any) -> httpx.Response:
    return account.client.post(
        f"{DATA}/datasets/{dataset_id}/items/list", json={"workspace_id": account.workspace_id, **body}
    )


def test_versions_are_ordered_immutable_snapshots(account: Account) -> None:
    # Given a version of a dataset of three items
    dataset_id = create_dataset(account)
    added = add_items(account, dataset_id, [row(input=f"v1-{i}") for i in range(3)]).json()["added_items"]
    v1 = create_version(account, dataset_id, "1.0.0", "first")
    assert wait_version(account, v1)["snapshot_status"] == 3
    # When the draft changes afterwards
    account.client.put(
        f"{DATA}/datasets/{dataset_id}/items/{added['0']}",
        json={"workspace_id": account.workspace_id, "data": [{"name": "input", "content": "changed"}]},
    )
    account.client.post(
        f"{DATA}/datasets/{dataset_id}/items/batch_delete",
        json={"workspace_id": account.workspace_id, "item_ids": [added["1"]]},
    )
    add_items(account, dataset_id, [row(input="new")])
    # Then the version's items are unchanged
    version_items = account.client.post(
        f"{DATA}/datasets/{dataset_id}/versions/{v1}/items/list", json={"workspace_id": account.workspace_id}
    ).json()
    assert sorted(values(i)["input"] for i in version_items["items"]) == ["v1-0", "v1-1", "v1-2"]
    assert version_items["total"] == "3"
    by_id = account.client.post(
        f"{DATA}/datasets/{dataset_id}/versions/{v1}/items/batch_get",
        json={"workspace_id": account.workspace_id, "item_ids": [added["0"]]},
    ).json()
    assert values(by_id["items"][0])["input"] == "v1-0"
    draft = sorted(values(i)["input"] for i in list_items(account, dataset_id)["items"])
    assert draft == ["changed", "new", "v1-2"]
    dataset = get_dataset(account, dataset_id)
    assert dataset["change_uncommitted"] and dataset["latest_version"] == "1.0.0"
    # Versions must increase; the list is newest first; get and batch_get find them by id
    assert_error(
        account.client.post(
            f"{DATA}/datasets/{dataset_id}/versions", json={"workspace_id": account.workspace_id, "version": "0.9.0"}
        ),
        400,
        "higher than the latest version 1.0.0",
    )
    v2 = create_version(account, dataset_id, "1.1.0")
    wait_version(account, v2)
    versions = account.client.post(
        f"{DATA}/datasets/{dataset_id}/versions/list", json={"workspace_id": account.workspace_id}
    ).json()
    assert [(v["version"], v["version_num"], v["item_count"]) for v in versions["versions"]] == [
        ("1.1.0", "2", "3"),
        ("1.0.0", "1", "3"),
    ]
    both = account.client.post(
        f"{DATA}/dataset_versions/batch_get", json={"workspace_id": account.workspace_id, "version_ids": [v1, v2, "7"]}
    ).json()
    assert [v["version"]["version"] for v in both["versioned_dataset"]] == ["1.0.0", "1.1.0"]
    other = create_dataset(account)
    assert_error(
        account.client.post(
            f"{DATA}/datasets/{other}/versions/{v1}/items/list", json={"workspace_id": account.workspace_id}
        ),
        404,
    )


def test_validate_items_without_writing(account: Account) -> None:
    dataset_id = create_dataset(account, [text_field("q", isRequired=True)])
    checked = account.client.post(
        f"{DATA}/dataset_items/validate",
        json={"workspace_id": account.workspace_id, "dataset_id": dataset_id, "items": [row(q="a"), {"data": []}]},
    ).json()
    assert checked["valid_item_indices"] == [0] and checked["errors"][0]["type"] == 2
    assert get_dataset(account, dataset_id)["item_count"] == "0"
