"""The experiment scheduler: start → item_concur_num chains of items → item runs → finish.

Concurrency without a hot cursor: the rows of a run form item_concur_num chains (row i is followed by row
i + item_concur_num, or by the next row a retry picked in its chain). Starting a run dispatches each chain's
head; finishing a row dispatches the next row of its chain in the same transaction. So at most
item_concur_num rows run at once, and no two workers ever race for the same row.

Exactly once per item: every state change of a row is a conditional write keyed by (experiment, row, run,
attempt token), done in one transaction with the experiment's counters. A duplicated or late message names an
attempt that is over and does nothing, so no item runs or counts twice, and pending + processing + success +
fail + terminated always equals the number of rows.

Messages: `start` and `tick` on eval-schedule; on eval-items, one per chain head, and one whenever a worker
hands its chain back to the queue (after experiment_chain_seconds of running the rows its completions claimed
itself, so other experiments get their turn). A tick chain (one live chain per run, by sequence number) sweeps stalled
rows and finishes the run if the last completion could not.
"""

import functools
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from pydantic import Field
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from functions.evaluation.experiments.aggregates import compute, recompute
from functions.evaluation.experiments.config import FINISHED, ExperimentConfig, ExptStatus, ItemRunState
from functions.evaluation.experiments.item_run import ItemContext, ItemOutcome, RetryLater, run_item
from functions.evaluation.experiments.records import ItemResults
from shared.clock import now_ms
from shared.data.reader import EvalSetItem, iter_version_items, load_draft_info, load_version
from shared.dynamo import connection, is_condition_failure, is_transaction_conflict
from shared.errors import LoopError
from shared.evaluation.models import EvaluatorRecordItem, ExperimentItem, ExperimentRowItem
from shared.ids import new_id
from shared.observability import logger
from shared.queues import send
from shared.settings import LoopSettings, get_settings
from shared.spans import buffered_spans

SCHEDULE_QUEUE = "eval-schedule"
ITEM_QUEUE = "eval-items"
TICK_DELAY_S = 3
SWEEP_EVERY_TICKS = 10  # stalled rows are looked for every 30 s
LEASE_MS = 330_000  # longer than an item worker may run (its Lambda times out at 300 s)
DISPATCH_GRACE_MS = 120_000  # a dispatched row not picked up within this is sent again
CREATE_CHUNK = 200
MAX_RETRY_DELAY_S = 60
MAX_QUOTA_WAITS = 30  # minutes an item may wait for its model's quota before it fails
CONTINUE_MIN_TIME_LEFT_MS = 180_000  # a worker runs its chain's next row only if it could finish a slow one
CONFLICT_RETRIES = 8  # concurrent transactions on the experiment's counters conflict in DynamoDB; try again


class EngineSettings(LoopSettings):
    # How long a worker runs the rows its chain claims itself before it sends the next one to the queue
    # (LOOP_EXPERIMENT_CHAIN_SECONDS): long enough to save a message per item, short enough to take turns.
    experiment_chain_seconds: int = Field(default=60, ge=0, le=240)


COUNTERS = {
    ItemRunState.SUCCESS: ExperimentItem.success,
    ItemRunState.FAIL: ExperimentItem.fail,
    ItemRunState.TERMINAL: ExperimentItem.terminated,
}


# --- messages ------------------------------------------------------------------------------------------


def send_start(expt_id: int, run_id: int, delay_s: int = 0) -> None:
    send(SCHEDULE_QUEUE, json.dumps({"kind": "start", "expt_id": expt_id, "run_id": run_id}), delay_s=delay_s)


def send_tick(expt_id: int, run_id: int, seq: int) -> None:
    body = json.dumps({"kind": "tick", "expt_id": expt_id, "run_id": run_id, "seq": seq})
    send(SCHEDULE_QUEUE, body, delay_s=TICK_DELAY_S)


def send_item(expt_id: int, run_id: int, index: int, attempt: int, delay_s: int = 0) -> None:
    body = json.dumps({"expt_id": expt_id, "run_id": run_id, "item_index": index, "attempt": attempt})
    send(ITEM_QUEUE, body, delay_s=delay_s)


