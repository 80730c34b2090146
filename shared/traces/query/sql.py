"""The two SQL dialects the trace store speaks, and safe literals (the SQL is built as text for both)."""

from typing import Protocol

from shared.errors import InvalidInput


def literal(value: str) -> str:
    if "\x00" in value:
        raise InvalidInput("filter values must not contain NUL characters")
    return "'" + value.replace("'", "''") + "'"


class Dialect(Protocol):
    name: str

    def map_get(self, column: str, key: str) -> str: ...

    def int_div(self, numerator: str, denominator: int) -> str: ...

    def percentile(self, expression: str, fraction: float) -> str: ...

    def select_column(self, column: str) -> str: ...


class DuckDBDialect:
    name = "duckdb"

    def map_get(self, column: str, key: str) -> str:
        return f"{column}[{literal(key)}]"

    def int_div(self, numerator: str, denominator: int) -> str:
        return f"({numerator} // {denominator})"

    def percentile(self, expression: str, fraction: float) -> str:
        return f"quantile_cont({expression}, {fraction})"

    def select_column(self, column: str) -> str:
        return column


class AthenaDialect:
    """Athena (Trino): maps are read with element_at and come back as JSON text, which the engine parses."""

    name = "athena"

    def map_get(self, column: str, key: str) -> str:
        return f"element_at({column}, {literal(key)})"

    def int_div(self, numerator: str, denominator: int) -> str:
        return f"({numerator} / {denominator})"  # bigint division truncates in Trino

    def percentile(self, expression: str, fraction: float) -> str:
        return f"approx_percentile({expression}, {fraction})"

    def select_column(self, column: str) -> str:
        if column.startswith(("tags_", "system_tags_")):
            return f"json_format(CAST({column} AS JSON)) AS {column}"
        return column
