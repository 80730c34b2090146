"""Import and export through the running stack: files uploaded with a presigned form, imported by the
data-jobs worker with progress and a final report; bad files end as clear errors; exports are downloadable."""

import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from tests.integration.test_accounts import assert_error
from tests.integration.test_datasets import (
    DATA,
    create_dataset,
    create_version,
    get_dataset,
    list_items,
    text_field,
    upload,
    values,
    wait_version,
)
from tests.support.accounts import Account, register
from tests.support.stack import RunningStack

BOTH = [{"source": "input", "target": "input"}, {"source": "output", "target": "output"}]


def start_import(
    account: Account, dataset_id: str, uri: str, mappings: list[dict[str, str]] | None = None, **extra: Any
) -> str:
    response = account.client.post(
        f"{DATA}/datasets/{dataset_id}/import",
        json={
            "workspace_id": account.workspace_id,
            "file": {"provider": 5, "path": uri},
            "field_mappings": mappings or BOTH,
            **extra,
        },
    )
    assert response.status_code == 200, response.text
    job_id: str = response.json()["job_id"]
    return job_id


def wait_job(account: Account, job_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = account.client.get(f"{DATA}/dataset_io_jobs/{job_id}", params={"workspace_id": account.workspace_id})
        assert response.status_code == 200, response.text
        job: dict[str, Any] = response.json()["job"]
        if job["status"] in (3, 4):  # Completed, Failed
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}: {job['progress']}"
        time.sleep(0.2)


def import_file(account: Account, dataset_id: str, name: str, body: bytes, **extra: Any) -> dict[str, Any]:
    return wait_job(account, start_import(account, dataset_id, upload(account, name, body), **extra))


def messages(job: dict[str, Any]) -> list[str]:
    return [detail["message"] for group in job["errors"] for detail in group["details"]]


def test_a_csv_import_reports_progress_and_row_errors(account: Account) -> None:
    # Given a CSV of 300 good rows (quoted commas and line breaks among them) and two bad ones
    dataset_id = create_dataset(account)
    good = "".join(f'question {i},"answer, {i}"\n' for i in range(299)) + '"multi\nline",last\n'
    body = ("input,output\n" + good + "a,b,c\n").encode()
    # When importing it
    job = import_file(account, dataset_id, "qa.csv", body)
    # Then the job completed with its counts and the bad row by number
    assert job["status"] == 3 and job["job_type"] == 1
    assert job["progress"] == {"total": "301", "processed": "301", "added": "300", "name": None, "sub_progresses": None}
    assert [(g["type"], g["error_count"]) for g in job["errors"]] == [(5, 1)]
    assert messages(job) == [
        "row 301 (line 303) has 3 values but the header has 2 columns; quote values that contain commas or line breaks"
    ]
    assert job["errors"][0]["details"][0]["index"] == 301 and job["started_at"] and job["ended_at"]
    assert get_dataset(account, dataset_id)["item_count"] == "300"
    newest = values(list_items(account, dataset_id, page_size=1)["items"][0])
    assert newest == {"input": "multi\nline", "output": "last"}
    jobs = account.client.post(
        f"{DATA}/datasets/{dataset_id}/io_jobs", json={"workspace_id": account.workspace_id, "types": [1]}
    ).json()
    assert [j["id"] for j in jobs["jobs"]] == [job["id"]]


