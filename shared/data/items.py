"""Items of a dataset's draft: batch create (idempotent by item_key), update, delete, clear, get and list.

These are the write paths every caller shares: the data routes, the observability module's export of spans
to a dataset, and (through `write_new` and the row protocol in rows.py) the import worker.
"""

from dataclasses import dataclass, field

from shared.clock import now_ms
from shared.data import storage
from shared.data.entities import Dataset, EvalSetItem, ItemErrorGroup, ItemErrorType, NewItem, Turn
from shared.data.jobs import DataJobMessage, enqueue_best_effort
from shared.data.models import DatasetRowItem, DatasetRowKeyItem
from shared.data.repository import DatasetRepository
from shared.data.rows import (
    Also,
    CapacityExceeded,
    RowRepository,
    build_row,
    decode_cursor,
    delete_payloads,
    encode_cursor,
    load_item,
    preview_item,
)
from shared.data.validation import ErrorCollector, ItemChecker
from shared.errors import InvalidInput, NotFound
from shared.ids import new_id

datasets = DatasetRepository()
rows = RowRepository()
MAX_BATCH = 100


@dataclass
class ItemOutput:
    """upstream CreateDatasetItemOutput."""

    item_index: int
    item_key: str | None
    item_id: int
    is_new_item: bool


@dataclass
class AddResult:
    outputs: list[ItemOutput] = field(default_factory=list)
    errors: list[ItemErrorGroup] = field(default_factory=list)

    @property
    def added(self) -> dict[int, int]:
        """index → item_id of the items written by this call (upstream's added_items)."""
        return {out.item_index: out.item_id for out in self.outputs if out.is_new_item}


def _new_item(turns: list[Turn], item_key: str | None, user: str, now: int, item_id: int | None = None) -> EvalSetItem:
    return EvalSetItem(
        item_id=item_id or new_id(),
        item_key=item_key,
        turns=turns,
        created_by=user,
        created_at=now,
        updated_by=user,
        updated_at=now,
    )


def write_new(dataset: Dataset, new: list[EvalSetItem], user: str, *, also: Also | None = None) -> None:
    """Counts and writes new items: the count moves first (within the capacity, refused while a snapshot
    holds the draft), then the rows land. If writing the rows fails the count is given back."""
    if not new and also is None:
        return
    lease = rows.begin(dataset, user=user, count_delta=len(new), also=also)
    try:
        rows.put_new([build_row(dataset, item) for item in new])
    except Exception:
        rows.adjust_count(dataset.dataset_id, -len(new))
        raise
    rows.end(dataset.dataset_id, lease)


def add_items(
    dataset: Dataset,
    items: list[NewItem],
    user: str,
    *,
    skip_invalid: bool = False,
    allow_partial: bool = False,
) -> AddResult:
    """Validates and writes up to 100 items. As upstream: any invalid item fails the whole call unless
    `skip_invalid`; items beyond the capacity fail it unless `allow_partial` (then the first ones fitting are
    written). An item_key already in the dataset returns that item (is_new_item false) and writes nothing."""
    if len(items) > MAX_BATCH:
        raise InvalidInput(f"items: at most {MAX_BATCH} items per call; send {len(items)} in several calls")
    keys = [item.item_key for item in items if item.item_key]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise InvalidInput(f"items: the item_key values {repeated} appear more than once in this call")
    checker = ItemChecker(dataset)
    errors = ErrorCollector(max_details=5)
    good: list[tuple[int, NewItem, list[Turn]]] = []
    for index, item in enumerate(items):
        turns, problem = checker.check(item.turns)
        if problem:
            errors.add(problem.kind, problem.message, index=index, messages_by_field=problem.by_field or None)
        else:
            good.append((index, item, turns))
    if errors and not skip_invalid:
        raise InvalidInput(
            f"{sum(g.error_count for g in errors.result())} of {len(items)} items are invalid, so nothing was written "
            f"(set skip_invalid_items to write the valid ones): {errors.describe()}"
        )
    result = AddResult()
    now = now_ms()
    existing = rows.claimed_items(dataset, [item.item_key for _, item, _ in good if item.item_key])
    fresh: list[tuple[int, EvalSetItem]] = []
    for index, item, turns in good:
        known = existing.get(item.item_key) if item.item_key else None
        if known is not None and rows.get_row(dataset, known) is not None:
            result.outputs.append(ItemOutput(index, item.item_key, known, is_new_item=False))
        else:  # a new key, or a key whose first write claimed it but never landed: write it now
            fresh.append((index, _new_item(turns, item.item_key, user, now, known)))
    room = max(0, dataset.spec.max_item_count - dataset.item_count)
    if len(fresh) > room:
        message = (
            f"the dataset holds {dataset.item_count} of at most {dataset.spec.max_item_count} items, so "
            f"{len(fresh) - room} of these {len(fresh)} do not fit"
        )
        if not allow_partial:
            raise CapacityExceeded(f"{message}; nothing was written (set allow_partial_add to write the first {room})")
        overflow = fresh[room:]
        errors.add(
            ItemErrorType.EXCEED_DATASET_CAPACITY,
            message,
            count=len(overflow),
            start_index=overflow[0][0],
            end_index=overflow[-1][0],
        )
        fresh = fresh[:room]
    claimed = _claim_keys(dataset, fresh, result)
    try:
        write_new(dataset, [written for _, written in claimed], user)
    except Exception:
        for _, written in claimed:
            if written.item_key and written.item_id not in existing.values():
                rows.release(dataset, written.item_key, written.item_id)
        raise
    for index, written in claimed:
        result.outputs.append(ItemOutput(index, written.item_key, written.item_id, is_new_item=True))
    result.outputs.sort(key=lambda out: out.item_index)
    result.errors = errors.result()
    return result


