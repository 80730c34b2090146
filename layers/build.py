"""Builds the Lambda artifacts without Docker: the common layer and one code directory per function.

    python layers/build.py [--out .build] [--skip-deps] [--clean]

Layout (the CDK app reads exactly this):
    <out>/layers/common/python/      runtime dependencies + `shared` (+ `conf`), mounted at /opt/python
    <out>/functions/<module>/        `functions/__init__.py` + `functions/<module>/**`, the function's code

Wheels are chosen for the Lambda runtime (CPython 3.12, manylinux x86_64) whatever the build machine is;
the requirements are `[project].dependencies` of pyproject.toml, at the versions uv.lock pins.
`--skip-deps` refreshes only our own code, keeping dependencies a previous full build installed.
"""

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import distributions
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from shared.routes import FUNCTIONS, FunctionSpec  # noqa: E402  (needs the repo root on sys.path)

LAMBDA_PYTHON_VERSION = "3.12"
# The python3.12 runtime runs on Amazon Linux 2023 (glibc 2.34): manylinux2014 and manylinux_2_28 wheels both load.
# pip does not widen one tag to the other, and some locked versions ship only the newer one.
LAMBDA_PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64")
# The Lambda runtime ships these; a second copy in the layer would shadow it and could split boto3 from botocore.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "urllib3")
# Lambda's /opt and /var/task are read-only, so bytecode missing from the bundle is compiled again at every
# cold start (measured: 1.7 s instead of 1.1 s to import the foundation handler). Compiling needs an
# interpreter of the runtime's version: `python3.12` on PATH, or the one LOOP_LAMBDA_PYTHON names.
BYTECODE_PYTHON_ENV = "LOOP_LAMBDA_PYTHON"
MAX_LAYER_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024  # Lambda's limit for a function plus all its layers
LIBRARY_PACKAGES = ("shared", "conf")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "tests", "test_*.py", "conftest.py")

log = logging.getLogger("layers.build")


class BuildError(Exception):
    pass


@dataclass(frozen=True)
class BuildResult:
    layer_dir: Path  # the asset directory of the common layer (it contains `python/`)
    function_dirs: dict[str, Path]  # module → asset directory
    layer_bytes: int