def test_bad_csv_files_end_with_clear_errors(account: Account) -> None:
    dataset_id = create_dataset(account)
    # a semicolon-separated file: its header matches no mapping, so the job fails and says why
    semicolons = import_file(account, dataset_id, "semi.csv", b"input;output\na;b\n")
    assert semicolons["status"] == 4 and "separated by semicolons" in json.dumps(semicolons["errors"])
    # latin-1 bytes: those rows fail, the others are imported
    latin = import_file(account, dataset_id, "latin.csv", "input,output\ncaf\xe9,1\nplain,2\n".encode("latin-1"))
    assert latin["status"] == 3 and latin["progress"]["added"] == "1"
    assert "0xe9" in messages(latin)[0] and "UTF-8" in messages(latin)[0]
    # broken quoting: the row with the unclosed quote is reported, the rows before it imported
    quoted = import_file(account, dataset_id, "quote.csv", b'input,output\nok,1\n"never closed,2\nx,3\n')
    assert quoted["status"] == 3 and quoted["progress"]["added"] == "1"
    assert "never closed" in messages(quoted)[0]
    # a header without the mapped column
    other = import_file(account, dataset_id, "other.csv", b"question,answer\na,b\n")
    assert other["status"] == 4 and "'input'" in json.dumps(other["errors"])
    # an empty file
    empty = import_file(account, dataset_id, "empty.csv", b"")
    assert empty["status"] == 4 and "empty" in json.dumps(empty["errors"])
    assert get_dataset(account, dataset_id)["item_count"] == "2"


def test_import_requests_are_checked_before_a_job_starts(stack: RunningStack, account: Account) -> None:
    dataset_id = create_dataset(account)
    uri = upload(account, "ok.csv", b"input\na\n")
    path = f"{DATA}/datasets/{dataset_id}/import"

    def send(**body: Any) -> httpx.Response:
        return account.client.post(path, json={"workspace_id": account.workspace_id, **body})

    file = {"provider": 5, "path": uri}
    assert_error(send(file=file, field_mappings=[{"source": "input", "target": "nope"}]), 400, "not a field")
    assert_error(send(file=file, field_mappings=[]), 400, "field_mappings")
    assert_error(send(file={**file, "format": 100}, field_mappings=BOTH[:1]), 400, "not supported")
    missing = {"provider": 5, "path": f"{account.workspace_id}/data/1/none.csv"}
    assert_error(send(file=missing, field_mappings=BOTH[:1]), 404, "upload it first")
    stranger = register(stack.base_url)
    theirs = upload(stranger, "theirs.csv", b"input\nsecret\n")
    assert_error(
        send(file={"provider": 5, "path": theirs}, field_mappings=BOTH[:1]),
        400,
        "not a file uploaded to this workspace",
    )
    assert_error(send(file={**file, "path": "x.csv"}, field_mappings=BOTH[:1]), 400, "not a file uploaded")


def test_jsonl_with_jsonpath_and_overwrite(account: Account) -> None:
    dataset_id = create_dataset(account)
    import_file(account, dataset_id, "first.csv", b"input,output\nold,1\n")
    lines = [
        {"messages": [{"role": "user", "content": "hi"}], "expected": {"text": "hello"}},
        {"messages": [{"role": "user", "content": "bye"}], "expected": "see you"},
    ]
    body = "\n".join(json.dumps(line) for line in lines).encode() + b"\n[1, 2]\n"
    mappings = [{"source": "$.messages[0].content", "target": "input"}, {"source": "expected", "target": "output"}]
    job = import_file(account, dataset_id, "chat.jsonl", body, mappings=mappings, option={"overwrite_dataset": True})
    assert job["status"] == 3 and job["progress"]["added"] == "2" and "not an object" in messages(job)[0]
    imported = sorted(tuple(values(item).values()) for item in list_items(account, dataset_id)["items"])
    assert imported == [("bye", "see you"), ("hi", '{"text": "hello"}')]  # the old row was overwritten


def test_parquet_import_through_duckdb(account: Account) -> None:
    import duckdb

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.parquet"
        rows = "SELECT 'q' || i AS input, 'a' || i AS output, i AS n FROM range(250) t(i)"
        duckdb.sql(f"COPY ({rows}) TO '{path}' (FORMAT PARQUET)")
        body = path.read_bytes()
    dataset_id = create_dataset(
        account, [text_field("input"), text_field("output"), text_field("n", text_schema='{"type": "integer"}')]
    )
    mappings = [*BOTH, {"source": "n", "target": "n"}]
    job = import_file(account, dataset_id, "rows.parquet", body, mappings=mappings)
    assert job["status"] == 3 and job["progress"]["total"] == "250" and job["progress"]["added"] == "250"
    first = values(list_items(account, dataset_id, page_size=1, order_bys=[{"is_asc": True}])["items"][0])
    assert first == {"input": "q0", "output": "a0", "n": "0"}
    broken = import_file(account, dataset_id, "bad.parquet", b"PAR1 this is not parquet", mappings=mappings)
    assert broken["status"] == 4 and "Parquet" in json.dumps(broken["errors"])


