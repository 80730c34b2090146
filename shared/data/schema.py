"""Column rules: stable generated keys, schema merges (add, update, soft delete) and text validation.

As upstream (data/domain/dataset/service/schema_utils.go): a field sent without a key is new and gets a
key made from its name; a field sent with a key updates (or restores) that column; a column left out is
soft-deleted: its data stays and reappears if the column is restored. Changing a column incompatibly
(another content type, a narrower JSON type) is allowed only while the dataset holds no items.
"""

import json
import re
from functools import lru_cache
from typing import Any

from jsonschema import exceptions as jsonschema_errors  # type: ignore[import-untyped]
from jsonschema import validators

from shared.data.entities import MULTI_MODAL, DatasetFeatures, DatasetSpec, FieldSchema, FieldStatus, SchemaKey
from shared.errors import InvalidInput

IDENTIFIER = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]{0,63}$")
RESERVED_KEYS = frozenset({"key"})

_MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "role": {"type": "string", "enum": ["developer", "system", "user", "assistant", "tool"]},
        "content": {"oneOf": [{"type": "string"}, {"type": "array"}]},
        "name": {"type": "string"},
        "function_call": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "arguments": {"type": "string"}},
            "required": ["name", "arguments"],
        },
    },
    "required": ["role"],
    "additionalProperties": False,
}
BUILTIN_SCHEMAS: dict[int, dict[str, Any]] = {
    SchemaKey.STRING: {"type": "string"},
    SchemaKey.INTEGER: {"type": "integer"},
    SchemaKey.FLOAT: {"type": "number"},
    SchemaKey.BOOL: {"type": "boolean"},
    SchemaKey.MESSAGE: _MESSAGE_SCHEMA,
}


def parse_text_schema(text: str, where: str) -> dict[str, Any]:
    """A field's text_schema, checked to be a valid JSON Schema; `where` names the field for the message."""
    try:
        schema = json.loads(text)
    except ValueError as error:
        raise InvalidInput(f"{where}.text_schema is not valid JSON ({error}); send a JSON Schema object") from error
    if not isinstance(schema, dict):
        raise InvalidInput(f'{where}.text_schema must be a JSON Schema object such as {{"type": "string"}}')
    try:
        validators.validator_for(schema, default=validators.Draft7Validator).check_schema(schema)
    except jsonschema_errors.SchemaError as error:
        raise InvalidInput(f"{where}.text_schema is not a valid JSON Schema: {error.message}") from error
    return schema


def _types(schema: dict[str, Any] | None) -> list[str]:
    if not schema:
        return []
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [t for t in kind if isinstance(t, str)]
    return []


def effective_schema(field: FieldSchema) -> dict[str, Any] | None:
    """What a text value of the field must satisfy: the built-in schema of its schema_key, else its text_schema."""
    if field.content_type not in (None, "Text"):
        return None
    if field.schema_key is not None and field.schema_key in BUILTIN_SCHEMAS:
        return BUILTIN_SCHEMAS[field.schema_key]
    if field.text_schema:
        return _compiled(field.text_schema)[0]
    return None


@lru_cache(maxsize=256)
def _compiled(text_schema: str) -> tuple[dict[str, Any], Any]:
    schema = json.loads(text_schema)
    validator = validators.validator_for(schema, default=validators.Draft7Validator)(schema)
    return schema, validator


@lru_cache(maxsize=16)
def _builtin_validator(schema_key: int) -> Any:
    schema = BUILTIN_SCHEMAS[schema_key]
    return validators.Draft7Validator(schema)


def validate_text(field: FieldSchema, text: str) -> str | None:
    """Why `text` does not fit the field's JSON Schema, or None. As upstream, a string schema takes the text
    as it is, a boolean one ignores case, and anything else must be JSON (so '2024-01-01' is not a number)."""
    if field.schema_key is not None and field.schema_key in BUILTIN_SCHEMAS:
        schema, validator = BUILTIN_SCHEMAS[field.schema_key], _builtin_validator(field.schema_key)
    elif field.text_schema:
        schema, validator = _compiled(field.text_schema)
    else:
        return None
    types = _types(schema)
    if types == ["string"]:
        value: Any = text
    else:
        candidate = text.lower() if types == ["boolean"] else text
        try:
            value = json.loads(candidate)
        except ValueError:
            expected = "/".join(types) or "JSON"
            return f"the value {_excerpt(text)} is not valid JSON; this field expects {expected}"
    errors = sorted(validator.iter_errors(value), key=lambda error: list(error.path))
    if not errors:
        return None
    first = errors[0]
    where = "/".join(str(part) for part in first.path)
    return f"{first.message}" + (f" (at {where})" if where else "")


