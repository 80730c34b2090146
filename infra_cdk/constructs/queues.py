"""The SQS queues of shared.resources.QUEUES, each with its dead-letter queue."""

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra_cdk.naming import pascal_case
from shared.resources import QUEUES, QueueSpec, dlq_name, queue_name

DLQ_RETENTION = Duration.days(14)  # the most SQS keeps: time to look at a failure and redrive it


@dataclass(frozen=True)
class Queue:
    spec: QueueSpec
    queue: sqs.Queue
    dead_letter_queue: sqs.Queue


class QueuesConstruct(Construct):
    """Queues are named `<prefix>-<name>` because the code finds them by name, as in the local stack."""

    def __init__(self, scope: Construct, construct_id: str, *, prefix: str, specs: Sequence[QueueSpec] = QUEUES):
        super().__init__(scope, construct_id)
        self.queues: dict[str, Queue] = {}
        for spec in specs:
            if spec.name in self.queues:
                raise ValueError(f"two queues are named {spec.name!r}")
            self.queues[spec.name] = self._queue(prefix, spec)

    def _queue(self, prefix: str, spec: QueueSpec) -> Queue:
        construct_id = pascal_case(spec.name)
        dead_letter_queue = sqs.Queue(
            self,
            f"{construct_id}DeadLetterQueue",
            queue_name=dlq_name(prefix, spec),
            retention_period=DLQ_RETENTION,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        queue = sqs.Queue(
            self,
            f"{construct_id}Queue",
            queue_name=queue_name(prefix, spec),
            visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letter_queue, max_receive_count=spec.max_receive_count),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
        )
        return Queue(spec=spec, queue=queue, dead_letter_queue=dead_letter_queue)