def build(out: Path, *, skip_deps: bool = False, clean: bool = False) -> BuildResult:
    out = out.resolve()
    if clean and out.exists():
        shutil.rmtree(out)
    layer_dir = common_layer_dir(out)
    site = layer_dir / "python"
    if not skip_deps:
        requirements = runtime_requirements(REPO_ROOT / "pyproject.toml")
        constraints = locked_versions(REPO_ROOT / "uv.lock")
        install_dependencies(requirements, constraints, site, stamp=layer_dir.with_suffix(".json"))
    site.mkdir(parents=True, exist_ok=True)
    for package in LIBRARY_PACKAGES:
        copy_tree(REPO_ROOT / package, site / package)
    function_dirs = {spec.module: build_function(spec, function_dir(out, spec.module)) for spec in FUNCTIONS}
    compile_bytecode([site, *function_dirs.values()])
    layer_bytes = tree_size(site)
    log.info("common layer: %.1f MB unzipped (limit %d MB)", layer_bytes / 2**20, MAX_LAYER_BYTES // 2**20)
    if layer_bytes > MAX_LAYER_BYTES:
        raise BuildError(f"the common layer is {layer_bytes / 2**20:.1f} MB, over {MAX_LAYER_BYTES // 2**20} MB")
    for module, directory in function_dirs.items():
        if layer_bytes + tree_size(directory) > MAX_UNZIPPED_BYTES:
            raise BuildError(f"function {module} with its layer is over Lambda's {MAX_UNZIPPED_BYTES // 2**20} MB")
    return BuildResult(layer_dir=layer_dir, function_dirs=function_dirs, layer_bytes=layer_bytes)


def common_layer_dir(out: Path) -> Path:
    """The asset directory of the common layer; Lambda mounts its `python/` on the import path."""
    return out / "layers" / "common"


def function_dir(out: Path, module: str) -> Path:
    return out / "functions" / module


def runtime_requirements(pyproject: Path) -> list[str]:
    """The `[project].dependencies` of pyproject.toml: the one list of what the functions need at run time."""
    with pyproject.open("rb") as file:
        requirements: list[str] = tomllib.load(file)["project"]["dependencies"]
    return requirements


def locked_versions(lock: Path) -> list[str]:
    """`name==version` of every package in uv.lock, so the layer ships the transitive versions the tests ran."""
    if not lock.is_file():
        return []
    with lock.open("rb") as file:
        packages: list[dict[str, object]] = tomllib.load(file).get("package", [])
    versions: dict[str, set[str]] = {}
    for package in packages:
        if "version" in package:  # the project itself has none
            versions.setdefault(str(package["name"]), set()).add(str(package["version"]))
    # A name locked at two versions (split by environment markers) cannot be one constraint; pip resolves it.
    return sorted(f"{name}=={next(iter(found))}" for name, found in versions.items() if len(found) == 1)


def pip_install(requirements: list[str], constraints: list[str], target: Path, *, stamp: Path, label: str) -> bool:
    """Installs Lambda-runtime wheels into `target` with pip --platform (no Docker).

    Skipped, returning False, when the same requirements were installed there before (the stamp says so).
    """
    wanted = json.dumps(
        {
            "requirements": requirements,
            "constraints": constraints,
            "python": LAMBDA_PYTHON_VERSION,
            "platforms": LAMBDA_PLATFORMS,
        },
        indent=2,
    )
    if stamp.exists() and stamp.read_text() == wanted and target.is_dir():
        log.info("%s: dependencies unchanged, not reinstalled (use --clean to force)", label)
        return False
    if target.exists():
        shutil.rmtree(target)
    stamp.unlink(missing_ok=True)
    log.info("%s: installing %d requirements for CPython %s", label, len(requirements), LAMBDA_PYTHON_VERSION)
    constraints_file = stamp.with_suffix(".constraints.txt")
    constraints_file.parent.mkdir(parents=True, exist_ok=True)
    constraints_file.write_text("".join(f"{line}\n" for line in constraints))
    command = [
        *(sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-warn-conflicts"),
        "--no-compile",
        *(argument for platform in LAMBDA_PLATFORMS for argument in ("--platform", platform)),
        *("--only-binary=:all:", "--python-version", LAMBDA_PYTHON_VERSION, "--implementation", "cp"),
        *("--constraint", str(constraints_file), "--target", str(target)),
        *requirements,
    ]
    result = subprocess.run(command, check=False)
    if result.returncode != 0:
        raise BuildError(f"pip could not install the {label}'s dependencies (exit code {result.returncode})")
    stamp.write_text(wanted)
    return True


def install_dependencies(requirements: list[str], constraints: list[str], site: Path, *, stamp: Path) -> None:
    """Installs Lambda wheels into `site`; skipped when the same requirements were installed there before."""
    if pip_install(requirements, constraints, site, stamp=stamp, label="common layer"):
        remove_distributions(site, RUNTIME_PROVIDED)
        shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts are of no use in a layer


def remove_distributions(site: Path, names: tuple[str, ...]) -> None:
    """Deletes every file pip recorded for these distributions, their metadata included."""
    wanted = {normalize(name) for name in names}
    for dist in distributions(path=[str(site)]):
        name = dist.metadata["Name"]
        if normalize(name) not in wanted:
            continue
        for file in dist.files or ():
            path = Path(str(dist.locate_file(file))).resolve()
            if path.is_relative_to(site.resolve()) and path.is_file():
                path.unlink()
        log.info("common layer: left out %s (the Lambda runtime provides it)", name)
    remove_empty_dirs(site)


def installed_distributions(site: Path) -> dict[str, str]:
    """Normalised name → version of every distribution installed in `site`."""
    return {normalize(dist.metadata["Name"]): dist.version for dist in distributions(path=[str(site)])}


def copy_without(staging: Path, site: Path, left_out: Iterable[str]) -> list[str]:
    """Copies `staging` to `site` without the files pip recorded for the `left_out` distributions.

    Returns the names of the distributions copied."""
    skipped = {normalize(name) for name in left_out}
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    kept = []
    for dist in distributions(path=[str(staging)]):
        name = normalize(dist.metadata["Name"])
        if name in skipped:
            continue
        kept.append(name)
        for file in dist.files or ():
            source = Path(str(dist.locate_file(file))).resolve()
            if not source.is_relative_to(staging.resolve()) or not source.is_file():
                continue
            relative = source.relative_to(staging.resolve())
            if relative.parts[0] == "bin":  # console scripts are of no use in a layer
                continue
            target = site / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return sorted(kept)


STREAM_SCRIPT = """#!/bin/sh
# Run by the Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap) for a response-streaming
# Function URL: the same FastAPI app as the buffered function, served by uvicorn on the adapter's port.
export PYTHONPATH="/opt/python:${{LAMBDA_TASK_ROOT}}:${{LAMBDA_RUNTIME_DIR}}:${{PYTHONPATH}}"
exec python -m uvicorn --host 127.0.0.1 --port "${{PORT:-8080}}" --no-access-log {app}
"""


def build_function(spec: FunctionSpec, target: Path) -> Path:
    module = spec.module
    source = REPO_ROOT / "functions" / module
    if not (source / "handler.py").is_file():
        raise BuildError(f"functions/{module}/handler.py does not exist, but shared/routes.py declares it")
    if target.exists():
        shutil.rmtree(target)
    (target / "functions").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "functions" / "__init__.py", target / "functions" / "__init__.py")
    copy_tree(source, target / "functions" / module)
    if spec.streaming_paths:
        script = target / spec.stream_handler
        script.write_text(STREAM_SCRIPT.format(app=spec.app))
        script.chmod(0o755)
    return target


def copy_tree(source: Path, target: Path) -> None:
    """Replaces `target` with the code of `source`; a missing or empty `source` leaves nothing behind."""
    if target.exists():
        shutil.rmtree(target)
    if source.is_dir() and any(path.is_file() for path in source.rglob("*")):
        shutil.copytree(source, target, ignore=IGNORED)


def bytecode_compiler() -> str | None:
    """A Python of the Lambda runtime's version, or None when this machine has none."""
    candidates = [os.environ.get(BYTECODE_PYTHON_ENV), shutil.which(f"python{LAMBDA_PYTHON_VERSION}")]
    for candidate in filter(None, candidates):
        probe = [candidate, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"]
        result = subprocess.run(probe, capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout.strip() == LAMBDA_PYTHON_VERSION:
            return candidate
    return None


def compile_bytecode(roots: list[Path]) -> None:
    """Ships `__pycache__` for the runtime; `unchecked-hash` pycs stay valid whatever the files' timestamps."""
    compiler = bytecode_compiler()
    if compiler is None:
        log.warning(
            "no Python %s found: the bundle ships without bytecode, so each cold start compiles it (~0.6 s); "
            "set %s to a python%s to fix that",
            LAMBDA_PYTHON_VERSION,
            BYTECODE_PYTHON_ENV,
            LAMBDA_PYTHON_VERSION,
        )
        return
    command = [compiler, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash"]
    result = subprocess.run([*command, *map(str, roots)], check=False)
    if result.returncode != 0:
        raise BuildError(f"compiling bytecode with {compiler} failed (exit code {result.returncode})")
    log.info("compiled bytecode with %s", compiler)


def runtime_python() -> Path:
    """A venv of the runtime's Python with the boto3 Lambda provides (shared with tests/bench/bench_imports.py)."""
    venv = REPO_ROOT / ".build" / "bench-runtime-venv"
    python = venv / "bin" / "python"
    if python.exists():
        return python
    interpreter = bytecode_compiler()
    if interpreter is None:
        raise BuildError(f"no Python {LAMBDA_PYTHON_VERSION}: set {BYTECODE_PYTHON_ENV}")
    boto3 = next(line for line in locked_versions(REPO_ROOT / "uv.lock") if line.startswith("boto3=="))
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", boto3], check=True)
    return python


def tree_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def remove_empty_dirs(root: Path) -> None:
    for directory in sorted((path for path in root.rglob("*") if path.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Lambda layer and function code (no Docker).")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / ".build", help="build directory (default: .build)")
    parser.add_argument("--skip-deps", action="store_true", help="only copy our code; do not install dependencies")
    parser.add_argument("--clean", action="store_true", help="delete the build directory first")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        result = build(args.out, skip_deps=args.skip_deps, clean=args.clean)
    except BuildError as error:
        log.error("layers/build.py: %s", error)
        return 1
    log.info("functions: %s in %s", ", ".join(sorted(result.function_dirs)), args.out.resolve() / "functions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