# --- reads ---------------------------------------------------------------------------------------------


def load(expt_id: int) -> ExperimentItem | None:
    try:
        return ExperimentItem.get(expt_id, consistent_read=True)
    except DoesNotExist:
        return None


def load_row(expt_id: int, index: int) -> ExperimentRowItem | None:
    try:
        return ExperimentRowItem.get(expt_id, index, consistent_read=True)
    except DoesNotExist:
        return None


def config_of(expt: ExperimentItem) -> ExperimentConfig:
    return _parsed_config(expt.config)


@functools.lru_cache(maxsize=64)
def _parsed_config(text: str) -> ExperimentConfig:
    """A run's config never changes, so the rows of a chain share one parse; callers must not modify it."""
    return ExperimentConfig.model_validate_json(text)


def concurrency_of(expt: ExperimentItem) -> int:
    return max(1, config_of(expt).item_concur_num)


def _transact(build: Callable[[TransactWrite], None]) -> None:
    """Runs a transaction, again after a short pause when it conflicts with another on the same items."""
    for attempt in range(CONFLICT_RETRIES):
        try:
            with TransactWrite(connection=connection()) as transaction:
                build(transaction)
            return
        except TransactWriteError as error:
            if not is_transaction_conflict(error) or attempt == CONFLICT_RETRIES - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))


