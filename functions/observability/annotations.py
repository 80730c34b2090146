"""Annotations on spans: manual feedback from the console and `openapi_feedback` from the OpenAPI.

All annotations of a trace sit in one DynamoDB item, keyed by workspace and trace, so a page of spans
reads its annotations with one BatchGet. An annotation's id comes from (span, type, key): annotating the
same key of a span again replaces the value, as a feedback control in the UI expects.
"""

import hashlib
import json
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path

from functions.observability import schemas
from shared.auth.principals import WorkspaceScope
from shared.clock import now_ms
from shared.errors import Conflict, NotFound
from shared.traces import index
from shared.traces.models import TraceAnnotationsItem


def annotation_id(span_id: str, annotation_type: str, key: str) -> str:
    return hashlib.sha256(f"{span_id}\x00{annotation_type}\x00{key}".encode()).hexdigest()[:20]


def _trace_key(workspace_id: int | str, trace_id: str) -> str:
    return f"{workspace_id}:{trace_id}"


def _require_trace(workspace_id: int, trace_id: str) -> None:
    """Annotations attach to stored traces only, so a typo in an id fails instead of vanishing."""
    if not index.knows(str(workspace_id), trace_id):
        raise NotFound(
            f"trace {trace_id} not found in workspace {workspace_id}; spans show up about a second after ingest"
        )


def upsert(scope: WorkspaceScope, given: schemas.AnnotationInput, annotation_type: str) -> str:
    _require_trace(scope.workspace_id, given.trace_id)
    identifier = annotation_id(given.span_id, annotation_type, given.key)
    item = TraceAnnotationsItem(_trace_key(scope.workspace_id, given.trace_id))
    now = now_ms()
    who = schemas.UserInfo(user_id=str(scope.principal.user_id))
    annotation = schemas.Annotation(
        id=identifier,
        span_id=given.span_id,
        trace_id=given.trace_id,
        workspace_id=str(scope.workspace_id),
        start_time=given.start_time,
        type=annotation_type,
        key=given.key,
        value_type=given.value_type,
        value=given.value,
        reasoning=given.reasoning,
        base_info=schemas.BaseInfo(created_by=who, updated_by=who, created_at=now, updated_at=now),
        manual_feedback=given.manual_feedback,
    )
    _put(item, identifier, annotation.model_dump_json())
    return identifier


def _put(item: TraceAnnotationsItem, identifier: str, text: str) -> None:
    """Sets one entry of the trace's map. DynamoDB refuses a nested path under a map that does not exist
    yet (the trace's first annotation), so that case creates the map, and a racing first writer retries."""
    entry = Path(["annotations", identifier])
    try:
        item.update(actions=[entry.set(text)], condition=TraceAnnotationsItem.annotations.exists())
        return
    except UpdateError as error:
        if error.cause_response_code == "ValidationException" and "size" in str(error.cause).lower():
            raise Conflict(
                "this trace has too many annotations (over 400 KB); delete some, or shorten their reasoning"
            ) from error
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    try:
        item.update(
            actions=[TraceAnnotationsItem.annotations.set({identifier: text})],
            condition=TraceAnnotationsItem.annotations.does_not_exist(),
        )
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        item.update(actions=[entry.set(text)])  # another request created the map in between


def delete(scope: WorkspaceScope, trace_id: str, identifier: str) -> None:
    item = TraceAnnotationsItem(_trace_key(scope.workspace_id, trace_id))
    existing = for_traces(scope.workspace_id, [trace_id]).get(trace_id, [])
    if not any(annotation["id"] == identifier for annotation in existing):
        raise NotFound(f"annotation {identifier} not found on trace {trace_id}")
    item.update(actions=[Path(["annotations", identifier]).remove()])


def delete_by_key(scope: WorkspaceScope, trace_id: str, span_id: str, key: str, annotation_type: str) -> None:
    delete(scope, trace_id, annotation_id(span_id, annotation_type, key))


def for_traces(workspace_id: int | str, trace_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Trace id → its annotations (as Annotation dicts), oldest first."""
    found: dict[str, list[dict[str, Any]]] = {}
    keys = [_trace_key(workspace_id, trace_id) for trace_id in dict.fromkeys(trace_ids)]
    for start in range(0, len(keys), 100):
        for item in TraceAnnotationsItem.batch_get(keys[start : start + 100]):
            stored = item.annotations.as_dict() if item.annotations is not None else {}  # type: ignore[no-untyped-call]
            values = [json.loads(raw) for raw in stored.values()]
            values.sort(key=lambda a: (a.get("base_info") or {}).get("created_at") or 0)
            found[item.trace_key.split(":", 1)[1]] = values
    return found


def of_span(workspace_id: int, trace_id: str, span_id: str) -> list[dict[str, Any]]:
    return [a for a in for_traces(workspace_id, [trace_id]).get(trace_id, []) if a["span_id"] == span_id]
