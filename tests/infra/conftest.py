"""Quiet, offline CDK synthesis for the infra tests."""

import os
from pathlib import Path

import pytest

from layers.build import build
from layers.llm_layer import llm_layer_dir

# jsii warns on every start under Node 20; the CLI's version check would reach the network.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_DEPRECATED", "quiet")
os.environ.setdefault("CDK_DISABLE_VERSION_CHECK", "1")


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Lambda code as `make layers` lays it out, without the dependencies."""
    out = tmp_path_factory.mktemp("build")
    build(out, skip_deps=True)
    # Stand-ins for what `make layers` downloads: litellm for the llm layer, uvicorn for the streaming functions.
    for package in (llm_layer_dir(out) / "python" / "litellm", out / "layers" / "common" / "python" / "uvicorn"):
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
