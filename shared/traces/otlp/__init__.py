"""OTLP/HTTP trace exports (`/v1/loop/opentelemetry/v1/traces`): decode a request, map its spans onto the SDK's shape.

wire decodes the request and encodes the response; mapping turns the decoded spans into the SDK's upload spans, with
messages building the model spans' ModelInput/ModelOutput; values holds the attribute-value coercions they share.
"""

from shared.traces.otlp.mapping import otlp_to_upload_spans
from shared.traces.otlp.wire import decode_export_request, encode_export_response

__all__ = ["decode_export_request", "encode_export_response", "otlp_to_upload_spans"]
