"""DynamoDB items of the prompt module. Times are epoch milliseconds; a detail is PromptDetail JSON."""

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared.dynamo import IntegerAttribute, table_meta


class PromptsByWorkspace(GlobalSecondaryIndex["PromptItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-workspace"
        projection = AllProjection()

    workspace_id = IntegerAttribute(hash_key=True)
    created_at = IntegerAttribute(range_key=True)


class PromptItem(Model):
    Meta = table_meta("prompts")

    prompt_id = IntegerAttribute(hash_key=True)
    workspace_id = IntegerAttribute()
    prompt_key = UnicodeAttribute()
    display_name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    prompt_type = UnicodeAttribute(default="normal")
    security_level = UnicodeAttribute(default="L3")
    latest_version = UnicodeAttribute(default="")
    latest_committed_at = IntegerAttribute(default=0)
    created_by = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()

    by_workspace = PromptsByWorkspace()


class PromptKeyItem(Model):
    """Claims a prompt_key in a workspace; written in the prompt's transaction so keys stay unique."""

    Meta = table_meta("prompt-keys")

    key_claim = UnicodeAttribute(hash_key=True)  # "<workspace_id>#<prompt_key>"
    prompt_id = IntegerAttribute()


class PromptCommitItem(Model):
    """An immutable version."""

    Meta = table_meta("prompt-commits")

    prompt_id = IntegerAttribute(hash_key=True)
    version_order = UnicodeAttribute(range_key=True)  # semver.sort_key(version)
    version = UnicodeAttribute()
    base_version = UnicodeAttribute(default="")
    description = UnicodeAttribute(default="")
    detail = UnicodeAttribute()
    committed_by = UnicodeAttribute()
    committed_at = IntegerAttribute()


class PromptDraftItem(Model):
    """One draft per prompt and user."""

    Meta = table_meta("prompt-drafts")

    prompt_id = IntegerAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)
    detail = UnicodeAttribute()
    base_version = UnicodeAttribute(default="")
    is_modified = BooleanAttribute(default=False)
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()


class LabelItem(Model):
    """A workspace's custom label key; `production`, `beta` and `test` exist everywhere without an item."""

    Meta = table_meta("prompt-labels")

    workspace_id = IntegerAttribute(hash_key=True)
    label_key = UnicodeAttribute(range_key=True)
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()


class PromptLabelItem(Model):
    """Which version of a prompt a label points at; moving a label overwrites the item."""

    Meta = table_meta("prompt-label-mappings")

    prompt_id = IntegerAttribute(hash_key=True)
    label_key = UnicodeAttribute(range_key=True)
    version = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    updated_at = IntegerAttribute()


class DebugContextItem(Model):
    """A user's saved playground state for one prompt (prompt 0: the free playground of a workspace)."""

    Meta = table_meta("prompt-debug-contexts")

    context_key = UnicodeAttribute(hash_key=True)  # "<workspace_id>#<prompt_id>"
    user_id = UnicodeAttribute(range_key=True)
    context = UnicodeAttribute()  # DebugContext JSON
    updated_at = IntegerAttribute()


class DebugLogItem(Model):
    """One playground run; kept 30 days (`expires_at`, seconds)."""

    Meta = table_meta("prompt-debug-logs", ttl_attribute="expires_at")

    context_key = UnicodeAttribute(hash_key=True)  # "<workspace_id>#<prompt_id>"
    started_key = UnicodeAttribute(range_key=True)  # "<started_at ms, 15 digits>#<debug_id>"
    debug_id = IntegerAttribute()
    prompt_key = UnicodeAttribute(default="")
    version = UnicodeAttribute(default="")
    input_tokens = IntegerAttribute(default=0)
    output_tokens = IntegerAttribute(default=0)
    cost_ms = IntegerAttribute(default=0)
    status_code = IntegerAttribute(default=0)
    debugged_by = UnicodeAttribute()
    debug_step = IntegerAttribute(default=1)
    started_at = IntegerAttribute()
    ended_at = IntegerAttribute()
    expires_at = IntegerAttribute()


PROMPT_TABLES: tuple[type[Model], ...] = (
    PromptItem,
    PromptKeyItem,
    PromptCommitItem,
    PromptDraftItem,
    LabelItem,
    PromptLabelItem,
    DebugContextItem,
    DebugLogItem,
)
