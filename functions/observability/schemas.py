"""Request and response models of the observability routes (names and fields as upstream's IDL:
observability/coze.loop.observability.{trace,metric,openapi}.thrift)."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.envelope import Envelope
from shared.ids import Int64
from shared.traces.query.filters import FilterFields

PlatformType = Annotated[str, StringConstraints(max_length=64)]
SpanListType = Literal["root_span", "all_span", "llm_span"]
TraceId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]
SpanId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
AnnotationValueType = Literal["string", "category", "number", "long", "double", "bool"]
AnnotationType = Literal[
    "auto_evaluate", "manual_evaluation_set", "manual_feedback", "coze_feedback", "openapi_feedback"
]


class Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


class OrderBy(BaseModel):
    field: str | None = None
    is_asc: bool | None = None


# --- spans --------------------------------------------------------------------------------------------


class UserInfo(BaseModel):
    name: str = ""
    user_id: str = ""
    email: str = ""
    avatar_url: str = ""


class BaseInfo(BaseModel):
    created_by: UserInfo | None = None
    updated_by: UserInfo | None = None
    created_at: Int64 | None = None
    updated_at: Int64 | None = None


class ManualFeedback(BaseModel):
    tag_key_id: Int64 = 0
    tag_key_name: str = ""
    tag_value_id: Int64 | None = None
    tag_value: str | None = None


class Annotation(BaseModel):
    id: str = ""
    span_id: str = ""
    trace_id: str = ""
    workspace_id: str = ""
    start_time: Int64 = 0  # ms, the span's start
    type: AnnotationType = "manual_feedback"
    key: str = ""
    value_type: AnnotationValueType = "string"
    value: str = ""
    status: str = "normal"
    reasoning: str = ""
    base_info: BaseInfo | None = None
    manual_feedback: ManualFeedback | None = None


class AttrTos(BaseModel):
    input_data_url: str | None = None
    output_data_url: str | None = None
    multimodal_data: dict[str, str] | None = None


class OutputSpan(BaseModel):
    trace_id: str
    span_id: str
    parent_id: str
    span_name: str
    span_type: str
    type: str
    started_at: Int64  # ms
    duration: Int64  # ms
    status: Literal["success", "error", "broken"]
    status_code: int
    input: str
    output: str
    logic_delete_date: Int64 = 0
    service_name: str = ""
    logid: str = ""
    call_type: str = ""
    system_tags_string: dict[str, str] = Field(default_factory=dict)
    system_tags_long: dict[str, Int64] = Field(default_factory=dict)
    system_tags_double: dict[str, float] = Field(default_factory=dict)
    tags_string: dict[str, str] = Field(default_factory=dict)
    tags_long: dict[str, Int64] = Field(default_factory=dict)
    tags_double: dict[str, float] = Field(default_factory=dict)
    tags_bool: dict[str, bool] = Field(default_factory=dict)
    custom_tags: dict[str, str] = Field(default_factory=dict)
    system_tags: dict[str, str] = Field(default_factory=dict)
    attr_tos: AttrTos | None = None
    annotations: list[Annotation] = Field(default_factory=list)
    # Ours, not upstream's: input or output was cut for this response; ask for the span with without_clip.
    clipped: bool = False


class ListSpansRequest(Request):
    workspace_id: Int64
    start_time: Int64  # ms
    end_time: Int64  # ms
    filters: FilterFields | None = None
    page_size: int | None = Field(default=None, ge=1, le=1000)
    order_bys: list[OrderBy] | None = Field(default=None, max_length=1)
    page_token: str | None = Field(default=None, max_length=1000)
    platform_type: PlatformType | None = None
    span_list_type: SpanListType | None = None
    without_clip: bool | None = None  # whole inputs and outputs (else cut to fit the response; see `clipped`)


class SpanPage(BaseModel):
    spans: list[OutputSpan]
    next_page_token: str
    has_more: bool


class ListSpansResponse(SpanPage, Envelope):
    pass


class TokenCost(BaseModel):
    input: Int64
    output: Int64


class TraceAdvanceInfo(BaseModel):
    trace_id: str
    tokens: TokenCost


class TraceData(BaseModel):
    spans: list[OutputSpan]
    traces_advance_info: TraceAdvanceInfo | None = None
    next_page_token: str = ""
    has_more: bool = False


class GetTraceResponse(TraceData, Envelope):
    pass


class TraceQueryParams(BaseModel):
    trace_id: TraceId
    start_time: Int64
    end_time: Int64


class BatchGetTracesAdvanceInfoRequest(Request):
    workspace_id: Int64
    traces: list[TraceQueryParams] = Field(max_length=200)
    platform_type: PlatformType | None = None


class BatchGetTracesAdvanceInfoResponse(Envelope):
    traces_advance_info: list[TraceAdvanceInfo]


class FieldOptions(BaseModel):
    i64_list: list[Int64] | None = None
    f64_list: list[float] | None = None
    string_list: list[str] | None = None


class FieldMeta(BaseModel):
    value_type: Literal["string", "long", "double", "bool"]
    filter_types: list[str]
    field_options: FieldOptions | None = None
    support_customizable_option: bool | None = None


class GetTracesMetaInfoResponse(Envelope):
    field_metas: dict[str, FieldMeta]
    key_span_type: list[str] = Field(default_factory=list)
    trace_default_range: str = ""


# --- views --------------------------------------------------------------------------------------------

ViewName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
FiltersJson = Annotated[str, StringConstraints(max_length=20_000)]


class View(BaseModel):
    id: Int64
    workspace_id: Int64 | None = None
    view_name: str
    platform_type: str | None = None
    span_list_type: str | None = None
    filters: str
    is_system: bool


class CreateViewRequest(Request):
    workspace_id: Int64
    view_name: ViewName
    platform_type: PlatformType = "cozeloop"
    span_list_type: SpanListType = "root_span"
    filters: FiltersJson


class CreateViewResponse(Envelope):
    id: Int64


class UpdateViewRequest(Request):
    workspace_id: Int64
    view_name: ViewName | None = None
    platform_type: PlatformType | None = None
    span_list_type: SpanListType | None = None
    filters: FiltersJson | None = None


class ListViewsRequest(Request):
    workspace_id: Int64
    view_name: str | None = None


class ListViewsResponse(Envelope):
    views: list[View]


# --- annotations --------------------------------------------------------------------------------------

AnnotationKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
AnnotationValue = Annotated[str, StringConstraints(max_length=1024)]
Reasoning = Annotated[str, StringConstraints(max_length=4096)]


class AnnotationInput(BaseModel):
    span_id: SpanId
    trace_id: TraceId
    workspace_id: Int64
    start_time: Int64 = 0  # ms, the span's start (upstream requires it; we find the span without it)
    key: AnnotationKey
    value_type: AnnotationValueType = "string"
    value: AnnotationValue = ""
    reasoning: Reasoning = ""
    manual_feedback: ManualFeedback | None = None


class CreateAnnotationRequest(Request):
    annotation: AnnotationInput
    platform_type: PlatformType | None = None
    workspace_id: Int64 | None = None  # optional: upstream sends it inside `annotation` only


class CreateAnnotationResponse(Envelope):
    annotation_id: str


class UpdateAnnotationRequest(Request):
    annotation: AnnotationInput
    platform_type: PlatformType | None = None
    workspace_id: Int64 | None = None  # optional: upstream sends it inside `annotation` only


class ListAnnotationsRequest(Request):
    workspace_id: Int64
    span_id: SpanId
    trace_id: TraceId
    start_time: Int64 = 0
    platform_type: PlatformType | None = None
    desc_by_updated_at: bool | None = None


class ListAnnotationsResponse(Envelope):
    annotations: list[Annotation]


class OpenAPICreateAnnotationRequest(Request):
    workspace_id: Int64
    span_id: SpanId
    trace_id: TraceId
    annotation_key: AnnotationKey
    annotation_value: AnnotationValue
    annotation_value_type: AnnotationValueType = "string"
    reasoning: Reasoning = ""


# --- metrics ------------------------------------------------------------------------------------------


class Compare(BaseModel):
    compare_type: Literal["yoy", "mom"] | None = None
    shift_seconds: Int64 | None = None


class GetMetricsRequest(Request):
    workspace_id: Int64
    start_time: Int64  # ms
    end_time: Int64  # ms
    metric_names: list[str] = Field(min_length=1, max_length=50)
    granularity: Literal["1min", "1hour", "1day", "1week"] | None = None
    filters: FilterFields | None = None
    platform_type: PlatformType | None = None
    drill_down_fields: list[dict[str, str | None]] | None = Field(default=None, max_length=1)
    compare: Compare | None = None


class MetricPoint(BaseModel):
    timestamp: str  # ms
    value: str


class Metric(BaseModel):
    summary: str | None = None
    pie: dict[str, str] | None = None
    time_series: dict[str, list[MetricPoint]] | None = None


class GetMetricsResponse(Envelope):
    metrics: dict[str, Metric]
    compared_metrics: dict[str, Metric] | None = None


class GetDrillDownValuesRequest(Request):
    workspace_id: Int64
    start_time: Int64
    end_time: Int64
    filters: FilterFields | None = None
    platform_type: PlatformType | None = None
    drill_down_value_type: Literal["model_name", "tool_name"]


class DrillDownValue(BaseModel):
    value: str
    display_name: str | None = None


class GetDrillDownValuesResponse(Envelope):
    drill_down_values: list[DrillDownValue]


class MetricNamesResponse(Envelope):
    metric_names: list[str]


# --- settings -----------------------------------------------------------------------------------------


class TraceSettingsResponse(Envelope):
    ttl_days: int
    ttl_choices: list[int]


class UpdateTraceSettingsRequest(Request):
    workspace_id: Int64
    ttl_days: int


# --- OpenAPI search -----------------------------------------------------------------------------------


class SearchTraceOApiRequest(Request):
    workspace_id: Int64
    logid: str | None = Field(default=None, max_length=200)
    trace_id: TraceId | None = None
    start_time: Int64
    end_time: Int64
    limit: int = Field(default=1000, ge=1, le=1000)
    platform_type: PlatformType | None = None
    span_ids: list[SpanId] | None = Field(default=None, max_length=1000)
    filters: FilterFields | None = None
    page_size: int | None = Field(default=None, ge=1, le=1000)
    page_token: str | None = None


class ListSpansOApiRequest(ListSpansRequest):
    page_size: int | None = Field(default=None, ge=1, le=200)


class ListTracesOApiRequest(Request):
    workspace_id: Int64
    start_time: Int64
    end_time: Int64
    trace_ids: list[TraceId] = Field(min_length=1, max_length=200)
    platform_type: PlatformType | None = None


class TracesAdvanceInfoData(BaseModel):
    traces: list[TraceAdvanceInfo]
