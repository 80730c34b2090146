"""Quiet, offline CDK synthesis for the infra tests."""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from layers.build import build
from layers.llm_layer import llm_layer_dir
from layers.traces_layer import HTTPFS_PACKAGE, traces_layer_dir

if TYPE_CHECKING:
    from aws_cdk import assertions

# jsii warns on every start under Node 20; the CLI's version check would reach the network.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_DEPRECATED", "quiet")
os.environ.setdefault("CDK_DISABLE_VERSION_CHECK", "1")


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Lambda code as `make layers` lays it out, without the dependencies."""
    out = tmp_path_factory.mktemp("build")
    build(out, skip_deps=True)
    # Stand-ins for what `make layers` downloads: litellm for the llm layer, duckdb and httpfs for the traces layer,
    # uvicorn for the streaming functions.
    packages = (
        llm_layer_dir(out) / "python" / "litellm",
        traces_layer_dir(out) / "python" / "duckdb",
        traces_layer_dir(out) / "python" / HTTPFS_PACKAGE,
        out / "layers" / "common" / "python" / "uvicorn",
    )
    for package in packages:
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text("")
    return out


@pytest.fixture(scope="session")
def console_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A console build as `npm run build -w frontend` lays it out: index.html and content-hashed assets/."""
    out = tmp_path_factory.mktemp("console")
    (out / "index.html").write_text('<!doctype html><script type="module" src="/assets/app-abc123.js"></script>\n')
    (out / "assets").mkdir()
    (out / "assets" / "app-abc123.js").write_text('document.body.textContent = "Loop";\n')
    return out


@pytest.fixture(scope="session")
def template(build_dir: Path, console_dir: Path) -> "assertions.Template":
    """The stack of stage `test` as `cdk synth` makes it (cdk.json's context), synthesised once per session."""
    import aws_cdk as cdk  # after the environment above: jsii starts node on import
    from aws_cdk import assertions

    from infra_cdk.app import create_stack
    from tests.infra.synth import STAGE, cdk_json_context

    app = cdk.App(context={**cdk_json_context(), "stage": STAGE})
    return assertions.Template.from_stack(create_stack(app, stage=STAGE, build_dir=build_dir, console_dir=console_dir))
