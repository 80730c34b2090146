"""The llm layer (layers/llm_layer.py) fits Lambda next to the common layer, and the pruned litellm still works.

It checks a layer already built by `python layers/llm_layer.py` (the build downloads over 100 MB, so it never runs
here). The check runs litellm with a Python of the Lambda runtime's version, on the two layers as Lambda mounts
them: completion, streaming, a tool call, our provider, and one request per catalog protocol that must get as far
as the network (a pruned module a provider needs would fail with ModuleNotFoundError first).
"""

from pathlib import Path

import pytest

from layers.build import MAX_UNZIPPED_BYTES, REPO_ROOT, bytecode_compiler, common_layer_dir, tree_size
from layers.llm_layer import FUNCTION_CODE_MARGIN_BYTES, LITELLM, PRUNED, llm_layer_dir, problems, smoke

pytestmark = pytest.mark.infra

BUILD = REPO_ROOT / ".build"
COMMON = common_layer_dir(BUILD) / "python"
LLM = llm_layer_dir(BUILD) / "python"
RUNTIME_VENV = BUILD / "bench-runtime-venv" / "bin" / "python"  # what the layer's build checked it with


@pytest.fixture(scope="module")
def built() -> Path:
    if not (LLM / LITELLM / "__init__.py").is_file():
        pytest.skip("the llm layer is not built: run `make layers`, then `python layers/llm_layer.py` (~100 MB)")
    if not (COMMON / "pydantic").is_dir():
        pytest.skip("the common layer's dependencies are not built: run `make layers`")
    return BUILD


def test_common_and_llm_layers_leave_room_for_function_code(built: Path) -> None:
    total = tree_size(COMMON) + tree_size(LLM)
    assert total + FUNCTION_CODE_MARGIN_BYTES < MAX_UNZIPPED_BYTES, f"{total / 2**20:.1f} MB unzipped"


def test_the_layers_share_no_file(built: Path) -> None:
    # Lambda extracts every layer into the same /opt: a file in both would be silently overwritten.
    common = {path.relative_to(COMMON) for path in COMMON.rglob("*") if path.is_file()}
    llm = {path.relative_to(LLM) for path in LLM.rglob("*") if path.is_file()}
    assert not common & llm


def test_the_pruned_paths_are_gone(built: Path) -> None:
    assert not [path for path in PRUNED if (LLM / path).exists()]


@pytest.mark.timeout(600)
def test_completion_streaming_and_tool_calls_work_under_the_runtimes_python(built: Path) -> None:
    if not RUNTIME_VENV.exists() and bytecode_compiler() is None:
        pytest.skip("no Python 3.12 (the Lambda runtime's version): `make layers` with LOOP_LAMBDA_PYTHON set")
    outcome = smoke(built)
    assert problems(outcome) == []
    assert isinstance(outcome["stream_chunks"], int) and outcome["stream_chunks"] > 1
    assert isinstance(outcome["provider_stream_usage"], int) and outcome["provider_stream_usage"] > 0
