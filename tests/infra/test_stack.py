"""The synthesised CloudFormation matches what the code defines: models, buckets, queues, routes, functions."""

import json
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from pynamodb.models import Model

from infra_cdk.app import create_stack
from infra_cdk.artifacts import BuildArtifacts, MissingBuildError
from infra_cdk.constructs.functions import DYNAMODB_DATA_ACTIONS, VISIBILITY_PER_TIMEOUT
from infra_cdk.lambda_runtime import ARCHITECTURE, RUNTIME
from infra_cdk.naming import pascal_case
from infra_cdk.stack import LoopStack
from layers.build import LAMBDA_PYTHON_VERSION
from shared.dynamo import physical_table_name
from shared.resources import BUCKETS, QUEUES, TABLES, QueueSpec
from shared.routes import FUNCTIONS, FunctionSpec, Worker
from shared.settings import resource_prefix
from tests.infra.synth import STAGE, cdk_json_context

pytestmark = pytest.mark.infra

PREFIX = resource_prefix(STAGE)
Resources = dict[str, dict[str, Any]]


FAKE_QUEUE = QueueSpec(name="fake-jobs", visibility_timeout_s=300, max_receive_count=5)
FAKE_WORKER = Worker(queue=FAKE_QUEUE.name, handler="functions.foundation.worker.lambda_handler", batch_size=7)


@pytest.fixture(scope="module")
def worker_template(build_dir: Path, console_dir: Path) -> assertions.Template:
    """A stack where foundation also drains a queue that shared.resources does not (yet) define."""
    app = cdk.App(context=cdk_json_context())
    foundation = next(spec for spec in FUNCTIONS if spec.module == "foundation")
    spec = FunctionSpec(
        module=foundation.module,
        route_keys=foundation.route_keys,
        uses_bucket=foundation.uses_bucket,
        workers=(FAKE_WORKER,),
    )
    stack = LoopStack(
        app,
        "Loop-workers",
        stage=STAGE,
        artifacts=BuildArtifacts(build_dir),
        console_dir=console_dir,
        functions=[spec],
        queues=[FAKE_QUEUE],
    )
    return assertions.Template.from_stack(stack)


def logical_name(model: type[Model]) -> str:
    name: str = model.Meta.logical_name  # type: ignore[attr-defined]  # set by shared.dynamo.table_meta
    return name


def resources_of(template: assertions.Template, resource_type: str) -> Resources:
    return cast(Resources, template.find_resources(resource_type))


def function_with_handler(template: assertions.Template, handler: str) -> tuple[str, dict[str, Any]]:
    matches = [
        (logical_id, resource["Properties"])
        for logical_id, resource in resources_of(template, "AWS::Lambda::Function").items()
        if resource["Properties"]["Handler"] == handler
    ]
    assert len(matches) == 1, f"expected one function with handler {handler}, found {len(matches)}"
    return matches[0]


def sorted_keys(key_schema: list[dict[str, str]]) -> list[dict[str, str]]:
    """HASH before RANGE, as CloudFormation requires (PynamoDB lists index keys in attribute order)."""
    return sorted(
        ({"AttributeName": key["AttributeName"], "KeyType": key["KeyType"]} for key in key_schema),
        key=lambda key: key["KeyType"],
    )


