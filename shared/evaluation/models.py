"""DynamoDB items of the evaluation module. Times are epoch milliseconds; JSON columns hold pydantic dumps."""

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from shared.dynamo import IntegerAttribute, table_meta

# --- evaluators -----------------------------------------------------------------------------------------


class EvaluatorsByWorkspace(GlobalSecondaryIndex["EvaluatorItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-workspace"
        projection = AllProjection()

    workspace_id = IntegerAttribute(hash_key=True)
    created_at = IntegerAttribute(range_key=True)


class EvaluatorItem(Model):
    """An evaluator and its draft (one draft per evaluator, as upstream)."""

    Meta = table_meta("evaluators")

    evaluator_id = IntegerAttribute(hash_key=True)
    workspace_id = IntegerAttribute()
    evaluator_type = IntegerAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    draft = UnicodeAttribute()  # EvaluatorContent JSON
    draft_submitted = BooleanAttribute(default=False)
    latest_version = UnicodeAttribute(default="")
    created_by = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()
    deleted_at = IntegerAttribute(default=0)

    by_workspace = EvaluatorsByWorkspace()


class EvaluatorNameItem(Model):
    """Claims an evaluator name in a workspace, so names stay unique (upstream's check_name)."""

    Meta = table_meta("evaluator-names")

    name_claim = UnicodeAttribute(hash_key=True)  # "<workspace_id>#<name>"
    evaluator_id = IntegerAttribute()


class VersionsByEvaluator(GlobalSecondaryIndex["EvaluatorVersionItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-evaluator"
        projection = AllProjection()

    evaluator_id = IntegerAttribute(hash_key=True)
    version_order = UnicodeAttribute(range_key=True)


class EvaluatorVersionItem(Model):
    """An immutable evaluator version; experiments pin these by id."""

    Meta = table_meta("evaluator-versions")

    version_id = IntegerAttribute(hash_key=True)
    evaluator_id = IntegerAttribute()
    workspace_id = IntegerAttribute()
    version = UnicodeAttribute()
    version_order = UnicodeAttribute()  # semver sort key
    description = UnicodeAttribute(default="")
    content = UnicodeAttribute()  # EvaluatorContent JSON
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()

    by_evaluator = VersionsByEvaluator()


class EvaluatorVersionKeyItem(Model):
    """Claims `<evaluator_id>#<version>` so two submits of one version cannot both win."""

    Meta = table_meta("evaluator-version-keys")

    version_claim = UnicodeAttribute(hash_key=True)
    version_id = IntegerAttribute()


class EvaluatorRecordItem(Model):
    """A run of an evaluator version outside an experiment, or a pointer to one inside an experiment's item."""

    Meta = table_meta("evaluator-records")

    record_id = IntegerAttribute(hash_key=True)
    workspace_id = IntegerAttribute()
    evaluator_version_id = IntegerAttribute()
    record = UnicodeAttribute(default="")  # EvaluatorRecord JSON when standalone
    experiment_id = IntegerAttribute(default=0)  # set when the record lives in an experiment's item row
    item_index = IntegerAttribute(default=0)
    created_at = IntegerAttribute()


# --- experiments ----------------------------------------------------------------------------------------


class ExperimentsByWorkspace(GlobalSecondaryIndex["ExperimentItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-workspace"
        projection = AllProjection()

    workspace_id = IntegerAttribute(hash_key=True)
    created_at = IntegerAttribute(range_key=True)


class ExperimentItem(Model):
    """An experiment, its configuration, its current run and its counters.

    The counters change only in the same transaction as the item row whose state moves, so
    pending + processing + success + fail + terminated always equals the item count.
    """

    Meta = table_meta("experiments")

    expt_id = IntegerAttribute(hash_key=True)
    workspace_id = IntegerAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    status = IntegerAttribute()
    status_message = UnicodeAttribute(default="")
    config = UnicodeAttribute()  # ExperimentConfig JSON (what runs, mappings, concurrency)
    run_id = IntegerAttribute()
    items_created = IntegerAttribute(default=0)  # how many item rows the start step has written
    total = IntegerAttribute(default=0)
    pending = IntegerAttribute(default=0)
    processing = IntegerAttribute(default=0)
    success = IntegerAttribute(default=0)
    fail = IntegerAttribute(default=0)
    terminated = IntegerAttribute(default=0)
    tick = IntegerAttribute(default=0)  # the sequence of the one live scheduler tick chain
    heads = UnicodeAttribute(default="")  # JSON list: the first row of each chain of this run
    aggregates = UnicodeAttribute(default="")  # ExptAggregateResult JSON, once computed
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()
    start_time = IntegerAttribute(default=0)
    end_time = IntegerAttribute(default=0)

    by_workspace = ExperimentsByWorkspace()


class ExperimentNameItem(Model):
    Meta = table_meta("experiment-names")

    name_claim = UnicodeAttribute(hash_key=True)  # "<workspace_id>#<name>"
    expt_id = IntegerAttribute()


class InflightItems(GlobalSecondaryIndex["ExperimentRowItem"]):  # type: ignore[no-untyped-call]
    """Sparse: only rows being run carry `inflight_key`; the zombie sweep reads these."""

    class Meta:
        index_name = "inflight"
        projection = KeysOnlyProjection()

    inflight_key = UnicodeAttribute(hash_key=True)  # "<expt_id>"
    item_index = IntegerAttribute(range_key=True)


class ExperimentRowItem(Model):
    """One evaluation-set item in an experiment: its data, its run state and its results."""

    Meta = table_meta("experiment-items")

    expt_id = IntegerAttribute(hash_key=True)
    item_index = IntegerAttribute(range_key=True)
    item_id = IntegerAttribute()
    item = UnicodeAttribute()  # EvalSetItem JSON, copied at start so runs do not read the snapshot again
    state = IntegerAttribute()  # ItemRunState
    run_id = IntegerAttribute()
    attempt = IntegerAttribute(default=0)  # a fresh token at each dispatch; a message for another is stale
    retries = IntegerAttribute(default=0)
    quota_waits = IntegerAttribute(default=0)  # minutes waited for a model's quota (not retries)
    next_index = IntegerAttribute(default=-1)  # the row its chain runs after this one (-1: none)
    dispatched_at = IntegerAttribute(default=0)
    lease_until = IntegerAttribute(default=0)
    inflight_key = UnicodeAttribute(null=True)
    results = UnicodeAttribute(default="")  # ItemResults JSON (per turn: target record, evaluator records)
    error = UnicodeAttribute(default="")  # RunError JSON when the item failed
    updated_at = IntegerAttribute(default=0)

    inflight = InflightItems()


class ExportRecordItem(Model):
    """A CSV export of an experiment's results."""

    Meta = table_meta("experiment-exports")

    export_id = IntegerAttribute(hash_key=True)
    expt_id = IntegerAttribute()
    workspace_id = IntegerAttribute()
    status = IntegerAttribute()
    object_key = UnicodeAttribute(default="")
    error = UnicodeAttribute(default="")
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()


EVALUATION_TABLES: tuple[type[Model], ...] = (
    EvaluatorItem,
    EvaluatorNameItem,
    EvaluatorVersionItem,
    EvaluatorVersionKeyItem,
    EvaluatorRecordItem,
    ExperimentItem,
    ExperimentNameItem,
    ExperimentRowItem,
    ExportRecordItem,
)
