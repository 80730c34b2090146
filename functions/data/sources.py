"""Reading uploaded CSV, JSONL and Parquet files row by row, with bounded memory and resumable positions.

CSV and JSONL are streamed from S3 a chunk at a time and every row reports the byte offset after it, so an
import can stop anywhere and resume with a ranged GET. Parquet is read by DuckDB (imported only here, only
when a Parquet file is read) in batches of `fetchmany`, resuming by the file's row number.

Problems with one row (bad quoting, a wrong number of values, bytes that are not UTF-8, invalid JSON) are
that row's error; problems with the whole file (missing, not the format it claims, a header that matches no
mapping) raise FileError.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext.parser import parse as parse_jsonpath

from functions.data.common import IOFileDTO
from shared.data import storage
from shared.data.entities import FileFormat
from shared.errors import InvalidInput

MAX_LINE_BYTES = 8 * 1024 * 1024
PARQUET_BATCH = 500
EXTENSIONS = {".csv": FileFormat.CSV, ".jsonl": FileFormat.JSONL, ".parquet": FileFormat.PARQUET}
SUPPORTED = "JSONL (1), Parquet (2) or CSV (3)"


class FileError(Exception):
    """The whole file cannot be imported; the message says why and what to do."""


@dataclass
class Position:
    """Where reading stopped: a byte offset (CSV, JSONL) or a row index (Parquet), the data rows read so far
    and, for CSV, the header."""

    offset: int = 0
    rows: int = 0
    lines: int = 0
    header: list[str] | None = None

    def dump(self) -> dict[str, Any]:
        return {"offset": self.offset, "rows": self.rows, "lines": self.lines, "header": self.header}

    @staticmethod
    def load(raw: dict[str, Any] | None) -> "Position":
        raw = raw or {}
        return Position(int(raw.get("offset", 0)), int(raw.get("rows", 0)), int(raw.get("lines", 0)), raw.get("header"))


@dataclass
class SourceRow:
    number: int  # 1-based among data rows
    values: dict[str, Any] | None
    error: str | None
    after: Position = field(default_factory=Position)


def object_key(workspace_id: int, file: IOFileDTO) -> str:
    """The uploaded file's key; only the workspace's own uploads can be read."""
    path = file.path.lstrip("/")
    if not storage.owns_uri(workspace_id, path):
        raise InvalidInput(
            f"file.path {file.path!r} is not a file uploaded to this workspace; upload it first and send the "
            "returned uri (it starts with the workspace id)"
        )
    if file.provider not in (None, 5):
        raise InvalidInput("file.provider must be 5 (S3): files are uploaded through the presigned upload route")
    return path


def file_format(file: IOFileDTO) -> FileFormat:
    if file.compress_format:
        raise InvalidInput("file.compress_format: compressed uploads are not supported; upload the file itself")
    if file.format is not None:
        if file.format not in (FileFormat.JSONL, FileFormat.PARQUET, FileFormat.CSV):
            raise InvalidInput(f"file.format {file.format} is not supported; use {SUPPORTED}")
        return FileFormat(file.format)
    name = (file.original_file_name or file.path).lower()
    for extension, found in EXTENSIONS.items():
        if name.endswith(extension):
            return found
    raise InvalidInput(f"file.format is missing and {file.path!r} has no known extension; set it to {SUPPORTED}")


# --- CSV and JSONL -----------------------------------------------------------------------------------------


def _lines(key: str, start: int) -> Iterator[tuple[bytes, int]]:
    """(line with its newline, byte offset just after it), from `start`; never more than a chunk plus a line."""
    pending = b""
    position = start
    for chunk in storage.stream(key, start):
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            position += len(line) + 1
            yield line + b"\n", position
        if len(pending) > MAX_LINE_BYTES:
            raise FileError(
                f"the file has a line longer than {MAX_LINE_BYTES // (1024 * 1024)} MB near byte {position}; "
                "is it really a text file of rows?"
            )
    if pending:
        yield pending, position + len(pending)


class _Feed:
    """Decoded lines for the csv module, keeping track of where the last one consumed ended.

    The csv module pulls exactly the lines of one record per call, so after each record `position` is the
    offset to resume from. Bytes that are not UTF-8 are remembered and the record reported as an error.
    """

    def __init__(self, key: str, start: int, first: bool) -> None:
        self.lines = _lines(key, start)
        self.position = start
        self.consumed = 0
        self.first = first
        self.bad_encoding: str | None = None

    def __iter__(self) -> "_Feed":
        return self

    def reset(self) -> None:
        """Before each record: forget the previous record's encoding problem."""
        self.bad_encoding = None

    def __next__(self) -> str:
        raw, self.position = next(self.lines)
        self.consumed += 1
        if self.first:
            self.first = False
            raw = raw.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as Excel writes
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as error:
            if self.bad_encoding is None:
                byte = raw[error.start : error.start + 1].hex()
                self.bad_encoding = f"byte 0x{byte} at position {error.start + 1} of the line is not UTF-8"
            return raw.decode("utf-8", errors="replace")