def _cancelled(error: TransactWriteError, position: int) -> bool:
    """Whether the transaction's item at `position` failed its condition."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return (
        len(reasons) > position and reasons[position] is not None and reasons[position].code == "ConditionalCheckFailed"
    )


# --- start ---------------------------------------------------------------------------------------------


def _items(expt: ExperimentItem, config: ExperimentConfig) -> Iterator[EvalSetItem]:
    if config.eval_set_version_id:
        version = load_version(expt.workspace_id, config.eval_set_id, config.eval_set_version_id)
    else:
        version = load_draft_info(expt.workspace_id, config.eval_set_id)
    return iter_version_items(expt.workspace_id, version)


def _write_rows(expt: ExperimentItem, rows: list[ExperimentRowItem], created: int) -> None:
    with ExperimentRowItem.batch_write() as batch:
        for row in rows:
            batch.save(row)
    expt.update(
        actions=[ExperimentItem.items_created.set(created)],
        condition=(ExperimentItem.items_created == expt.items_created)
        & (ExperimentItem.status == ExptStatus.PENDING)
        & (ExperimentItem.run_id == expt.run_id),
    )


def create_rows(expt: ExperimentItem, time_left_ms: Callable[[], int]) -> bool:
    """Writes one row per set item from where the last attempt stopped; False if it ran out of time."""
    config = config_of(expt)
    chains = concurrency_of(expt)
    rows: list[ExperimentRowItem] = []
    index = 0
    for index, item in enumerate(_items(expt, config)):
        if index < expt.items_created:
            continue
        rows.append(
            ExperimentRowItem(
                expt.expt_id,
                index,
                item_id=item.item_id,
                item=item.model_dump_json(exclude_none=True),
                state=int(ItemRunState.QUEUEING),
                run_id=expt.run_id,
                next_index=index + chains,  # past the end means the chain ends here
                updated_at=now_ms(),
            )
        )
        if len(rows) >= CREATE_CHUNK:
            _write_rows(expt, rows, index + 1)
            rows = []
            if time_left_ms() < 60_000:
                return False
    if rows:
        _write_rows(expt, rows, index + 1)
    return True


def start(expt_id: int, run_id: int, time_left_ms: Callable[[], int]) -> None:
    expt = load(expt_id)
    if expt is None or expt.run_id != run_id:
        return
    if expt.status == ExptStatus.PENDING:
        try:
            complete_rows = create_rows(expt, time_left_ms)
        except LoopError as error:  # the set or its version is gone: the run cannot start
            fail_to_start(expt, error.message)
            return
        if not complete_rows:
            send_start(expt_id, run_id)  # continue in a fresh invocation
            return
        expt.refresh(consistent_read=True)
        total = expt.items_created
        try:
            expt.update(
                actions=[
                    ExperimentItem.status.set(int(ExptStatus.PROCESSING)),
                    ExperimentItem.total.set(total),
                    ExperimentItem.pending.set(total),
                    ExperimentItem.heads.set(json.dumps(list(range(min(total, concurrency_of(expt)))))),
                    ExperimentItem.start_time.set(now_ms()),
                ],
                condition=(ExperimentItem.status == ExptStatus.PENDING) & (ExperimentItem.run_id == run_id),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                return  # killed meanwhile, or another start won
            raise
    if expt.status != ExptStatus.PROCESSING:
        return
    _start_tick_chain(expt)
    for index in json.loads(expt.heads or "[]"):
        attempt = new_id()
        if _claim_head(expt, index, attempt):
            send_item(expt_id, run_id, index, attempt)
    finish_if_done(expt_id, run_id)  # a run with nothing to do (every head gone) ends here


def fail_to_start(expt: ExperimentItem, reason: str) -> None:
    logger.warning("experiment could not start", extra={"expt_id": expt.expt_id, "reason": reason})
    try:
        expt.update(
            actions=[
                ExperimentItem.status.set(int(ExptStatus.FAILED)),
                ExperimentItem.status_message.set(f"could not start: {reason}"[:1000]),
                ExperimentItem.end_time.set(now_ms()),
            ],
            condition=(ExperimentItem.status == ExptStatus.PENDING) & (ExperimentItem.run_id == expt.run_id),
        )
    except UpdateError as error:
        if not is_condition_failure(error):
            raise


def _start_tick_chain(expt: ExperimentItem) -> None:
    seq = expt.tick + 1
    try:
        expt.update(actions=[ExperimentItem.tick.set(seq)], condition=ExperimentItem.tick == expt.tick)
    except UpdateError as error:
        if is_condition_failure(error):
            return  # a chain was started meanwhile
        raise
    send_tick(expt.expt_id, expt.run_id, seq)


# --- dispatch ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemMessage:
    expt_id: int
    run_id: int
    item_index: int
    attempt: int


def _claim_actions(expt_id: int, attempt: int) -> list[Action]:
    return [
        ExperimentRowItem.state.set(int(ItemRunState.PROCESSING)),
        ExperimentRowItem.attempt.set(attempt),
        ExperimentRowItem.dispatched_at.set(now_ms()),
        ExperimentRowItem.lease_until.set(0),
        ExperimentRowItem.inflight_key.set(str(expt_id)),
    ]


def _claimable(run_id: int) -> Condition:
    waiting: Condition = (ExperimentRowItem.state == ItemRunState.QUEUEING) & (ExperimentRowItem.run_id == run_id)
    return waiting


def _claim_head(expt: ExperimentItem, index: int, attempt: int) -> bool:
    """Queueing → Processing with the counters, for the first row of a chain; False if it moved already."""

    def build(transaction: TransactWrite) -> None:
        transaction.update(
            ExperimentRowItem(expt.expt_id, index),
            actions=_claim_actions(expt.expt_id, attempt),
            condition=_claimable(expt.run_id),
        )
        transaction.update(
            ExperimentItem(expt.expt_id),
            actions=[ExperimentItem.processing.add(1), ExperimentItem.pending.add(-1)],
            condition=(ExperimentItem.status == ExptStatus.PROCESSING) & (ExperimentItem.run_id == expt.run_id),
        )

    try:
        _transact(build)
    except TransactWriteError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def _next_in_chain(expt: ExperimentItem, start: int) -> int | None:
    """The first row after `start` (itself not waiting) in its chain that still waits in this run."""
    first = load_row(expt.expt_id, start)
    index = first.next_index if first is not None else -1
    while 0 <= index < expt.total:
        following = load_row(expt.expt_id, index)
        if following is None:
            return None
        if following.state == ItemRunState.QUEUEING and following.run_id == expt.run_id:
            return index
        index = following.next_index  # killed meanwhile, or not part of this run
    return None


def complete(
    expt: ExperimentItem,
    row: ExperimentRowItem,
    attempt: int,
    state: ItemRunState,
    results: str,
    error: str,
    *,
    chain: bool,
    records: ItemResults | None = None,
    next_index: int | None = None,
    keep_next: bool = False,
) -> ItemMessage | None:
    """Processing → a final state for the attempt that owns the row, with the counters, its records' pointers,
    and (with `chain`) the chain's next row claimed, all in one transaction; nothing if the attempt was over.
    The claim holds only while the run is processing, so a killed run's chains end here. The next row's message
    is sent, or with `keep_next` returned for this worker to run.
    """
    if chain and next_index is None and 0 <= row.next_index < expt.total:
        next_index = row.next_index
    next_attempt = new_id()
    pointers = _record_pointers(expt, row, records) if records else []

    def build(transaction: TransactWrite) -> None:
        for pointer in pointers:
            transaction.save(pointer)
        transaction.update(
            row,
            actions=[
                ExperimentRowItem.state.set(int(state)),
                ExperimentRowItem.inflight_key.remove(),
                ExperimentRowItem.results.set(results),
                ExperimentRowItem.error.set(error),
                ExperimentRowItem.updated_at.set(now_ms()),
            ],
            condition=(ExperimentRowItem.state == ItemRunState.PROCESSING) & (ExperimentRowItem.attempt == attempt),
        )
        counters: list[Action] = [COUNTERS[state].add(1)]
        if next_index is None:
            counters.append(ExperimentItem.processing.add(-1))
        else:
            transaction.update(
                ExperimentRowItem(expt.expt_id, next_index),
                actions=_claim_actions(expt.expt_id, next_attempt),
                condition=_claimable(row.run_id),
            )
            counters.append(ExperimentItem.pending.add(-1))
        condition = ExperimentItem.run_id == row.run_id
        if next_index is not None:
            condition &= ExperimentItem.status == ExptStatus.PROCESSING
        transaction.update(ExperimentItem(expt.expt_id), actions=counters, condition=condition)

    try:
        _transact(build)
    except TransactWriteError as failure:
        if not is_condition_failure(failure):
            raise
        if _cancelled(failure, len(pointers)) or next_index is None:
            return None  # the attempt was over
        finish = functools.partial(
            complete, expt, row, attempt, state, results, error, records=records, keep_next=keep_next
        )
        if _cancelled(failure, len(pointers) + 2):
            return finish(chain=False)  # the run was killed (or replaced): its chains end
        # The next row does not wait any more (a retry left it out, or a kill's sweep got to it): follow the
        # chain past it.
        after = _next_in_chain(expt, start=next_index)
        return finish(chain=False) if after is None else finish(chain=True, next_index=after)
    if next_index is None:
        finish_if_done(expt.expt_id, row.run_id)
        return None
    claimed = ItemMessage(expt.expt_id, row.run_id, next_index, next_attempt)
    if keep_next:
        return claimed
    send_item(claimed.expt_id, claimed.run_id, claimed.item_index, claimed.attempt)
    return None


def finish_if_done(expt_id: int, run_id: int) -> None:
    expt = load(expt_id)
    if expt is None or expt.run_id != run_id:
        return
    if expt.status == ExptStatus.TERMINATED and expt.processing == 0:
        recompute(expt_id)  # the last item running at the kill is done: it counts in the aggregates too
        return
    if expt.status != ExptStatus.PROCESSING:
        return
    if expt.pending or expt.processing:
        return
    status = ExptStatus.SUCCESS if not expt.fail and not expt.terminated else ExptStatus.FAILED
    # Aggregates land with the final status, so nobody sees a finished experiment without them.
    aggregates = compute(expt_id, config_of(expt), ExperimentRowItem.query(expt_id, consistent_read=True))
    try:
        expt.update(
            actions=[
                ExperimentItem.status.set(int(status)),
                ExperimentItem.end_time.set(now_ms()),
                ExperimentItem.aggregates.set(aggregates.model_dump_json()),
            ],
            condition=(ExperimentItem.status == ExptStatus.PROCESSING)
            & (ExperimentItem.run_id == run_id)
            & (ExperimentItem.pending == 0)
            & (ExperimentItem.processing == 0),
        )
    except UpdateError as error:
        if not is_condition_failure(error):
            raise


# --- item runs -----------------------------------------------------------------------------------------


def _take_lease(message: ItemMessage) -> ExperimentRowItem | None:
    """The row, leased to this worker, if the message's attempt still owns it (one conditional write, whose
    answer carries the row); None for a duplicate, a late message, or an attempt another worker runs."""
    now = now_ms()
    row = ExperimentRowItem(message.expt_id, message.item_index)
    try:
        row.update(
            actions=[ExperimentRowItem.lease_until.set(now + LEASE_MS)],
            condition=(ExperimentRowItem.state == ItemRunState.PROCESSING)
            & (ExperimentRowItem.run_id == message.run_id)
            & (ExperimentRowItem.attempt == message.attempt)
            & (ExperimentRowItem.lease_until < now),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return row


def _save_partial(row: ExperimentRowItem, attempt: int) -> Callable[[ItemResults], None]:
    def save(results: ItemResults) -> None:
        row.update(
            actions=[ExperimentRowItem.results.set(results.model_dump_json(exclude_none=True))],
            condition=(ExperimentRowItem.state == ItemRunState.PROCESSING) & (ExperimentRowItem.attempt == attempt),
        )

    return save


def _record_pointers(expt: ExperimentItem, row: ExperimentRowItem, results: ItemResults) -> list[EvaluatorRecordItem]:
    """Let an evaluator record be found by its id (to read or correct it) though it lives on the row."""
    return [
        EvaluatorRecordItem(
            record.id,
            workspace_id=expt.workspace_id,
            evaluator_version_id=record.evaluator_version_id,
            experiment_id=expt.expt_id,
            item_index=row.item_index,
            created_at=now_ms(),
        )
        for turn in results.turns
        for record in turn.evaluator_records.values()
        if record.id is not None and record.evaluator_version_id is not None
    ]


def _reschedule(
    row: ExperimentRowItem,
    attempt: int,
    later: RetryLater,
    config: ExperimentConfig,
    *,
    counts: bool = True,
    seen_lease: int | None = None,
) -> bool:
    """Sends the row again after a pause under a new attempt; False when its retries (or, for quota waits,
    MAX_QUOTA_WAITS minutes) are used up, and the row must fail. `counts=False` for a dispatch that was lost
    before it ran; `seen_lease` makes the write lose to a worker that leased the row since it was read."""
    if later.quota and row.quota_waits >= MAX_QUOTA_WAITS:
        return False
    if not later.quota and counts and row.retries >= config.item_retry_num:
        return False
    if later.quota:
        delay_s = 60 - (now_ms() // 1000) % 60 + 1
    else:
        delay_s = min(MAX_RETRY_DELAY_S, 2 ** (row.retries + 1)) if counts else 0
    next_attempt = new_id()
    condition = (ExperimentRowItem.state == ItemRunState.PROCESSING) & (ExperimentRowItem.attempt == attempt)
    if seen_lease is not None:
        condition &= ExperimentRowItem.lease_until == seen_lease
    try:
        row.update(
            actions=[
                ExperimentRowItem.attempt.set(next_attempt),
                ExperimentRowItem.retries.add(1 if counts and not later.quota else 0),
                ExperimentRowItem.quota_waits.add(1 if later.quota else 0),
                ExperimentRowItem.lease_until.set(0),
                ExperimentRowItem.dispatched_at.set(now_ms() + delay_s * 1000),
            ],
            condition=condition,
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return True  # someone else moved it; nothing to do
        raise
    send_item(row.expt_id, row.run_id, row.item_index, next_attempt, delay_s)
    return True


def run_item_message(message: ItemMessage, time_left_ms: Callable[[], int]) -> None:
    """Runs the message's row, then the rows its chain claims next, here rather than by a message each, for up
    to experiment_chain_seconds; then the next row goes back to the queue, so other experiments get their turn."""
    hand_over_at = time.monotonic() + get_settings(EngineSettings).experiment_chain_seconds
    expt, claimed = _run_row(message, None)
    while claimed is not None:
        if time.monotonic() > hand_over_at or time_left_ms() < CONTINUE_MIN_TIME_LEFT_MS:
            send_item(claimed.expt_id, claimed.run_id, claimed.item_index, claimed.attempt)
            return
        expt, claimed = _run_row(claimed, expt)


def _run_row(message: ItemMessage, expt: ExperimentItem | None) -> tuple[ExperimentItem | None, ItemMessage | None]:
    """Runs one row; `expt` is given when this worker's chain claimed the row, which the claim allows only
    while the run is processing. Returns the experiment and the chain's next row, claimed for this worker."""
    row = _take_lease(message)
    if row is None:
        return expt, None  # a duplicate, a message for an attempt that is over, or one another worker runs
    if expt is None:
        expt = load(message.expt_id)
        if expt is None:
            return None, None
        if expt.status != ExptStatus.PROCESSING or expt.run_id != message.run_id:
            stopped = "the experiment was stopped"
            complete(expt, row, message.attempt, ItemRunState.TERMINAL, row.results, stopped, chain=False)
            return expt, None
    config = config_of(expt)
    item = EvalSetItem.model_validate_json(row.item)
    results = ItemResults.model_validate_json(row.results) if row.results else ItemResults()
    context = ItemContext(expt.workspace_id, expt.created_by, expt.expt_id, expt.run_id, config)
    try:
        with buffered_spans():  # one trace message for the item's target, model and evaluator spans
            outcome = run_item(context, item, results, _save_partial(row, message.attempt))
    except RetryLater as later:
        if _reschedule(row, message.attempt, later, config):
            return expt, None
        given_up = f"{row.quota_waits} minutes of waiting" if later.quota else f"{row.retries} retries"
        outcome = ItemOutcome(results=results, failed=True, error=f"gave up after {given_up}: {later.message}")
    state = ItemRunState.FAIL if outcome.failed else ItemRunState.SUCCESS
    error = json.dumps({"code": 600500002, "message": outcome.error}) if outcome.failed else ""
    results_json = outcome.results.model_dump_json(exclude_none=True)
    claimed = complete(
        expt, row, message.attempt, state, results_json, error, chain=True, records=outcome.results, keep_next=True
    )
    return expt, claimed


