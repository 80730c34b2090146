"""Powertools singletons for our own operations telemetry (never users' traces).

The X-Ray SDK costs about 230 ms of import at every cold start, so the Tracer is made only when
`LOOP_XRAY_TRACING` is on; logs and metrics are always there.
"""

import warnings
from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer

from shared.settings import LoopSettings, get_settings

SERVICE = "loop"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace="Loop", service=SERVICE)
# Most requests emit no metric of their own; Powertools would warn about that on every invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def xray_enabled() -> bool:
    return get_settings(LoopSettings).xray_tracing


@cache
def tracer() -> Tracer:
    return Tracer(service=SERVICE)
