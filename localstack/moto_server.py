"""moto's server, with DynamoDB writes made atomic as DynamoDB's are, and transactions made cheap.

- moto serves requests on threads and applies an UpdateItem or a transaction as a read-modify-write in Python
  with no lock, so two concurrent `ADD counter 1` can lose one, and a transaction can interleave with another.
  DynamoDB guarantees neither happens, and the experiment counters depend on it, so every write (and
  transactional read) of the emulated DynamoDB runs under one lock here.
- moto backs up every table a transaction touches with a deep copy, so a transaction on a table of 10,000
  items costs seconds. Here a transaction checks all its conditions first, then applies its writes, keeping
  copies of only the items it changes to undo them if a write fails.
"""

import copy
import functools
import sys
import threading
from collections.abc import Callable
from typing import Any

ATOMIC_METHODS = (
    "put_item",
    "update_item",
    "delete_item",
    "batch_write_item",
    "transact_write_items",
    "transact_get_items",
)


def make_dynamodb_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()

    def locked(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return method(*args, **kwargs)

        return call

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    for name in ATOMIC_METHODS:
        setattr(DynamoDBBackend, name, locked(getattr(DynamoDBBackend, name)))


def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    """DynamoDB's TransactWriteItems: all conditions hold and every write applies, or nothing changes."""
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    operations: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
    targets: set[tuple[str, str]] = set()
    for entry in transact_items:
        if len(entry) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(entry.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise ValueError("Unsupported transaction operation")
        table_name = op["TableName"]
        if op_type == "Put":
            table = self.get_table(table_name)
            key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = op["Item"][table.range_key_attr]
        else:
            key = op["Key"]
        target = (str(table_name), str(dict(sorted(key.items()))))
        if target in targets:
            raise MultipleTransactionsException()
        targets.add(target)
        operations.append((op_type, table_name, key, op))

    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for _, table_name, key, op in operations:
        condition = op.get("ConditionExpression")
        current = self.get_item(table_name, key)
        if condition is not None:
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not check.expr(current):
                old = None
                if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                    old = current.to_json()["Attributes"]
                errors.append(("ConditionalCheckFailed", str(ConditionalCheckFailed().message), old))
                continue
        errors.append((None, None, None))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)

    undo: list[tuple[str, dict[str, Any], Any]] = []
    try:
        for op_type, table_name, key, op in operations:
            if op_type == "ConditionCheck":
                continue
            undo.append((table_name, key, copy.deepcopy(self.get_item(table_name, key))))
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(
                    table_name, op["Item"], expression_attribute_names=names, expression_attribute_values=values
                )
            elif op_type == "Delete":
                self.delete_item(table_name, key, expression_attribute_names=names, expression_attribute_values=values)
            else:
                self.update_item(
                    table_name,
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
    except Exception:
        for table_name, key, item in reversed(undo):
            if item is None:
                self.delete_item(table_name, key)
            else:
                self.put_item(table_name, item.to_json()["Attributes"])
        raise


def main() -> None:
    make_dynamodb_atomic()
    from moto.server import main as serve

    serve(sys.argv[1:])


if __name__ == "__main__":
    main()
