"""Creates every table, queue (with its DLQ) and bucket that shared/resources.py defines. Idempotent."""

import json

from pynamodb.models import Model

from shared.aws import dynamodb_client, s3_client, sqs_client
from shared.resources import BUCKETS, QUEUES, TABLES, dlq_name, queue_name
from shared.settings import LoopSettings, get_settings


def bucket_name(logical: str) -> str:
    return f"{get_settings(LoopSettings).resource_prefix}-{logical}"


def create_table(model: type[Model]) -> None:
    if not model.exists():
        model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
    ttl_attribute = getattr(model.Meta, "time_to_live_attribute", None)
    if ttl_attribute:
        dynamodb_client().update_time_to_live(
            TableName=model.Meta.table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl_attribute},
        )


def create_queues() -> dict[str, str]:
    """Returns logical queue name → queue URL."""
    sqs = sqs_client()
    prefix = get_settings(LoopSettings).resource_prefix
    urls: dict[str, str] = {}
    for queue in QUEUES:
        dlq_url = sqs.create_queue(QueueName=dlq_name(prefix, queue))["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(queue.max_receive_count)}
        urls[queue.name] = sqs.create_queue(
            QueueName=queue_name(prefix, queue),
            Attributes={
                "VisibilityTimeout": str(queue.visibility_timeout_s),
                "RedrivePolicy": json.dumps(redrive),
            },
        )["QueueUrl"]
    return urls


def create_buckets() -> None:
    s3 = s3_client()
    existing = {bucket["Name"] for bucket in s3.list_buckets().get("Buckets", [])}
    for bucket in BUCKETS:
        name = bucket_name(bucket.name)
        if name not in existing:
            s3.create_bucket(Bucket=name)


def provision() -> dict[str, str]:
    for model in TABLES:
        create_table(model)
    create_buckets()
    return create_queues()