def expected_table(model: type[Model]) -> dict[str, Any]:
    """The CloudFormation properties the model implies, built from the schema PynamoDB sends to CreateTable."""
    schema = model._get_schema()
    expected: dict[str, Any] = {
        "KeySchema": sorted_keys(
            [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in schema["key_schema"]]
        ),
        "AttributeDefinitions": sorted(
            (dict(definition) for definition in schema["attribute_definitions"]), key=lambda d: d["AttributeName"]
        ),
        "GlobalSecondaryIndexes": sorted(
            (
                {
                    "IndexName": index["index_name"],
                    "KeySchema": sorted_keys(index["key_schema"]),
                    "Projection": dict(index["projection"]),
                }
                for index in schema["global_secondary_indexes"]
            ),
            key=lambda index: index["IndexName"],
        ),
    }
    ttl = getattr(model.Meta, "time_to_live_attribute", None)
    expected["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True} if ttl else None
    return expected


def actual_table(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "KeySchema": sorted_keys(properties["KeySchema"]),
        "AttributeDefinitions": sorted(properties["AttributeDefinitions"], key=lambda d: d["AttributeName"]),
        "GlobalSecondaryIndexes": sorted(
            (
                {
                    "IndexName": index["IndexName"],
                    "KeySchema": sorted_keys(index["KeySchema"]),
                    "Projection": index["Projection"],
                }
                for index in properties.get("GlobalSecondaryIndexes", [])
            ),
            key=lambda index: index["IndexName"],
        ),
        "TimeToLiveSpecification": properties.get("TimeToLiveSpecification"),
    }


@pytest.mark.parametrize("model", TABLES, ids=logical_name)
def test_table_matches_its_pynamodb_model(template: assertions.Template, model: type[Model]) -> None:
    # Given the table the stack defines under the model's physical name
    table_name = physical_table_name(PREFIX, logical_name(model))
    tables = [
        resource["Properties"]
        for resource in resources_of(template, "AWS::DynamoDB::Table").values()
        if resource["Properties"]["TableName"] == table_name
    ]
    assert len(tables) == 1, f"no table {table_name} in the stack"

    # When both are put in the same shape
    actual = actual_table(tables[0])

    # Then keys, attribute types, indexes and TTL are the ones PynamoDB would create
    assert actual == expected_table(model)
    assert tables[0].get("LocalSecondaryIndexes", []) == []
    assert model._get_schema()["local_secondary_indexes"] == []


def test_every_table_is_on_demand_with_point_in_time_recovery_and_retained(template: assertions.Template) -> None:
    # Given every table of the stack
    tables = resources_of(template, "AWS::DynamoDB::Table")

    # Then there is one per model, each billed per request, recoverable, and kept when the stack goes
    assert len(tables) == len(TABLES)
    for logical_id, table in tables.items():
        properties = table["Properties"]
        assert properties["BillingMode"] == "PAY_PER_REQUEST", logical_id
        assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, logical_id
        assert table["DeletionPolicy"] == "Retain", logical_id
        assert table["UpdateReplacePolicy"] == "Retain", logical_id


def test_buckets_are_encrypted_private_tls_only_and_accept_browser_uploads(template: assertions.Template) -> None:
    # Given every bucket of the stack, and those that hold data (the console's own is in test_console.py)
    data_buckets = {
        logical_id: bucket
        for logical_id, bucket in resources_of(template, "AWS::S3::Bucket").items()
        if logical_id.startswith("Storage")
    }

    # Then every bucket is encrypted and fully private
    template.all_resources_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
        },
    )
    # And each bucket of shared.resources is there and open to presigned PUTs
    assert len(data_buckets) == len(BUCKETS)
    for logical_id, bucket in data_buckets.items():
        [rule] = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
        assert (rule["AllowedMethods"], rule["AllowedOrigins"]) == (["PUT"], ["*"]), logical_id
    # And requests without TLS are denied, on every bucket
    template.resource_count_is("AWS::S3::BucketPolicy", len(resources_of(template, "AWS::S3::Bucket")))
    template.all_resources_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": assertions.Match.array_with(
                    [
                        assertions.Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        )
                    ]
                )
            }
        },
    )


