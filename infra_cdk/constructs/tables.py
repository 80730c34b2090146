"""DynamoDB tables derived from the PynamoDB models, so the keys and indexes are never written twice."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct
from pynamodb.models import Model

from infra_cdk.naming import pascal_case
from shared.dynamo import physical_table_name
from shared.resources import TABLES

ATTRIBUTE_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}
PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}


@dataclass(frozen=True)
class IndexShape:
    name: str
    partition_key: dynamodb.Attribute
    sort_key: dynamodb.Attribute | None
    projection: dynamodb.ProjectionType
    non_key_attributes: list[str] | None


@dataclass(frozen=True)
class TableShape:
    logical_name: str
    partition_key: dynamodb.Attribute
    sort_key: dynamodb.Attribute | None
    global_indexes: list[IndexShape]
    local_indexes: list[IndexShape]
    ttl_attribute: str | None


class TablesConstruct(Construct):
    """One on-demand table per model, named `<prefix>-<logical name>` because the code finds tables by name."""

    def __init__(self, scope: Construct, construct_id: str, *, prefix: str, models: Sequence[type[Model]] = TABLES):
        super().__init__(scope, construct_id)
        self.tables: dict[str, dynamodb.Table] = {}
        for model in models:
            shape = table_shape(model)
            if shape.logical_name in self.tables:
                raise ValueError(f"two models use the table name {shape.logical_name!r}")
            self.tables[shape.logical_name] = self._table(prefix, shape)

    def _table(self, prefix: str, shape: TableShape) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            f"{pascal_case(shape.logical_name)}Table",
            table_name=physical_table_name(prefix, shape.logical_name),
            partition_key=shape.partition_key,
            sort_key=shape.sort_key,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=shape.ttl_attribute,
            # Product data: deleting the stack must never delete it.
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in shape.global_indexes:
            table.add_global_secondary_index(
                index_name=index.name,
                partition_key=index.partition_key,
                sort_key=index.sort_key,
                projection_type=index.projection,
                non_key_attributes=index.non_key_attributes,
            )
        for index in shape.local_indexes:
            if index.sort_key is None:
                raise ValueError(f"local index {index.name} of {shape.logical_name} has no sort key")
            table.add_local_secondary_index(
                index_name=index.name,
                sort_key=index.sort_key,
                projection_type=index.projection,
                non_key_attributes=index.non_key_attributes,
            )
        return table


def table_shape(model: type[Model]) -> TableShape:
    """Keys, indexes and TTL of a model, read from the schema PynamoDB itself sends to CreateTable."""
    logical_name = getattr(model.Meta, "logical_name", None)
    if not isinstance(logical_name, str):
        raise ValueError(f"{model.__name__}.Meta has no logical_name; build it with shared.dynamo.table_meta")
    schema = model._get_schema()
    types = {definition["AttributeName"]: definition["AttributeType"] for definition in schema["attribute_definitions"]}
    key_schema = [{"AttributeName": key["AttributeName"], "KeyType": key["KeyType"]} for key in schema["key_schema"]]
    partition_key, sort_key = _keys(key_schema, types)
    return TableShape(
        logical_name=logical_name,
        partition_key=partition_key,
        sort_key=sort_key,
        global_indexes=[_index(index, types) for index in schema["global_secondary_indexes"]],
        local_indexes=[_index(index, types) for index in schema["local_secondary_indexes"]],
        ttl_attribute=_ttl_attribute(model),
    )


def _keys(
    key_schema: Iterable[Mapping[str, str]], types: Mapping[str, str]
) -> tuple[dynamodb.Attribute, dynamodb.Attribute | None]:
    keys = {
        key["KeyType"]: dynamodb.Attribute(name=key["AttributeName"], type=ATTRIBUTE_TYPES[types[key["AttributeName"]]])
        for key in key_schema
    }
    return keys["HASH"], keys.get("RANGE")


def _index(index: Mapping[str, Any], types: Mapping[str, str]) -> IndexShape:
    partition_key, sort_key = _keys(index["key_schema"], types)
    projection: Mapping[str, Any] = index["projection"]
    non_key_attributes: list[str] | None = projection.get("NonKeyAttributes")  # INCLUDE projections only
    return IndexShape(
        name=index["index_name"],
        partition_key=partition_key,
        sort_key=sort_key,
        projection=PROJECTIONS[projection["ProjectionType"]],
        non_key_attributes=list(non_key_attributes) if non_key_attributes else None,
    )


def _ttl_attribute(model: type[Model]) -> str | None:
    """The DynamoDB name of the attribute `Meta.time_to_live_attribute` names, if any."""
    name = getattr(model.Meta, "time_to_live_attribute", None)
    if name is None:
        return None
    attribute = model.get_attributes().get(name)
    if attribute is None:
        raise ValueError(f"{model.__name__}.Meta.time_to_live_attribute {name!r} is not an attribute of the model")
    return attribute.attr_name
