"""PynamoDB conventions: table names per stage, the endpoint, and the exceptions we translate."""

from collections.abc import Sequence
from functools import cache
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.connection import Connection
from pynamodb.constants import NUMBER
from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from shared.errors import NotFound
from shared.settings import LoopSettings, get_settings


@cache
def connection() -> Connection:
    """A low-level connection for transactions (TransactWrite needs one); one per process, like the
    models' own, since building one costs a botocore client (~100 ms)."""
    settings = get_settings(LoopSettings)
    return Connection(region=settings.aws_region, host=settings.aws_endpoint_url)


def physical_table_name(prefix: str, name: str) -> str:
    """`loop-<stage>-<name>`: one set of tables per stage in one account."""
    return f"{prefix}-{name}"


def table_name(name: str) -> str:
    return physical_table_name(get_settings(LoopSettings).resource_prefix, name)


def table_meta(name: str, *, ttl_attribute: str | None = None) -> Any:
    """The `Meta` class of a PynamoDB model.

    `logical_name` is what the CDK app and the local stack key on; `ttl_attribute` names a number
    attribute of epoch seconds after which DynamoDB deletes the item.
    """
    settings = get_settings(LoopSettings)
    physical_name = table_name(name)

    class Meta:
        table_name = physical_name
        logical_name = name
        time_to_live_attribute = ttl_attribute
        region = settings.aws_region
        host = settings.aws_endpoint_url
        billing_mode = "PAY_PER_REQUEST"
        connect_timeout_seconds = 3
        read_timeout_seconds = 10
        max_retry_attempts = 3

    return Meta


def is_condition_failure(error: PutError | UpdateError | DeleteError | TransactWriteError) -> bool:
    """True when a conditional write lost, the signal for 'already exists' or 'changed meanwhile'."""
    code = error.cause_response_code
    if code == "ConditionalCheckFailedException":
        return True
    if code == "TransactionCanceledException":
        reasons = getattr(error, "cancellation_reasons", None) or []
        return any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons)
    return False


def is_transaction_conflict(error: TransactWriteError) -> bool:
    """True when a transaction lost to another one on the same item (DynamoDB's TransactionConflict)."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(reason is not None and reason.code == "TransactionConflict" for reason in reasons)


def update_existing(item: Model, actions: Sequence[Action], exists: Condition, missing: str) -> None:
    """Applies `actions` only if the item still exists, so an edit never resurrects a deleted item.

    PynamoDB loads the item's new attributes into `item`. A deleted item raises NotFound(`missing`).
    """
    try:
        item.update(actions=list(actions), condition=exists)
    except UpdateError as error:
        if is_condition_failure(error):
            raise NotFound(missing) from error
        raise


class IntegerAttribute(Attribute[int]):
    """A DynamoDB number read back as `int` (PynamoDB's NumberAttribute yields floats)."""

    attr_type = NUMBER

    def serialize(self, value: int) -> str:
        return str(int(value))

    def deserialize(self, value: str) -> int:
        return int(value)
