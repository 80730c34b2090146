"""One stack per stage. It only composes the constructs; each construct owns one capability."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from infra_cdk.artifacts import BuildArtifacts
from infra_cdk.constructs.api import HttpApiConstruct
from infra_cdk.constructs.console import ConsoleConstruct
from infra_cdk.constructs.functions import FunctionResources, FunctionsConstruct
from infra_cdk.constructs.layers import LayerConstruct
from infra_cdk.constructs.queues import QueuesConstruct
from infra_cdk.constructs.sandbox import SandboxConstruct, sandbox_code_dir
from infra_cdk.constructs.secrets import SessionSecretConstruct
from infra_cdk.constructs.storage import TRACES_BUCKET, StorageConstruct
from infra_cdk.constructs.tables import TablesConstruct
from infra_cdk.constructs.trace_query import DEFAULT_TRACE_ENGINE, TraceQueryConstruct
from shared.resources import QUEUES, QueueSpec
from shared.routes import FUNCTIONS, FunctionSpec
from shared.settings import resource_prefix


class LoopStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        artifacts: BuildArtifacts,
        console_dir: Path,
        xray: bool = False,
        trace_engine: str = DEFAULT_TRACE_ENGINE,
        functions: Sequence[FunctionSpec] = FUNCTIONS,
        queues: Sequence[QueueSpec] = QUEUES,
        **kwargs: Any,
    ):
        super().__init__(scope, construct_id, **kwargs)
        prefix = resource_prefix(stage)
        Tags.of(self).add("project", "loop")
        Tags.of(self).add("stage", stage)

        tables = TablesConstruct(self, "Tables", prefix=prefix)
        storage = StorageConstruct(self, "Storage", queues=queues)
        queue_set = QueuesConstruct(self, "Queues", prefix=prefix, specs=queues)
        session_secret = SessionSecretConstruct(self, "SessionSecret")
        layer = LayerConstruct(
            self,
            "CommonLayer",
            asset_dir=artifacts.common_layer_dir,
            description="Loop: runtime dependencies and the shared library",
        )
        # Where code evaluators run; the evaluation function gets it through self.sandbox.connect(function).
        self.sandbox = SandboxConstruct(
            self, "Sandbox", stage=stage, code_dir=sandbox_code_dir(artifacts), layer=layer.layer
        )
        llm_layer = (
            LayerConstruct(
                self,
                "LlmLayer",
                asset_dir=artifacts.llm_layer_dir,
                description="Loop: litellm for calling model providers (pruned to fit beside the common layer)",
            ).layer
            if any(spec.uses_llm for spec in functions)
            else None
        )
        traces_layer = (
            LayerConstruct(
                self,
                "TracesLayer",
                asset_dir=artifacts.traces_layer_dir,
                description="Loop: DuckDB and its httpfs extension for the trace store",
            ).layer
            if any(spec.uses_duckdb for spec in functions)
            else None
        )
        traces_bucket = storage.buckets.get(TRACES_BUCKET)
        trace_query = (
            TraceQueryConstruct(
                self, "TraceQuery", stage=stage, traces_bucket=traces_bucket.bucket, engine=trace_engine
            )
            if traces_bucket is not None
            else None
        )
        lambdas = FunctionsConstruct(
            self,
            "Functions",
            stage=stage,
            xray=xray,
            specs=functions,
            artifacts=artifacts,
            layer=layer.layer,
            llm_layer=llm_layer,
            traces_layer=traces_layer,
            resources=FunctionResources(
                tables=list(tables.tables.values()),
                buckets=list(storage.buckets.values()),
                queues=queue_set.queues,
                session_secret=session_secret.secret,
                trace_query=trace_query,
            ),
        )
        for spec in functions:
            if spec.runs_user_code:
                self.sandbox.connect(lambdas.http_functions[spec.module])
                for worker in spec.workers:
                    self.sandbox.connect(lambdas.worker_functions[f"{spec.module}/{worker.queue}"])
        api = HttpApiConstruct(self, "Api", prefix=prefix, specs=functions, functions=lambdas.http_functions)

        console = ConsoleConstruct(
            self, "Console", console_dir=console_dir, api=api.api, stream_urls=lambdas.stream_urls
        )

        CfnOutput(self, "ApiUrl", value=api.url, description="Base URL of the Loop API (point the SDK here)")
        CfnOutput(
            self, "ConsoleUrl", value=console.url, description="Open the console here; also the base URL for the SDK"
        )