def _excerpt(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def generate_keys(fields: list[FieldSchema], taken: set[str]) -> None:
    """Gives every keyless field a key: its name when that is an identifier, else `key`, made unique with _1, _2..."""
    seen = set(taken) | {field.key for field in fields if field.key} | RESERVED_KEYS
    for field in fields:
        if field.key:
            continue
        prefix = field.name if IDENTIFIER.match(field.name) else "key"
        key, suffix = prefix, 1
        while key in seen:
            key, suffix = f"{prefix}_{suffix}", suffix + 1
        seen.add(key)
        field.key = key


def check_fields(fields: list[FieldSchema], spec: DatasetSpec, features: DatasetFeatures) -> None:
    """The rules a whole schema must keep; messages name the field at fault."""
    available = [field for field in fields if field.available]
    if not available:
        raise InvalidInput("fields: a dataset needs at least one field")
    for index, field in enumerate(fields):
        where = f"fields[{index}]"
        if not field.name.strip():
            raise InvalidInput(f"{where}.name is empty; give every field a name")
        if len(field.name) > 128:
            raise InvalidInput(f"{where}.name is longer than 128 characters")
        if not IDENTIFIER.match(field.key):
            raise InvalidInput(
                f"{where}.key {field.key!r} is not valid: use a letter then up to 63 letters, digits or '_'"
            )
        if field.text_schema:
            parse_text_schema(field.text_schema, where)
        if field.schema_key is not None and field.schema_key not in {int(key) for key in SchemaKey}:
            raise InvalidInput(f"{where}.schema_key {field.schema_key} is not one of {[int(k) for k in SchemaKey]}")
    names = [field.name for field in available]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise InvalidInput(f"fields: the names {duplicated} are used twice; field names must be unique")
    keys = [field.key for field in fields]
    duplicated_keys = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated_keys:
        raise InvalidInput(f"fields: the keys {duplicated_keys} are used twice")
    if len(available) > spec.max_field_count:
        raise InvalidInput(f"fields: {len(available)} fields is more than this dataset allows ({spec.max_field_count})")
    if not features.multi_modal:
        multimodal = [field.name for field in available if field.content_type in MULTI_MODAL]
        if multimodal:
            raise InvalidInput(f"fields {multimodal} are multimodal but the dataset's features.multiModal is off")


def new_fields(fields: list[FieldSchema], spec: DatasetSpec, features: DatasetFeatures) -> list[FieldSchema]:
    created = [field.model_copy(update={"status": FieldStatus.AVAILABLE}) for field in fields]
    generate_keys(created, set())
    check_fields(created, spec, features)
    return created


def compatible(before: FieldSchema, after: FieldSchema) -> bool:
    """Whether existing values of `before` still fit `after` (upstream's FieldSchema.CompatibleWith)."""
    if before.content_type != after.content_type:
        return False
    if after.schema_key is not None and before.schema_key != after.schema_key:
        return False
    before_schema = before.text_schema and _compiled(before.text_schema)[0]
    after_schema = after.text_schema and _compiled(after.text_schema)[0]
    if not before_schema and after_schema:
        return False
    if before_schema and after_schema:
        return set(_types(before_schema)) <= set(_types(after_schema))
    return True


def merge_fields(
    previous: list[FieldSchema], incoming: list[FieldSchema], spec: DatasetSpec, features: DatasetFeatures
) -> tuple[list[FieldSchema], bool]:
    """The schema after an update, and whether the change keeps existing data valid."""
    by_key = {field.key: field for field in previous}
    merged: list[FieldSchema] = []
    is_compatible = True
    for index, field in enumerate(incoming):
        if field.key and field.key in by_key:
            before = by_key[field.key]
            if before.locked and _locked_change(before, field):
                raise InvalidInput(f"fields[{index}] ({before.name}) is locked by its template and cannot change")
            if not compatible(before, field):
                is_compatible = False
        merged.append(field.model_copy(update={"status": FieldStatus.AVAILABLE}))
    kept = {field.key for field in merged if field.key}
    for field in previous:
        if field.key not in kept:
            if field.locked and field.available:
                raise InvalidInput(f"field {field.name} is locked by its template and cannot be removed")
            merged.append(field.model_copy(update={"status": FieldStatus.DELETED}))
    generate_keys(merged, {field.key for field in previous})
    check_fields(merged, spec, features)
    return merged, is_compatible


def _locked_change(before: FieldSchema, after: FieldSchema) -> bool:
    return (before.name, before.content_type, before.schema_key, before.text_schema) != (
        after.name,
        after.content_type,
        after.schema_key,
        after.text_schema,
    )
