"""The CDK app: `cdk synth -c stage=<stage> [-c build_dir=.build] [-c xray=true]` gives the stack `Loop-<stage>`.

Run `make layers` (python layers/build.py) first: the app packages what that build produced.
"""

import os
import sys
from pathlib import Path

import aws_cdk as cdk
from pydantic import ValidationError

from infra_cdk.artifacts import BuildArtifacts, MissingBuildError
from infra_cdk.stack import LoopStack
from shared.routes import FUNCTIONS
from shared.settings import LoopSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STAGE = "dev"
DEFAULT_BUILD_DIR = ".build"


def create_stack(app: cdk.App, *, stage: str, build_dir: Path, xray: bool = False) -> LoopStack:
    LoopSettings(stage=stage)  # the functions reject a stage name this rejects
    root = build_dir if build_dir.is_absolute() else REPO_ROOT / build_dir
    artifacts = BuildArtifacts(root).require(spec.module for spec in FUNCTIONS)
    return LoopStack(
        app,
        f"Loop-{stage}",
        stage=stage,
        artifacts=artifacts,
        xray=xray,
        description=f"Loop ({stage}): serverless Cozeloop",
        # Unset outside `cdk deploy` with credentials: the template then stays environment-agnostic.
        env=cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")),
    )


def main() -> None:
    app = cdk.App()
    stage = str(app.node.try_get_context("stage") or DEFAULT_STAGE)
    build_dir = Path(str(app.node.try_get_context("build_dir") or DEFAULT_BUILD_DIR))
    xray = str(app.node.try_get_context("xray") or "false").lower() == "true"
    try:
        create_stack(app, stage=stage, build_dir=build_dir, xray=xray)
    except MissingBuildError as error:
        sys.exit(f"infra_cdk: {error}")
    except ValidationError:
        sys.exit(f"infra_cdk: stage {stage!r} is invalid: use 1 to 16 lowercase letters, digits or '-', letter first")
    app.synth()


if __name__ == "__main__":
    main()
