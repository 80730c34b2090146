"""Every table, queue and bucket, defined once; the CDK app and the local stack both read this."""

from dataclasses import dataclass

from pynamodb.models import Model

from shared.foundation.models import FOUNDATION_TABLES
from shared.llm.quota import LLM_TABLES
from shared.prompt.models import PROMPT_TABLES


@dataclass(frozen=True)
class QueueSpec:
    name: str  # kebab-case; the physical name is "<prefix>-<name>", the DLQ "<prefix>-<name>-dlq"
    visibility_timeout_s: int = 180  # at least 6x the worker's timeout
    max_receive_count: int = 3


@dataclass(frozen=True)
class BucketSpec:
    name: str
    env_var: str  # how functions learn the physical name (CloudFormation names buckets in AWS)


TABLES: tuple[type[Model], ...] = (*FOUNDATION_TABLES, *LLM_TABLES, *PROMPT_TABLES)
QUEUES: tuple[QueueSpec, ...] = ()
BUCKETS: tuple[BucketSpec, ...] = (BucketSpec(name="files", env_var="LOOP_FILES_BUCKET"),)


def queue_name(prefix: str, queue: QueueSpec) -> str:
    return f"{prefix}-{queue.name}"


def dlq_name(prefix: str, queue: QueueSpec) -> str:
    return f"{prefix}-{queue.name}-dlq"