def _claim_keys(
    dataset: Dataset, fresh: list[tuple[int, EvalSetItem]], result: AddResult
) -> list[tuple[int, EvalSetItem]]:
    """Claims the item_keys of the new items; a key another call claimed meanwhile returns that item instead."""
    claimed = []
    for index, item in fresh:
        if item.item_key:
            holder = rows.claim(dataset, item.item_key, item.item_id)
            if holder is not None and holder != item.item_id:
                result.outputs.append(ItemOutput(index, item.item_key, holder, is_new_item=False))
                continue
        claimed.append((index, item))
    return claimed


def check_item(dataset: Dataset, turns: list[Turn]) -> list[Turn]:
    """One item's turns, validated; the problem is raised as InvalidInput."""
    checked, problem = ItemChecker(dataset).check(turns)
    if problem:
        raise InvalidInput(f"{problem.kind.name}: {problem.message}")
    return checked


def update_item(dataset: Dataset, item_id: int, turns: list[Turn], user: str) -> EvalSetItem:
    row = rows.get_row(dataset, item_id)
    if row is None:
        raise NotFound(f"item {item_id} not found in dataset {dataset.dataset_id}")
    checked = check_item(dataset, turns)
    now = now_ms()
    item = EvalSetItem(
        item_id=item_id,
        item_key=row.item_key,
        turns=checked,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_by=user,
        updated_at=now,
    )
    lease = rows.begin(dataset, user=user, now=now)
    updated = build_row(dataset, item)
    rows.put_existing(updated)
    rows.end(dataset.dataset_id, lease)
    if row.payload_key and row.payload_key != updated.payload_key:
        delete_payloads([row.payload_key])
    return item


def delete_items(dataset: Dataset, item_ids: list[int], user: str) -> int:
    """Deletes the items that exist (ids of missing ones are ignored, as upstream); returns how many."""
    found = rows.batch_rows(dataset, item_ids)
    targets = [found[item_id] for item_id in dict.fromkeys(item_ids) if item_id in found]
    if not targets:
        return 0
    lease = rows.begin(dataset, user=user)
    deleted = rows.delete(targets)
    rows.adjust_count(dataset.dataset_id, -len(deleted))
    rows.end(dataset.dataset_id, lease)
    for row in deleted:
        if row.item_key:
            rows.release(dataset, row.item_key, row.item_id)
    delete_payloads([row.payload_key for row in deleted if row.payload_key])
    return len(deleted)


def clear_items(dataset: Dataset, user: str) -> None:
    """Empties the draft at once: a new generation of rows begins and the old one is purged in the background."""
    rows.begin(dataset, user=user, clear=True)
    purge_later(dataset)


def purge_later(dataset: Dataset) -> None:
    enqueue_best_effort(DataJobMessage(kind="purge", workspace_id=dataset.workspace_id, dataset_id=dataset.dataset_id))


def get_item(dataset: Dataset, item_id: int) -> EvalSetItem:
    row = rows.get_row(dataset, item_id)
    if row is None:
        raise NotFound(f"item {item_id} not found in dataset {dataset.dataset_id}")
    return load_item(row)


def batch_get_items(dataset: Dataset, item_ids: list[int]) -> list[EvalSetItem]:
    """The items that exist, in the order asked for."""
    if len(item_ids) > MAX_BATCH:
        raise InvalidInput(f"item_ids: at most {MAX_BATCH} per call")
    found = rows.batch_rows(dataset, item_ids)
    return [load_item(found[item_id]) for item_id in dict.fromkeys(item_ids) if item_id in found]


@dataclass
class ItemPage:
    items: list[EvalSetItem]
    total: int
    next_page_token: str
    has_more: bool


def list_items(
    dataset: Dataset,
    *,
    page_size: int,
    page_number: int | None = None,
    page_token: str | None = None,
    ascending: bool = False,
) -> ItemPage:
    """A page of the draft in creation order (newest first unless ascending). A page_token wins over
    page_number, as upstream; texts of huge items are clipped (content_omitted), get the item for all of it."""
    after: str | None = None
    if page_token:
        after = decode_cursor(page_token, dataset)
    elif page_number and page_number > 1:
        after, exhausted = rows.skip(dataset, ascending=ascending, count=(page_number - 1) * page_size)
        if exhausted:
            return ItemPage([], dataset.item_count, "", False)
    found: list[DatasetRowItem] = []
    for row in rows.rows(dataset, ascending=ascending, after=after, page_size=page_size + 1):
        found.append(row)
        if len(found) > page_size:
            break
    has_more = len(found) > page_size
    page = found[:page_size]
    token = encode_cursor(page[-1].row_key) if has_more and page else ""
    return ItemPage([preview_item(row) for row in page], dataset.item_count, token, has_more)


def purge(dataset_id: int) -> int:
    """Deletes rows, key claims and payloads of generations older than the current one; returns rows deleted."""
    dataset = datasets.find(dataset_id)
    if dataset is None:
        return 0
    deleted = 0
    with DatasetRowItem.batch_write() as batch:
        for row in rows.rows_of_generations_before(dataset_id, dataset.generation):
            batch.delete(row)
            deleted += 1
    with DatasetRowKeyItem.batch_write() as claims:
        for claim in rows.claims_of_generations_before(dataset_id, dataset.generation):
            claims.delete(claim)
    root = storage.rows_prefix(dataset.workspace_id, dataset_id)
    stale = [key for key in storage.list_keys(root) if int(key[len(root) :].split("/", 1)[0]) < dataset.generation]
    storage.delete_keys(stale)
    return deleted
