"""Ingest: normalise the spans, check the caller may write to each workspace, queue them durably."""

import json
from dataclasses import dataclass
from typing import Any

from shared.auth.principals import Principal, require_membership
from shared.clock import now_ms
from shared.errors import InvalidInput, LoopError, PayloadTooLarge
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


def parse_spans(body: bytes) -> list[Any]:
    try:
        document = json.loads(body)
    except RecursionError as error:
        raise InvalidInput("the body nests too deeply to be a batch of spans") from error
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
    malformed = [*(extra_problems or []), *batch.problems]
    refused: list[str] = []
    refusal: LoopError | None = None
    # Spans of a workspace the caller may not write are refused like malformed ones; the rest are stored.
    for workspace_id in list(batch.rows):
        try:
            require_membership(principal, int(workspace_id))
        except LoopError as error:
            refusal = error
            refused.append(f"{len(batch.rows.pop(workspace_id))} span(s) of workspace {workspace_id}: {error.message}")
    problems = [*malformed, *refused]
    if not batch.rows:
        if refusal is not None and not malformed:
            raise refusal  # the request's only problem is the workspace: its own status (404), as elsewhere
        if not problems:
            return IngestResult(0, 0, [])
        raise InvalidInput(f"no span was accepted: {'; '.join(problems[:MAX_PROBLEMS_SHOWN])}")
    for workspace_id, rows in batch.rows.items():
        ingest_queue.publish(workspace_id, rows)
    accepted = sum(len(rows) for rows in batch.rows.values())
    return IngestResult(accepted, len(spans) + len(extra_problems or []) - accepted, problems)
