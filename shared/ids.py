"""Snowflake-style int64 ids, and the `Int64` type that travels as a JSON string."""

import secrets
import threading
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from shared.clock import now_ms

_EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
_WORKER_BITS = 10
_SEQUENCE_BITS = 12
_MAX_INT64 = 2**63 - 1


class SnowflakeGenerator:
    """41 bits of milliseconds, 10 bits of worker, 12 bits of sequence.

    Lambda has no stable worker number, so each process draws one at random; writes that must be
    unique are conditional, so a rare collision fails loudly instead of overwriting.
    """

    def __init__(self, worker_id: int | None = None) -> None:
        self._worker = secrets.randbelow(1 << _WORKER_BITS) if worker_id is None else worker_id
        self._lock = threading.Lock()
        self._last_ms = 0
        self._sequence = 0

    def next_id(self) -> int:
        with self._lock:
            ms = max(now_ms(), self._last_ms)
            if ms == self._last_ms:
                self._sequence = (self._sequence + 1) & ((1 << _SEQUENCE_BITS) - 1)
                if self._sequence == 0:
                    ms += 1  # sequence exhausted in this millisecond: borrow the next one
            else:
                self._sequence = 0
            self._last_ms = ms
            return (
                ((ms - _EPOCH_MS) << (_WORKER_BITS + _SEQUENCE_BITS))
                | (self._worker << _SEQUENCE_BITS)
                | self._sequence
            )


_generator = SnowflakeGenerator()


def new_id() -> int:
    return _generator.next_id()


def parse_int64(value: Any) -> int:
    """Accept an int64 as a number or a decimal string, as upstream clients send both."""
    if isinstance(value, bool):
        raise ValueError("expected an integer id, got a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    else:
        raise ValueError("expected an integer or a string of digits")
    if not -_MAX_INT64 - 1 <= number <= _MAX_INT64:
        raise ValueError("out of the int64 range")
    return number


Int64 = Annotated[
    int,
    BeforeValidator(parse_int64),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^-?[0-9]+$"}, mode="serialization"),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": "^-?[0-9]+$"}, {"type": "integer"}]}, mode="validation"),
]
