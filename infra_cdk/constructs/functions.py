"""One Lambda function per FunctionSpec, plus one per SQS worker and per scheduled job, each with only the grants
it needs."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Aws, Duration, RemovalPolicy, Size, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from infra_cdk.artifacts import BuildArtifacts
from infra_cdk.constructs.queues import Queue
from infra_cdk.constructs.storage import Bucket
from infra_cdk.constructs.trace_query import TraceQueryConstruct
from infra_cdk.lambda_runtime import ARCHITECTURE, RUNTIME
from infra_cdk.naming import pascal_case
from shared.routes import FunctionSpec, Schedule, Worker
from shared.settings import resource_prefix
from shared.traces.layout import RAW_ROOT

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
# SQS guidance: the visibility timeout is at least 6x the consumer's timeout (plus its batching window), or
# retries overlap.
VISIBILITY_PER_TIMEOUT = 6
# Lambda's SQS event source: batches of 1 to 10 records, or up to 10,000 when it may wait to fill them (1-300 s).
MAX_BATCH_WITHOUT_WINDOW = 10
MAX_BATCH_SIZE = 10_000
MAX_BATCHING_WINDOW_S = 300
# DuckDB spills to /tmp/duckdb (shared/traces/duck.py) and stages each Parquet file there before uploading it.
DUCKDB_EPHEMERAL_STORAGE = Size.mebibytes(2048)
# A scheduled job runs one at a time (two compactions of the same files must not overlap).


@dataclass(frozen=True)
class FunctionResources:
    """What functions may touch; each function is granted a subset."""

    tables: Sequence[dynamodb.ITable]
    buckets: Sequence[Bucket]
    queues: Mapping[str, Queue]
    session_secret: secretsmanager.ISecret
    # The Athena side of the trace store (and which engine to use); required by functions that use DuckDB.
    trace_query: TraceQueryConstruct | None = None


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
        traces_layer: lambda_.ILayerVersion | None = None,
    ):
        super().__init__(scope, construct_id)
        self._stage = stage
        self._xray = xray
        self._layer = layer
        self._llm_layer = llm_layer
        self._traces_layer = traces_layer
        self._resources = resources
        self.http_functions: dict[str, lambda_.Function] = {}  # module → function
        self.worker_functions: dict[str, lambda_.Function] = {}  # "<module>/<queue>" → function
        self.job_functions: dict[str, lambda_.Function] = {}  # "<module>/<schedule>" → function
        self.stream_urls: dict[str, lambda_.FunctionUrl] = {}  # CloudFront path pattern → streaming URL
        for spec in specs:
            code = lambda_.Code.from_asset(str(artifacts.function_dir(spec.module)))
            self.http_functions[spec.module] = self._http_function(spec, code)
            if spec.streaming_paths:
                url = self._stream_function(spec, code)
                self.stream_urls |= dict.fromkeys(spec.streaming_paths, url)
            for worker in spec.workers:
                self.worker_functions[f"{spec.module}/{worker.queue}"] = self._worker_function(spec, worker, code)
            for schedule in spec.schedules:
                self.job_functions[f"{spec.module}/{schedule.name}"] = self._job_function(spec, schedule, code)

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
            ephemeral_storage=self._ephemeral_storage(spec),
        )
        secret.grant_read(function)
        self._grant_data(spec, function)
        if spec.uses_duckdb:  # the query API runs the Athena engine when LOOP_TRACE_ENGINE says so
            self._trace_query(spec).grant_query(function)
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
            ephemeral_storage=self._ephemeral_storage(spec),
        )
        secret.grant_read(function)
        self._grant_data(spec, function)
        if spec.uses_duckdb:
            self._trace_query(spec).grant_query(function)
        return function.add_function_url(
            auth_type=lambda_.FunctionUrlAuthType.NONE, invoke_mode=lambda_.InvokeMode.RESPONSE_STREAM
        )

    def _worker_function(self, spec: FunctionSpec, worker: Worker, code: lambda_.Code) -> lambda_.Function:
        queue = self._queue(spec, worker.queue)
        check_batching(spec, worker)
        function = self._function(
            f"{pascal_case(spec.module)}{pascal_case(worker.queue)}Worker",
            description=f"Loop {spec.module} worker for {worker.queue} ({self._stage})",
            handler=worker.handler,
            code=code,
            memory_mb=spec.memory_mb,
            timeout_s=min(
                MAX_TIMEOUT_S,
                (queue.spec.visibility_timeout_s - worker.batching_window_s) // VISIBILITY_PER_TIMEOUT,
            ),
            environment=self._environment(spec),
            layers=self._layers(spec),
            ephemeral_storage=self._ephemeral_storage(spec),
        )
        # Grants receive and delete on the queue; failed records return to it and reach the DLQ after N tries.
        function.add_event_source(
            event_sources.SqsEventSource(
                queue.queue,
                batch_size=worker.batch_size,
                max_batching_window=Duration.seconds(worker.batching_window_s) if worker.batching_window_s else None,
                report_batch_item_failures=True,
                # SQS event sources take 2 to 1000; one poller locally means no cap in AWS.
                max_concurrency=worker.max_concurrency if worker.max_concurrency >= 2 else None,
            )
        )
        self._grant_data(spec, function)
        offload = self._offload_bucket(spec, queue)
        if offload is not None and not spec.uses_bucket:
            # A message may carry the key of its batch under raw/: read it, and delete it once stored.
            function.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["s3:GetObject", "s3:DeleteObject"],
                    resources=[offload.bucket.arn_for_objects(f"{RAW_ROOT}*")],
                )
            )
        return function

    def _job_function(self, spec: FunctionSpec, schedule: Schedule, code: lambda_.Code) -> lambda_.Function:
        """A function per scheduled job, run by an EventBridge rule.

        Runs cannot overlap because a run's timeout is shorter than the interval, so no reserved concurrency
        is needed (reserving it fails deploys into new accounts, whose limit is 10).
        """
        if schedule.every_minutes < 1:
            raise ValueError(f"{spec.module} job {schedule.name!r}: every_minutes must be at least 1")
        if schedule.timeout_s >= schedule.every_minutes * 60:
            raise ValueError(f"{spec.module} job {schedule.name!r}: its timeout must be shorter than its interval")
        if schedule.timeout_s > MAX_TIMEOUT_S:
            raise ValueError(f"{spec.module} job {schedule.name!r}: Lambda runs at most {MAX_TIMEOUT_S} s")
        construct_id = f"{pascal_case(spec.module)}{pascal_case(schedule.name)}Job"
        function = self._function(
            construct_id,
            description=f"Loop {spec.module} job {schedule.name} every {schedule.every_minutes} min ({self._stage})",
            handler=schedule.handler,
            code=code,
            memory_mb=spec.memory_mb,
            timeout_s=schedule.timeout_s,
            environment=self._environment(spec),
            layers=self._layers(spec),
            ephemeral_storage=self._ephemeral_storage(spec),
            # A run that failed or waited for the previous one is not worth retrying: the next tick does its work.
            retry_attempts=0,
            max_event_age=Duration.minutes(min(schedule.every_minutes, 360)),
        )
        self._grant_data(spec, function)
        events.Rule(
            self,
            f"{construct_id}Schedule",
            description=f"Runs the {spec.module} job {schedule.name} ({self._stage})",
            schedule=events.Schedule.expression(rate_expression(schedule.every_minutes)),
            targets=[targets.LambdaFunction(function)],
        )
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
        ephemeral_storage: Size | None = None,
        retry_attempts: int | None = None,
        max_event_age: Duration | None = None,
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
            ephemeral_storage_size=ephemeral_storage,
            retry_attempts=retry_attempts,
            max_event_age=max_event_age,
        )

    def _layers(self, spec: FunctionSpec) -> list[lambda_.ILayerVersion]:
        layers = [self._layer]
        if spec.uses_llm:
            if self._llm_layer is None:
                raise ValueError(f"function {spec.module} calls model providers but the stack has no llm layer")
            layers.append(self._llm_layer)
        if spec.uses_duckdb:
            if self._traces_layer is None:
                raise ValueError(f"function {spec.module} uses DuckDB but the stack has no traces layer")
            layers.append(self._traces_layer)
        return layers

    @staticmethod
    def _ephemeral_storage(spec: FunctionSpec) -> Size | None:
        return DUCKDB_EPHEMERAL_STORAGE if spec.uses_duckdb else None

    def _trace_query(self, spec: FunctionSpec) -> TraceQueryConstruct:
        if self._resources.trace_query is None:
            raise ValueError(f"function {spec.module} uses DuckDB but the stack has no trace store (traces bucket)")
        return self._resources.trace_query

    def _environment(self, spec: FunctionSpec) -> dict[str, str]:
        environment = {"LOOP_STAGE": self._stage, "LOOP_COOKIE_SECURE": "true", **OBSERVABILITY_ENV}
        # The X-Ray SDK costs ~230 ms per cold start (shared/observability.py), so tracing is opt-in.
        environment["LOOP_XRAY_TRACING"] = "true" if self._xray else "false"
        if spec.uses_bucket:
            environment |= {bucket.spec.env_var: bucket.bucket.bucket_name for bucket in self._resources.buckets}
        for queue in self._sent_queues(spec):
            if (offload := self._offload_bucket(spec, queue)) is not None:
                environment[offload.spec.env_var] = offload.bucket.bucket_name
        if spec.uses_duckdb:
            environment |= self._trace_query(spec).environment
        environment |= spec.extra_env
        if "AWS_ENDPOINT_URL" in environment:
            raise ValueError(f"{spec.module}: AWS_ENDPOINT_URL is for the local stack only and must not reach AWS")
        return environment

    def _grant_data(self, spec: FunctionSpec, function: lambda_.Function) -> None:
        """Tables for every function; the buckets if the spec uses them; sending to its workers' queues and to
        the queues of `sends_to` (with putting a batch too big for SQS under raw/ of the queue's offload bucket)."""
        # One statement for every table of the stage (named `<prefix>-<name>`): a grant per table made the
        # policy of a function that uses many modules overflow IAM's inline size limit.
        tables = Stack.of(self).format_arn(
            service="dynamodb", resource="table", resource_name=f"{resource_prefix(self._stage)}-*"
        )
        function.add_to_role_policy(
            iam.PolicyStatement(actions=list(DYNAMODB_DATA_ACTIONS), resources=[tables, f"{tables}/index/*"])
        )
        if spec.uses_bucket:
            for bucket in self._resources.buckets:
                bucket.bucket.grant_read_write(function)
        for queue in self._sent_queues(spec):
            # SendMessage, and GetQueueUrl: shared/queues.py finds the queue by name.
            queue.queue.grant_send_messages(function)
            offload = self._offload_bucket(spec, queue)
            if offload is not None and not spec.uses_bucket:
                function.add_to_role_policy(
                    iam.PolicyStatement(
                        actions=["s3:PutObject"], resources=[offload.bucket.arn_for_objects(f"{RAW_ROOT}*")]
                    )
                )
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
            raise ValueError(f"{spec.module} uses queue {name!r}, which shared.resources.QUEUES lacks")
        return queue

    def _sent_queues(self, spec: FunctionSpec) -> list[Queue]:
        """Its workers' queues and those of `sends_to`, each once."""
        names = dict.fromkeys([*(worker.queue for worker in spec.workers), *spec.sends_to])
        return [self._queue(spec, name) for name in names]

    def _offload_bucket(self, spec: FunctionSpec, queue: Queue) -> Bucket | None:
        """The bucket where senders put the queue's batches too big for SQS, if it has one."""
        if queue.spec.offload_bucket is None:
            return None
        found = [bucket for bucket in self._resources.buckets if bucket.spec.name == queue.spec.offload_bucket]
        if not found:
            raise ValueError(
                f"{spec.module}: queue {queue.spec.name!r} offloads to bucket {queue.spec.offload_bucket!r}, "
                "which the stack lacks"
            )
        return found[0]


def check_batching(spec: FunctionSpec, worker: Worker) -> None:
    """Raises ValueError unless Lambda's SQS event source accepts the worker's batch size and window."""
    where = f"{spec.module} worker for {worker.queue}"
    if not 1 <= worker.batch_size <= MAX_BATCH_SIZE:
        raise ValueError(f"{where}: batch_size must be 1 to {MAX_BATCH_SIZE}, got {worker.batch_size}")
    if not 0 <= worker.batching_window_s <= MAX_BATCHING_WINDOW_S:
        raise ValueError(
            f"{where}: batching_window_s must be 0 to {MAX_BATCHING_WINDOW_S}, got {worker.batching_window_s}"
        )
    if worker.batch_size > MAX_BATCH_WITHOUT_WINDOW and worker.batching_window_s < 1:
        raise ValueError(
            f"{where}: a batch_size over {MAX_BATCH_WITHOUT_WINDOW} ({worker.batch_size}) needs batching_window_s of "
            "at least 1 s (SQS fills a batch that big only while Lambda waits)"
        )


def rate_expression(minutes: int) -> str:
    """EventBridge's `rate(10 minutes)`; the unit is singular for 1."""
    return f"rate({minutes} minute{'' if minutes == 1 else 's'})"