def test_every_route_key_is_routed_to_its_modules_function(template: assertions.Template) -> None:
    # Given the routes, integrations and functions of the stack
    routes = resources_of(template, "AWS::ApiGatewayV2::Route")
    integrations = resources_of(template, "AWS::ApiGatewayV2::Integration")
    handlers = {
        logical_id: resource["Properties"]["Handler"]
        for logical_id, resource in resources_of(template, "AWS::Lambda::Function").items()
    }

    # When each route is followed to the handler it invokes
    routed: dict[str, str] = {}
    for route in routes.values():
        integration_id = route["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
        integration = integrations[integration_id]["Properties"]
        assert integration["PayloadFormatVersion"] == "2.0"
        routed[route["Properties"]["RouteKey"]] = handlers[integration["IntegrationUri"]["Fn::GetAtt"][0]]

    # Then the API has exactly the route keys of shared.routes, each served by its module's handler
    assert routed == {route_key: spec.handler for spec in FUNCTIONS for route_key in spec.route_keys}


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda spec: spec.module)
def test_http_function_runs_the_spec_on_python_3_12_with_the_common_layer(
    template: assertions.Template, spec: FunctionSpec
) -> None:
    # Given the function serving the module
    _, properties = function_with_handler(template, spec.handler)
    layer_ids = [
        layer_id
        for layer_id in resources_of(template, "AWS::Lambda::LayerVersion")
        if layer_id.startswith("CommonLayer")
        or (spec.uses_llm and layer_id.startswith("LlmLayer"))
        or (spec.uses_duckdb and layer_id.startswith("TracesLayer"))
    ]

    # Then runtime, size, layer and tracing are the ones we build for
    assert properties["Runtime"] == "python3.12"
    assert properties["Architectures"] == ["x86_64"]
    assert properties["MemorySize"] == spec.memory_mb
    assert properties["Timeout"] == spec.timeout_s
    assert properties["Layers"] == [{"Ref": layer_id} for layer_id in sorted(layer_ids)]  # Common, Llm, Traces
    assert properties["TracingConfig"] == {"Mode": "PassThrough"}  # X-Ray is opt-in: -c xray=true
    assert properties["Environment"]["Variables"]["LOOP_XRAY_TRACING"] == "false"
    assert "LogGroup" in properties["LoggingConfig"]

    # And the environment points at AWS, not at a local endpoint
    environment = properties["Environment"]["Variables"]
    secret_id = next(iter(resources_of(template, "AWS::SecretsManager::Secret")))
    assert "AWS_ENDPOINT_URL" not in environment
    assert environment["LOOP_STAGE"] == STAGE
    assert environment["LOOP_SESSION_SECRET_ARN"] == {"Ref": secret_id}
    assert environment["LOOP_COOKIE_SECURE"] == "true"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "loop"
    assert environment["POWERTOOLS_METRICS_NAMESPACE"] == "Loop"
    offloaded_to = {queue.offload_bucket for queue in QUEUES if queue.name in spec.sends_to}
    for bucket in BUCKETS:  # every bucket if it uses them, else those it offloads queue messages to
        assert (bucket.env_var in environment) is (spec.uses_bucket or bucket.name in offloaded_to)
    for name, value in spec.extra_env.items():
        assert environment[name] == value


def test_layer_targets_the_runtime_the_wheels_are_built_for(template: assertions.Template) -> None:
    # Given the runtime the functions use and the Python version layers/build.py downloads wheels for
    # Then they agree, and the layer declares them
    assert RUNTIME.name == f"python{LAMBDA_PYTHON_VERSION}"
    template.has_resource_properties(
        "AWS::Lambda::LayerVersion",
        {"CompatibleRuntimes": [RUNTIME.name], "CompatibleArchitectures": [ARCHITECTURE.name]},
    )


def test_session_secret_is_generated_and_64_characters_long(template: assertions.Template) -> None:
    template.has_resource_properties(
        "AWS::SecretsManager::Secret",
        {"GenerateSecretString": assertions.Match.object_like({"PasswordLength": 64})},
    )


