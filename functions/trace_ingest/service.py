"""Ingest: normalise the spans, check the caller may write to each workspace, queue them durably."""

import gzip
import json
import zlib
from dataclasses import dataclass
from typing import Any

from shared.auth.principals import Principal, require_membership
from shared.clock import now_ms
from shared.errors import InvalidInput, PayloadTooLarge
from shared.traces import ingest_queue
from shared.traces.normalize import normalize_batch

MAX_SPANS = 10_000  # the SDK sends 100, but flush() sends its whole retry queue at once (seen: 600)
MAX_BODY_BYTES = 64 << 20  # 100 spans of 1 MiB input and output, and some room
MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    rejected: int
    problems: list[str]

    @property
    def message(self) -> str:
        if not self.rejected:
            return ""
        shown = "; ".join(self.problems[:MAX_PROBLEMS_SHOWN])
        more = (
            f" (and {len(self.problems) - MAX_PROBLEMS_SHOWN} more)" if len(self.problems) > MAX_PROBLEMS_SHOWN else ""
        )
        return f"accepted {self.accepted} of {self.accepted + self.rejected} spans; rejected {shown}{more}"


def decompress(body: bytes, encoding: str | None) -> bytes:
    encoding = (encoding or "identity").strip().lower()
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, EOFError, zlib.error) as error:
        raise InvalidInput(f"the body is not valid {encoding} data") from error
    if encoding not in ("identity", ""):
        raise InvalidInput("Content-Encoding must be gzip, deflate or none")
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body is over {MAX_BODY_BYTES >> 20} MiB; send fewer spans per request")
    return body


def parse_spans(body: bytes) -> list[Any]:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(f'the body is not valid JSON ({error}); send {{"spans": [...]}}') from error
    spans = document.get("spans") if isinstance(document, dict) else None
    if not isinstance(spans, list):
        raise InvalidInput('the body must be a JSON object with a "spans" list')
    return spans


def ingest(principal: Principal, spans: list[Any], extra_problems: list[str] | None = None) -> IngestResult:
    """Queues every valid span; raises when none is valid, or when the caller may not write a workspace."""
    if len(spans) > MAX_SPANS:
        raise PayloadTooLarge(f"a request may carry at most {MAX_SPANS} spans; it had {len(spans)}")
    batch = normalize_batch(spans, now_ms() * 1000)
    problems = [*(extra_problems or []), *batch.problems]
    rejected = len(problems)
    if not batch.rows:
        if not problems:
            return IngestResult(0, 0, [])
        raise InvalidInput(f"no span was accepted: {'; '.join(problems[:MAX_PROBLEMS_SHOWN])}")
    # Every workspace is checked before anything is queued, so a refused request stores nothing.
    for workspace_id in batch.rows:
        require_membership(principal, int(workspace_id))
    for workspace_id, rows in batch.rows.items():
        ingest_queue.publish(workspace_id, rows)
    return IngestResult(batch.accepted, rejected, problems)
