"""Observability routes: thin, they validate and call the services."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from functions.observability import annotations, export, meta, metrics, schemas, spans, views
from functions.observability.schemas import SpanId, TraceId
from shared.auth.dependencies import ConsoleUser, ConsoleWorkspace, OpenAPIWorkspace
from shared.auth.principals import Principal, WorkspaceScope, require_membership
from shared.envelope import Envelope, OpenAPIResponse
from shared.errors import Forbidden, InvalidInput
from shared.ids import Int64
from shared.traces.retention import TTL_CHOICES, set_ttl_days, ttl_days

traces = APIRouter(prefix="/api/observability/v1", tags=["traces"])
# GET and DELETE routes declare `workspace_id` for the generated client; ConsoleWorkspace reads and checks it.
observability_openapi = APIRouter(prefix="/v1/loop", tags=["observability-openapi"])


# --- spans and traces ---------------------------------------------------------------------------------


@traces.post("/spans/list", response_model=schemas.ListSpansResponse)
async def list_spans(body: schemas.ListSpansRequest, scope: ConsoleWorkspace) -> schemas.ListSpansResponse:
    page = await run_in_threadpool(spans.list_spans, scope.workspace_id, body)
    return schemas.ListSpansResponse(**page.model_dump())


@traces.get("/traces/meta_info", response_model=schemas.GetTracesMetaInfoResponse)
def get_traces_meta_info(
    scope: ConsoleWorkspace,
    workspace_id: Annotated[Int64, Query(description="the workspace")],
    span_list_type: Annotated[str | None, Query()] = None,
) -> schemas.GetTracesMetaInfoResponse:
    return schemas.GetTracesMetaInfoResponse(
        field_metas=meta.field_metas(span_list_type),
        key_span_type=["model", "tool", "prompt", "retriever"],
        trace_default_range="1d",
    )


@traces.get("/traces/{trace_id}", response_model=schemas.GetTraceResponse)
async def get_trace(
    trace_id: TraceId,
    scope: ConsoleWorkspace,
    workspace_id: Annotated[Int64, Query(description="the workspace")],
    start_time: Annotated[Int64 | None, Query()] = None,
    end_time: Annotated[Int64 | None, Query()] = None,
    span_ids: Annotated[list[SpanId] | None, Query()] = None,
    without_clip: Annotated[bool, Query(description="whole inputs and outputs of the span_ids asked for")] = False,
) -> schemas.GetTraceResponse:
    data = await run_in_threadpool(
        spans.get_trace, scope.workspace_id, trace_id, start_time, end_time, span_ids, without_clip
    )
    return schemas.GetTraceResponse(**data.model_dump())


@traces.post("/traces/batch_get_advance_info", response_model=schemas.BatchGetTracesAdvanceInfoResponse)
async def batch_get_traces_advance_info(
    body: schemas.BatchGetTracesAdvanceInfoRequest, scope: ConsoleWorkspace
) -> schemas.BatchGetTracesAdvanceInfoResponse:
    infos = await run_in_threadpool(spans.advance_info, scope.workspace_id, body.traces)
    return schemas.BatchGetTracesAdvanceInfoResponse(traces_advance_info=infos)


@traces.post("/traces/export_to_dataset", response_model=export.ExportTracesToDatasetResponse)
async def export_traces_to_dataset(
    body: export.ExportTracesToDatasetRequest, scope: ConsoleWorkspace
) -> export.ExportTracesToDatasetResponse:
    return await run_in_threadpool(export.export_to_dataset, scope, body)


@traces.post("/traces/preview_export_to_dataset", response_model=export.PreviewExportTracesToDatasetResponse)
async def preview_export_traces_to_dataset(
    body: export.PreviewExportTracesToDatasetRequest, scope: ConsoleWorkspace
) -> export.PreviewExportTracesToDatasetResponse:
    return await run_in_threadpool(export.preview, scope, body)


# --- views --------------------------------------------------------------------------------------------


@traces.post("/views", response_model=schemas.CreateViewResponse)
def create_view(body: schemas.CreateViewRequest, scope: ConsoleWorkspace) -> schemas.CreateViewResponse:
    return schemas.CreateViewResponse(id=views.create(scope, body))


@traces.put("/views/{view_id}", response_model=Envelope)
def update_view(view_id: Int64, body: schemas.UpdateViewRequest, scope: ConsoleWorkspace) -> Envelope:
    views.update(scope, view_id, body)
    return Envelope()


@traces.delete("/views/{view_id}", response_model=Envelope)
def delete_view(
    view_id: Int64, scope: ConsoleWorkspace, workspace_id: Annotated[Int64, Query(description="the workspace")]
) -> Envelope:
    views.delete(scope, view_id)
    return Envelope()


@traces.post("/views/list", response_model=schemas.ListViewsResponse)
def list_views(body: schemas.ListViewsRequest, scope: ConsoleWorkspace) -> schemas.ListViewsResponse:
    return schemas.ListViewsResponse(views=views.list_views(scope, body.view_name))


# --- annotations --------------------------------------------------------------------------------------


def _same_workspace(given: int, scope_workspace: int) -> None:
    if given != scope_workspace:
        raise InvalidInput("annotation.workspace_id must be the request's workspace_id")


def _annotation_scope(
    principal: Principal,
    body: schemas.CreateAnnotationRequest | schemas.UpdateAnnotationRequest,
    query_workspace_id: int | None,
) -> WorkspaceScope:
    """Upstream's body names the workspace inside `annotation` only; a workspace_id in the query or at the top
    of the body may be sent too, and must then be the same one."""
    for named in (query_workspace_id, body.workspace_id):
        if named is not None:
            _same_workspace(body.annotation.workspace_id, named)
    return require_membership(principal, body.annotation.workspace_id)


@traces.post("/annotations", response_model=schemas.CreateAnnotationResponse)
def create_manual_annotation(
    body: schemas.CreateAnnotationRequest,
    principal: ConsoleUser,
    workspace_id: Annotated[Int64 | None, Query()] = None,
) -> schemas.CreateAnnotationResponse:
    scope = _annotation_scope(principal, body, workspace_id)
    return schemas.CreateAnnotationResponse(annotation_id=annotations.upsert(scope, body.annotation, "manual_feedback"))


@traces.put("/annotations/{annotation_id}", response_model=Envelope)
def update_manual_annotation(
    annotation_id: str,
    body: schemas.UpdateAnnotationRequest,
    principal: ConsoleUser,
    workspace_id: Annotated[Int64 | None, Query()] = None,
) -> Envelope:
    scope = _annotation_scope(principal, body, workspace_id)
    expected = annotations.annotation_id(body.annotation.span_id, "manual_feedback", body.annotation.key)
    if expected != annotation_id:
        raise InvalidInput("the annotation's span and key do not match annotation_id; create a new annotation instead")
    annotations.upsert(scope, body.annotation, "manual_feedback")
    return Envelope()


@traces.delete("/annotations/{annotation_id}", response_model=Envelope)
def delete_manual_annotation(
    annotation_id: str,
    trace_id: Annotated[TraceId, Query()],
    scope: ConsoleWorkspace,
    workspace_id: Annotated[Int64, Query(description="the workspace")],
) -> Envelope:
    annotations.delete(scope, trace_id, annotation_id)
    return Envelope()


@traces.post("/annotations/list", response_model=schemas.ListAnnotationsResponse)
def list_annotations(body: schemas.ListAnnotationsRequest, scope: ConsoleWorkspace) -> schemas.ListAnnotationsResponse:
    found = annotations.of_span(scope.workspace_id, body.trace_id, body.span_id)
    if body.desc_by_updated_at:
        found.reverse()
    return schemas.ListAnnotationsResponse(annotations=[schemas.Annotation.model_validate(a) for a in found])


# --- metrics ------------------------------------------------------------------------------------------


@traces.post("/metrics/list", response_model=schemas.GetMetricsResponse)
async def get_metrics(body: schemas.GetMetricsRequest, scope: ConsoleWorkspace) -> schemas.GetMetricsResponse:
    if body.compare is not None and body.compare.compare_type is not None:
        raise InvalidInput("compare (yoy/mom) is not supported yet; send the shifted range as a second request")
    found = await run_in_threadpool(metrics.get_metrics, scope.workspace_id, body)
    return schemas.GetMetricsResponse(metrics=found)


@traces.post("/metrics/drill_down_values", response_model=schemas.GetDrillDownValuesResponse)
async def get_drill_down_values(
    body: schemas.GetDrillDownValuesRequest, scope: ConsoleWorkspace
) -> schemas.GetDrillDownValuesResponse:
    values = await run_in_threadpool(metrics.drill_down_values, scope.workspace_id, body)
    return schemas.GetDrillDownValuesResponse(drill_down_values=values)


@traces.get("/metrics/names", response_model=schemas.MetricNamesResponse)
def list_metric_names(
    scope: ConsoleWorkspace, workspace_id: Annotated[Int64, Query(description="the workspace")]
) -> schemas.MetricNamesResponse:
    return schemas.MetricNamesResponse(metric_names=metrics.metric_names())


# --- trace settings -----------------------------------------------------------------------------------


@traces.get("/trace_settings", response_model=schemas.TraceSettingsResponse)
def get_trace_settings(
    scope: ConsoleWorkspace, workspace_id: Annotated[Int64, Query(description="the workspace")]
) -> schemas.TraceSettingsResponse:
    return schemas.TraceSettingsResponse(ttl_days=ttl_days(str(scope.workspace_id)), ttl_choices=list(TTL_CHOICES))


@traces.put("/trace_settings", response_model=schemas.TraceSettingsResponse)
def update_trace_settings(
    body: schemas.UpdateTraceSettingsRequest, scope: ConsoleWorkspace
) -> schemas.TraceSettingsResponse:
    if not scope.role.manages_members:
        raise Forbidden("only the workspace's owners and admins can change how long traces are kept")
    try:
        set_ttl_days(str(scope.workspace_id), body.ttl_days, str(scope.principal.user_id))
    except ValueError as error:
        raise InvalidInput(str(error)) from error
    return schemas.TraceSettingsResponse(ttl_days=body.ttl_days, ttl_choices=list(TTL_CHOICES))


# --- OpenAPI ------------------------------------------------------------------------------------------


@observability_openapi.post("/traces/search", response_model=OpenAPIResponse[schemas.TraceData])
async def search_trace_oapi(
    body: schemas.SearchTraceOApiRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[schemas.TraceData]:
    if body.trace_id:
        data = await run_in_threadpool(
            spans.get_trace, scope.workspace_id, body.trace_id, body.start_time, body.end_time, body.span_ids
        )
    elif body.logid:
        data = await run_in_threadpool(
            spans.search_by_log_id, scope.workspace_id, body.logid, body.start_time, body.end_time, body.limit
        )
    else:
        raise InvalidInput("send trace_id or logid")
    return OpenAPIResponse(data=data)


@observability_openapi.post("/spans/search", response_model=OpenAPIResponse[schemas.SpanPage])
async def list_spans_oapi(
    body: schemas.ListSpansOApiRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[schemas.SpanPage]:
    return OpenAPIResponse(data=await run_in_threadpool(spans.list_spans, scope.workspace_id, body))


@observability_openapi.post("/traces/list", response_model=OpenAPIResponse[schemas.TracesAdvanceInfoData])
async def list_traces_oapi(
    body: schemas.ListTracesOApiRequest, scope: OpenAPIWorkspace
) -> OpenAPIResponse[schemas.TracesAdvanceInfoData]:
    traces_asked = [
        schemas.TraceQueryParams(trace_id=trace_id, start_time=body.start_time, end_time=body.end_time)
        for trace_id in body.trace_ids
    ]
    infos = await run_in_threadpool(spans.advance_info, scope.workspace_id, traces_asked)
    return OpenAPIResponse(data=schemas.TracesAdvanceInfoData(traces=infos))


@observability_openapi.post("/annotations", response_model=Envelope)
def create_annotation_oapi(body: schemas.OpenAPICreateAnnotationRequest, scope: OpenAPIWorkspace) -> Envelope:
    given = schemas.AnnotationInput(
        span_id=body.span_id,
        trace_id=body.trace_id,
        workspace_id=body.workspace_id,
        key=body.annotation_key,
        value_type=body.annotation_value_type,
        value=body.annotation_value,
        reasoning=body.reasoning,
    )
    annotations.upsert(scope, given, "openapi_feedback")
    return Envelope()


@observability_openapi.delete("/annotations", response_model=Envelope)
def delete_annotation_oapi(
    scope: OpenAPIWorkspace,
    trace_id: Annotated[TraceId, Query()],
    span_id: Annotated[SpanId, Query()],
    annotation_key: Annotated[str, Query(min_length=1, max_length=100)],
) -> Envelope:
    annotations.delete_by_key(scope, trace_id, span_id, annotation_key, "openapi_feedback")
    return Envelope()
