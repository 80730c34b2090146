"""Persistence of datasets, their name claims, versions and IO jobs. Nothing above touches PynamoDB directly.

Every read takes the caller's workspace: another workspace's dataset is the same 404 as a missing one.
"""

import json
from collections.abc import Iterator

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shared.data.entities import (
    Dataset,
    DatasetFeatures,
    DatasetSpec,
    DatasetStatus,
    DatasetVersion,
    FieldMapping,
    FieldSchema,
    IOJob,
    IOJobProgress,
    ItemErrorGroup,
    SnapshotStatus,
)
from shared.data.models import (
    DatasetClaimItem,
    DatasetIOJobItem,
    DatasetMetaItem,
    DatasetVersionIdItem,
    DatasetVersionItem,
)
from shared.dynamo import connection, is_condition_failure
from shared.errors import Conflict, NotFound


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _fields_json(fields: list[FieldSchema]) -> str:
    return _dumps([field.model_dump(mode="json", exclude_none=True) for field in fields])


def _fields(text: str) -> list[FieldSchema]:
    return [FieldSchema.model_validate(field) for field in json.loads(text)]


def name_claim(workspace_id: int, category: int, name: str) -> str:
    return f"{workspace_id}#name#{category}#{name}"


def key_claim(workspace_id: int, dataset_key: str) -> str:
    return f"{workspace_id}#key#{dataset_key}"


def not_found(dataset_id: int, kind: str = "dataset") -> NotFound:
    return NotFound(f"{kind} {dataset_id} not found in this workspace")


def lock_is_free(now: int) -> Condition:
    """No snapshot holds the draft, or the one that did stopped renewing its lock (its worker died)."""
    free: Condition = (DatasetMetaItem.snapshot_lock == 0) | (DatasetMetaItem.snapshot_lock_until < now)
    return free


def available() -> Condition:
    return DatasetMetaItem.status == int(DatasetStatus.AVAILABLE)


# --- datasets ---------------------------------------------------------------------------------------------


def to_dataset(item: DatasetMetaItem) -> Dataset:
    return Dataset(
        dataset_id=item.dataset_id,
        workspace_id=item.workspace_id,
        name=item.name,
        description=item.description,
        category=item.category,
        biz_category=item.biz_category,
        status=item.status,
        security_level=item.security_level,
        visibility=item.visibility,
        spec=DatasetSpec.model_validate_json(item.spec),
        features=DatasetFeatures.model_validate_json(item.features),
        fields=_fields(item.fields),
        schema_version=item.schema_version,
        latest_version=item.latest_version,
        next_version_num=item.next_version_num,
        item_count=item.item_count,
        change_uncommitted=item.change_uncommitted,
        dataset_key=item.dataset_key,
        eval_set_type=item.eval_set_type,
        tags=json.loads(item.tags),
        template_dataset_id=item.template_dataset_id,
        generation=item.generation,
        draft_rev=item.draft_rev,
        snapshot_lock=item.snapshot_lock,
        snapshot_lock_until=item.snapshot_lock_until,
        write_lease_until=item.write_lease_until,
        created_by=item.created_by,
        created_at=item.created_at,
        updated_by=item.updated_by,
        updated_at=item.updated_at,
        deleted_at=item.deleted_at,
    )


def _to_item(dataset: Dataset) -> DatasetMetaItem:
    return DatasetMetaItem(
        dataset.dataset_id,
        workspace_id=dataset.workspace_id,
        name=dataset.name,
        description=dataset.description,
        category=int(dataset.category),
        biz_category=dataset.biz_category,
        status=int(dataset.status),
        security_level=dataset.security_level,
        visibility=dataset.visibility,
        spec=dataset.spec.model_dump_json(exclude_none=True),
        features=dataset.features.model_dump_json(by_alias=True),
        fields=_fields_json(dataset.fields),
        schema_version=dataset.schema_version,
        latest_version=dataset.latest_version,
        next_version_num=dataset.next_version_num,
        item_count=dataset.item_count,
        change_uncommitted=dataset.change_uncommitted,
        dataset_key=dataset.dataset_key,
        eval_set_type=dataset.eval_set_type,
        tags=_dumps(dataset.tags),
        template_dataset_id=dataset.template_dataset_id,
        generation=dataset.generation,
        draft_rev=dataset.draft_rev,
        created_by=dataset.created_by,
        created_at=dataset.created_at,
        updated_by=dataset.updated_by,
        updated_at=dataset.updated_at,
    )


