"""The CDK app: `cdk synth -c stage=<stage> [-c build_dir=.build] [-c console_dir=frontend/dist] [-c xray=true]
[-c trace_engine=duckdb|athena]` gives the stack `Loop-<stage>`.

Run `make layers` (python layers/build.py, layers/llm_layer.py, layers/traces_layer.py) and `make console`
(npm run build -w frontend) first: the app packages what those builds produced.
"""

import os
import sys
from pathlib import Path

import aws_cdk as cdk
from pydantic import ValidationError

from infra_cdk.artifacts import BuildArtifacts, MissingBuildError, require_console
from infra_cdk.constructs.trace_query import DEFAULT_TRACE_ENGINE, TRACE_ENGINES
from infra_cdk.stack import LoopStack
from shared.routes import FUNCTIONS
from shared.settings import LoopSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STAGE = "dev"
DEFAULT_BUILD_DIR = ".build"
DEFAULT_CONSOLE_DIR = "frontend/dist"


class InvalidContextError(ValueError):
    """A context value the app cannot use (the message says which and what to use)."""


def create_stack(
    app: cdk.App,
    *,
    stage: str,
    build_dir: Path,
    console_dir: Path,
    xray: bool = False,
    trace_engine: str | None = None,
) -> LoopStack:
    """`trace_engine` defaults to the app's context `trace_engine`, then to duckdb."""
    LoopSettings(stage=stage)  # the functions reject a stage name this rejects
    trace_engine = trace_engine or str(app.node.try_get_context("trace_engine") or DEFAULT_TRACE_ENGINE)
    if trace_engine not in TRACE_ENGINES:
        raise InvalidContextError(f"trace_engine {trace_engine!r} is invalid: use {' or '.join(TRACE_ENGINES)}")
    artifacts = BuildArtifacts(in_repo(build_dir)).require(
        (spec.module for spec in FUNCTIONS),
        llm_layer=any(spec.uses_llm for spec in FUNCTIONS),
        traces_layer=any(spec.uses_duckdb for spec in FUNCTIONS),
        streaming=any(spec.streaming_paths for spec in FUNCTIONS),
    )
    console = require_console(in_repo(console_dir))
    return LoopStack(
        app,
        f"Loop-{stage}",
        stage=stage,
        artifacts=artifacts,
        console_dir=console,
        xray=xray,
        trace_engine=trace_engine,
        description=f"Loop ({stage}): serverless Cozeloop",
        # Unset outside `cdk deploy` with credentials: the template then stays environment-agnostic.
        env=cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=os.environ.get("CDK_DEFAULT_REGION")),
    )


def in_repo(path: Path) -> Path:
    """Relative paths (the context's) are relative to the repository, wherever the CLI runs."""
    return path if path.is_absolute() else REPO_ROOT / path


def main() -> None:
    app = cdk.App()
    stage = str(app.node.try_get_context("stage") or DEFAULT_STAGE)
    build_dir = Path(str(app.node.try_get_context("build_dir") or DEFAULT_BUILD_DIR))
    console_dir = Path(str(app.node.try_get_context("console_dir") or DEFAULT_CONSOLE_DIR))
    xray = str(app.node.try_get_context("xray") or "false").lower() == "true"
    try:
        create_stack(app, stage=stage, build_dir=build_dir, console_dir=console_dir, xray=xray)
    except (MissingBuildError, InvalidContextError) as error:
        sys.exit(f"infra_cdk: {error}")
    except ValidationError:
        sys.exit(f"infra_cdk: stage {stage!r} is invalid: use 1 to 16 lowercase letters, digits or '-', letter first")
    app.synth()


if __name__ == "__main__":
    main()
