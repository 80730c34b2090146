"""Builds the llm layer without Docker: litellm and what it needs beyond the common layer, pruned for chat.

    python layers/llm_layer.py [--out .build] [--clean] [--check]

Layout (next to the common layer that layers/build.py lays out; run that first):
    <out>/layers/llm/python/          litellm + its dependencies, mounted at /opt/python with the common layer
    <out>/layers/llm.staging/         the unpruned install, kept so a rebuild does not download it again

Wheels are chosen for the Lambda runtime (CPython 3.12, manylinux x86_64) at the versions uv.lock pins. What
the runtime provides (boto3, botocore, ...) and every distribution the common layer installed are left out:
Lambda extracts all layers of a function into the same /opt, so they would only be a second copy. Then the
parts of litellm a chat completion never imports are pruned (`PRUNED`; each entry says why it is safe), and
`--check` proves the result with the runtime's Python: completion, streaming, tool calls, our provider, and
one request per catalog protocol that must get as far as the network.
"""

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from importlib.metadata import distributions
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from layers.build import (  # noqa: E402  (needs the repo root on sys.path)
    LAMBDA_PYTHON_VERSION,
    MAX_UNZIPPED_BYTES,
    RUNTIME_PROVIDED,
    BuildError,
    bytecode_compiler,
    common_layer_dir,
    compile_bytecode,
    copy_without,
    installed_distributions,
    locked_versions,
    normalize,
    pip_install,
    remove_empty_dirs,
    runtime_python,
    tree_size,
)

LITELLM = "litellm"
# What a function's own code may take on top of the two layers (ours are well under 1 MB each).
FUNCTION_CODE_MARGIN_BYTES = 20 * 1024 * 1024

# Distributions litellm requires but a chat completion never imports, with the reason each is safe to leave out.
PRUNED_DISTRIBUTIONS: dict[str, str] = {
    "tokenizers": "litellm counts tokens with its bundled Rust codec (rust_bridge/_native) and falls back to "
    "`tokenizers` only when that extension is missing; it catches the ModuleNotFoundError itself",
    "huggingface-hub": "only the huggingface/predibase providers and Tokenizer.from_pretrained use it; "
    "tokenizer downloads are off (disable_hf_tokenizer_download)",
    "hf-xet": "huggingface_hub's download backend",
    "fsspec": "required only by huggingface_hub",
    "tqdm": "required only by huggingface_hub (download progress bars)",
}
# Paths (relative to the layer's python/) that `litellm.completion` never reads, with the reason each is safe.
# `litellm/proxy` as a whole cannot go: litellm's core imports about 600 of its 850 modules (its exception
# mapping imports litellm.proxy.guardrails on every provider error), but its data files are the server's own.
PRUNED: dict[str, str] = {
    "litellm/proxy/_experimental/out": "the proxy admin UI's static build (HTML/JS); served only by `litellm --proxy`",
    "litellm/proxy/_lazy_openapi_snapshot.json": "the proxy server's OpenAPI document, read only when it serves",
    "litellm/proxy/swagger": "the proxy server's Swagger UI assets (JS/CSS/icons)",
    "litellm/proxy/common_utils/codex_bundled_models_0.166.0.json": "a model list only the proxy's Codex route reads",
}
# File kinds no runtime reads: type stubs and the build's own leftovers.
PRUNED_SUFFIXES = (".pyi",)

log = logging.getLogger("layers.llm_layer")


def llm_layer_dir(out: Path) -> Path:
    """The asset directory of the llm layer; Lambda mounts its `python/` on the import path."""
    return out / "layers" / "llm"


def litellm_requirement(lock: Path) -> str:
    """`litellm==<version>` as uv.lock pins it."""
    for constraint in locked_versions(lock):
        if constraint.startswith(f"{LITELLM}=="):
            return constraint
    raise BuildError(f"uv.lock pins no single version of {LITELLM}")


def stage(requirement: str, constraints: list[str], staging: Path) -> None:
    """Installs `requirement` with all its dependencies for the Lambda runtime into `staging`, once."""
    pip_install([requirement], constraints, staging, stamp=staging.with_suffix(".json"), label="llm layer")


def remove_pruned_distributions(site: Path) -> int:
    """Deletes the files pip recorded for `PRUNED_DISTRIBUTIONS`; returns the bytes freed."""
    freed = 0
    wanted = {normalize(name) for name in PRUNED_DISTRIBUTIONS}
    for dist in distributions(path=[str(site)]):
        if normalize(dist.metadata["Name"]) not in wanted:
            continue
        for file in dist.files or ():
            path = Path(str(dist.locate_file(file))).resolve()
            if path.is_relative_to(site.resolve()) and path.is_file():
                freed += path.stat().st_size
                path.unlink()
    remove_empty_dirs(site)
    return freed