def _delimiter_hint(header: list[str]) -> str:
    if len(header) == 1:
        for name, delimiter in (("semicolons", ";"), ("tabs", "\t"), ("pipes", "|")):
            if delimiter in header[0]:
                return f" The header looks separated by {name}; save the file as comma-separated CSV."
    return ""


def csv_header(key: str) -> list[str]:
    feed = _Feed(key, 0, first=True)
    reader = csv.reader(feed, strict=True)
    try:
        header = next(reader)
    except StopIteration as error:
        raise FileError("the CSV file is empty; its first line must name the columns") from error
    except csv.Error as error:
        raise FileError(f"the CSV header cannot be read ({error}); check its quoting") from error
    if feed.bad_encoding:
        raise FileError(f"the CSV header is not UTF-8 text ({feed.bad_encoding}); save the file as UTF-8")
    return [name.strip() for name in header]


def check_sources(header: list[str], sources: list[str], what: str = "CSV header") -> None:
    missing = [source for source in sources if not source.startswith("$") and source not in header]
    if missing:
        shown = ", ".join(repr(name) for name in header[:20])
        raise FileError(
            f"the field_mappings sources {missing} are not columns of the file; the {what} has {shown}."
            + _delimiter_hint(header)
        )


def _csv_rows(key: str, start: Position, max_field: int) -> Iterator[SourceRow]:
    header = start.header if start.header is not None else csv_header(key)
    position = Position(start.offset, start.rows, start.lines, header)
    if start.header is None:  # skip the header line(s) to reach the first data row
        feed = _Feed(key, 0, first=True)
        next(csv.reader(feed, strict=True))
        position.offset, position.lines = feed.position, feed.consumed
    csv.field_size_limit(max_field)
    feed = _Feed(key, position.offset, first=position.offset == 0)
    feed.consumed = position.lines
    reader = csv.reader(feed, strict=True)
    while True:
        feed.reset()
        first_line = position.lines + 1
        error: str | None
        try:
            record = next(reader)
            error = None
        except StopIteration:
            return
        except csv.Error as failure:
            record, error = [], _quoting_message(str(failure))
        lines = f"line {first_line}" if feed.consumed - position.lines <= 1 else f"lines {first_line}-{feed.consumed}"
        position = Position(feed.position, position.rows, feed.consumed, header)
        if not record and error is None:
            continue  # a blank line
        position.rows += 1
        where = f"row {position.rows} ({lines})"
        if error is None and feed.bad_encoding:
            error = f"{where}: {feed.bad_encoding}; save the file as UTF-8 (it looks like another encoding)"
        elif error is not None:
            error = f"{where}: {error}"
        elif len(record) != len(header):
            error = (
                f"{where} has {len(record)} values but the header has {len(header)} columns; quote values that "
                "contain commas or line breaks"
            )
        values = None if error else dict(zip(header, record, strict=True))
        yield SourceRow(position.rows, values, error, Position(position.offset, position.rows, position.lines, header))


def _quoting_message(error: str) -> str:
    if "field larger than field limit" in error:
        return "a value is larger than the item size limit; a quote opened here may never be closed"
    if "unexpected end of data" in error:
        return "a quoted value opened here is never closed before the end of the file"
    return f'broken quoting ({error}); a quote inside a quoted value must be doubled ("")'


def _jsonl_rows(key: str, start: Position) -> Iterator[SourceRow]:
    position = Position(start.offset, start.rows, start.lines)
    first = start.offset == 0
    for raw, offset in _lines(key, start.offset):
        if first:
            raw, first = raw.removeprefix(b"\xef\xbb\xbf"), False
        position = Position(offset, position.rows, position.lines + 1)
        if not raw.strip():
            continue
        position.rows += 1
        where = f"row {position.rows} (line {position.lines})"
        values: dict[str, Any] | None = None
        error = None
        try:
            parsed = json.loads(raw.decode("utf-8"))
            if isinstance(parsed, dict):
                values = parsed
            else:
                error = f"{where} is a JSON {type(parsed).__name__}, not an object of field values"
        except UnicodeDecodeError as failure:
            error = f"{where}: byte at position {failure.start + 1} is not UTF-8; save the file as UTF-8"
        except ValueError as failure:
            error = f"{where} is not valid JSON ({failure}); each line must be one JSON object"
        yield SourceRow(position.rows, values, error, Position(position.offset, position.rows, position.lines))


