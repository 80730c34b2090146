"""`/traces/meta_info`: the fields the trace list can filter on, with their operators (reference §5.4)."""

from functions.observability import schemas

TEXT = ["match", "not_match", "eq", "not_eq", "in", "not_in", "exist", "not_exist"]
NUMBER = ["eq", "not_eq", "gt", "gte", "lt", "lte", "exist", "not_exist"]
SPAN_TYPES = ["custom", "model", "prompt", "prompt_hub", "retriever", "tool", "agent", "chain", "graph", "embedding"]


def _text(options: list[str] | None = None) -> schemas.FieldMeta:
    field_options = schemas.FieldOptions(string_list=options) if options else None
    return schemas.FieldMeta(
        value_type="string", filter_types=TEXT, field_options=field_options, support_customizable_option=bool(options)
    )


def _number() -> schemas.FieldMeta:
    return schemas.FieldMeta(value_type="long", filter_types=NUMBER)


def field_metas(span_list_type: str | None) -> dict[str, schemas.FieldMeta]:
    metas = {
        "status": schemas.FieldMeta(
            value_type="string",
            filter_types=["in", "not_in"],
            field_options=schemas.FieldOptions(string_list=["success", "error"]),
        ),
        "span_name": _text(),
        "span_type": _text(SPAN_TYPES),
        "trace_id": _text(),
        "span_id": _text(),
        "input": _text(),
        "output": _text(),
        "duration": _number(),
        "latency_first_resp": _number(),
        "input_tokens": _number(),
        "output_tokens": _number(),
        "tokens": _number(),
        "model_name": _text(),
        "prompt_key": _text(),
        "user_id": _text(),
        "message_id": _text(),
        "thread_id": _text(),
        "logid": _text(),
    }
    if span_list_type == "llm_span":
        metas.pop("span_type")
    return metas
