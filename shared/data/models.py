"""DynamoDB items of the data module. Times are epoch milliseconds; JSON attributes hold pydantic dumps.

- `DatasetMetaItem`: a dataset or evaluation set, its live schema and the counters of its draft.
- `DatasetRowItem`: one item of the draft, keyed by `<generation>#<item_id>` so clearing a dataset is one
  counter bump (older generations are invisible and purged by the worker).
- `DatasetRowKeyItem`: claims an item_key within a generation, so creating with a key is idempotent.
- `DatasetVersionItem` + `DatasetVersionIdItem`: immutable versions (their items are snapshots on S3).
- `DatasetClaimItem`: keeps names (per category) and dataset_keys unique in a workspace.
- `DatasetIOJobItem`: import and export jobs with their progress and checkpoint.
"""

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared.dynamo import IntegerAttribute, table_meta


class DatasetsByWorkspace(GlobalSecondaryIndex["DatasetMetaItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-workspace"
        projection = AllProjection()

    workspace_id = IntegerAttribute(hash_key=True)
    created_at = IntegerAttribute(range_key=True)


class DatasetMetaItem(Model):
    Meta = table_meta("datasets")

    dataset_id = IntegerAttribute(hash_key=True)
    workspace_id = IntegerAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    category = IntegerAttribute()
    biz_category = UnicodeAttribute(default="")
    status = IntegerAttribute()
    security_level = IntegerAttribute(default=3)
    visibility = IntegerAttribute(default=2)
    spec = UnicodeAttribute()  # DatasetSpec JSON
    features = UnicodeAttribute()  # DatasetFeatures JSON
    fields = UnicodeAttribute()  # list[FieldSchema] JSON
    schema_version = IntegerAttribute(default=0)
    latest_version = UnicodeAttribute(default="")
    next_version_num = IntegerAttribute(default=1)
    item_count = IntegerAttribute(default=0)
    change_uncommitted = BooleanAttribute(default=False)
    dataset_key = UnicodeAttribute(null=True)
    eval_set_type = UnicodeAttribute(null=True)
    tags = UnicodeAttribute(default="[]")
    template_dataset_id = IntegerAttribute(null=True)
    generation = IntegerAttribute(default=1)
    draft_rev = IntegerAttribute(default=0)
    snapshot_lock = IntegerAttribute(default=0)
    snapshot_lock_until = IntegerAttribute(default=0)
    # Writers of rows claim this lease (ms) before writing; a snapshot waits for it to pass before reading.
    write_lease_until = IntegerAttribute(default=0)
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()
    updated_by = UnicodeAttribute()
    updated_at = IntegerAttribute()
    deleted_at = IntegerAttribute(default=0)

    by_workspace = DatasetsByWorkspace()


class DatasetRowItem(Model):
    Meta = table_meta("dataset-rows")

    dataset_id = IntegerAttribute(hash_key=True)
    row_key = UnicodeAttribute(range_key=True)  # "<generation:06d>#<item_id:019d>": creation order per generation
    item_id = IntegerAttribute()
    item_key = UnicodeAttribute(null=True)
    workspace_id = IntegerAttribute()
    # list[Turn] JSON; when the payload is on S3 (`payload_key`), texts here are clipped previews.
    turns = UnicodeAttribute()
    payload_key = UnicodeAttribute(null=True)
    payload_bytes = IntegerAttribute(default=0)
    created_by = UnicodeAttribute(default="")
    created_at = IntegerAttribute()
    updated_by = UnicodeAttribute(default="")
    updated_at = IntegerAttribute()


class DatasetRowKeyItem(Model):
    Meta = table_meta("dataset-row-keys")

    dataset_id = IntegerAttribute(hash_key=True)
    claim = UnicodeAttribute(range_key=True)  # "<generation:06d>#<item_key>"
    item_id = IntegerAttribute()


class DatasetVersionItem(Model):
    Meta = table_meta("dataset-versions")

    dataset_id = IntegerAttribute(hash_key=True)
    version_num = IntegerAttribute(range_key=True)
    version_id = IntegerAttribute()
    workspace_id = IntegerAttribute()
    version = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    item_count = IntegerAttribute(default=0)
    fields = UnicodeAttribute()  # the schema when the version was made
    snapshot_status = IntegerAttribute()
    snapshot_error = UnicodeAttribute(default="")
    manifest_key = UnicodeAttribute(default="")
    # The snapshot's resume point: chunks written so far (JSON list) and the last row copied.
    chunks = UnicodeAttribute(default="[]")
    cursor = UnicodeAttribute(default="")
    draft_rev = IntegerAttribute(default=0)  # the draft revision the snapshot copies
    generation = IntegerAttribute(default=1)
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()


class DatasetVersionIdItem(Model):
    """Finds a version by its id alone (GET /dataset_versions/:version_id), consistently."""

    Meta = table_meta("dataset-version-ids")

    version_id = IntegerAttribute(hash_key=True)
    dataset_id = IntegerAttribute()
    version_num = IntegerAttribute()
    workspace_id = IntegerAttribute()


class DatasetClaimItem(Model):
    Meta = table_meta("dataset-claims")

    claim = UnicodeAttribute(hash_key=True)  # "<workspace>#name#<category>#<name>" or "<workspace>#key#<dataset_key>"
    dataset_id = IntegerAttribute()


class JobsByDataset(GlobalSecondaryIndex["DatasetIOJobItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-dataset"
        projection = AllProjection()

    dataset_id = IntegerAttribute(hash_key=True)
    created_at = IntegerAttribute(range_key=True)


class DatasetIOJobItem(Model):
    Meta = table_meta("dataset-io-jobs")

    job_id = IntegerAttribute(hash_key=True)
    workspace_id = IntegerAttribute()
    dataset_id = IntegerAttribute()
    job_type = IntegerAttribute()
    source = UnicodeAttribute(default="{}")
    target = UnicodeAttribute(default="{}")
    field_mappings = UnicodeAttribute(default="[]")
    option = UnicodeAttribute(default="{}")
    status = IntegerAttribute()
    total = IntegerAttribute(default=0)
    processed = IntegerAttribute(default=0)
    added = IntegerAttribute(default=0)
    errors = UnicodeAttribute(default="[]")
    checkpoint = UnicodeAttribute(default="{}")
    step = IntegerAttribute(default=0)  # bumped by every checkpoint, so two workers cannot both advance one job
    failures = IntegerAttribute(default=0)
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()
    started_at = IntegerAttribute(default=0)
    ended_at = IntegerAttribute(default=0)

    by_dataset = JobsByDataset()


DATA_TABLES: tuple[type[Model], ...] = (
    DatasetMetaItem,
    DatasetRowItem,
    DatasetRowKeyItem,
    DatasetVersionItem,
    DatasetVersionIdItem,
    DatasetClaimItem,
    DatasetIOJobItem,
)
