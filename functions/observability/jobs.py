"""Scheduled jobs of the trace store: compaction (every few minutes) and retention (hourly)."""

import time
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from shared.clock import now_ms
from shared.observability import logger
from shared.traces.compaction import compact
from shared.traces.retention import delete_expired


@logger.inject_lambda_context
def compact_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # Stop with time to spare: a merge under way when Lambda's timeout hits is safe, but wasted.
    stop_at = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - 20
    report = asdict(compact(now_ms() * 1000, stop_at=stop_at))
    logger.info("compaction finished", extra={"report": report})
    return report


@logger.inject_lambda_context
def retention_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = asdict(delete_expired(now_ms() * 1000))
    logger.info("retention finished", extra={"report": report})
    return report
