"""The draft's write protocol, version snapshots and import resumption, against moto's in-process AWS."""

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.data import importer, io_service
from functions.data.common import FieldMappingDTO, IOFileDTO, IOJobOptionDTO
from shared.data import items, service, snapshots, storage
from shared.data.content import Content
from shared.data.entities import (
    Dataset,
    DatasetSpec,
    FieldData,
    FieldSchema,
    JobStatus,
    NewItem,
    SnapshotStatus,
    Turn,
)
from shared.data.models import DATA_TABLES as TABLES
from shared.data.models import DatasetMetaItem, DatasetRowItem
from shared.data.rows import CapacityExceeded, DraftLocked, RowRepository
from shared.errors import InvalidInput

WORKSPACE = 11
USER = "7"


@pytest.fixture(autouse=True)
def aws() -> Iterator[None]:
    with mock_aws():
        for model in TABLES:
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=storage.bucket())
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="loop-dev-data-jobs")
        yield


@pytest.fixture
def async_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every version is snapshotted by the worker, as big ones are."""
    monkeypatch.setattr(service.settings(), "data_sync_snapshot_items", -1)


def new_dataset(max_items: int = 1000, name: str = "d") -> Dataset:
    return service.create_dataset(
        WORKSPACE,
        USER,
        service.NewDataset(
            name=name,
            fields=[FieldSchema(key="", name="input"), FieldSchema(key="", name="output")],
            spec=DatasetSpec(max_item_count=max_items, max_field_count=0, max_item_size=0),
        ),
    )


def item(text: str, key: str | None = None) -> NewItem:
    return NewItem(item_key=key, turns=[Turn(field_data_list=[FieldData(name="input", content=Content.of_text(text))])])


def fresh(dataset: Dataset) -> Dataset:
    return service.get_dataset(WORKSPACE, dataset.dataset_id)


def texts(found: list[Any]) -> list[str]:
    return sorted(cell.content.text for i in found for turn in i.turns for cell in turn.field_data_list)


def test_data_a_running_snapshot_makes_the_draft_read_only_and_the_version_keeps_its_items(
    async_snapshots: None,
) -> None:
    # Given a dataset of two items and a version whose snapshot has not run yet
    dataset = new_dataset()
    items.add_items(dataset, [item("a"), item("b")], USER)
    version = service.create_version(fresh(dataset), USER, "1.0.0", "first")
    assert version.snapshot_status == SnapshotStatus.IN_PROGRESS
    # When writing meanwhile, Then the write is refused with a retry hint
    with pytest.raises(DraftLocked, match="retry shortly"):
        items.add_items(fresh(dataset), [item("c")], USER)
    with pytest.raises(InvalidInput, match="snapshot"):
        snapshots.page(version, 0, 10)
    # When the worker takes the snapshot, Then the draft is writable again and edits do not reach the version
    assert snapshots.run(version.version_id)
    items.add_items(fresh(dataset), [item("c")], USER)
    done = service.get_version(WORKSPACE, version.version_id)
    assert done.snapshot_status == SnapshotStatus.COMPLETED and done.item_count == 2
    assert texts(snapshots.page(done, 0, 10)) == ["a", "b"]
    assert fresh(dataset).item_count == 3


def test_data_a_stalled_snapshot_fails_instead_of_mixing_two_drafts(async_snapshots: None) -> None:
    # Given a version whose worker died: its lock expired
    dataset = new_dataset()
    items.add_items(dataset, [item("a")], USER)
    version = service.create_version(fresh(dataset), USER, "1.0.0", "")
    DatasetMetaItem(dataset.dataset_id).update(actions=[DatasetMetaItem.snapshot_lock_until.set(1)])
    # When the draft is written (the stale lock no longer blocks it) and the snapshot runs late
    items.add_items(fresh(dataset), [item("b")], USER)
    snapshots.run(version.version_id)
    # Then the version failed with a reason instead of capturing the newer draft
    failed = service.get_version(WORKSPACE, version.version_id)
    assert failed.snapshot_status == SnapshotStatus.FAILED and "create the version again" in failed.snapshot_error


def test_data_versions_must_increase_and_one_snapshot_runs_at_a_time(async_snapshots: None) -> None:
    dataset = new_dataset()
    service.create_version(dataset, USER, "1.2.0", "")
    with pytest.raises(InvalidInput, match="higher than the latest version 1.2.0"):
        service.create_version(fresh(dataset), USER, "1.1.9", "")
    with pytest.raises(InvalidInput, match="MAJOR.MINOR.PATCH"):
        service.create_version(fresh(dataset), USER, "v2", "")
    with pytest.raises(Exception, match="being snapshotted"):
        service.create_version(fresh(dataset), USER, "2.0.0", "")


def test_data_a_snapshot_heals_a_drifted_item_count() -> None:
    # Given a count that a crashed write left too high
    dataset = new_dataset()
    items.add_items(dataset, [item("a"), item("b")], USER)
    RowRepository().adjust_count(dataset.dataset_id, 5)
    assert fresh(dataset).item_count == 7
    # When a version is made (small: snapshotted at once), Then the count is the rows it counted
    version = service.create_version(fresh(dataset), USER, "1.0.0", "")
    assert version.snapshot_status == SnapshotStatus.COMPLETED and version.item_count == 2
    assert fresh(dataset).item_count == 2


def test_data_a_write_that_overruns_its_lease_invalidates_snapshots() -> None:
    dataset = new_dataset()
    rows = RowRepository()
    lease = rows.begin(dataset, user=USER)
    revision = fresh(dataset).draft_rev
    rows.end(dataset.dataset_id, lease - 60_000)  # as if the rows landed a minute after the lease ended
    assert fresh(dataset).draft_rev == revision + 1
    rows.end(dataset.dataset_id, rows.begin(fresh(dataset), user=USER))  # in time: the lease is given back
    assert fresh(dataset).write_lease_until == 0


def test_data_capacity_is_enforced_by_the_count_update() -> None:
    dataset = new_dataset(max_items=3)
    with pytest.raises(CapacityExceeded, match="nothing was written"):
        items.add_items(dataset, [item(str(i)) for i in range(4)], USER)
    result = items.add_items(dataset, [item(str(i)) for i in range(4)], USER, allow_partial=True)
    assert len(result.added) == 3 and result.errors[0].details[0].start_index == 3
    # a stale view of the count cannot overfill it either: the conditional update refuses
    stale = dataset.model_copy(update={"item_count": 0})
    with pytest.raises(CapacityExceeded):
        items.add_items(stale, [item("x")], USER)
    assert fresh(dataset).item_count == 3


def test_data_item_keys_are_idempotent_and_a_half_written_key_is_repaired() -> None:
    dataset = new_dataset()
    first = items.add_items(dataset, [item("a", key="k1")], USER)
    again = items.add_items(fresh(dataset), [item("changed", key="k1")], USER)
    assert again.outputs[0].item_id == first.outputs[0].item_id and not again.outputs[0].is_new_item
    assert fresh(dataset).item_count == 1
    # Given a key claimed by a write that died before its row landed
    RowRepository().claim(fresh(dataset), "k2", 12345)
    # When the client retries with the key, Then the item is written under the claimed id
    retried = items.add_items(fresh(dataset), [item("b", key="k2")], USER)
    assert retried.outputs[0].item_id == 12345 and retried.outputs[0].is_new_item
    assert items.get_item(fresh(dataset), 12345).item_key == "k2"


def test_data_huge_items_go_to_s3_and_lists_clip_them() -> None:
    dataset = new_dataset()
    big = "x" * 300_000
    added = items.add_items(dataset, [item(big)], USER).outputs[0].item_id
    row = DatasetRowItem.get(dataset.dataset_id, f"{dataset.generation:06d}#{added:019d}")
    assert row.payload_key and len(row.turns) < 5000
    assert items.get_item(fresh(dataset), added).turns[0].field_data_list[0].content.text == big  # type: ignore[union-attr]
    listed = items.list_items(fresh(dataset), page_size=10).items[0].turns[0].field_data_list[0].content
    assert listed is not None and listed.content_omitted and listed.full_content_bytes == 300_000


def test_data_clear_starts_a_new_generation_and_purge_removes_the_old() -> None:
    dataset = new_dataset()
    items.add_items(dataset, [item("a", key="k"), item("b")], USER)
    items.clear_items(fresh(dataset), USER)
    cleared = fresh(dataset)
    assert cleared.item_count == 0 and items.list_items(cleared, page_size=10).items == []
    assert items.add_items(cleared, [item("again", key="k")], USER).outputs[0].is_new_item  # keys start over
    assert items.purge(dataset.dataset_id) == 2
    assert len(list(DatasetRowItem.query(dataset.dataset_id))) == 1


def upload_csv(rows: int) -> str:
    key = f"{WORKSPACE}/data/1/file.csv"
    body = "input,output\n" + "".join(f"q{i},a{i}\n" for i in range(rows))
    storage.put_bytes(key, body.encode(), "text/csv")
    return key


def start_import(dataset: Dataset, key: str) -> int:
    mappings = [FieldMappingDTO(source="input", target="input"), FieldMappingDTO(source="output", target="output")]
    return io_service.start_import(dataset, USER, IOFileDTO(path=key), mappings, None).job_id


def test_data_an_import_stopped_between_counting_and_writing_resumes_without_duplicates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an import whose worker dies while writing the rows of its second batch
    monkeypatch.setattr(storage.settings(), "data_import_batch_rows", 10)
    dataset = new_dataset()
    job_id = start_import(dataset, upload_csv(35))
    real_put = RowRepository.put_new
    calls = 0

    def dying_put(self: RowRepository, rows: list[DatasetRowItem]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the Lambda was killed")
        real_put(self, rows)

    monkeypatch.setattr(RowRepository, "put_new", dying_put)
    with pytest.raises(RuntimeError):
        importer.run(job_id, lambda: False)
    # When the message is delivered again
    monkeypatch.setattr(RowRepository, "put_new", real_put)
    assert importer.run(job_id, lambda: False)
    # Then every row is there once and counted once
    job = io_service.get_job(WORKSPACE, job_id)
    assert job.status == JobStatus.COMPLETED and job.progress.added == 35 and job.progress.processed == 35
    assert fresh(dataset).item_count == 35
    listed = items.list_items(fresh(dataset), page_size=100).items
    assert len(listed) == 35 and len({texts([i])[0] for i in listed}) == 35


def test_data_an_import_out_of_time_hands_over_and_continues(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.settings(), "data_import_batch_rows", 10)
    dataset = new_dataset()
    job_id = start_import(dataset, upload_csv(25))
    # Given a worker with time for one batch
    assert not importer.run(job_id, lambda: True)
    midway = io_service.get_job(WORKSPACE, job_id)
    assert midway.status == JobStatus.RUNNING and midway.progress.added == 10 and midway.progress.total == 25
    # When the continuation runs, Then it goes on from the checkpoint
    assert importer.run(job_id, lambda: False)
    done = io_service.get_job(WORKSPACE, job_id)
    assert (done.status, done.progress.added, fresh(dataset).item_count) == (JobStatus.COMPLETED, 25, 25)
    # and a redelivered message of a finished job does nothing
    assert importer.run(job_id, lambda: False) and fresh(dataset).item_count == 25


def test_data_an_overwrite_import_clears_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.settings(), "data_import_batch_rows", 10)
    dataset = new_dataset()
    items.add_items(dataset, [item("old")], USER)
    mappings = [FieldMappingDTO(source="input", target="input")]
    job = io_service.start_import(
        fresh(dataset), USER, IOFileDTO(path=upload_csv(15)), mappings, IOJobOptionDTO(overwrite_dataset=True)
    )
    assert not importer.run(job.job_id, lambda: True)
    assert importer.run(job.job_id, lambda: False)  # the continuation must not clear the first batch away
    assert fresh(dataset).item_count == 15
    assert "old" not in texts(items.list_items(fresh(dataset), page_size=100).items)


def test_data_import_errors_keep_row_numbers_and_the_job_always_ends() -> None:
    dataset = new_dataset()
    key = f"{WORKSPACE}/data/2/bad.csv"
    storage.put_bytes(key, b'input,output\nok,1\n"broken,2\nx,y,z\n', "text/csv")
    job_id = start_import(dataset, key)
    assert importer.run(job_id, lambda: False)
    job = io_service.get_job(WORKSPACE, job_id)
    assert job.status == JobStatus.COMPLETED
    messages = [d.message for g in job.errors for d in g.details]
    assert any("never closed" in (m or "") for m in messages), messages
    assert (job.progress.added, fresh(dataset).item_count) == (1, 1)


def test_data_an_import_of_a_vanished_file_fails_with_a_reason() -> None:
    dataset = new_dataset()
    job_id = start_import(dataset, upload_csv(3))
    storage.delete_keys([f"{WORKSPACE}/data/1/file.csv"])
    assert importer.run(job_id, lambda: False)
    job = io_service.get_job(WORKSPACE, job_id)
    assert job.status == JobStatus.FAILED and "upload it again" in json.dumps(job.model_dump()["errors"])


def test_data_the_reader_refuses_unfinished_versions_and_streams_finished_ones(async_snapshots: None) -> None:
    from shared.data import reader
    from shared.errors import NotFound

    # Given a version still being snapshotted
    dataset = new_dataset()
    items.add_items(dataset, [item(str(i)) for i in range(3)], USER)
    version = service.create_version(fresh(dataset), USER, "1.0.0", "")
    with pytest.raises(InvalidInput, match="retry when snapshot_status is Completed"):
        reader.load_version(WORKSPACE, dataset.dataset_id, version.version_id)
    # When it completes, Then its items stream in item order, and the draft can be read too
    snapshots.run(version.version_id)
    info = reader.load_version(WORKSPACE, dataset.dataset_id, version.version_id)
    assert (info.version, info.item_count, [f.key for f in info.fields]) == ("1.0.0", 3, ["input", "output"])
    streamed = list(reader.iter_version_items(WORKSPACE, info))
    assert [i.item_id for i in streamed] == sorted(i.item_id for i in streamed) and texts(streamed) == ["0", "1", "2"]
    wanted = [streamed[2].item_id, 1, streamed[0].item_id]
    assert [i.item_id for i in reader.version_items_by_ids(WORKSPACE, info, wanted)] == [wanted[0], wanted[2]]
    draft = reader.load_draft_info(WORKSPACE, dataset.dataset_id)
    assert (draft.version_id, draft.version, draft.item_count) == (0, "", 3)
    assert len(list(reader.iter_version_items(WORKSPACE, draft))) == 3
    with pytest.raises(NotFound):
        reader.load_version(WORKSPACE + 1, dataset.dataset_id, version.version_id)
    with pytest.raises(NotFound):
        reader.load_version(WORKSPACE, new_dataset(name="other").dataset_id, version.version_id)


def test_data_a_snapshot_that_cannot_be_queued_fails_the_version_and_frees_the_draft(
    async_snapshots: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = new_dataset()

    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("SQS is unreachable")

    monkeypatch.setattr(service, "enqueue", unreachable)
    with pytest.raises(ConnectionError):
        service.create_version(dataset, USER, "1.0.0", "")
    version = service.list_versions(fresh(dataset))[0]
    assert version.snapshot_status == SnapshotStatus.FAILED and "create the version again" in version.snapshot_error
    assert items.add_items(fresh(dataset), [item("still writable")], USER).added