def policy_statements(template: assertions.Template) -> list[dict[str, Any]]:
    return [
        statement
        for policy in resources_of(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("fixture", ["template", "worker_template"])
def test_iam_policies_grant_no_wildcard_actions(fixture: str, request: pytest.FixtureRequest) -> None:
    # Given every statement of every IAM policy in the stack
    statements = policy_statements(request.getfixturevalue(fixture))
    assert statements

    for statement in statements:
        actions = as_list(statement["Action"])
        # Then no statement allows every action, or every action of a service
        assert "*" not in actions, statement
        assert not [action for action in actions if action.endswith(":*")], statement
        # And DynamoDB access is limited to PynamoDB's data-plane calls on our tables
        dynamodb_actions = [action for action in actions if action.startswith("dynamodb:")]
        assert set(dynamodb_actions) <= set(DYNAMODB_DATA_ACTIONS), statement
        if dynamodb_actions:
            assert "*" not in as_list(statement["Resource"]), statement


def test_stack_outputs_the_api_url(template: assertions.Template) -> None:
    template.has_output("ApiUrl", {"Value": {"Fn::GetAtt": [assertions.Match.any_value(), "ApiEndpoint"]}})


def test_queue_gets_a_dead_letter_queue_after_its_max_receive_count(worker_template: assertions.Template) -> None:
    # Given a stack with one queue spec
    queues = resources_of(worker_template, "AWS::SQS::Queue")
    by_name = {
        queue["Properties"]["QueueName"]: (logical_id, queue["Properties"]) for logical_id, queue in queues.items()
    }

    # Then the queue and its DLQ exist under the names the code uses
    assert set(by_name) == {f"{PREFIX}-fake-jobs", f"{PREFIX}-fake-jobs-dlq"}
    dlq_id, _ = by_name[f"{PREFIX}-fake-jobs-dlq"]
    _, queue = by_name[f"{PREFIX}-fake-jobs"]

    # And messages received max_receive_count times move to the DLQ
    assert queue["VisibilityTimeout"] == FAKE_QUEUE.visibility_timeout_s
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
        "maxReceiveCount": FAKE_QUEUE.max_receive_count,
    }


def test_worker_drains_its_queue_with_partial_batch_failures(worker_template: assertions.Template) -> None:
    # Given the worker function of the fake queue
    worker_id, worker = function_with_handler(worker_template, FAKE_WORKER.handler)
    queue_id = next(
        logical_id
        for logical_id, queue in resources_of(worker_template, "AWS::SQS::Queue").items()
        if queue["Properties"]["QueueName"] == f"{PREFIX}-fake-jobs"
    )

    # Then an event source feeds it the queue and lets it report the records that failed
    worker_template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": worker_id},
            "EventSourceArn": {"Fn::GetAtt": [queue_id, "Arn"]},
            "BatchSize": FAKE_WORKER.batch_size,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )
    # And a message is invisible long enough for several tries of the worker
    assert worker["Timeout"] * VISIBILITY_PER_TIMEOUT <= FAKE_QUEUE.visibility_timeout_s
    # And the worker does not get the session secret, which only the HTTP functions need
    assert "LOOP_SESSION_SECRET_ARN" not in worker["Environment"]["Variables"]


def test_missing_build_fails_with_the_command_to_run(tmp_path: Path, console_dir: Path) -> None:
    # Given a build directory that layers/build.py never wrote
    app = cdk.App()

    # When the stack is created, Then the error says how to build
    with pytest.raises(MissingBuildError, match="make layers"):
        create_stack(app, stage=STAGE, build_dir=tmp_path / "missing", console_dir=console_dir)


def test_only_functions_calling_models_may_read_provider_keys_and_only_under_loop_prefix(
    template: assertions.Template,
) -> None:
    # Given the policies that let a role read secrets other than the session secret
    policies = resources_of(template, "AWS::IAM::Policy").values()
    readers: list[str] = []
    for policy in policies:
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "secretsmanager:GetSecretValue" not in as_list(statement["Action"]):
                continue
            resources = json.dumps(statement["Resource"])
            if "secret:loop/*" in resources:
                readers += [role["Ref"] for role in policy["Properties"]["Roles"]]
            else:
                assert "*" not in resources, statement  # the session secret, by its exact ARN

    # Then exactly the functions of modules that call models read provider keys, under loop/ only
    functions = resources_of(template, "AWS::Lambda::Function")
    expected = {
        function["Properties"]["Role"]["Fn::GetAtt"][0]
        for name, function in functions.items()
        if any(name.startswith(f"Functions{pascal_case(spec.module)}") and spec.uses_llm for spec in FUNCTIONS)
    }
    assert expected and set(readers) == expected