# --- Parquet ------------------------------------------------------------------------------------------------


def _is_duckdb_error(error: Exception) -> bool:
    import duckdb

    return isinstance(error, duckdb.Error)


def _parquet_url(key: str) -> str:
    return f"s3://{storage.bucket()}/{key}".replace("'", "''")


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict | list):
        return value
    return str(value)


def _parquet_rows(key: str, start: Position) -> Iterator[SourceRow]:
    from shared.traces.duck import cursor

    duck = cursor()
    try:
        duck.execute(
            f"SELECT * FROM read_parquet('{_parquet_url(key)}', file_row_number = true) WHERE file_row_number >= ?",
            [start.offset],
        )
        names = [column[0] for column in duck.description or []]
        index = names.index("file_row_number")
        rows = start.rows
        while batch := duck.fetchmany(PARQUET_BATCH):
            for record in batch:
                rows += 1
                values = {
                    name: _plain(value) for i, (name, value) in enumerate(zip(names, record, strict=True)) if i != index
                }
                yield SourceRow(rows, values, None, Position(int(record[index]) + 1, rows))
    except Exception as error:
        if _is_duckdb_error(error):
            raise FileError(f"the Parquet file cannot be read ({str(error).splitlines()[0]})") from error
        raise
    finally:
        duck.close()


def parquet_columns(key: str) -> list[str]:
    from shared.traces.duck import cursor

    duck = cursor()
    try:
        duck.execute(f"SELECT * FROM read_parquet('{_parquet_url(key)}') LIMIT 0")
        return [column[0] for column in duck.description or []]
    except Exception as error:
        if _is_duckdb_error(error):
            raise FileError(f"the Parquet file cannot be read ({str(error).splitlines()[0]})") from error
        raise
    finally:
        duck.close()


def _parquet_count(key: str) -> int:
    from shared.traces.duck import cursor

    duck = cursor()
    try:
        found = duck.execute(f"SELECT count(*) FROM read_parquet('{_parquet_url(key)}')").fetchone()
        return int(found[0]) if found else 0
    except Exception as error:
        if _is_duckdb_error(error):
            raise FileError(f"the Parquet file cannot be read ({str(error).splitlines()[0]})") from error
        raise
    finally:
        duck.close()


# --- the API of this module ---------------------------------------------------------------------------------


def rows(key: str, fmt: FileFormat, start: Position, *, max_field: int) -> Iterator[SourceRow]:
    if fmt == FileFormat.CSV:
        return _csv_rows(key, start, max_field)
    if fmt == FileFormat.JSONL:
        return _jsonl_rows(key, start)
    return _parquet_rows(key, start)


def count(key: str, fmt: FileFormat, max_field: int) -> int:
    """How many data rows the file has (a streaming pass for CSV and JSONL, the footer for Parquet)."""
    if fmt == FileFormat.PARQUET:
        return _parquet_count(key)
    return sum(1 for _ in rows(key, fmt, Position(), max_field=max_field))


def columns_and_samples(key: str, fmt: FileFormat, limit: int = 10) -> tuple[list[str], dict[str, list[str]]]:
    """The columns of a file and up to `limit` values of each (for the console's mapping screen)."""
    found: list[str] = csv_header(key) if fmt == FileFormat.CSV else []
    if fmt == FileFormat.PARQUET:
        found = parquet_columns(key)
    samples: dict[str, list[str]] = {name: [] for name in found}
    for index, row in enumerate(rows(key, fmt, Position(), max_field=1_048_576)):
        if index >= limit:
            break
        for name, value in (row.values or {}).items():
            if name not in samples:
                found.append(name)
                samples[name] = []
            samples[name].append(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return found, samples


def pick(values: dict[str, Any], source: str) -> Any:
    """A column's value, or the value a JSONPath (starting with $) finds in the row."""
    if not source.startswith("$"):
        return values.get(source)
    found = compiled_path(source).find(values)
    if not found:
        return None
    return found[0].value if len(found) == 1 else [match.value for match in found]


_paths: dict[str, Any] = {}


def compiled_path(source: str) -> Any:
    if source not in _paths:
        try:
            _paths[source] = parse_jsonpath(source)
        except (JsonPathParserError, Exception) as error:  # jsonpath-ng raises several kinds
            raise InvalidInput(f"field_mappings source {source!r} is not a valid JSONPath ({error})") from error
    return _paths[source]


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def csv_line(values: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue().encode()
