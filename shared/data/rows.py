"""The draft's items in DynamoDB: keys, payload offload to S3, the write protocol and paged reads.

A write first *begins* with one conditional update of the dataset row: it moves the item count (within the
capacity), bumps the draft revision and takes a short write lease, and it is refused while a version
snapshot holds the draft, after the dataset was cleared or deleted. Then the rows are written with plain
batch or conditional writes. A snapshot takes its lock and waits for the leases of writes already begun
to pass before it reads rows, so it never sees half a batch; a write that overran its lease bumps the
revision again, which makes such a snapshot fail rather than be wrong.

Rows are never part of DynamoDB transactions: only the small dataset and job rows are (moto, the local
emulator, copies a whole table per transaction item, which would make large datasets crawl).
"""

import base64
import binascii
import json
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shared.clock import now_ms
from shared.data import storage
from shared.data.content import Content
from shared.data.entities import Dataset, EvalSetItem, Turn
from shared.data.models import DatasetMetaItem, DatasetRowItem, DatasetRowKeyItem
from shared.data.repository import DatasetRepository, available, lock_is_free, not_found
from shared.dynamo import connection, is_condition_failure
from shared.errors import Conflict, InvalidInput, LoopError, NotFound
from shared.observability import logger

LEASE_MS = 10_000  # a write's rows land within this after it began (a batch of 100 takes well under a second)
CONFLICT_RETRIES = 6
BATCH_WRITE = 25  # DynamoDB's BatchWriteItem limit
PARALLEL_WRITES = 4


class DraftLocked(Conflict):
    """A version is being snapshotted; writes resume when it completes (seconds for most datasets)."""


class CapacityExceeded(Conflict):
    pass


def row_key(generation: int, item_id: int) -> str:
    return f"{generation:06d}#{item_id:019d}"


def key_claim(generation: int, item_key: str) -> str:
    return f"{generation:06d}#{item_key}"


def _dumps_turns(turns: list[Turn]) -> str:
    return json.dumps(
        [turn.model_dump(mode="json", exclude_none=True) for turn in turns], ensure_ascii=False, separators=(",", ":")
    )


def _clip(content: Content, chars: int) -> Content:
    if content.text is not None and len(content.text) > chars:
        size = len(content.text.encode())
        content = content.model_copy(
            update={"text": content.text[:chars], "content_omitted": True, "full_content_bytes": size}
        )
    if content.multi_part:
        content = content.model_copy(update={"multi_part": [_clip(part, chars) for part in content.multi_part]})
    return content


def clipped(turns: list[Turn], chars: int) -> list[Turn]:
    """The turns with every text cut to `chars` and marked content_omitted (a list view of a huge item)."""
    return [
        turn.model_copy(
            update={
                "field_data_list": [
                    cell.model_copy(update={"content": _clip(cell.content, chars)}) if cell.content else cell
                    for cell in turn.field_data_list
                ]
            }
        )
        for turn in turns
    ]


def build_row(dataset: Dataset, item: EvalSetItem) -> DatasetRowItem:
    """The DynamoDB row of an item; a payload over the offload size is written to S3 first."""
    settings = storage.settings()
    text = _dumps_turns(item.turns)
    size = len(text.encode())
    payload_key = None
    if size > settings.data_offload_bytes:
        payload_key = storage.row_payload_key(
            dataset.workspace_id, dataset.dataset_id, dataset.generation, item.item_id, item.updated_at
        )
        storage.put_json_gz(payload_key, json.loads(text))
        text = _dumps_turns(clipped(item.turns, settings.data_preview_chars))
    return DatasetRowItem(
        dataset.dataset_id,
        row_key(dataset.generation, item.item_id),
        item_id=item.item_id,
        item_key=item.item_key,
        workspace_id=dataset.workspace_id,
        turns=text,
        payload_key=payload_key,
        payload_bytes=size,
        created_by=item.created_by,
        created_at=item.created_at,
        updated_by=item.updated_by,
        updated_at=item.updated_at,
    )


