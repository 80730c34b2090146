"""OTLP/JSON attribute values as plain Python values, the coercions wire, messages and mapping share, and a span's
attributes and events in the form both mapping and messages read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

Events = list[tuple[str, dict[str, Any]]]  # (event name, attributes) in span order


def _any_value(value: Any) -> Any:
    """An OTLP/JSON AnyValue as a plain Python value; None when empty or malformed."""
    if not isinstance(value, dict):
        return None
    for key, convert in _VALUE_CONVERTERS.items():
        if key in value:
            try:
                return convert(value[key])
            except (TypeError, ValueError, AttributeError, OverflowError):
                return None
    return None


def attribute_map(key_values: Any) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    for item in dicts(key_values):
        key, value = item.get("key"), _any_value(item.get("value"))
        if isinstance(key, str) and value is not None:
            attributes[key] = value
    return attributes


def _bool_value(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


_VALUE_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "stringValue": str,
    "boolValue": _bool_value,
    "intValue": int,  # int64 arrives as a string in OTLP/JSON
    "doubleValue": float,
    "arrayValue": lambda array: [_any_value(item) for item in dicts(array.get("values"))],
    "kvlistValue": lambda kvlist: attribute_map(kvlist.get("values")),
    "bytesValue": str,  # stays base64 text, as OTLP/JSON writes it
}


def dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    return compact_json(value)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def json_value(value: Any) -> Any:
    """Attributes that carry structures are usually JSON strings; a string that is not JSON stays a string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def compact_json(value: Any) -> str:
    # Compact like the SDK's pydantic dumps of ModelInput/ModelOutput/call_options.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Attributes:
    """A span's attributes, remembering which ones the mapping consumed so that they do not also become tags."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values
        self._used: set[str] = set()

    def take(self, *keys: str) -> Any:
        """The first present value; every key counts as consumed, since they are synonyms of one another."""
        self._used.update(keys)
        return next((self._values[key] for key in keys if self._values.get(key) is not None), None)

    def take_prefix(self, prefix: str) -> dict[str, Any]:
        """Every attribute under `prefix`, keyed by the rest of its name."""
        found = {key[len(prefix) :]: value for key, value in self._values.items() if key.startswith(prefix)}
        self._used.update(prefix + key for key in found)
        return found

    def peek(self, key: str) -> Any:
        return self._values.get(key)

    def has_prefix(self, *prefixes: str) -> bool:
        return any(key.startswith(prefixes) for key in self._values)

    def unused(self) -> Iterator[tuple[str, Any]]:
        return ((key, value) for key, value in self._values.items() if key not in self._used)
