"""All persistence of prompts. Nothing above this module touches PynamoDB directly."""

from collections.abc import Iterator

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shared.dynamo import connection, is_condition_failure
from shared.errors import Conflict, NotFound
from shared.prompt.models import (
    LabelItem,
    PromptCommitItem,
    PromptDraftItem,
    PromptItem,
    PromptKeyItem,
    PromptLabelItem,
)
from shared.prompt.semver import sort_key

PRESET_LABELS = ("production", "beta", "test")


def _claim(workspace_id: int, prompt_key: str) -> str:
    return f"{workspace_id}#{prompt_key}"


class PromptRepository:
    def create(self, prompt: PromptItem, draft: PromptDraftItem | None = None) -> None:
        """Claims the key and writes the prompt (and its first draft), all or nothing."""
        claim = PromptKeyItem(_claim(prompt.workspace_id, prompt.prompt_key), prompt_id=prompt.prompt_id)
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(claim, condition=PromptKeyItem.key_claim.does_not_exist())
                transaction.save(prompt, condition=PromptItem.prompt_id.does_not_exist())
                if draft is not None:
                    transaction.save(draft)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(
                    f"prompt_key: a prompt with the key {prompt.prompt_key!r} already exists in this workspace"
                ) from error
            raise

    def get(self, prompt_id: int) -> PromptItem:
        try:
            return PromptItem.get(prompt_id)
        except DoesNotExist as error:
            raise NotFound(f"prompt {prompt_id} not found", code=600501001) from error

    def find_by_key(self, workspace_id: int, prompt_key: str) -> PromptItem | None:
        try:
            claim = PromptKeyItem.get(_claim(workspace_id, prompt_key))
            return PromptItem.get(claim.prompt_id)
        except DoesNotExist:
            return None

    def list_in_workspace(self, workspace_id: int) -> list[PromptItem]:
        return list(PromptItem.by_workspace.query(workspace_id))

    def save_basics(self, prompt: PromptItem) -> None:
        """Writes name, description and security level only if the prompt still exists."""
        prompt.update(
            actions=[
                PromptItem.display_name.set(prompt.display_name),
                PromptItem.description.set(prompt.description),
                PromptItem.security_level.set(prompt.security_level),
                PromptItem.updated_by.set(prompt.updated_by),
                PromptItem.updated_at.set(prompt.updated_at),
            ],
            condition=PromptItem.prompt_id.exists(),
        )

    def delete(self, prompt: PromptItem) -> None:
        """Releases the key with the prompt, then removes its drafts, commits and label mappings."""
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(PromptKeyItem(_claim(prompt.workspace_id, prompt.prompt_key)))
            transaction.delete(prompt)
        for model in (PromptDraftItem, PromptCommitItem, PromptLabelItem):
            self._delete_all(model, prompt.prompt_id)

    @staticmethod
    def _delete_all(model: type[Model], prompt_id: int) -> None:
        with model.batch_write() as batch:
            for item in model.query(prompt_id):
                batch.delete(item)

    # --- drafts ---------------------------------------------------------------------------------------

    def find_draft(self, prompt_id: int, user_id: str) -> PromptDraftItem | None:
        try:
            return PromptDraftItem.get(prompt_id, user_id)
        except DoesNotExist:
            return None

    def save_draft(self, draft: PromptDraftItem) -> None:
        draft.save()

    # --- commits --------------------------------------------------------------------------------------

    def commit(
        self, prompt: PromptItem, commit: PromptCommitItem, draft: PromptDraftItem, labels: list[PromptLabelItem]
    ) -> None:
        """Writes the version, advances the prompt's latest version, resets the draft and moves labels.

        Conditional on the prompt's latest version being the one the caller saw, so two concurrent commits
        cannot both win; a version that exists raises Conflict.
        """
        previous = prompt.latest_version
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(commit, condition=PromptCommitItem.version_order.does_not_exist())
                transaction.update(
                    PromptItem(prompt.prompt_id),
                    actions=[
                        PromptItem.latest_version.set(commit.version),
                        PromptItem.latest_committed_at.set(commit.committed_at),
                        PromptItem.updated_by.set(commit.committed_by),
                        PromptItem.updated_at.set(commit.committed_at),
                    ],
                    condition=PromptItem.latest_version == previous,
                )
                transaction.save(draft)
                for label in labels:
                    transaction.save(label)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(
                    f"commit_version: version {commit.version} was committed meanwhile or already exists; "
                    "reload and pick a higher version"
                ) from error
            raise
        prompt.latest_version = commit.version
        prompt.latest_committed_at = commit.committed_at

    def find_commit(self, prompt_id: int, version: str) -> PromptCommitItem | None:
        try:
            return PromptCommitItem.get(prompt_id, sort_key(version))
        except DoesNotExist:
            return None

    def commits(self, prompt_id: int, *, ascending: bool, after: str | None, limit: int) -> Iterator[PromptCommitItem]:
        condition = None
        if after:
            condition = PromptCommitItem.version_order > after if ascending else PromptCommitItem.version_order < after
        return PromptCommitItem.query(prompt_id, condition, scan_index_forward=ascending, limit=limit)

    # --- labels ---------------------------------------------------------------------------------------

    def label_keys(self, workspace_id: int) -> list[str]:
        custom = [item.label_key for item in LabelItem.query(workspace_id)]
        return sorted(set(PRESET_LABELS) | set(custom))

    def create_label(self, label: LabelItem) -> None:
        from pynamodb.exceptions import PutError

        if label.label_key in PRESET_LABELS:
            raise Conflict(f"label {label.label_key!r} already exists (it is a preset label)")
        try:
            label.save(condition=LabelItem.label_key.does_not_exist())
        except PutError as error:
            if is_condition_failure(error):
                raise Conflict(f"label {label.label_key!r} already exists in this workspace") from error
            raise

    def version_of_label(self, prompt_id: int, label_key: str) -> str | None:
        try:
            return PromptLabelItem.get(prompt_id, label_key).version
        except DoesNotExist:
            return None

    def labels_of(self, prompt_id: int) -> list[PromptLabelItem]:
        return list(PromptLabelItem.query(prompt_id))

    def set_labels(self, prompt_id: int, version: str, wanted: list[PromptLabelItem]) -> None:
        """After this, exactly the `wanted` labels point at `version` (others move away or stay elsewhere)."""
        wanted_keys = {label.label_key for label in wanted}
        with PromptLabelItem.batch_write() as batch:
            for current in PromptLabelItem.query(prompt_id):
                if current.version == version and current.label_key not in wanted_keys:
                    batch.delete(current)
            for label in wanted:
                batch.save(label)