@dataclass
class Also:
    """Another small item to update in the same transaction as the dataset row (an import's checkpoint)."""

    model: Model
    actions: list[Action]
    condition: Condition | None


class RowRepository:
    datasets = DatasetRepository()

    # --- the write protocol --------------------------------------------------------------------------------

    def begin(
        self,
        dataset: Dataset,
        *,
        user: str,
        count_delta: int = 0,
        clear: bool = False,
        also: Also | None = None,
        now: int | None = None,
    ) -> int:
        """Claims a write of the draft; returns the lease's end. Raises DraftLocked, CapacityExceeded, NotFound
        or Conflict (cleared meanwhile), each with a message that says what to do."""
        now = now or now_ms()
        lease_until = now + LEASE_MS
        actions: list[Action] = [
            DatasetMetaItem.draft_rev.add(1),
            DatasetMetaItem.change_uncommitted.set(True),
            DatasetMetaItem.updated_by.set(user),
            DatasetMetaItem.updated_at.set(now),
            DatasetMetaItem.write_lease_until.set(lease_until),
        ]
        condition = available() & lock_is_free(now) & (DatasetMetaItem.generation == dataset.generation)
        if clear:
            actions += [DatasetMetaItem.generation.add(1), DatasetMetaItem.item_count.set(0)]
        elif count_delta:
            actions.append(DatasetMetaItem.item_count.add(count_delta))
            if count_delta > 0:
                condition &= DatasetMetaItem.item_count <= dataset.spec.max_item_count - count_delta
        for attempt in range(CONFLICT_RETRIES):
            try:
                if also is None:
                    DatasetMetaItem(dataset.dataset_id).update(actions=actions, condition=condition)
                else:
                    with TransactWrite(connection=connection()) as transaction:
                        transaction.update(DatasetMetaItem(dataset.dataset_id), actions=actions, condition=condition)
                        transaction.update(also.model, actions=also.actions, condition=also.condition)
                return lease_until
            except (UpdateError, TransactWriteError) as error:
                if is_condition_failure(error):
                    raise self._explain(dataset, count_delta, now, also is not None) from error
                if isinstance(error, TransactWriteError) and error.cause_response_code in (
                    "TransactionCanceledException",
                    "TransactionInProgressException",
                ):
                    time.sleep(min(1.0, 0.05 * 2**attempt) * random.uniform(0.5, 1.5))
                    continue
                raise
        raise Conflict("the dataset is busy with other writes; try again")

    def _explain(self, dataset: Dataset, count_delta: int, now: int, with_also: bool) -> LoopError:
        current = self.datasets.find(dataset.dataset_id)
        if current is None or current.deleted:
            return not_found(dataset.dataset_id)
        if current.snapshot_lock and current.snapshot_lock_until >= now:
            return DraftLocked(
                "a version of this dataset is being snapshotted and its draft is read-only until the snapshot "
                "completes (usually seconds); retry shortly"
            )
        if current.generation != dataset.generation:
            return Conflict("the dataset was cleared while writing; reload it and write again")
        if count_delta > 0 and current.item_count + count_delta > current.spec.max_item_count:
            return CapacityExceeded(
                f"the dataset holds {current.item_count} of at most {current.spec.max_item_count} items; "
                f"{count_delta} more do not fit"
            )
        if with_also:
            return Conflict("the job was advanced by another worker")
        return Conflict("the dataset changed meanwhile; try again")

    def end(self, dataset_id: int, lease_until: int) -> None:
        """After the rows of a write landed: the lease is given back (unless a later write took it over), so a
        snapshot need not wait it out. A write that took longer than its lease moves the revision instead: a
        snapshot may have started reading meanwhile, and it then fails rather than be wrong."""
        if now_ms() > lease_until:
            logger.warning("a draft write overran its lease", extra={"dataset_id": dataset_id})
            DatasetMetaItem(dataset_id).update(actions=[DatasetMetaItem.draft_rev.add(1)])
            return
        try:
            DatasetMetaItem(dataset_id).update(
                actions=[DatasetMetaItem.write_lease_until.set(0)],
                condition=DatasetMetaItem.write_lease_until == lease_until,
            )
        except UpdateError as error:
            if not is_condition_failure(error):
                raise

    def adjust_count(self, dataset_id: int, delta: int) -> None:
        if delta:
            DatasetMetaItem(dataset_id).update(actions=[DatasetMetaItem.item_count.add(delta)])

    def put_new(self, rows: list[DatasetRowItem]) -> None:
        """New rows (or the same rows again, when an import replays its last batch): 25 per request, a few
        requests at once (each is a round trip of tens of milliseconds)."""
        chunks = [rows[start : start + BATCH_WRITE] for start in range(0, len(rows), BATCH_WRITE)]
        if len(chunks) <= 1:
            for chunk in chunks:
                _batch_write(chunk)
            return
        with ThreadPoolExecutor(max_workers=min(PARALLEL_WRITES, len(chunks))) as pool:
            list(pool.map(_batch_write, chunks))  # list(): re-raises the first failure

    def put_existing(self, row: DatasetRowItem) -> None:
        try:
            row.save(condition=DatasetRowItem.row_key.exists())
        except PutError as error:
            if is_condition_failure(error):
                raise NotFound(f"item {row.item_id} not found; it was deleted meanwhile") from error
            raise

    def delete(self, rows: list[DatasetRowItem]) -> list[DatasetRowItem]:
        """Deletes the rows that still exist; returns those (so the count moves by exactly them)."""
        deleted = []
        for row in rows:
            try:
                row.delete(condition=DatasetRowItem.row_key.exists())
                deleted.append(row)
            except DeleteError as error:
                if not is_condition_failure(error):
                    raise
        return deleted

    # --- item_key claims -------------------------------------------------------------------------------------

    def claim(self, dataset: Dataset, item_key: str, item_id: int) -> int | None:
        """Claims an item_key for `item_id`; None if claimed, else the item id that already holds the key."""
        claim = DatasetRowKeyItem(dataset.dataset_id, key_claim(dataset.generation, item_key), item_id=item_id)
        try:
            claim.save(condition=DatasetRowKeyItem.claim.does_not_exist())
            return None
        except PutError as error:
            if not is_condition_failure(error):
                raise
        existing = DatasetRowKeyItem.get(dataset.dataset_id, claim.claim, consistent_read=True)
        return int(existing.item_id)

    def release(self, dataset: Dataset, item_key: str, item_id: int) -> None:
        try:
            DatasetRowKeyItem(dataset.dataset_id, key_claim(dataset.generation, item_key)).delete(
                condition=DatasetRowKeyItem.item_id == item_id
            )
        except DeleteError as error:
            if not is_condition_failure(error):
                raise

    def claimed_items(self, dataset: Dataset, item_keys: list[str]) -> dict[str, int]:
        """item_key → item_id for the keys already used in the current generation."""
        keys = [(dataset.dataset_id, key_claim(dataset.generation, key)) for key in dict.fromkeys(item_keys)]
        prefix = len(f"{dataset.generation:06d}#")
        found = DatasetRowKeyItem.batch_get(keys, consistent_read=True)
        return {claim.claim[prefix:]: claim.item_id for claim in found}

    # --- reads ---------------------------------------------------------------------------------------------

    def get_row(self, dataset: Dataset, item_id: int) -> DatasetRowItem | None:
        try:
            return DatasetRowItem.get(dataset.dataset_id, row_key(dataset.generation, item_id), consistent_read=True)
        except DatasetRowItem.DoesNotExist:
            return None

    def batch_rows(self, dataset: Dataset, item_ids: list[int]) -> dict[int, DatasetRowItem]:
        keys = [(dataset.dataset_id, row_key(dataset.generation, item_id)) for item_id in dict.fromkeys(item_ids)]
        return {row.item_id: row for row in DatasetRowItem.batch_get(keys, consistent_read=True)}

    def rows(
        self, dataset: Dataset, *, ascending: bool = True, after: str | None = None, page_size: int = 500
    ) -> Iterator[DatasetRowItem]:
        """The current generation's rows in item order, starting after the row key `after`; `page_size` is how
        many each DynamoDB request reads (a page of a list needs one request, a snapshot many)."""
        generation = f"{dataset.generation:06d}#"
        condition: Condition
        if after is None:
            condition = DatasetRowItem.row_key.startswith(generation)
        else:
            condition = DatasetRowItem.row_key > after if ascending else DatasetRowItem.row_key < after
        for row in DatasetRowItem.query(
            dataset.dataset_id, condition, scan_index_forward=ascending, consistent_read=True, page_size=page_size
        ):
            if not row.row_key.startswith(generation):
                return  # rows of another generation sort before or after the current one's
            yield row

    def skip(self, dataset: Dataset, *, ascending: bool, count: int) -> tuple[str | None, bool]:
        """For page_number paging: the row key to continue after once `count` rows are skipped, and whether
        the rows ran out first. Reads keys only."""
        if count <= 0:
            return None, False
        seen = 0
        for row in DatasetRowItem.query(
            dataset.dataset_id,
            DatasetRowItem.row_key.startswith(f"{dataset.generation:06d}#"),
            scan_index_forward=ascending,
            attributes_to_get=["row_key"],
            page_size=1000,
        ):
            seen += 1
            if seen == count:
                return str(row.row_key), False
        return None, True

    def rows_of_generations_before(self, dataset_id: int, generation: int) -> Iterator[DatasetRowItem]:
        yield from DatasetRowItem.query(dataset_id, DatasetRowItem.row_key < f"{generation:06d}#", page_size=500)

    def claims_of_generations_before(self, dataset_id: int, generation: int) -> Iterator[DatasetRowKeyItem]:
        yield from DatasetRowKeyItem.query(dataset_id, DatasetRowKeyItem.claim < f"{generation:06d}#", page_size=500)


