"""Reading uploaded files row by row: resumable positions, bad rows reported per row, the worker hand-over."""

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from functions.data import sources, worker
from shared.data import storage
from shared.data.entities import FileFormat
from shared.data.jobs import DataJobMessage
from shared.data.models import DATA_TABLES as TABLES
from shared.queues import queue_url

MAX = 1_048_576


@pytest.fixture(autouse=True)
def aws() -> Iterator[None]:
    with mock_aws():
        for model in TABLES:
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=storage.bucket())
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="loop-dev-data-jobs")
        yield


def put(body: bytes, key: str = "1/f.csv") -> str:
    storage.put_bytes(key, body, "text/plain")
    return key


def read(key: str, fmt: FileFormat = FileFormat.CSV, start: sources.Position | None = None) -> list[sources.SourceRow]:
    return list(sources.rows(key, fmt, start or sources.Position(), max_field=MAX))


def test_data_csv_rows_resume_from_any_checkpoint_exactly() -> None:
    # Given a CSV with a BOM, CRLF endings, quoted commas, a quoted line break and a blank line
    body = '\ufeffinput,output\r\n"a, b",1\r\n"two\nlines",2\r\n\r\nplain,3\r\n'.encode()
    key = put(body)
    rows = read(key)
    assert [r.values for r in rows] == [
        {"input": "a, b", "output": "1"},
        {"input": "two\nlines", "output": "2"},
        {"input": "plain", "output": "3"},
    ]
    assert rows[1].error is None and rows[-1].after.offset == len(body)
    # When reading again from each row's checkpoint, Then exactly the rows after it come back
    for index, row in enumerate(rows):
        assert [r.values for r in read(key, start=row.after)] == [r.values for r in rows[index + 1 :]]
        assert [r.number for r in read(key, start=row.after)] == [r.number for r in rows[index + 1 :]]


def test_data_bad_csv_rows_are_errors_of_their_own_rows() -> None:
    body = 'input,output\nok,1\ncaf\xe9,2\nx,y,z\n"a"b,3\nfine,4\n'.encode("latin-1")
    rows = read(put(body))
    assert [r.number for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].values == {"input": "ok", "output": "1"} and rows[4].values == {"input": "fine", "output": "4"}
    assert "not UTF-8" in (rows[1].error or "") and "0xe9" in (rows[1].error or "")
    assert "3 values but the header has 2" in (rows[2].error or "")
    assert "quote" in (rows[3].error or "")


def test_data_a_header_that_maps_nothing_names_the_likely_delimiter() -> None:
    header = sources.csv_header(put(b"input;output\na;b\n"))
    with pytest.raises(sources.FileError, match="semicolons"):
        sources.check_sources(header, ["input", "output"])
    with pytest.raises(sources.FileError, match="empty"):
        sources.csv_header(put(b""))


def test_data_a_file_without_line_breaks_is_not_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 1000)
    with pytest.raises(sources.FileError, match="longer than"):
        read(put(b"a," * 100_000))


def test_data_jsonl_rows_with_jsonpath_sources() -> None:
    body = b'{"q": {"text": "hi"}, "a": 1}\n\n[1]\nnope\n{"q": {"text": "yo"}}\n'
    rows = read(put(body, "1/f.jsonl"), FileFormat.JSONL)
    assert [r.number for r in rows] == [1, 2, 3, 4]
    assert sources.pick(rows[0].values or {}, "$.q.text") == "hi" and sources.pick(rows[0].values or {}, "a") == 1
    assert "not an object" in (rows[1].error or "") and "not valid JSON" in (rows[2].error or "")
    resumed = read("1/f.jsonl", FileFormat.JSONL, rows[1].after)
    assert [r.number for r in resumed] == [3, 4]
    assert sources.count("1/f.jsonl", FileFormat.JSONL, MAX) == 4


def test_data_only_the_workspaces_own_uploads_are_read() -> None:
    with pytest.raises(Exception, match="not a file uploaded to this workspace"):
        sources.object_key(1, sources.IOFileDTO(path="2/data/x.csv"))
    with pytest.raises(Exception, match="not a file uploaded"):
        sources.object_key(1, sources.IOFileDTO(path="1/../2/x.csv"))
    with pytest.raises(Exception, match="no known extension"):
        sources.file_format(sources.IOFileDTO(path="1/x.txt"))
    assert sources.file_format(sources.IOFileDTO(path="1/x.PARQUET")) == FileFormat.PARQUET


def queued() -> list[dict[str, object]]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    found = sqs.receive_message(QueueUrl=queue_url("data-jobs"), MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(message["Body"]) for message in found]


def test_data_worker_hands_over_unfinished_jobs_and_retries_failed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    message = DataJobMessage(kind="import", workspace_id=1, dataset_id=2, job_id=3)
    # Given a job that runs out of time
    monkeypatch.setattr(worker, "run", lambda message, out_of_time: False)
    worker.handle(message, lambda: True)
    assert [m["continuation"] for m in queued()] == [1]

    # Given a job that fails unexpectedly: it is retried (a delayed message) while attempts remain
    def boom(message: DataJobMessage, out_of_time: object) -> bool:
        raise RuntimeError("boom")

    monkeypatch.setattr(worker, "run", boom)
    monkeypatch.setattr(worker.importer, "record_failure", lambda job_id, error: True)
    worker.handle(message, lambda: False)
    monkeypatch.setattr(worker.importer, "record_failure", lambda job_id, error: False)
    worker.handle(message, lambda: False)  # the last attempt marks the job failed and queues nothing
    sqs = boto3.client("sqs", region_name="us-east-1")
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url("data-jobs"), AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"  # one retry, 30 s later