# --- ticks: stalled rows, the end ----------------------------------------------------------------------


def sweep(expt: ExperimentItem) -> None:
    """Rows whose worker died (lease expired) or whose message was lost are sent again or failed."""
    config = config_of(expt)
    now = now_ms()
    for key in ExperimentRowItem.inflight.query(str(expt.expt_id)):
        row = load_row(expt.expt_id, key.item_index)
        if row is None or row.state != ItemRunState.PROCESSING:
            continue
        lost = row.lease_until == 0 and row.dispatched_at + DISPATCH_GRACE_MS < now
        died = 0 < row.lease_until < now
        if not (lost or died):
            continue
        logger.warning("experiment item stalled", extra={"expt_id": expt.expt_id, "item_index": row.item_index})
        # A lost message is sent again without using a retry (it never ran); a dead worker uses one.
        later = RetryLater("the item's run was lost; running it again", quota=False)
        if _reschedule(row, row.attempt, later, config, counts=died, seen_lease=row.lease_until):
            continue
        error = json.dumps({"code": 600500003, "message": "the item's run did not finish in time (worker lost)"})
        complete(expt, row, row.attempt, ItemRunState.FAIL, row.results, error, chain=True)


def tick(expt_id: int, run_id: int, seq: int) -> None:
    expt = load(expt_id)
    if expt is None or expt.run_id != run_id or expt.tick != seq:
        return  # a stale chain
    draining = expt.status == ExptStatus.TERMINATED and bool(expt.pending or expt.processing)
    if draining:
        terminate_queued(expt_id, run_id)  # finishes a kill whose request stopped halfway
    if expt.status == ExptStatus.PROCESSING and expt.pending and not expt.processing:
        restart_chains(expt)  # rows wait and nothing runs: a retry or a start stopped halfway
    if expt.status == ExptStatus.PROCESSING or draining:
        if seq % SWEEP_EVERY_TICKS == 0:
            sweep(expt)
        finish_if_done(expt_id, run_id)
        expt.refresh(consistent_read=True)
    if expt.status == ExptStatus.PROCESSING or (
        expt.status == ExptStatus.TERMINATED and (expt.pending or expt.processing)
    ):
        # The next tick is sent before the sequence moves: a crash in between leaves a redelivered tick to
        # try again, rather than no tick at all.
        send_tick(expt_id, run_id, seq + 1)
        try:
            expt.update(actions=[ExperimentItem.tick.set(seq + 1)], condition=ExperimentItem.tick == seq)
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
    elif ExptStatus(expt.status) in FINISHED and not expt.aggregates:
        recompute(expt_id)


