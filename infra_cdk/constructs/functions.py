"""One Lambda function per FunctionSpec, plus one per SQS worker, each with only the grants it needs."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra_cdk.artifacts import BuildArtifacts
from infra_cdk.constructs.queues import Queue
from infra_cdk.constructs.storage import Bucket
from infra_cdk.lambda_runtime import ARCHITECTURE, RUNTIME
from infra_cdk.naming import pascal_case
from shared.routes import FunctionSpec, Worker

# What the repositories send: get, batch get, query, save, update, delete and transactions (a transaction
# is authorised per item by these same actions). No scans (a scan of users would read every password hash),
# no batch writes, no streams, no table administration; a module that needs more adds it with a reason.
DYNAMODB_DATA_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
)
OBSERVABILITY_ENV = {
    "POWERTOOLS_SERVICE_NAME": "loop",
    "POWERTOOLS_METRICS_NAMESPACE": "Loop",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}
LOG_RETENTION = logs.RetentionDays.ONE_MONTH
MAX_TIMEOUT_S = 900
# Model providers' API keys live in Secrets Manager under this prefix; only the functions calling models read them.
PROVIDER_SECRETS_PREFIX = "loop/"
# A streamed model answer may take minutes (the SDK waits up to 600 s); a Function URL allows up to 15.
STREAM_TIMEOUT_S = 600
# AWS's public Lambda Web Adapter layer (awslabs/aws-lambda-web-adapter), published in every commercial region.
WEB_ADAPTER_ACCOUNT = "753240598075"
WEB_ADAPTER_LAYER = "LambdaAdapterLayerX86:25"
# SQS guidance: the visibility timeout is at least 6x the consumer's timeout, or retries overlap.
VISIBILITY_PER_TIMEOUT = 6


@dataclass(frozen=True)
class FunctionResources:
    """What functions may touch; each function is granted a subset."""

    tables: Sequence[dynamodb.ITable]
    buckets: Sequence[Bucket]
    queues: Mapping[str, Queue]
    session_secret: secretsmanager.ISecret


class FunctionsConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        xray: bool,
        specs: Sequence[FunctionSpec],
        artifacts: BuildArtifacts,
        layer: lambda_.ILayerVersion,
        llm_layer: lambda_.ILayerVersion | None,
        resources: FunctionResources,
    ):
        super().__init__(scope, construct_id)
        self._stage = stage
        self._xray = xray
        self._layer = layer
        self._llm_layer = llm_layer
        self._resources = resources
        self.http_functions: dict[str, lambda_.Function] = {}  # module → function
        self.worker_functions: dict[str, lambda_.Function] = {}  # "<module>/<queue>" → function
        self.stream_urls: dict[str, lambda_.FunctionUrl] = {}  # CloudFront path pattern → streaming URL
        for spec in specs:
            code = lambda_.Code.from_asset(str(artifacts.function_dir(spec.module)))
            self.http_functions[spec.module] = self._http_function(spec, code)
            if spec.streaming_paths:
                url = self._stream_function(spec, code)
                self.stream_urls |= dict.fromkeys(spec.streaming_paths, url)
            for worker in spec.workers:
                self.worker_functions[f"{spec.module}/{worker.queue}"] = self._worker_function(spec, worker, code)

    def _http_function(self, spec: FunctionSpec, code: lambda_.Code) -> lambda_.Function:
        secret = self._resources.session_secret
        function = self._function(
            f"{pascal_case(spec.module)}Function",
            description=f"Loop {spec.module} API ({self._stage})",
            handler=spec.handler,
            code=code,
            memory_mb=spec.memory_mb,
            timeout_s=spec.timeout_s,
            environment={**self._environment(spec), "LOOP_SESSION_SECRET_ARN": secret.secret_arn},
            layers=self._layers(spec),
        )
        secret.grant_read(function)
        self._grant_data(spec, function)
        return function

    def _stream_function(self, spec: FunctionSpec, code: lambda_.Code) -> lambda_.FunctionUrl:
        """The module's app again, behind the Lambda Web Adapter, on a response-streaming Function URL.

        The URL has no IAM auth: CloudFront's origin access control cannot sign browser POST bodies, and the
        app authenticates every request itself (session cookie or PAT), exactly as behind API Gateway.
        """
        secret = self._resources.session_secret
        adapter = lambda_.LayerVersion.from_layer_version_arn(
            self,
            f"{pascal_case(spec.module)}WebAdapter",
            f"arn:{Aws.PARTITION}:lambda:{Aws.REGION}:{WEB_ADAPTER_ACCOUNT}:layer:{WEB_ADAPTER_LAYER}",
        )
        function = self._function(
            f"{pascal_case(spec.module)}StreamFunction",
            description=f"Loop {spec.module} streaming responses ({self._stage})",
            handler=spec.stream_handler,
            code=code,
            memory_mb=spec.memory_mb,
            timeout_s=STREAM_TIMEOUT_S,
            environment={
                **self._environment(spec),
                "LOOP_SESSION_SECRET_ARN": secret.secret_arn,
                "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
                "AWS_LWA_INVOKE_MODE": "response_stream",
                "AWS_LWA_READINESS_CHECK_PATH": "/ping",
                "PORT": "8080",
            },
            layers=[*self._layers(spec), adapter],
        )
        secret.grant_read(function)
        self._grant_data(spec, function)
        return function.add_function_url(
            auth_type=lambda_.FunctionUrlAuthType.NONE, invoke_mode=lambda_.InvokeMode.RESPONSE_STREAM
        )

    def _worker_function(self, spec: FunctionSpec, worker: Worker, code: lambda_.Code) -> lambda_.Function:
        queue = self._queue(spec, worker.queue)
        function = self._function(
            f"{pascal_case(spec.module)}{pascal_case(worker.queue)}Worker",
            description=f"Loop {spec.module} worker for {worker.queue} ({self._stage})",
            handler=worker.handler,
            code=code,
            memory_mb=spec.memory_mb,
            timeout_s=min(MAX_TIMEOUT_S, queue.spec.visibility_timeout_s // VISIBILITY_PER_TIMEOUT),
            environment=self._environment(spec),
            layers=self._layers(spec),
        )
        # Grants receive and delete on the queue; failed records return to it and reach the DLQ after N tries.
        function.add_event_source(
            event_sources.SqsEventSource(queue.queue, batch_size=worker.batch_size, report_batch_item_failures=True)
        )
        self._grant_data(spec, function)
        return function

    def _function(
        self,
        construct_id: str,
        *,
        description: str,
        handler: str,
        code: lambda_.Code,
        memory_mb: int,
        timeout_s: int,
        environment: dict[str, str],
        layers: list[lambda_.ILayerVersion],
    ) -> lambda_.Function:
        if timeout_s < 1:
            raise ValueError(f"{construct_id}: the timeout must be at least one second, got {timeout_s}")
        log_group = logs.LogGroup(
            self, f"{construct_id}Logs", retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
        )
        return lambda_.Function(
            self,
            construct_id,
            description=description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler,
            code=code,
            layers=layers,
            memory_size=memory_mb,
            timeout=Duration.seconds(timeout_s),
            tracing=lambda_.Tracing.ACTIVE if self._xray else lambda_.Tracing.PASS_THROUGH,
            environment=environment,
            log_group=log_group,
        )

    def _layers(self, spec: FunctionSpec) -> list[lambda_.ILayerVersion]:
        if not spec.uses_llm:
            return [self._layer]
        if self._llm_layer is None:
            raise ValueError(f"function {spec.module} calls model providers but the stack has no llm layer")
        return [self._layer, self._llm_layer]

    def _environment(self, spec: FunctionSpec) -> dict[str, str]:
        environment = {"LOOP_STAGE": self._stage, "LOOP_COOKIE_SECURE": "true", **OBSERVABILITY_ENV}
        # The X-Ray SDK costs ~230 ms per cold start (shared/observability.py), so tracing is opt-in.
        environment["LOOP_XRAY_TRACING"] = "true" if self._xray else "false"
        if spec.uses_bucket:
            environment |= {bucket.spec.env_var: bucket.bucket.bucket_name for bucket in self._resources.buckets}
        environment |= spec.extra_env
        if "AWS_ENDPOINT_URL" in environment:
            raise ValueError(f"{spec.module}: AWS_ENDPOINT_URL is for the local stack only and must not reach AWS")
        return environment

    def _grant_data(self, spec: FunctionSpec, function: lambda_.Function) -> None:
        """Tables for every function; the buckets if the spec uses them; sending to the module's own queues."""
        for table in self._resources.tables:
            table.grant(function, *DYNAMODB_DATA_ACTIONS)
        if spec.uses_bucket:
            for bucket in self._resources.buckets:
                bucket.bucket.grant_read_write(function)
        for worker in spec.workers:
            self._queue(spec, worker.queue).queue.grant_send_messages(function)
        if spec.uses_llm:
            # Provider keys referenced as "secretsmanager:loop/<name>" in model_config.yaml (shared.llm.credentials).
            function.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["secretsmanager:GetSecretValue"],
                    resources=[
                        f"arn:{Aws.PARTITION}:secretsmanager:{Aws.REGION}:{Aws.ACCOUNT_ID}:secret:{PROVIDER_SECRETS_PREFIX}*"
                    ],
                )
            )

    def _queue(self, spec: FunctionSpec, name: str) -> Queue:
        queue = self._resources.queues.get(name)
        if queue is None:
            raise ValueError(f"{spec.module} has a worker for queue {name!r}, which shared.resources.QUEUES lacks")
        return queue
