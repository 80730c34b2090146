"""Upstream's FilterFields (reference §5.4) and their translation into SQL predicates."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field

from shared.errors import InvalidInput
from shared.traces.query.sql import Dialect, literal

QueryType = Literal[
    "match", "not_match", "eq", "not_eq", "gt", "gte", "lt", "lte", "in", "not_in", "exist", "not_exist"
]
FieldType = Literal["string", "long", "double", "bool"]
Relation = Literal["and", "or"]
MAX_DEPTH = 4
MAX_FIELDS = 50
MAX_VALUES = 100


def _strings(value: object) -> object:
    """Values travel as strings upstream; accept numbers and booleans too."""
    if isinstance(value, list):
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in value]
    return value


class FilterField(BaseModel):
    field_name: str | None = Field(default=None, max_length=200)
    field_type: FieldType | None = None
    values: Annotated[list[str] | None, BeforeValidator(_strings)] = Field(default=None, max_length=MAX_VALUES)
    query_type: QueryType | None = None
    query_and_or: Relation | None = None
    sub_filter: FilterFields | None = None
    is_custom: bool | None = None
    extra_info: dict[str, str] | None = None


class FilterFields(BaseModel):
    query_and_or: Relation | None = None
    filter_fields: list[FilterField] = Field(default_factory=list, max_length=MAX_FIELDS)


# Built-in columns by the names upstream's filters use; everything else is a tag.
STRING_COLUMNS = {
    "span_id": "span_id",
    "trace_id": "trace_id",
    "parent_id": "parent_id",
    "call_type": "call_type",
    "psm": "service_name",
    "service_name": "service_name",
    "logid": "log_id",
    "log_id": "log_id",
    "span_type": "span_type",
    "span_name": "span_name",
    "method": "method",
    "input": "input",
    "output": "output",
    "object_storage": "object_storage",
    "model_name": "model_name",
}
LONG_COLUMNS = {"status_code": "status_code", "input_tokens": "input_tokens", "output_tokens": "output_tokens"}
# Given in ms, stored in µs.
MS_COLUMNS = {"start_time": "start_time", "duration": "duration", "latency": "duration"}
MS_TAGS = frozenset({"latency_first_resp", "start_time_first_resp", "reasoning_duration"})


class _Compiler:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.count = 0

    def fields(self, filters: FilterFields, depth: int) -> str:
        if depth > MAX_DEPTH:
            raise InvalidInput(f"filters nest deeper than {MAX_DEPTH} levels")
        parts = [self.field(field, depth) for field in filters.filter_fields]
        parts = [part for part in parts if part]
        if not parts:
            return ""
        joiner = " OR " if filters.query_and_or == "or" else " AND "
        return "(" + joiner.join(parts) + ")"

    def field(self, field: FilterField, depth: int) -> str:
        self.count += 1
        if self.count > MAX_FIELDS:
            raise InvalidInput(f"filters may have at most {MAX_FIELDS} fields")
        own = self.condition(field) if field.field_name else ""
        sub = self.fields(field.sub_filter, depth + 1) if field.sub_filter else ""
        if own and sub:
            return f"({own} {'OR' if field.query_and_or == 'or' else 'AND'} {sub})"
        return own or sub

    def condition(self, field: FilterField) -> str:
        name = field.field_name or ""
        query_type = field.query_type or "eq"
        values = field.values or []
        if field.is_custom:  # a tag, even when it is named like a built-in field ("status", "input", ...)
            return self._tag(name, field.field_type or _default_type(name), query_type, values)
        if name == "status":
            return self._status(query_type, values)
        if name in MS_COLUMNS:
            return _compare(MS_COLUMNS[name], query_type, [_number(name, v, "long", 1000) for v in values], True)
        if name in LONG_COLUMNS:
            return _compare(LONG_COLUMNS[name], query_type, [_number(name, v, "long") for v in values], True)
        if name in STRING_COLUMNS:
            column = STRING_COLUMNS[name]
            if field.field_type in ("long", "double"):
                raise InvalidInput(f"filter {name}: it is a string field; use field_type string")
            return _compare(column, query_type, [literal(v) for v in values], True, text=True)
        return self._tag(name, field.field_type or _default_type(name), query_type, values)

    def _status(self, query_type: QueryType, values: list[str]) -> str:
        wanted = {value.lower() for value in values}
        if not wanted <= {"success", "error"}:
            raise InvalidInput("filter status: values are 'success' and 'error'")
        negate = query_type in ("not_eq", "not_in")
        if query_type not in ("eq", "in", "not_eq", "not_in"):
            raise InvalidInput("filter status: use eq, in, not_eq or not_in")
        if wanted == {"success", "error"} or not wanted:
            return "false" if negate else "true"
        success = "success" in wanted
        return "status_code = 0" if success != negate else "status_code <> 0"

    def _tag(self, name: str, field_type: FieldType, query_type: QueryType, values: list[str]) -> str:
        column = {"string": "tags_string", "long": "tags_long", "double": "tags_double", "bool": "tags_bool"}[
            field_type
        ]
        expression = self.dialect.map_get(column, name)
        if field_type == "string":
            rendered = [literal(v) for v in values]
        elif field_type == "bool":
            rendered = [_bool(name, v) for v in values]
        else:
            scale = 1000 if name in MS_TAGS else 1
            rendered = [_number(name, v, field_type, scale) for v in values]
        return _compare(expression, query_type, rendered, False, text=field_type == "string")


def _default_type(name: str) -> FieldType:
    return "long" if name in ("tokens", *MS_TAGS) else "string"


def _number(name: str, value: str, field_type: FieldType, scale: int = 1) -> str:
    try:
        number = float(value) * scale
        if not math.isfinite(number) or abs(number) >= 2**63:
            raise ValueError(value)
        if field_type == "double":
            return repr(number)
        return str(int(number) if "." in value or "e" in value.lower() else int(value) * scale)
    except ValueError as error:
        raise InvalidInput(f"filter {name}: {value!r} is not a finite number in range") from error


def _bool(name: str, value: str) -> str:
    if value.lower() not in ("true", "false", "1", "0"):
        raise InvalidInput(f"filter {name}: {value!r} is not true or false")
    return "true" if value.lower() in ("true", "1") else "false"


def _like(value: str) -> str:
    body = literal(value)[1:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"'%{body}%' ESCAPE '\\'"


def _compare(expression: str, query_type: QueryType, values: list[str], column: bool, *, text: bool = False) -> str:
    """`column` is a real column (never NULL); a tag is NULL when the span does not have it."""
    present = f"{expression} <> ''" if column and text else ("true" if column else f"{expression} IS NOT NULL")
    if query_type == "exist":
        return present
    if query_type == "not_exist":
        return f"NOT ({present})" if column else f"{expression} IS NULL"
    if not values:
        raise InvalidInput(f"filter {query_type} needs at least one value")
    if query_type in ("match", "not_match"):
        if not text:
            raise InvalidInput("match and not_match work on string fields only")
        likes = " OR ".join(f"{expression} LIKE {_like(literal_value(v))}" for v in values)
        return f"({likes})" if query_type == "match" else f"NOT coalesce(({likes}), false)"
    if query_type in ("in", "not_in"):
        listed = f"{expression} IN ({', '.join(values)})"
        return listed if query_type == "in" else f"NOT coalesce({listed}, false)"
    operator = {"eq": "=", "not_eq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}[query_type]
    condition = f"{expression} {operator} {values[0]}"
    return f"coalesce({condition}, true)" if query_type == "not_eq" and not column else condition


def literal_value(rendered: str) -> str:
    """The text inside a rendered string literal."""
    return rendered[1:-1].replace("''", "'")


def compile_filters(filters: FilterFields | None, dialect: Dialect) -> str:
    if filters is None:
        return ""
    return _Compiler(dialect).fields(filters, 1)