def restart_chains(expt: ExperimentItem) -> None:
    """Starts chains again from the first item_concur_num waiting rows; their next pointers lead on."""
    waiting = (
        row.item_index
        for row in ExperimentRowItem.query(expt.expt_id, consistent_read=True)
        if row.state == ItemRunState.QUEUEING and row.run_id == expt.run_id
    )
    for index in list(islice(waiting, concurrency_of(expt))):
        attempt = new_id()
        if _claim_head(expt, index, attempt):
            send_item(expt.expt_id, expt.run_id, index, attempt)


# --- kill and retry --------------------------------------------------------------------------------------


def terminate_queued(expt_id: int, run_id: int) -> None:
    """After a kill, every row still waiting becomes Terminal (counted), so the counters add up."""
    expt = load(expt_id)
    if expt is None or expt.total == 0:
        return  # killed before its rows were counted: a retry starts it from scratch
    for row in ExperimentRowItem.query(expt_id, consistent_read=True):
        if row.state != ItemRunState.QUEUEING or row.run_id != run_id:
            continue

        def build(transaction: TransactWrite, row: ExperimentRowItem = row) -> None:
            transaction.update(
                row,
                actions=[
                    ExperimentRowItem.state.set(int(ItemRunState.TERMINAL)),
                    ExperimentRowItem.error.set(json.dumps({"code": 600500004, "message": "killed before it ran"})),
                ],
                condition=_claimable(run_id),
            )
            transaction.update(
                ExperimentItem(expt_id),
                actions=[ExperimentItem.pending.add(-1), ExperimentItem.terminated.add(1)],
                condition=ExperimentItem.run_id == run_id,
            )

        try:
            _transact(build)
        except TransactWriteError as error:
            if not is_condition_failure(error):
                raise