def test_evaluation_sets_are_created_from_a_file_after_parsing_its_columns(account: Account) -> None:
    uri = upload(account, "seed.csv", b"prompt,reference\nwho?,me\nwhy?,because\n")
    parsed = account.client.post(
        "/api/evaluation/v1/evaluation_sets/parse_import_source_file",
        json={"workspace_id": account.workspace_id, "file": {"provider": 5, "path": uri}},
    ).json()
    assert [f["name"] for f in parsed["field_schemas"]] == ["prompt", "reference"]
    assert parsed["precheck_data_by_field"] == {"prompt": ["who?", "why?"], "reference": ["me", "because"]}
    created = account.client.post(
        "/api/evaluation/v1/evaluation_sets/create_with_import",
        json={
            "workspace_id": account.workspace_id,
            "name": "from file",
            "evaluation_set_schema": {"field_schemas": parsed["field_schemas"]},
            "source": {"file": {"provider": 5, "path": uri}},
            "fieldMappings": [{"source": "prompt", "target": "prompt"}, {"source": "reference", "target": "reference"}],
        },
    ).json()
    job = wait_job(account, created["job_id"])
    assert job["status"] == 3 and job["dataset_id"] == created["evaluation_set_id"]
    items = account.client.post(
        f"/api/evaluation/v1/evaluation_sets/{created['evaluation_set_id']}/items/list",
        json={"workspace_id": account.workspace_id},
    ).json()
    assert items["total"] == "2"


def test_a_large_import_is_versioned_by_the_worker_and_exported(account: Account) -> None:
    # Given 1,200 imported rows (more than a request snapshots itself)
    dataset_id = create_dataset(account)
    body = ("input,output\n" + "".join(f"q{i},a{i}\n" for i in range(1200))).encode()
    assert import_file(account, dataset_id, "big.csv", body)["progress"]["added"] == "1200"
    # When making a version, Then the worker snapshots it and its pages read single chunks
    version_id = create_version(account, dataset_id, "1.0.0")
    version = wait_version(account, version_id)
    assert (version["snapshot_status"], version["item_count"]) == (3, "1200")
    page = account.client.post(
        f"{DATA}/datasets/{dataset_id}/versions/{version_id}/items/list",
        json={
            "workspace_id": account.workspace_id,
            "page_size": 200,
            "page_number": 5,
            "order_bys": [{"is_asc": True}],
        },
    ).json()
    assert [values(item)["input"] for item in page["items"]][:2] == ["q800", "q801"] and page["total"] == "1200"
    # When exporting the version to CSV and the draft to JSONL
    exported = {}
    for fmt, version in ((3, version_id), (1, None)):
        response = account.client.post(
            f"{DATA}/datasets/{dataset_id}/export",
            json={"workspace_id": account.workspace_id, "format": fmt, "version_id": version},
        )
        assert response.status_code == 200, response.text
        job = wait_job(account, response.json()["job_id"])
        assert job["status"] == 3 and job["job_type"] == 2 and job["progress"]["processed"] == "1200"
        exported[fmt] = httpx.get(job["target"]["file"]["download_url"], timeout=60).text
    # Then the files hold every item
    csv_lines = exported[3].splitlines()
    assert csv_lines[0] == "input,output" and csv_lines[1] == "q0,a0" and len(csv_lines) == 1201
    jsonl = [json.loads(line) for line in exported[1].splitlines()]
    assert len(jsonl) == 1200 and jsonl[0] == {"input": "q0", "output": "a0"}