class DatasetRepository:
    def create(self, dataset: Dataset) -> None:
        """Claims the name (per category) and the dataset_key and writes the dataset, all or nothing."""
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(
                    DatasetClaimItem(
                        name_claim(dataset.workspace_id, dataset.category, dataset.name), dataset_id=dataset.dataset_id
                    ),
                    condition=DatasetClaimItem.claim.does_not_exist(),
                )
                if dataset.dataset_key:
                    transaction.save(
                        DatasetClaimItem(
                            key_claim(dataset.workspace_id, dataset.dataset_key), dataset_id=dataset.dataset_id
                        ),
                        condition=DatasetClaimItem.claim.does_not_exist(),
                    )
                transaction.save(_to_item(dataset), condition=DatasetMetaItem.dataset_id.does_not_exist())
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise self._claim_conflict(dataset) from error
            raise

    def _claim_conflict(self, dataset: Dataset) -> Conflict:
        kind = "an evaluation set" if dataset.is_eval_set else "a dataset"
        if dataset.dataset_key and self._claimed(key_claim(dataset.workspace_id, dataset.dataset_key)):
            return Conflict(
                f"dataset_key: {kind} with the key {dataset.dataset_key!r} already exists in this workspace"
            )
        return Conflict(f"name: {kind} named {dataset.name!r} already exists in this workspace; choose another name")

    @staticmethod
    def _claimed(claim: str) -> bool:
        try:
            DatasetClaimItem.get(claim)
            return True
        except DoesNotExist:
            return False

    def find(self, dataset_id: int) -> Dataset | None:
        try:
            return to_dataset(DatasetMetaItem.get(dataset_id, consistent_read=True))
        except DoesNotExist:
            return None

    def get(self, workspace_id: int, dataset_id: int, *, with_deleted: bool = False, kind: str = "dataset") -> Dataset:
        dataset = self.find(dataset_id)
        if dataset is None or dataset.workspace_id != workspace_id or (dataset.deleted and not with_deleted):
            raise not_found(dataset_id, kind)
        return dataset

    def batch_get(self, workspace_id: int, dataset_ids: list[int], *, with_deleted: bool = False) -> list[Dataset]:
        found = {
            item.dataset_id: to_dataset(item) for item in DatasetMetaItem.batch_get(list(dict.fromkeys(dataset_ids)))
        }
        return [
            found[dataset_id]
            for dataset_id in dict.fromkeys(dataset_ids)
            if dataset_id in found
            and found[dataset_id].workspace_id == workspace_id
            and (with_deleted or not found[dataset_id].deleted)
        ]

    def list_in_workspace(self, workspace_id: int) -> list[Dataset]:
        """Every live dataset of the workspace, newest first."""
        return [
            to_dataset(item)
            for item in DatasetMetaItem.by_workspace.query(workspace_id, scan_index_forward=False)
            if item.status != DatasetStatus.DELETED
        ]

    def update_basics(self, dataset: Dataset, previous_name: str) -> None:
        """Writes name, description and tags; a new name swaps the claim in the same transaction."""
        actions: list[Action] = [
            DatasetMetaItem.name.set(dataset.name),
            DatasetMetaItem.description.set(dataset.description),
            DatasetMetaItem.tags.set(_dumps(dataset.tags)),
            DatasetMetaItem.updated_by.set(dataset.updated_by),
            DatasetMetaItem.updated_at.set(dataset.updated_at),
        ]
        try:
            with TransactWrite(connection=connection()) as transaction:
                if dataset.name != previous_name:
                    transaction.delete(
                        DatasetClaimItem(name_claim(dataset.workspace_id, dataset.category, previous_name)),
                        condition=DatasetClaimItem.dataset_id == dataset.dataset_id,
                    )
                    transaction.save(
                        DatasetClaimItem(
                            name_claim(dataset.workspace_id, dataset.category, dataset.name),
                            dataset_id=dataset.dataset_id,
                        ),
                        condition=DatasetClaimItem.claim.does_not_exist(),
                    )
                transaction.update(DatasetMetaItem(dataset.dataset_id), actions=actions, condition=available())
        except TransactWriteError as error:
            if is_condition_failure(error):
                if self.find(dataset.dataset_id) is None:
                    raise not_found(dataset.dataset_id) from error
                raise self._claim_conflict(dataset) from error
            raise

    def update_schema(self, dataset: Dataset, fields: list[FieldSchema], *, require_empty: bool, now: int) -> None:
        """Replaces the schema if nobody changed it since `dataset` was read (and, for an incompatible change,
        only while the dataset has no items)."""
        condition = available() & (DatasetMetaItem.schema_version == dataset.schema_version)
        if require_empty:
            condition &= DatasetMetaItem.item_count == 0
        try:
            DatasetMetaItem(dataset.dataset_id).update(
                actions=[
                    DatasetMetaItem.fields.set(_fields_json(fields)),
                    DatasetMetaItem.schema_version.add(1),
                    DatasetMetaItem.change_uncommitted.set(True),
                    DatasetMetaItem.updated_by.set(dataset.updated_by),
                    DatasetMetaItem.updated_at.set(now),
                ],
                condition=condition,
            )
        except UpdateError as error:
            if not is_condition_failure(error):
                raise
            current = self.find(dataset.dataset_id)
            if current is None or current.deleted:
                raise not_found(dataset.dataset_id) from error
            if require_empty and current.item_count > 0:
                raise Conflict(
                    "fields: this change makes existing values invalid (another content type or JSON type), which is "
                    f"only allowed on an empty dataset; it holds {current.item_count} items. Add a new field instead"
                ) from error
            raise Conflict(
                "the schema was changed by someone else meanwhile; reload it and apply your change again"
            ) from error

    def mark_deleted(self, dataset: Dataset, now: int, user: str) -> None:
        """Soft delete (versions stay readable with with_deleted); the name and dataset_key become free."""
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.update(
                    DatasetMetaItem(dataset.dataset_id),
                    actions=[
                        DatasetMetaItem.status.set(int(DatasetStatus.DELETED)),
                        DatasetMetaItem.deleted_at.set(now),
                        DatasetMetaItem.updated_by.set(user),
                        DatasetMetaItem.updated_at.set(now),
                        DatasetMetaItem.item_count.set(0),
                        DatasetMetaItem.generation.add(1),
                    ],
                    condition=available(),
                )
                transaction.delete(
                    DatasetClaimItem(name_claim(dataset.workspace_id, dataset.category, dataset.name)),
                    condition=DatasetClaimItem.dataset_id == dataset.dataset_id,
                )
                if dataset.dataset_key:
                    transaction.delete(
                        DatasetClaimItem(key_claim(dataset.workspace_id, dataset.dataset_key)),
                        condition=DatasetClaimItem.dataset_id == dataset.dataset_id,
                    )
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise not_found(dataset.dataset_id) from error
            raise

    # --- versions ------------------------------------------------------------------------------------------

    def create_version(self, dataset: Dataset, version: DatasetVersion, *, lock_until: int, now: int) -> None:
        """Writes the version, advances the dataset's latest version and takes the draft's write lock.

        Conditional on the latest version being the one the caller saw and on no other snapshot running, so two
        versions cannot be made at once; the lock makes item writes wait until the snapshot is taken.
        """
        item = DatasetVersionItem(
            version.dataset_id,
            version.version_num,
            version_id=version.version_id,
            workspace_id=version.workspace_id,
            version=version.version,
            description=version.description,
            item_count=dataset.item_count,
            fields=_fields_json(version.fields),
            snapshot_status=int(SnapshotStatus.IN_PROGRESS),
            draft_rev=dataset.draft_rev,
            generation=dataset.generation,
            created_by=version.created_by,
            created_at=version.created_at,
        )
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.update(
                    DatasetMetaItem(dataset.dataset_id),
                    actions=[
                        DatasetMetaItem.latest_version.set(version.version),
                        DatasetMetaItem.next_version_num.set(version.version_num + 1),
                        DatasetMetaItem.change_uncommitted.set(False),
                        DatasetMetaItem.snapshot_lock.set(version.version_id),
                        DatasetMetaItem.snapshot_lock_until.set(lock_until),
                    ],
                    condition=available()
                    & (DatasetMetaItem.latest_version == dataset.latest_version)
                    & (DatasetMetaItem.draft_rev == dataset.draft_rev)
                    & lock_is_free(now),
                )
                transaction.save(item, condition=DatasetVersionItem.version_num.does_not_exist())
                transaction.save(
                    DatasetVersionIdItem(
                        version.version_id,
                        dataset_id=version.dataset_id,
                        version_num=version.version_num,
                        workspace_id=version.workspace_id,
                    ),
                    condition=DatasetVersionIdItem.version_id.does_not_exist(),
                )
        except TransactWriteError as error:
            if is_condition_failure(error):
                current = self.find(dataset.dataset_id)
                if current is None or current.deleted:
                    raise not_found(dataset.dataset_id) from error
                if current.snapshot_lock and current.snapshot_lock_until >= now:
                    raise Conflict(
                        "another version of this dataset is being snapshotted; create this one when it is Completed"
                    ) from error
                raise Conflict(
                    "the dataset changed while creating the version (items written or another version created); "
                    "check the latest version and try again"
                ) from error
            raise

    @staticmethod
    def to_version(item: DatasetVersionItem) -> DatasetVersion:
        return DatasetVersion(
            version_id=item.version_id,
            dataset_id=item.dataset_id,
            workspace_id=item.workspace_id,
            version=item.version,
            version_num=item.version_num,
            description=item.description,
            item_count=item.item_count,
            fields=_fields(item.fields),
            snapshot_status=item.snapshot_status,
            snapshot_error=item.snapshot_error,
            manifest_key=item.manifest_key,
            created_by=item.created_by,
            created_at=item.created_at,
        )

    def version_item(self, workspace_id: int, version_id: int) -> DatasetVersionItem:
        try:
            index = DatasetVersionIdItem.get(version_id)
            if index.workspace_id != workspace_id:
                raise DoesNotExist()
            return DatasetVersionItem.get(index.dataset_id, index.version_num, consistent_read=True)
        except DoesNotExist as error:
            raise NotFound(f"version {version_id} not found in this workspace") from error

    def get_version(self, workspace_id: int, version_id: int) -> DatasetVersion:
        return self.to_version(self.version_item(workspace_id, version_id))

    def versions_of(self, dataset_id: int) -> Iterator[DatasetVersion]:
        """Newest first."""
        for item in DatasetVersionItem.query(dataset_id, scan_index_forward=False):
            yield self.to_version(item)

    def save_snapshot_progress(self, item: DatasetVersionItem, chunks: list[dict[str, object]], cursor: str) -> None:
        item.update(
            actions=[DatasetVersionItem.chunks.set(_dumps(chunks)), DatasetVersionItem.cursor.set(cursor)],
            condition=DatasetVersionItem.snapshot_status == int(SnapshotStatus.IN_PROGRESS),
        )

    def renew_lock(self, dataset_id: int, version_id: int, draft_rev: int, until: int) -> bool:
        """Extends the snapshot's lock; False if it was lost (expired and the draft written meanwhile)."""
        try:
            DatasetMetaItem(dataset_id).update(
                actions=[DatasetMetaItem.snapshot_lock_until.set(until)],
                condition=(DatasetMetaItem.snapshot_lock == version_id) & (DatasetMetaItem.draft_rev == draft_rev),
            )
            return True
        except UpdateError as error:
            if is_condition_failure(error):
                return False
            raise

    def finish_snapshot(
        self, item: DatasetVersionItem, *, status: SnapshotStatus, error: str = "", manifest_key: str = "", count: int
    ) -> None:
        """Records the outcome and releases the draft's lock (if this snapshot still holds it).

        A completed snapshot counted every row of the draft while no write could happen, so that count also
        becomes the dataset's item_count (healing any drift a crashed write left)."""
        item.update(
            actions=[
                DatasetVersionItem.snapshot_status.set(int(status)),
                DatasetVersionItem.snapshot_error.set(error),
                DatasetVersionItem.manifest_key.set(manifest_key),
                DatasetVersionItem.item_count.set(count),
            ]
        )
        release: list[Action] = [DatasetMetaItem.snapshot_lock.set(0), DatasetMetaItem.snapshot_lock_until.set(0)]
        held = DatasetMetaItem.snapshot_lock == item.version_id
        attempts: list[tuple[list[Action], Condition]] = [(release, held)]
        if status == SnapshotStatus.COMPLETED:
            healed = [*release, DatasetMetaItem.item_count.set(count)]
            attempts.insert(0, (healed, held & (DatasetMetaItem.draft_rev == item.draft_rev)))
        for actions, condition in attempts:
            try:
                DatasetMetaItem(item.dataset_id).update(actions=actions, condition=condition)
                return
            except UpdateError as failure:
                if not is_condition_failure(failure):
                    raise

    # --- io jobs -------------------------------------------------------------------------------------------

    @staticmethod
    def to_job(item: DatasetIOJobItem) -> IOJob:
        return IOJob(
            job_id=item.job_id,
            workspace_id=item.workspace_id,
            dataset_id=item.dataset_id,
            job_type=item.job_type,
            source=json.loads(item.source),
            target=json.loads(item.target),
            field_mappings=[FieldMapping.model_validate(m) for m in json.loads(item.field_mappings)],
            option=json.loads(item.option),
            status=item.status,
            progress=IOJobProgress(total=item.total, processed=item.processed, added=item.added),
            errors=[ItemErrorGroup.model_validate(group) for group in json.loads(item.errors)],
            checkpoint=json.loads(item.checkpoint),
            failures=item.failures,
            created_by=item.created_by,
            created_at=item.created_at,
            updated_at=item.updated_at,
            started_at=item.started_at,
            ended_at=item.ended_at,
        )

    def create_job(self, job: IOJob) -> None:
        item = DatasetIOJobItem(
            job.job_id,
            workspace_id=job.workspace_id,
            dataset_id=job.dataset_id,
            job_type=job.job_type,
            source=_dumps(job.source),
            target=_dumps(job.target),
            field_mappings=_dumps([m.model_dump() for m in job.field_mappings]),
            option=_dumps(job.option),
            status=job.status,
            created_by=job.created_by,
            created_at=job.created_at,
            updated_at=job.created_at,
        )
        try:
            item.save(condition=DatasetIOJobItem.job_id.does_not_exist())
        except PutError as error:
            if is_condition_failure(error):
                raise Conflict(f"job {job.job_id} already exists") from error
            raise

    def job_item(self, job_id: int) -> DatasetIOJobItem | None:
        try:
            return DatasetIOJobItem.get(job_id, consistent_read=True)
        except DoesNotExist:
            return None

    def get_job(self, workspace_id: int, job_id: int) -> IOJob:
        item = self.job_item(job_id)
        if item is None or item.workspace_id != workspace_id:
            raise NotFound(f"job {job_id} not found in this workspace")
        return self.to_job(item)

    def jobs_of(self, dataset_id: int) -> list[IOJob]:
        return [self.to_job(item) for item in DatasetIOJobItem.by_dataset.query(dataset_id, scan_index_forward=False)]
