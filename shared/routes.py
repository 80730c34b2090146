"""The route table: which function serves which API Gateway route, and which worker drains which queue.

The CDK API construct creates exactly these routes, and the local stack dispatches by exactly these
keys, so the two cannot disagree. Later modules add their entry here.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Worker:
    queue: str  # logical queue name from shared.resources
    handler: str  # "functions.<module>.worker.lambda_handler"
    batch_size: int = 10
    # Lambda waits up to this long to fill a batch (SQS allows batches over 10 only with a window).
    batching_window_s: int = 0
    # How many batches run at once: the event source's maximum concurrency in AWS, poller threads locally.
    max_concurrency: int = 1


@dataclass(frozen=True)
class Schedule:
    """A job run every `every_minutes` (an EventBridge rule in AWS, a thread in the local stack)."""

    name: str  # kebab-case, unique per module
    handler: str  # "functions.<module>.jobs.<name>_handler"
    every_minutes: int
    timeout_s: int = 300


@dataclass(frozen=True)
class Reconciler:
    """Re-enqueues work that was durable but unfinished when the local stack stopped."""

    callable: str  # "functions.<module>.reconcile.run"


@dataclass(frozen=True)
class FunctionSpec:
    module: str
    route_keys: tuple[str, ...]  # API Gateway HTTP API route keys, e.g. "ANY /api/foundation/{proxy+}"
    memory_mb: int = 512
    timeout_s: int = 29
    workers: tuple[Worker, ...] = ()
    reconcilers: tuple[Reconciler, ...] = ()
    schedules: tuple[Schedule, ...] = ()
    # Queues it sends to besides its own workers' (e.g. spans to trace-ingest).
    sends_to: tuple[str, ...] = ()
    uses_bucket: bool = False
    # Carries the llm layer (litellm, ~170 MB) to call real model providers; the fake model needs none of it.
    uses_llm: bool = False
    # Carries the traces layer (DuckDB and its httpfs extension) to write and read the Parquet trace store.
    uses_duckdb: bool = False
    # Runs users' evaluator code: in AWS through the sandbox function (no permissions, no network).
    runs_user_code: bool = False
    # CloudFront path patterns answered by a response-streaming Function URL of this module's app, since
    # API Gateway's HTTP API buffers a Lambda's whole response (SSE would arrive all at once).
    streaming_paths: tuple[str, ...] = ()
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def handler(self) -> str:
        return f"functions.{self.module}.handler.lambda_handler"

    @property
    def stream_handler(self) -> str:
        """The file the Lambda Web Adapter runs for the streaming function: uvicorn serving this module's app."""
        return "run.sh"

    @property
    def app(self) -> str:
        """`module:attribute` of the FastAPI app the handler wraps."""
        return f"functions.{self.module}.handler:app"


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        module="foundation",
        route_keys=(
            "GET /ping",
            "ANY /api/foundation/{proxy+}",
            "ANY /api/auth/{proxy+}",
            "ANY /v1/loop/files/{proxy+}",
        ),
        uses_bucket=True,
    ),
    FunctionSpec(module="llm", route_keys=("ANY /api/llm/{proxy+}",)),
    FunctionSpec(
        module="prompt",
        route_keys=("ANY /api/prompt/{proxy+}", "POST /v1/loop/prompts", "ANY /v1/loop/prompts/{proxy+}"),
        # A full vCPU: `import litellm` takes ~3.4 s on two slow cores, and Lambda's CPU scales with memory.
        memory_mb=1769,
        uses_llm=True,
        sends_to=("trace-ingest",),
        streaming_paths=("/v1/loop/prompts/execute_streaming", "/api/prompt/v1/prompts/*/debug_streaming"),
    ),
    # Its own small function so that production traffic never waits on DuckDB's import or a busy query.
    FunctionSpec(
        module="trace_ingest",
        route_keys=("POST /v1/loop/traces/ingest", "POST /v1/loop/opentelemetry/v1/traces"),
        memory_mb=1024,
        sends_to=("trace-ingest",),
    ),
    FunctionSpec(
        module="observability",
        route_keys=(
            "ANY /api/observability/{proxy+}",
            "POST /v1/loop/traces/search",
            "POST /v1/loop/traces/list",
            "POST /v1/loop/spans/search",
            "ANY /v1/loop/annotations",
        ),
        memory_mb=2048,
        uses_bucket=True,
        uses_duckdb=True,
        workers=(
            Worker(
                queue="trace-ingest",
                handler="functions.observability.worker.lambda_handler",
                batch_size=100,
                batching_window_s=2,
            ),
        ),
        schedules=(
            # Often, so the hour being written stays a few files (the writer adds one every few seconds).
            Schedule("compact", "functions.observability.jobs.compact_handler", every_minutes=2, timeout_s=110),
            Schedule("retention", "functions.observability.jobs.retention_handler", every_minutes=60),
        ),
    ),
    # Datasets and evaluation sets (an evaluation set is a dataset of category Evaluation).
    FunctionSpec(
        module="data",
        route_keys=(
            "ANY /api/data/{proxy+}",
            "ANY /api/evaluation/v1/evaluation_sets",
            "ANY /api/evaluation/v1/evaluation_sets/{proxy+}",
            "ANY /api/evaluation/v1/evaluation_set_versions/{proxy+}",
            "ANY /v1/loop/evaluation/evaluation_sets",
            "ANY /v1/loop/evaluation/evaluation_sets/{proxy+}",
        ),
        memory_mb=1024,
        uses_bucket=True,
        uses_duckdb=True,  # Parquet imports read the file with DuckDB (the traces layer)
        workers=(Worker(queue="data-jobs", handler="functions.data.worker.lambda_handler", batch_size=1),),
    ),
    FunctionSpec(
        module="evaluation",
        route_keys=("ANY /api/evaluation/{proxy+}", "ANY /v1/loop/evaluation/{proxy+}"),
        memory_mb=1769,
        uses_bucket=True,
        uses_llm=True,
        runs_user_code=True,
        sends_to=("trace-ingest",),
        workers=(
            Worker(queue="eval-schedule", handler="functions.evaluation.worker.schedule_handler", batch_size=1),
            # Each experiment keeps at most item_concur_num of its items in flight; this bounds all of them.
            Worker(
                queue="eval-items", handler="functions.evaluation.worker.item_handler", batch_size=1, max_concurrency=50
            ),
        ),
    ),
)


def parse_route_key(route_key: str) -> tuple[str, str, bool]:
    """`"ANY /a/{proxy+}"` → `("ANY", "/a/", True)`; a greedy key matches every path under its prefix."""
    method, _, path = route_key.partition(" ")
    if path.endswith("/{proxy+}"):
        return method, path.removesuffix("{proxy+}"), True
    return method, path, False
