"""The sandbox function in AWS: its own network-less VPC, a role whose credentials are useless from inside,
the runner's Lambda settings, and the hook the evaluation function is wired through."""

from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_lambda as lambda_

from infra_cdk.artifacts import BuildArtifacts
from infra_cdk.constructs.sandbox import (
    ENI_ACTIONS,
    HANDLER,
    LOG_ACTIONS,
    MEMORY_MB,
    TIMEOUT_S,
    SandboxConstruct,
    sandbox_code_dir,
)
from infra_cdk.lambda_runtime import RUNTIME

pytestmark = pytest.mark.infra

Resources = dict[str, dict[str, Any]]


def resources_of(template: assertions.Template, resource_type: str) -> Resources:
    return cast(Resources, template.find_resources(resource_type))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def sandbox_function(template: assertions.Template) -> tuple[str, dict[str, Any]]:
    [(function_id, function)] = [
        (function_id, function["Properties"])
        for function_id, function in resources_of(template, "AWS::Lambda::Function").items()
        if function["Properties"].get("Handler") == HANDLER
    ]
    return function_id, function


def role_statements(template: assertions.Template, role_id: str) -> list[dict[str, Any]]:
    return [
        statement
        for policy in resources_of(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_the_sandbox_function_runs_the_handler_with_the_lambda_isolation(template: assertions.Template) -> None:
    _, function = sandbox_function(template)

    assert function["Runtime"] == RUNTIME.name
    assert (function["MemorySize"], function["Timeout"]) == (MEMORY_MB, TIMEOUT_S)
    assert len(function["Layers"]) == 1  # the common layer (shared), nothing heavy
    environment = function["Environment"]["Variables"]
    assert environment["LOOP_SANDBOX_ISOLATION"] == "lambda"
    assert environment["LOOP_SANDBOX_SCRATCH_DIR"] == "/tmp"
    assert environment["LOOP_SANDBOX_WIPE_SCRATCH"] == "true"
    assert "LOOP_SANDBOX_FUNCTION" not in environment  # it must run code itself, never call itself
    assert not [name for name in environment if name.startswith("AWS_")]


def test_the_sandbox_lives_in_isolated_subnets_with_no_way_out(template: assertions.Template) -> None:
    _, function = sandbox_function(template)
    subnets = resources_of(template, "AWS::EC2::Subnet")
    [security_group_ref] = function["VpcConfig"]["SecurityGroupIds"]
    security_group = resources_of(template, "AWS::EC2::SecurityGroup")[security_group_ref["Fn::GetAtt"][0]]

    # Then the function is in every subnet of the stack, and those are private ones of its VPC
    assert sorted(ref["Ref"] for ref in function["VpcConfig"]["SubnetIds"]) == sorted(subnets)
    assert len(subnets) == 2
    assert all(subnet["Properties"]["MapPublicIpOnLaunch"] is False for subnet in subnets.values())
    # And nothing leads anywhere: no gateway, no NAT, no endpoint, no route, no peering
    for resource_type in (
        "AWS::EC2::InternetGateway",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::NatGateway",
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::Route",
        "AWS::EC2::VPCPeeringConnection",
        "AWS::EC2::TransitGatewayAttachment",
    ):
        template.resource_count_is(resource_type, 0)
    # And its security group lets nothing in or out (CDK's placeholder rule matches no traffic)
    assert "SecurityGroupIngress" not in security_group["Properties"]
    [egress] = security_group["Properties"]["SecurityGroupEgress"]
    assert egress["CidrIp"] == "255.255.255.255/32" and egress["IpProtocol"] == "icmp"


def test_the_sandbox_role_can_write_its_logs_and_nothing_else(template: assertions.Template) -> None:
    _, function = sandbox_function(template)
    role_id = function["Role"]["Fn::GetAtt"][0]
    role = resources_of(template, "AWS::IAM::Role")[role_id]["Properties"]
    statements = role_statements(template, role_id)
    allowed = [statement for statement in statements if statement["Effect"] == "Allow"]
    denied = [statement for statement in statements if statement["Effect"] == "Deny"]

    # Then only Lambda assumes it, and no managed policy (such as AWSLambdaBasicExecutionRole) is attached
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert "ManagedPolicyArns" not in role and "Policies" not in role
    # And it allows exactly the network-interface actions Lambda needs, and logs into its own log group
    assert {action for statement in allowed for action in as_list(statement["Action"])} == {
        *ENI_ACTIONS,
        *LOG_ACTIONS,
    }
    [logs] = [statement for statement in allowed if set(as_list(statement["Action"])) == set(LOG_ACTIONS)]
    [log_group_id] = [
        name
        for name in resources_of(template, "AWS::Logs::LogGroup")
        if name == function["LoggingConfig"]["LogGroup"]["Ref"]
    ]
    assert logs["Resource"] == {"Fn::GetAtt": [log_group_id, "Arn"]}
    # And the network-interface actions are denied to calls from inside the function (credentials user code
    # might steal), which Lambda marks with lambda:SourceFunctionArn
    [deny] = denied
    assert set(as_list(deny["Action"])) == set(ENI_ACTIONS)
    assert deny["Condition"] == {"Null": {"lambda:SourceFunctionArn": "false"}}
    assert len(statements) == len(allowed) + 1


def test_nothing_but_the_function_runs_in_the_sandbox_vpc(template: assertions.Template) -> None:
    functions_in_a_vpc = [
        function_id
        for function_id, function in resources_of(template, "AWS::Lambda::Function").items()
        if "VpcConfig" in function["Properties"]
    ]

    assert functions_in_a_vpc == [sandbox_function(template)[0]]


def test_the_code_asset_is_the_sandbox_module(tmp_path: Path) -> None:
    code_dir = sandbox_code_dir(BuildArtifacts(tmp_path))

    assert (code_dir / "functions" / "__init__.py").is_file()
    assert (code_dir / "functions" / "sandbox" / "handler.py").is_file()
    assert not list(code_dir.rglob("__pycache__"))


def small_stack(tmp_path: Path) -> tuple[cdk.Stack, SandboxConstruct, lambda_.Function]:
    """The construct on its own, beside a stand-in for the evaluation function."""
    app = cdk.App()
    stack = cdk.Stack(app, "SandboxOnly")
    layer_dir = tmp_path / "layer" / "python"
    layer_dir.mkdir(parents=True)
    layer = lambda_.LayerVersion(stack, "Layer", code=lambda_.Code.from_asset(str(layer_dir.parent)))
    sandbox = SandboxConstruct(
        stack, "Sandbox", stage="test", code_dir=sandbox_code_dir(BuildArtifacts(tmp_path)), layer=layer
    )
    evaluation = lambda_.Function(
        stack,
        "Evaluation",
        runtime=RUNTIME,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
    )
    return stack, sandbox, evaluation


def test_connect_lets_a_function_invoke_the_sandbox_and_tells_it_where(tmp_path: Path) -> None:
    stack, sandbox, evaluation = small_stack(tmp_path)

    sandbox.connect(evaluation)

    template = assertions.Template.from_stack(stack)
    sandbox_id = stack.get_logical_id(cast(cdk.CfnElement, sandbox.function.node.default_child))
    evaluation_id = stack.get_logical_id(cast(cdk.CfnElement, evaluation.node.default_child))
    variables = resources_of(template, "AWS::Lambda::Function")[evaluation_id]["Properties"]["Environment"]["Variables"]
    assert variables == {"LOOP_SANDBOX_FUNCTION": {"Ref": sandbox_id}}
    invoke = [
        statement
        for policy in resources_of(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "lambda:InvokeFunction" in as_list(statement["Action"])
    ]
    assert invoke and all(
        sandbox_id in str(resource) for statement in invoke for resource in as_list(statement["Resource"])
    )


def test_reserved_concurrency_is_optional(tmp_path: Path) -> None:
    stack, sandbox, _ = small_stack(tmp_path)
    app = cdk.App()
    capped_stack = cdk.Stack(app, "Capped")
    layer_dir = tmp_path / "capped-layer"
    layer_dir.mkdir()
    layer = lambda_.LayerVersion(capped_stack, "Layer", code=lambda_.Code.from_asset(str(layer_dir)))
    SandboxConstruct(
        capped_stack,
        "Sandbox",
        stage="test",
        code_dir=sandbox_code_dir(BuildArtifacts(tmp_path)),
        layer=layer,
        reserved_concurrency=20,
    )

    default = assertions.Template.from_stack(stack)
    capped = assertions.Template.from_stack(capped_stack)
    assert "ReservedConcurrentExecutions" not in sandbox_function(default)[1]
    assert sandbox_function(capped)[1]["ReservedConcurrentExecutions"] == 20


def test_a_build_without_the_sandbox_code_is_refused(tmp_path: Path) -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Broken")
    layer = lambda_.LayerVersion(stack, "Layer", code=lambda_.Code.from_asset(str(tmp_path)))

    with pytest.raises(ValueError, match="lacks functions/sandbox/handler.py"):
        SandboxConstruct(stack, "Sandbox", stage="test", code_dir=tmp_path / "nothing", layer=layer)


def test_functions_running_user_code_may_invoke_the_sandbox_and_are_told_its_name(
    template: assertions.Template,
) -> None:
    from shared.routes import FUNCTIONS

    sandbox_id, _ = sandbox_function(template)
    handlers = {
        handler
        for spec in FUNCTIONS
        if spec.runs_user_code
        for handler in (spec.handler, *(worker.handler for worker in spec.workers))
    }
    assert handlers
    functions = resources_of(template, "AWS::Lambda::Function")
    for function in functions.values():
        properties = function["Properties"]
        variables = properties.get("Environment", {}).get("Variables", {})
        if properties.get("Handler") not in handlers:
            assert "LOOP_SANDBOX_FUNCTION" not in variables  # nothing else may run user code
            continue
        assert variables["LOOP_SANDBOX_FUNCTION"] == {"Ref": sandbox_id}
        role_id = properties["Role"]["Fn::GetAtt"][0]
        invokes = [s for s in role_statements(template, role_id) if "lambda:InvokeFunction" in as_list(s["Action"])]
        assert invokes and all("*" != resource for s in invokes for resource in as_list(s["Resource"]))