def chains(indexes: list[int], count: int) -> tuple[list[int], dict[int, int]]:
    """Heads and next pointers of `count` chains over the sorted rows: row k is followed by row k + count."""
    heads = indexes[:count]
    following = {index: indexes[k + count] if k + count < len(indexes) else -1 for k, index in enumerate(indexes)}
    return heads, following


def requeue(expt_id: int, run_id: int, rows: list[ExperimentRowItem], following: dict[int, int]) -> None:
    """Moves finished rows back to Queueing under the new run, chained, with the counters."""
    for row in rows:
        state = ItemRunState(row.state)
        if state not in COUNTERS:
            continue

        def build(transaction: TransactWrite, row: ExperimentRowItem = row, state: ItemRunState = state) -> None:
            transaction.update(
                row,
                actions=[
                    ExperimentRowItem.state.set(int(ItemRunState.QUEUEING)),
                    ExperimentRowItem.run_id.set(run_id),
                    ExperimentRowItem.next_index.set(following[row.item_index]),
                    ExperimentRowItem.retries.set(0),
                    ExperimentRowItem.lease_until.set(0),
                    ExperimentRowItem.results.set(""),
                    ExperimentRowItem.error.set(""),
                ],
                condition=(ExperimentRowItem.state == state) & (ExperimentRowItem.attempt == row.attempt),
            )
            transaction.update(
                ExperimentItem(expt_id),
                actions=[COUNTERS[state].add(-1), ExperimentItem.pending.add(1)],
                condition=ExperimentItem.run_id == run_id,
            )

        try:
            _transact(build)
        except TransactWriteError as error:
            if not is_condition_failure(error):
                raise
