"""The Lambda layers: the common one (runtime dependencies and `shared`, layers/build.py) and the llm one
(litellm, pruned, layers/llm_layer.py) that only the functions calling real model providers carry."""

from pathlib import Path

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra_cdk.lambda_runtime import ARCHITECTURE, RUNTIME


class LayerConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, asset_dir: Path, description: str):
        super().__init__(scope, construct_id)
        self.layer = lambda_.LayerVersion(
            self,
            "Layer",
            code=lambda_.Code.from_asset(str(asset_dir)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description=description,
        )