def _batch_write(rows: list[DatasetRowItem]) -> None:
    with DatasetRowItem.batch_write() as batch:
        for row in rows:
            batch.save(row)


def load_item(row: DatasetRowItem) -> EvalSetItem:
    """The whole item: from the row, or from S3 when its payload was offloaded."""
    if row.payload_key:
        turns = [Turn.model_validate(turn) for turn in storage.get_json_gz(row.payload_key)]
    else:
        turns = [Turn.model_validate(turn) for turn in json.loads(row.turns)]
    return _item(row, turns)


def preview_item(row: DatasetRowItem) -> EvalSetItem:
    """The item as a list shows it: huge texts clipped (content_omitted), without reading S3."""
    return _item(row, [Turn.model_validate(turn) for turn in json.loads(row.turns)])


def _item(row: DatasetRowItem, turns: list[Turn]) -> EvalSetItem:
    return EvalSetItem(
        item_id=row.item_id,
        item_key=row.item_key,
        turns=turns,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def encode_cursor(row_key_value: str) -> str:
    return base64.urlsafe_b64encode(row_key_value.encode()).decode()


def decode_cursor(token: str, dataset: Dataset) -> str:
    try:
        value = base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, binascii.Error) as error:
        raise InvalidInput("page_token is not one this server issued; start again without it") from error
    if not value.startswith(f"{dataset.generation:06d}#"):
        raise InvalidInput("page_token is from before the dataset was cleared; start again without it")
    return value


def delete_payloads(keys: list[str]) -> None:
    """Deletes replaced payload objects; a failure only leaves an orphan that the purge job removes."""
    if not keys:
        return
    try:
        storage.delete_keys(keys)
    except Exception:  # noqa: BLE001
        logger.exception("could not delete %d replaced item payloads", len(keys))
