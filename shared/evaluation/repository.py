"""Persistence of evaluators, their versions and records. Nothing above this module touches PynamoDB for them."""

from collections.abc import Iterable

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from shared.dynamo import connection, is_condition_failure
from shared.errors import Conflict, NotFound
from shared.evaluation.models import (
    EvaluatorItem,
    EvaluatorNameItem,
    EvaluatorRecordItem,
    EvaluatorVersionItem,
    EvaluatorVersionKeyItem,
)


def name_claim(workspace_id: int, name: str) -> str:
    return f"{workspace_id}#{name.casefold()}"


class EvaluatorRepository:
    def create(self, evaluator: EvaluatorItem) -> None:
        claim = EvaluatorNameItem(
            name_claim(evaluator.workspace_id, evaluator.name), evaluator_id=evaluator.evaluator_id
        )
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(claim, condition=EvaluatorNameItem.name_claim.does_not_exist())
                transaction.save(evaluator, condition=EvaluatorItem.evaluator_id.does_not_exist())
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(
                    f"name: an evaluator named {evaluator.name!r} already exists in this workspace"
                ) from error
            raise

    def name_taken(self, workspace_id: int, name: str, except_id: int | None = None) -> bool:
        try:
            claim = EvaluatorNameItem.get(name_claim(workspace_id, name))
        except DoesNotExist:
            return False
        return claim.evaluator_id != except_id

    def rename(self, evaluator: EvaluatorItem, new_name: str) -> None:
        """Moves the name claim and the name together, so a name is never held twice or lost."""
        old = EvaluatorNameItem(name_claim(evaluator.workspace_id, evaluator.name))
        new = EvaluatorNameItem(name_claim(evaluator.workspace_id, new_name), evaluator_id=evaluator.evaluator_id)
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(new, condition=EvaluatorNameItem.name_claim.does_not_exist())
                transaction.delete(old)
                transaction.update(
                    evaluator,
                    actions=[EvaluatorItem.name.set(new_name)],
                    condition=EvaluatorItem.name == evaluator.name,
                )
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(f"name: an evaluator named {new_name!r} already exists in this workspace") from error
            raise
        evaluator.name = new_name

    def get(self, workspace_id: int, evaluator_id: int, *, include_deleted: bool = False) -> EvaluatorItem:
        try:
            item = EvaluatorItem.get(evaluator_id, consistent_read=True)
        except DoesNotExist:
            item = None
        if item is None or item.workspace_id != workspace_id or (item.deleted_at and not include_deleted):
            raise NotFound(f"evaluator {evaluator_id} not found in this workspace")
        return item

    def batch_get(self, workspace_id: int, evaluator_ids: Iterable[int]) -> dict[int, EvaluatorItem]:
        found = {item.evaluator_id: item for item in EvaluatorItem.batch_get(set(evaluator_ids))}
        return {key: item for key, item in found.items() if item.workspace_id == workspace_id}

    def list_in_workspace(self, workspace_id: int) -> list[EvaluatorItem]:
        return [
            item
            for item in EvaluatorItem.by_workspace.query(workspace_id, scan_index_forward=False)
            if not item.deleted_at
        ]

    def delete(self, evaluator: EvaluatorItem, deleted_at: int) -> None:
        """Soft delete: experiments keep reading its versions; the name becomes free again."""
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(evaluator, actions=[EvaluatorItem.deleted_at.set(deleted_at)])
            transaction.delete(EvaluatorNameItem(name_claim(evaluator.workspace_id, evaluator.name)))

    # --- versions ---

    def add_version(self, evaluator: EvaluatorItem, version: EvaluatorVersionItem, previous_latest: str) -> None:
        """Writes the version and moves `latest_version`, only if no other submit moved it meanwhile."""
        claim = EvaluatorVersionKeyItem(f"{evaluator.evaluator_id}#{version.version}", version_id=version.version_id)
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(claim, condition=EvaluatorVersionKeyItem.version_claim.does_not_exist())
                transaction.save(version, condition=EvaluatorVersionItem.version_id.does_not_exist())
                transaction.update(
                    evaluator,
                    actions=[
                        EvaluatorItem.latest_version.set(version.version),
                        EvaluatorItem.draft_submitted.set(True),
                        EvaluatorItem.updated_at.set(version.created_at),
                        EvaluatorItem.updated_by.set(version.created_by),
                    ],
                    condition=(EvaluatorItem.latest_version == previous_latest) & (EvaluatorItem.deleted_at == 0),
                )
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(
                    f"version: {version.version} exists already, or another version was submitted meanwhile; "
                    "reload and pick a higher version"
                ) from error
            raise

    def get_version(self, workspace_id: int, version_id: int) -> EvaluatorVersionItem:
        try:
            item = EvaluatorVersionItem.get(version_id)
        except DoesNotExist:
            item = None
        if item is None or item.workspace_id != workspace_id:
            raise NotFound(f"evaluator version {version_id} not found in this workspace")
        return item

    def batch_get_versions(self, workspace_id: int, version_ids: Iterable[int]) -> dict[int, EvaluatorVersionItem]:
        found = EvaluatorVersionItem.batch_get(set(version_ids))
        return {item.version_id: item for item in found if item.workspace_id == workspace_id}

    def find_version(self, evaluator_id: int, version: str) -> EvaluatorVersionItem | None:
        try:
            claim = EvaluatorVersionKeyItem.get(f"{evaluator_id}#{version}")
        except DoesNotExist:
            return None
        return EvaluatorVersionItem.get(claim.version_id)

    def list_versions(self, evaluator_id: int) -> list[EvaluatorVersionItem]:
        return list(EvaluatorVersionItem.by_evaluator.query(evaluator_id, scan_index_forward=False))

    # --- records ---

    def save_record(self, record: EvaluatorRecordItem) -> None:
        record.save()

    def get_record(self, workspace_id: int, record_id: int) -> EvaluatorRecordItem:
        try:
            item = EvaluatorRecordItem.get(record_id)
        except DoesNotExist:
            item = None
        if item is None or item.workspace_id != workspace_id:
            raise NotFound(f"evaluator record {record_id} not found in this workspace")
        return item
