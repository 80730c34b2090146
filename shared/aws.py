"""The one place boto3 clients are made. The endpoint comes from `AWS_ENDPOINT_URL` (moto or LocalStack)."""

from functools import cache
from typing import TYPE_CHECKING, Any

from shared.settings import LoopSettings, get_settings

if TYPE_CHECKING:
    from mypy_boto3_athena import AthenaClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient


@cache
def _client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    settings = get_settings(LoopSettings)
    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3,
        read_timeout=10,
        s3={"addressing_style": "path"} if settings.aws_endpoint_url else {},
    )
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        region_name=settings.aws_region,
        endpoint_url=settings.aws_endpoint_url,
        config=config,
    )


def dynamodb_client() -> "DynamoDBClient":
    """For tooling (the local stack's provisioning and snapshots); the functions use PynamoDB."""
    client: DynamoDBClient = _client("dynamodb")
    return client


def s3_client() -> "S3Client":
    client: S3Client = _client("s3")
    return client


def sqs_client() -> "SQSClient":
    client: SQSClient = _client("sqs")
    return client


def secrets_client() -> "SecretsManagerClient":
    client: SecretsManagerClient = _client("secretsmanager")
    return client


def athena_client() -> "AthenaClient":
    client: AthenaClient = _client("athena")
    return client
