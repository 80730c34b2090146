"""The sandbox function: where user-written evaluator code runs in AWS (functions/sandbox/handler.py).

Its code runs in a child process confined by the same runner as on a developer's machine (empty environment,
rlimits, no capabilities, a syscall filter without sockets or new processes). Around that, the function:
- sits in a VPC of its own with isolated subnets only (no internet or NAT gateway, no VPC endpoints) and a
  security group without rules, so nothing it runs can reach anything;
- has a role of its own that may write its logs and nothing else. Lambda needs the ENI actions to attach the
  function to the VPC, but calls made with the role's credentials from inside the function carry
  `lambda:SourceFunctionArn` (Lambda adds it; its own ENI calls lack it), and those are denied;
- is invoked synchronously by the evaluation function (`connect` grants that and names it in the environment).
"""

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra_cdk.artifacts import BuildArtifacts
from infra_cdk.lambda_runtime import ARCHITECTURE, RUNTIME
from layers.build import build_function
from shared.evaluation.sandbox.settings import SandboxSettings
from shared.routes import FunctionSpec

MODULE = "sandbox"
HANDLER = f"functions.{MODULE}.handler.lambda_handler"
# A whole vCPU costs 1769 MB; 1024 MB gives ~0.6 vCPU, enough for evaluators, with room for the child's
# 256 MB limit (LOOP_SANDBOX_MEMORY_MB) beside the handler.
MEMORY_MB = 1024
# Upstream gives code evaluators 5 s; the handler keeps 2 s of the invocation to answer in.
TIMEOUT_S = 15
LOG_RETENTION = logs.RetentionDays.ONE_MONTH
# What Lambda does with the role to put the function's network interfaces in the VPC (the actions of the AWS
# managed policy AWSLambdaVPCAccessExecutionRole, without its logs:* on every log group).
ENI_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
SOURCE_FUNCTION_KEY = "lambda:SourceFunctionArn"


def settings_env(field: str) -> str:
    """The environment variable SandboxSettings reads `field` from (`LOOP_<FIELD>`)."""
    if field not in SandboxSettings.model_fields:
        raise ValueError(f"SandboxSettings has no field {field!r}")
    return f"{SandboxSettings.model_config.get('env_prefix', '')}{field}".upper()


def sandbox_code_dir(artifacts: BuildArtifacts) -> Path:
    """The function's code as layers/build.py lays out a module's (functions/__init__.py + functions/sandbox/),
    copied into the build now: the sandbox serves no route, so the build's FUNCTIONS do not include it."""
    return build_function(FunctionSpec(module=MODULE, route_keys=()), artifacts.function_dir(MODULE))


class SandboxConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        code_dir: Path,
        layer: lambda_.ILayerVersion,
        memory_mb: int = MEMORY_MB,
        timeout_s: int = TIMEOUT_S,
        reserved_concurrency: int | None = None,
    ):
        super().__init__(scope, construct_id)
        if not (code_dir / "functions" / MODULE / "handler.py").is_file():
            raise ValueError(f"{code_dir} lacks functions/{MODULE}/handler.py; build it with sandbox_code_dir()")
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="sandbox", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24)
            ],
            # Nothing else lives in this VPC, so the default security group's rules matter to no one; restricting
            # them would add a custom resource (a Node.js function) to the stack.
            restrict_default_security_group=False,
        )
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=self.vpc,
            allow_all_outbound=False,
            description=f"Loop sandbox ({stage}): no inbound, no outbound",
        )
        log_group = logs.LogGroup(self, "Logs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Loop sandbox ({stage}): writes its logs; its credentials can do nothing else",
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=list(ENI_ACTIONS), resources=["*"]))
        self.role.add_to_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                actions=list(ENI_ACTIONS),
                resources=["*"],
                conditions={"Null": {SOURCE_FUNCTION_KEY: "false"}},  # i.e. called from inside the function
            )
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=list(LOG_ACTIONS), resources=[log_group.log_group_arn]))
        self.function = lambda_.Function(
            self,
            "Function",
            description=f"Loop sandbox: runs user-written evaluator code ({stage})",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=HANDLER,
            code=lambda_.Code.from_asset(str(code_dir)),
            layers=[layer],
            memory_size=memory_mb,
            timeout=Duration.seconds(timeout_s),
            role=self.role,
            vpc=self.vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[self.security_group],
            environment={
                "LOOP_STAGE": stage,
                settings_env("sandbox_isolation"): "lambda",
                settings_env("sandbox_scratch_dir"): "/tmp",
                settings_env("sandbox_wipe_scratch"): "true",
            },
            log_group=log_group,
            retry_attempts=0,
            reserved_concurrent_executions=reserved_concurrency,
        )

    @property
    def environment(self) -> dict[str, str]:
        """What a function that runs code evaluators needs to find this one."""
        return {settings_env("sandbox_function"): self.function.function_name}

    def grant_invoke(self, grantee: iam.IGrantable) -> None:
        self.function.grant_invoke(grantee)

    def connect(self, function: lambda_.Function) -> None:
        """Lets `function` run code evaluators here: invoke permission and LOOP_SANDBOX_FUNCTION."""
        self.grant_invoke(function)
        for name, value in self.environment.items():
            function.add_environment(name, value)
