"""Every table, queue and bucket, defined once; the CDK app and the local stack both read this."""

from dataclasses import dataclass

from pynamodb.models import Model

from shared.data.models import DATA_TABLES
from shared.evaluation.models import EVALUATION_TABLES
from shared.foundation.models import FOUNDATION_TABLES
from shared.llm.quota import LLM_TABLES
from shared.prompt.models import PROMPT_TABLES
from shared.traces.models import TRACE_TABLES


@dataclass(frozen=True)
class QueueSpec:
    name: str  # kebab-case; the physical name is "<prefix>-<name>", the DLQ "<prefix>-<name>-dlq"
    visibility_timeout_s: int = 180  # at least 6x the worker's timeout
    max_receive_count: int = 3
    # Senders put a payload too big for SQS into this bucket under "raw/" and send its key.
    offload_bucket: str | None = None


@dataclass(frozen=True)
class BucketSpec:
    name: str
    env_var: str  # how functions learn the physical name (CloudFormation names buckets in AWS)


TABLES: tuple[type[Model], ...] = (
    *FOUNDATION_TABLES,
    *LLM_TABLES,
    *PROMPT_TABLES,
    *TRACE_TABLES,
    *DATA_TABLES,
    *EVALUATION_TABLES,
)
# The writer gets a minute per batch (a sixth of the visibility timeout): a batch can touch many partitions.
# An import job works for up to 15 minutes a message and then queues its own continuation.
QUEUES: tuple[QueueSpec, ...] = (
    QueueSpec(name="trace-ingest", visibility_timeout_s=360, offload_bucket="traces"),
    QueueSpec(name="data-jobs", visibility_timeout_s=5400),
    QueueSpec(name="eval-schedule", visibility_timeout_s=360),
    QueueSpec(name="eval-items", visibility_timeout_s=1800),
)
BUCKETS: tuple[BucketSpec, ...] = (
    BucketSpec(name="files", env_var="LOOP_FILES_BUCKET"),
    BucketSpec(name="traces", env_var="LOOP_TRACES_BUCKET"),
)


def queue_name(prefix: str, queue: QueueSpec) -> str:
    return f"{prefix}-{queue.name}"


def dlq_name(prefix: str, queue: QueueSpec) -> str:
    return f"{prefix}-{queue.name}-dlq"
