"""All persistence of prompts. Nothing above this module touches PynamoDB directly."""

import re
from collections.abc import Iterable, Iterator

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shared.dynamo import connection, is_condition_failure
from shared.errors import Conflict, NotFound
from shared.prompt.models import (
    DebugContextItem,
    DebugLogItem,
    LabelItem,
    PromptCommitItem,
    PromptDraftItem,
    PromptItem,
    PromptKeyItem,
    PromptLabelItem,
)
from shared.prompt.semver import sort_key

PRESET_LABELS = ("production", "beta", "test")
DEBUG_PAGE_TOKEN = re.compile(r"^\d{15}#\d{1,20}$")  # a run's started_key: "<started ms>#<debug id>"


def debug_context_key(workspace_id: int, prompt_id: int) -> str:
    return f"{workspace_id}#{prompt_id}"


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
        """Releases the key with the prompt, then removes everything hanging off it.

        The claim is deleted only while it still names this prompt, so a late repeat of a delete cannot
        release the key of a newer prompt that reused it. Children are written only while their prompt
        exists (see _exists), so none can appear after this.
        """
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.delete(
                    PromptKeyItem(_claim(prompt.workspace_id, prompt.prompt_key)),
                    condition=PromptKeyItem.prompt_id == prompt.prompt_id,
                )
                transaction.delete(prompt, condition=PromptItem.prompt_id.exists())
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise NotFound(f"prompt {prompt.prompt_id} not found", code=600501001) from error
            raise
        for model in (PromptDraftItem, PromptCommitItem, PromptLabelItem):
            self._delete_all(model.query(prompt.prompt_id))
        debug_key = debug_context_key(prompt.workspace_id, prompt.prompt_id)
        self._delete_all(DebugContextItem.query(debug_key))
        self._delete_all(DebugLogItem.query(debug_key))

    @staticmethod
    def _delete_all(items: Iterable[Model]) -> None:
        batches: dict[type[Model], list[Model]] = {}
        for item in items:
            batches.setdefault(type(item), []).append(item)
        for model, found in batches.items():
            with model.batch_write() as batch:  # 25 deletes per request
                for item in found:
                    batch.delete(item)

    def _save_while_prompt_exists(self, prompt_id: int, *items: Model) -> None:
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.condition_check(PromptItem, prompt_id, condition=PromptItem.prompt_id.exists())
                for item in items:
                    transaction.save(item)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise NotFound(f"prompt {prompt_id} not found", code=600501001) from error
            raise

    # --- drafts ---------------------------------------------------------------------------------------

    def find_draft(self, prompt_id: int, user_id: str) -> PromptDraftItem | None:
        try:
            return PromptDraftItem.get(prompt_id, user_id)
        except DoesNotExist:
            return None

    def save_draft(self, draft: PromptDraftItem) -> None:
        self._save_while_prompt_exists(draft.prompt_id, draft)

    # --- commits --------------------------------------------------------------------------------------

    def commit(
        self,
        prompt: PromptItem,
        commit: PromptCommitItem,
        draft: PromptDraftItem,
        draft_read_at: int,
        labels: list[PromptLabelItem],
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
                # the draft committed is the one read: an edit saved meanwhile is not overwritten, it fails this
                transaction.save(draft, condition=PromptDraftItem.updated_at == draft_read_at)
                for label in labels:
                    transaction.save(label)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(
                    f"commit_version: version {commit.version} was committed meanwhile, already exists, or the "
                    "draft changed while committing; reload and try again"
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
        for current in PromptLabelItem.query(prompt_id):
            if current.version == version and current.label_key not in wanted_keys:
                current.delete()
        self._save_while_prompt_exists(prompt_id, *wanted)

    # --- the playground -------------------------------------------------------------------------------

    def save_debug_context(self, prompt_id: int, context: DebugContextItem) -> None:
        if prompt_id == 0:  # the free playground has no prompt to outlive
            context.save()
        else:
            self._save_while_prompt_exists(prompt_id, context)

    def find_debug_context(self, workspace_id: int, prompt_id: int, user_id: str) -> DebugContextItem | None:
        try:
            return DebugContextItem.get(debug_context_key(workspace_id, prompt_id), user_id)
        except DoesNotExist:
            return None

    def record_debug_run(self, prompt_id: int, log: DebugLogItem) -> None:
        if prompt_id == 0:  # the free playground
            log.save()
        else:
            self._save_while_prompt_exists(prompt_id, log)

    def debug_runs(
        self, workspace_id: int, prompt_id: int, user_id: str, *, since_ms: int, before: str | None, limit: int
    ) -> list[DebugLogItem]:
        """A user's runs, newest first, started after `since_ms` and before the `before` page token."""
        lower = f"{since_ms:015d}"
        if before is not None and (not DEBUG_PAGE_TOKEN.match(before) or before <= lower):
            return []  # a token from an older window, or not one of ours: nothing is before it in this window
        upper = before or "9" * 15
        key_range = DebugLogItem.started_key.between(lower, upper)
        runs: list[DebugLogItem] = []
        for log in DebugLogItem.query(
            debug_context_key(workspace_id, prompt_id),
            key_range,
            filter_condition=DebugLogItem.debugged_by == user_id,
            scan_index_forward=False,
        ):
            if log.started_key == before:
                continue  # `between` is inclusive; the token row was the last of the previous page
            runs.append(log)
            if len(runs) == limit:
                break
        return runs