def prune(site: Path) -> int:
    """Deletes `PRUNED_DISTRIBUTIONS`, `PRUNED` and `PRUNED_SUFFIXES` from `site`; returns the bytes freed."""
    freed = remove_pruned_distributions(site)
    for relative in PRUNED:
        path = site / relative
        if path.is_dir():
            freed += tree_size(path)
            shutil.rmtree(path)
        elif path.is_file():
            freed += path.stat().st_size
            path.unlink()
        else:
            log.warning("llm layer: %s is not in this litellm; PRUNED may be stale", relative)
    for path in [path for path in site.rglob("*") if path.suffix in PRUNED_SUFFIXES and path.is_file()]:
        freed += path.stat().st_size
        path.unlink()
    remove_empty_dirs(site)
    return freed


def module_name(site: Path, source: Path) -> str:
    """The dotted name a `.py` file under `site` is imported as."""
    parts = list(source.relative_to(site).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def keep_bytecode_of(site: Path, modules: Iterable[str]) -> int:
    """Deletes the compiled bytecode of every module not in `modules`; returns the bytes freed.

    litellm is 5,700 modules and a completion imports 2,500 of them: their bytecode saves seconds at every cold
    start (Lambda's /opt is read-only, so nothing compiled there is kept); the rest would be 36 MB for nothing."""
    imported = set(modules)
    freed = 0
    for pyc in site.rglob("__pycache__/*.pyc"):
        source = pyc.parent.parent / f"{pyc.name.partition('.')[0]}.py"
        if not source.is_file() or module_name(site, source) not in imported:
            freed += pyc.stat().st_size
            pyc.unlink()
    remove_empty_dirs(site)
    return freed


def sizes_by_top_level(site: Path) -> dict[str, int]:
    """Bytes per top-level entry of `site` (a package directory, a module, a dist-info), largest first."""
    sizes = {
        path.name: tree_size(path) if path.is_dir() else path.stat().st_size
        for path in site.iterdir()
        if path.name != "__pycache__"
    }
    return dict(sorted(sizes.items(), key=lambda item: item[1], reverse=True))


def report(title: str, site: Path, top: int = 15) -> int:
    total = tree_size(site)
    log.info("%s: %.1f MB", title, total / 2**20)
    for name, size in list(sizes_by_top_level(site).items())[:top]:
        log.info("  %-40s %7.1f MB", name, size / 2**20)
    return total


def build(out: Path, *, clean: bool = False) -> Path:
    """Builds `<out>/layers/llm/python/`; needs the common layer that layers/build.py installed in `out`."""
    out = out.resolve()
    common_site = common_layer_dir(out) / "python"
    common = installed_distributions(common_site) if common_site.is_dir() else {}
    if not common:
        raise BuildError(f"no common layer in {common_site}: run `make layers` (layers/build.py) first")
    layer = llm_layer_dir(out)
    staging = layer.with_name("llm.staging")
    if clean:
        for path in (layer, staging, staging.with_suffix(".json")):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    stage(litellm_requirement(REPO_ROOT / "uv.lock"), locked_versions(REPO_ROOT / "uv.lock"), staging)

    staged = installed_distributions(staging)
    different = {
        name: (common[name], version) for name, version in staged.items() if common.get(name, version) != version
    }
    if different:  # the layers share /opt/python: one version of each distribution, or imports split
        raise BuildError(f"the llm layer resolved other versions than the common layer: {different}")
    site = layer / "python"
    kept = copy_without(staging, site, [*RUNTIME_PROVIDED, *common])
    log.info("llm layer: %d distributions beyond the common layer and the runtime: %s", len(kept), ", ".join(kept))
    before = report("llm layer before pruning (sources, no bytecode)", site)
    freed = prune(site)
    report(f"llm layer after pruning ({freed / 2**20:.1f} MB removed; sources, no bytecode)", site)
    if bytecode_compiler() is None:
        log.warning(
            "llm layer: no Python %s, so no bytecode: each cold start compiles litellm (+8 s)", LAMBDA_PYTHON_VERSION
        )
    else:
        compile_bytecode([site])
        outcome = smoke(out)  # proves the layer (completion, streaming, tools, every protocol) and lists its imports
        if found := problems(outcome):
            raise BuildError("the pruned llm layer does not work:\n  " + "\n  ".join(found))
        imported = outcome["modules"]
        assert isinstance(imported, list)
        unused = keep_bytecode_of(site, map(str, imported))
        log.info(
            "llm layer: kept the bytecode of the %d modules a completion imports (%.1f MB of unused bytecode removed)",
            len(imported),
            unused / 2**20,
        )
    after = report("llm layer as shipped", site)
    common_bytes = tree_size(common_site)
    total = common_bytes + after
    log.info(
        "%s",
        f"common layer {common_bytes / 2**20:.1f} MB + llm layer {after / 2**20:.1f} MB = {total / 2**20:.1f} MB "
        f"unzipped; Lambda allows {MAX_UNZIPPED_BYTES / 2**20:.0f} MB for function + layers "
        f"(headroom {(MAX_UNZIPPED_BYTES - total) / 2**20:.1f} MB; unpruned llm layer was {before / 2**20:.1f} MB)",
    )
    if total + FUNCTION_CODE_MARGIN_BYTES > MAX_UNZIPPED_BYTES:
        raise BuildError(
            f"common + llm layers are {total / 2**20:.1f} MB: no room for {FUNCTION_CODE_MARGIN_BYTES // 2**20} MB "
            f"of function code under Lambda's {MAX_UNZIPPED_BYTES // 2**20} MB"
        )
    return layer


# --- the check, run by the Lambda runtime's Python ----------------------------------------------------------

# Every catalog protocol as litellm names it, with the arguments that make it build a real request.
# api_base points at a closed local port: the request must get as far as the network, so every module the
# provider's request and response code imports has been imported (a pruned one fails with ModuleNotFoundError).
SMOKE_SCRIPT = r"""
import json, os, sys, time
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
started = time.perf_counter()
import litellm
import_seconds = time.perf_counter() - started
litellm.suppress_debug_info = True
litellm.disable_hf_tokenizer_download = True
results = {"import_seconds": import_seconds, "litellm_file": litellm.__file__}
messages = [{"role": "user", "content": "What is the weather in Paris?"}]
tools = [{"type": "function", "function": {"name": "get_weather", "description": "The weather in a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]

response = litellm.completion(model="openai/gpt-4o-mini", messages=messages, mock_response="hi there")
results["completion"] = response.choices[0].message.content
chunks = list(litellm.completion(model="openai/gpt-4o-mini", messages=messages, mock_response="hi there, Paris",
                                 stream=True, stream_options={"include_usage": True}))
results["stream_chunks"] = len(chunks)
results["stream_text"] = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
response = litellm.completion(model="openai/gpt-4o-mini", messages=messages, tools=tools, mock_response="",
                              mock_tool_calls=[call])
results["tool_call"] = response.choices[0].message.tool_calls[0].function.arguments
results["token_counts"] = {m: litellm.token_counter(model=m, messages=messages) for m in
                           ("openai/gpt-4o-mini", "anthropic/claude-3-5-sonnet-20240620", "deepseek/deepseek-chat")}
results["cost"] = sum(litellm.cost_per_token(model="openai/gpt-4o-mini", prompt_tokens=10, completion_tokens=10))

from shared.llm.catalog import ModelEntry
from shared.llm.litellm_provider import LiteLLMProvider
from shared.llm.providers import ModelCall
from shared.llm.types import ChatMessage, Role, Tool
entry = ModelEntry.model_validate({"id": 1, "name": "m", "protocol": "claude", "protocol_config": {"model": "c-1"}})
ask = ModelCall(model=entry, messages=[ChatMessage(role=Role.USER, content="hi")], api_key="k",
                tools=[Tool(name="get_weather", definition=json.dumps(tools[0]["function"]["parameters"]))])
results["provider_complete"] = LiteLLMProvider({"mock_response": "Bonjour"}).complete(ask).message.content
streamed = list(LiteLLMProvider({"mock_response": "Bonjour Paris"}).stream(ask))
results["provider_stream"] = "".join(chunk.content for chunk in streamed)
results["provider_stream_usage"] = streamed[-1].usage.total_tokens

refused = "http://127.0.0.1:9"
aws = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret", "aws_region_name": "us-east-1",
       "aws_bedrock_runtime_endpoint": refused}
protocols = {
    "openai": ("openai/gpt-4o-mini", {"api_base": refused}),
    "azure": ("azure/gpt-4o", {"api_base": refused, "api_version": "2024-10-21"}),
    "deepseek": ("deepseek/deepseek-chat", {"api_base": refused}),
    "anthropic": ("anthropic/claude-3-5-sonnet-20240620", {"api_base": refused}),
    "bedrock": ("bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", aws),
    "gemini": ("gemini/gemini-1.5-flash", {"api_base": refused}),
    "ollama_chat": ("ollama_chat/llama3", {"api_base": refused}),
    "dashscope": ("dashscope/qwen-plus", {"api_base": refused}),
    "volcengine": ("volcengine/doubao-pro-32k", {"api_base": refused}),
}
wire = {}
for name, (model, extra) in protocols.items():
    for stream in (False, True):
        try:
            reply = litellm.completion(model=model, messages=messages, tools=tools, api_key="k", num_retries=0,
                                       timeout=5, stream=stream, **extra)
            if stream:
                list(reply)
            outcome = "answered?!"
        except Exception as error:
            chain, seen = [], error
            while seen is not None and len(chain) < 10:
                chain.append(f"{type(seen).__name__}: {seen}")
                seen = getattr(seen, "original_exception", None) or seen.__cause__ or seen.__context__
            text = " <- ".join(chain)
            if "No module named" in text or "ImportError" in text:
                outcome = "missing module: " + text
            elif "Connection refused" in text or isinstance(error, (litellm.APIConnectionError, litellm.Timeout)):
                outcome = "network"
            else:
                outcome = "unexpected: " + text
        wire[f"{name}{' stream' if stream else ''}"] = outcome
results["wire"] = wire
results["modules"] = sorted(name for name in sys.modules if name.partition(".")[0] not in sys.stdlib_module_names)
print("SMOKE " + json.dumps(results))
"""


EXPECTED: dict[str, object] = {
    "completion": "hi there",
    "stream_text": "hi there, Paris",
    "tool_call": '{"city": "Paris"}',
    "provider_complete": "Bonjour",
    "provider_stream": "Bonjour Paris",
}


def problems(outcome: dict[str, object]) -> list[str]:
    """What the check found wrong; empty when completion, streaming, tools and every protocol work."""
    found = [
        f"{key}: {outcome.get(key)!r}, expected {value!r}"
        for key, value in EXPECTED.items()
        if outcome.get(key) != value
    ]
    wire = outcome.get("wire")
    if not isinstance(wire, dict) or not wire:
        found.append("no protocol was tried")
    else:
        found += [f"{protocol}: {result}" for protocol, result in wire.items() if result != "network"]
    return found


def smoke(out: Path, python: Path | None = None) -> dict[str, object]:
    """Runs SMOKE_SCRIPT with the runtime's Python on the two layers, as Lambda mounts them (read-only)."""
    out = out.resolve()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LOOP_", "POWERTOOLS_", "PYTHON"))}
    # The repository's `shared` first: the common layer's copy is as old as the last `make layers`.
    code = Path(tempfile.mkdtemp())
    (code / "shared").symlink_to(REPO_ROOT / "shared", target_is_directory=True)
    sites = [code, common_layer_dir(out) / "python", llm_layer_dir(out) / "python"]
    env.update(
        PYTHONPATH=os.pathsep.join(map(str, sites)),
        PYTHONDONTWRITEBYTECODE="1",
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        AWS_LAMBDA_FUNCTION_NAME="llm-smoke",
        AWS_REGION="us-east-1",
        HOME=tempfile.mkdtemp(),  # nothing of the build machine's caches
    )
    result = subprocess.run(
        [str(python or runtime_python()), "-c", SMOKE_SCRIPT],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("SMOKE ")]
    if result.returncode != 0 or not lines:
        raise BuildError(f"the llm layer check failed (exit code {result.returncode}):\n{result.stderr[-4000:]}")
    outcome: dict[str, object] = json.loads(lines[-1].removeprefix("SMOKE "))
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the llm layer (litellm, pruned) for Lambda (no Docker).")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / ".build", help="build directory (default: .build)")
    parser.add_argument("--clean", action="store_true", help="download litellm again")
    parser.add_argument("--check", action="store_true", help="then run a completion on it with the runtime's Python")
    parser.add_argument("--check-only", action="store_true", help="only run the check on the built layer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if not args.check_only:
            build(args.out, clean=args.clean)
        if args.check or args.check_only:
            started = time.perf_counter()
            outcome = smoke(args.out)
            outcome["modules"] = f"{len(outcome['modules'])} imported"  # type: ignore[arg-type]
            log.info("%s", json.dumps(outcome, indent=2))
            if found := problems(outcome):
                raise BuildError("the llm layer does not work:\n  " + "\n  ".join(found))
            log.info("check took %.1f s", time.perf_counter() - started)
    except BuildError as error:
        log.error("layers/llm_layer.py: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
