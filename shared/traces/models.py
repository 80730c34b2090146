"""DynamoDB items of observability: the trace index, per-workspace trace settings, views and annotations."""

from typing import Any

from pynamodb.attributes import MapAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model

from shared.dynamo import IntegerAttribute, table_meta


class TraceIndexItem(Model):
    """One item per trace and hour partition holding some of its spans, so a trace is read without a time hint.

    The writer puts them in batches (a put of the same key is the same item, so a redelivered batch changes
    nothing). Items of the earlier shape, one per trace with its hours in a set, are still read.
    """

    Meta = table_meta("trace-index", ttl_attribute="expires_at")

    workspace_id = UnicodeAttribute(hash_key=True)
    trace_hour = UnicodeAttribute(range_key=True, attr_name="trace_id")  # "<trace id>#YYYY-MM-DD/HH"
    hours = UnicodeSetAttribute(null=True)  # the earlier shape only: "YYYY-MM-DD/HH" labels
    expires_at = IntegerAttribute()  # epoch seconds


class TraceSettingsItem(Model):
    Meta = table_meta("trace-settings")

    workspace_id = UnicodeAttribute(hash_key=True)
    ttl_days = IntegerAttribute()
    updated_by = UnicodeAttribute()
    updated_at = IntegerAttribute()


class ViewItem(Model):
    Meta = table_meta("trace-views")

    workspace_id = UnicodeAttribute(hash_key=True)
    view_id = IntegerAttribute(range_key=True)
    view_name = UnicodeAttribute()
    platform_type = UnicodeAttribute()
    span_list_type = UnicodeAttribute()
    filters = UnicodeAttribute()  # FilterFields JSON, as upstream stores it
    created_by = UnicodeAttribute()
    created_at = IntegerAttribute()


class TraceAnnotationsItem(Model):
    """All annotations of one trace in one item: a page of spans reads its annotations in one BatchGet.

    `annotations` maps annotation id → Annotation JSON; the id is derived from (span, type, key), so
    writing the same key on a span again replaces its value.
    """

    Meta = table_meta("trace-annotations")

    trace_key = UnicodeAttribute(hash_key=True)  # "<workspace_id>:<trace_id>"
    annotations: MapAttribute[str, Any] = MapAttribute(default=dict)  # type: ignore[no-untyped-call]
    expires_at = IntegerAttribute(null=True)


TRACE_TABLES: tuple[type[Model], ...] = (TraceIndexItem, TraceSettingsItem, ViewItem, TraceAnnotationsItem)
