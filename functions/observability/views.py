"""Saved views of the trace list: the two built-in ones and the workspace's own."""

import json

from pydantic import ValidationError

from functions.observability import schemas
from shared.auth.principals import WorkspaceScope
from shared.clock import now_ms
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.ids import new_id
from shared.traces.models import ViewItem
from shared.traces.query.filters import FilterFields


def _filters(*fields: dict[str, object]) -> str:
    return json.dumps({"query_and_or": "and", "filter_fields": list(fields)})


SYSTEM_VIEWS = (
    schemas.View(
        id=1,
        view_name="Exceptions",
        platform_type="cozeloop",
        span_list_type="root_span",
        filters=_filters({"field_name": "status", "field_type": "string", "values": ["error"], "query_type": "in"}),
        is_system=True,
    ),
    schemas.View(
        id=2,
        view_name="High latency",
        platform_type="cozeloop",
        span_list_type="root_span",
        filters=_filters({"field_name": "duration", "field_type": "long", "values": ["10000"], "query_type": "gte"}),
        is_system=True,
    ),
)
SYSTEM_VIEW_IDS = {view.id for view in SYSTEM_VIEWS}


def check_filters(raw: str) -> None:
    """A view's filters are FilterFields JSON; saving one that the span list would refuse helps nobody."""
    try:
        FilterFields.model_validate_json(raw or "{}")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "filters"
        raise InvalidInput(f"filters is not valid FilterFields JSON ({where}: {first['msg']})") from error


def _view(item: ViewItem) -> schemas.View:
    return schemas.View(
        id=item.view_id,
        workspace_id=int(item.workspace_id),
        view_name=item.view_name,
        platform_type=item.platform_type,
        span_list_type=item.span_list_type,
        filters=item.filters,
        is_system=False,
    )


def create(scope: WorkspaceScope, body: schemas.CreateViewRequest) -> int:
    check_filters(body.filters)
    view_id = new_id()
    ViewItem(
        str(scope.workspace_id),
        view_id,
        view_name=body.view_name,
        platform_type=body.platform_type,
        span_list_type=body.span_list_type,
        filters=body.filters,
        created_by=str(scope.principal.user_id),
        created_at=now_ms(),
    ).save()
    return view_id


def _existing(scope: WorkspaceScope, view_id: int) -> ViewItem:
    if view_id in SYSTEM_VIEW_IDS:
        raise Forbidden("built-in views cannot be changed or deleted; save a copy as a new view")
    try:
        return ViewItem.get(str(scope.workspace_id), view_id)
    except ViewItem.DoesNotExist:
        raise NotFound(f"view {view_id} not found in this workspace") from None


def update(scope: WorkspaceScope, view_id: int, body: schemas.UpdateViewRequest) -> None:
    item = _existing(scope, view_id)
    if body.filters is not None:
        check_filters(body.filters)
        item.filters = body.filters
    if body.view_name is not None:
        item.view_name = body.view_name
    if body.platform_type is not None:
        item.platform_type = body.platform_type
    if body.span_list_type is not None:
        item.span_list_type = body.span_list_type
    item.save(condition=ViewItem.view_id.exists())


def delete(scope: WorkspaceScope, view_id: int) -> None:
    item = _existing(scope, view_id)
    item.delete()


def list_views(scope: WorkspaceScope, name: str | None) -> list[schemas.View]:
    views = [*SYSTEM_VIEWS, *(_view(item) for item in ViewItem.query(str(scope.workspace_id)))]
    if name:
        views = [view for view in views if name.lower() in view.view_name.lower()]
    return views
