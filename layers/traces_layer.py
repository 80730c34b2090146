"""Builds the traces layer without Docker: DuckDB and its httpfs extension, for the functions of the trace store.

    python layers/traces_layer.py [--out .build] [--clean] [--check]

Layout (next to the common layer that layers/build.py lays out; run that first):
    <out>/layers/traces/python/         duckdb + duckdb_extension_httpfs, mounted at /opt/python with the common layer
    <out>/layers/traces.staging/        the unpruned install, kept so a rebuild does not download it again

The requirements are the `traces` dependency group of pyproject.toml, installed as wheels for the Lambda runtime
(CPython 3.12, manylinux x86_64) at the versions uv.lock pins. DuckDB 1.5's `INSTALL httpfs` would download the
extension at run time, so it comes from the `duckdb-extension-httpfs` wheel and shared/traces/duck.py loads it by
path; the build checks that the file there is the linux_amd64 build of exactly the installed DuckDB version (the
extension's own metadata footer says so) and, with the runtime's Python, that the layer loads it, writes a Parquet
file through shared/traces/parquet.py and reads it back from S3 (moto) through httpfs.
"""

import argparse
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
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
from layers.llm_layer import FUNCTION_CODE_MARGIN_BYTES, llm_layer_dir  # noqa: E402
from shared.routes import FUNCTIONS, FunctionSpec  # noqa: E402

TRACES_GROUP = "traces"  # the dependency group of pyproject.toml this layer ships
DUCKDB = "duckdb"
HTTPFS_PACKAGE = "duckdb_extension_httpfs"
# DuckDB's name for the platform Lambda x86_64 runs on (PRAGMA platform; the extension footer's platform field).
DUCKDB_PLATFORM = "linux_amd64"
ELF_MACHINE_X86_64 = 62
# The CPython extension module of duckdb as the runtime imports it.
DUCKDB_EXTENSION_MODULE = f"_duckdb.cpython-{LAMBDA_PYTHON_VERSION.replace('.', '')}-x86_64-linux-gnu.so"

# Paths (relative to the layer's python/) nothing at run time reads, with the reason each is safe to leave out.
# The two binaries (_duckdb*.so, already stripped, and httpfs.duckdb_extension) stay untouched: the extension is
# signed and carries its metadata in a footer that `strip` would drop (and stripping it would save only 3 MB).
PRUNED: dict[str, str] = {
    "_duckdb-stubs": "type stubs (.pyi) for type checkers",
    "adbc_driver_duckdb": "the ADBC driver entry point for adbc_driver_manager, which the layer does not ship",
    "duckdb/experimental": "the PySpark-compatible API (duckdb.experimental.spark); duckdb/__init__ never imports it",
    "duckdb/query_graph": "a command-line tool that renders profiler output as HTML",
}
PRUNED_SUFFIXES = (".pyi",)

log = logging.getLogger("layers.traces_layer")


def traces_layer_dir(out: Path) -> Path:
    """The asset directory of the traces layer; Lambda mounts its `python/` on the import path."""
    return out / "layers" / "traces"


def traces_requirements(pyproject: Path) -> list[str]:
    """The `traces` dependency group of pyproject.toml (duckdb and its httpfs extension, pinned)."""
    with pyproject.open("rb") as file:
        groups: dict[str, list[str]] = tomllib.load(file).get("dependency-groups", {})
    requirements = groups.get(TRACES_GROUP)
    if not requirements:
        raise BuildError(f"pyproject.toml has no dependency group {TRACES_GROUP!r}")
    return list(requirements)


def pinned_version(requirements: list[str], name: str) -> str:
    """The version `name==<version>` pins in `requirements`."""
    for requirement in requirements:
        required, _, version = requirement.partition("==")
        if normalize(required.split("[")[0].strip()) == normalize(name) and version:
            return version.strip()
    raise BuildError(f"the {TRACES_GROUP} group pins no version of {name}")


def httpfs_extension_path(site: Path, duckdb_version: str) -> Path:
    """Where shared/traces/duck.py loads httpfs from: `<site>/duckdb_extension_httpfs/extensions/v<version>/…`."""
    return site / HTTPFS_PACKAGE / "extensions" / f"v{duckdb_version}" / "httpfs.duckdb_extension"


def extension_metadata(path: Path) -> dict[str, str]:
    """The metadata footer DuckDB appends to an extension binary (and checks when it loads one).

    The last 512 bytes are 8 fields of 32 NUL-padded bytes, stored last field first, then a 256-byte signature.
    """
    with path.open("rb") as file:
        file.seek(-512, os.SEEK_END)
        footer = file.read(256)
    fields = [footer[index : index + 32].split(b"\0", 1)[0].decode("ascii", "replace") for index in range(0, 256, 32)]
    fields.reverse()
    names = ("magic", "platform", "duckdb_version", "extension_version", "abi")
    return dict(zip(names, fields, strict=False))


def elf_machine(path: Path) -> int | None:
    """The ELF e_machine of a 64-bit little-endian shared object, or None when the file is no such thing."""
    with path.open("rb") as file:
        header = file.read(20)
    if len(header) < 20 or header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
        return None
    return int.from_bytes(header[18:20], "little")


def binary_problems(site: Path, duckdb_version: str) -> list[str]:
    """What is wrong with the layer's binaries for Lambda x86_64; empty when both are the right build."""
    found: list[str] = []
    module = site / DUCKDB_EXTENSION_MODULE
    if not module.is_file():
        found.append(f"no {DUCKDB_EXTENSION_MODULE}: the duckdb wheel is not CPython {LAMBDA_PYTHON_VERSION} x86_64")
    elif elf_machine(module) != ELF_MACHINE_X86_64:
        found.append(f"{DUCKDB_EXTENSION_MODULE} is not an x86-64 ELF shared object")
    extension = httpfs_extension_path(site, duckdb_version)
    if not extension.is_file():
        found.append(f"no httpfs extension at {extension.relative_to(site)} (where shared/traces/duck.py loads it)")
        return found
    if elf_machine(extension) != ELF_MACHINE_X86_64:
        found.append(f"{extension.name} is not an x86-64 ELF shared object")
    metadata = extension_metadata(extension)
    if metadata.get("platform") != DUCKDB_PLATFORM:
        found.append(f"{extension.name} is built for {metadata.get('platform')!r}, not {DUCKDB_PLATFORM!r}")
    if metadata.get("duckdb_version") != f"v{duckdb_version}":
        found.append(f"{extension.name} is built for DuckDB {metadata.get('duckdb_version')}, not v{duckdb_version}")
    return found


def prune(site: Path) -> int:
    """Deletes `PRUNED` and `PRUNED_SUFFIXES` from `site`; returns the bytes freed."""
    freed = 0
    for relative in PRUNED:
        path = site / relative
        if path.is_dir():
            freed += tree_size(path)
            shutil.rmtree(path)
        elif path.is_file():
            freed += path.stat().st_size
            path.unlink()
        else:
            log.warning("traces layer: %s is not in this duckdb; PRUNED may be stale", relative)
    for path in [path for path in site.rglob("*") if path.suffix in PRUNED_SUFFIXES and path.is_file()]:
        freed += path.stat().st_size
        path.unlink()
    remove_empty_dirs(site)
    return freed


def layers_of(spec: FunctionSpec, out: Path) -> list[Path]:
    """The `python/` directories of the layers a function carries."""
    sites = [common_layer_dir(out) / "python"]
    if spec.uses_llm:
        sites.append(llm_layer_dir(out) / "python")
    if spec.uses_duckdb:
        sites.append(traces_layer_dir(out) / "python")
    return sites


def check_sizes(out: Path, specs: tuple[FunctionSpec, ...] = FUNCTIONS) -> None:
    """Every function carrying this layer keeps room for its own code under Lambda's unzipped limit."""
    for spec in (spec for spec in specs if spec.uses_duckdb):
        sites = layers_of(spec, out)
        total = sum(tree_size(site) for site in sites if site.is_dir())
        log.info(
            "%s",
            f"{spec.module}: layers {total / 2**20:.1f} MB unzipped; Lambda allows {MAX_UNZIPPED_BYTES // 2**20} MB "
            f"for function + layers (headroom {(MAX_UNZIPPED_BYTES - total) / 2**20:.1f} MB)",
        )
        if total + FUNCTION_CODE_MARGIN_BYTES > MAX_UNZIPPED_BYTES:
            raise BuildError(
                f"{spec.module}'s layers are {total / 2**20:.1f} MB: no room for {FUNCTION_CODE_MARGIN_BYTES // 2**20}"
                f" MB of function code under Lambda's {MAX_UNZIPPED_BYTES // 2**20} MB"
            )


def build(out: Path, *, clean: bool = False, check: bool = True) -> Path:
    """Builds `<out>/layers/traces/python/`; needs the common layer that layers/build.py installed in `out`."""
    out = out.resolve()
    common_site = common_layer_dir(out) / "python"
    common = installed_distributions(common_site) if common_site.is_dir() else {}
    if not common:
        raise BuildError(f"no common layer in {common_site}: run `make layers` (layers/build.py) first")
    layer = traces_layer_dir(out)
    staging = layer.with_name("traces.staging")
    if clean:
        for path in (layer, staging, staging.with_suffix(".json")):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    requirements = traces_requirements(REPO_ROOT / "pyproject.toml")
    pip_install(
        requirements,
        locked_versions(REPO_ROOT / "uv.lock"),
        staging,
        stamp=staging.with_suffix(".json"),
        label="traces layer",
    )
    staged = installed_distributions(staging)
    different = {
        name: (common[name], version) for name, version in staged.items() if common.get(name, version) != version
    }
    if different:  # the layers share /opt/python: one version of each distribution, or imports split
        raise BuildError(f"the traces layer resolved other versions than the common layer: {different}")
    site = layer / "python"
    kept = copy_without(staging, site, [*RUNTIME_PROVIDED, *common])
    log.info("traces layer: %d distributions beyond the common layer and the runtime: %s", len(kept), ", ".join(kept))
    freed = prune(site)
    duckdb_version = pinned_version(requirements, DUCKDB)
    if found := binary_problems(site, duckdb_version):
        raise BuildError("the traces layer's binaries are not Lambda's:\n  " + "\n  ".join(found))
    log.info(
        "traces layer: httpfs extension is the %s build for DuckDB v%s (%s)",
        DUCKDB_PLATFORM,
        duckdb_version,
        httpfs_extension_path(site, duckdb_version).relative_to(site),
    )
    if bytecode_compiler() is None:
        log.warning("traces layer: no Python %s, so no bytecode and no check", LAMBDA_PYTHON_VERSION)
    else:
        compile_bytecode([site])
        if check:
            outcome = smoke(out)
            if found := problems(outcome, duckdb_version):
                raise BuildError("the traces layer does not work:\n  " + "\n  ".join(found))
            log.info("traces layer: checked with the runtime's Python: %s", json.dumps(outcome))
    size = tree_size(site)
    log.info("traces layer: %.1f MB unzipped (%.1f MB pruned)", size / 2**20, freed / 2**20)
    check_sizes(out)
    return layer


# --- the check, run by the Lambda runtime's Python ----------------------------------------------------------

# shared/traces/duck.py's connection (httpfs loaded by path, S3 configured), then shared/traces/parquet.py writes a
# file of every column type to S3 and DuckDB reads it back from S3 through httpfs.
SMOKE_SCRIPT = r"""
import json, time
started = time.perf_counter()
import duckdb
from shared.traces import duck
connection = duck.cursor()
results = {"connect_seconds": round(time.perf_counter() - started, 3), "duckdb_version": duckdb.__version__}
results["duckdb_file"] = duckdb.__file__
results["platform"] = connection.execute("PRAGMA platform").fetchone()[0]
results["httpfs_loaded"] = connection.execute(
    "SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'httpfs'"
).fetchone()[0]

from shared.aws import s3_client
from shared.traces.parquet import write_rows
from shared.traces.rows import COLUMNS
from shared.traces.store import bucket

samples = {"VARCHAR": "v", "BIGINT": 7, "INTEGER": 0, "DOUBLE": 1.5, "BOOLEAN": True}
def sample(duckdb_type):
    if duckdb_type.startswith("MAP("):
        return {"k": samples[duckdb_type[4:-1].split(", ")[1]]}
    return samples[duckdb_type]
row = {name: sample(types[0]) for name, types in COLUMNS.items()}
s3_client().create_bucket(Bucket=bucket())
key = "spans/workspace_id=1/date=2024-01-01/hour=00/w-smoke.parquet"
write_rows(key, [row])
stored = connection.execute(f"SELECT * FROM read_parquet('s3://{bucket()}/{key}', hive_partitioning = false)")
names = [column[0] for column in stored.description]
back = dict(zip(names, stored.fetchone()))
results["s3_roundtrip"] = back == row and names == list(COLUMNS)
results["s3_differences"] = {
    name: [row.get(name), back.get(name)] for name in {*row, *back} if row.get(name) != back.get(name)
}
print("SMOKE " + json.dumps(results, default=str))
"""


def problems(outcome: dict[str, object], duckdb_version: str) -> list[str]:
    """What the check found wrong; empty when the layer loads httpfs and round-trips a Parquet file through S3."""
    expected: dict[str, object] = {
        "duckdb_version": duckdb_version,
        "platform": DUCKDB_PLATFORM,
        "httpfs_loaded": True,
        "s3_roundtrip": True,
    }
    found = [
        f"{key}: {outcome.get(key)!r}, expected {value!r}"
        for key, value in expected.items()
        if outcome.get(key) != value
    ]
    if "/layers/traces/python/" not in str(outcome.get("duckdb_file")):
        found.append(f"duckdb was imported from {outcome.get('duckdb_file')}, not the traces layer")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_moto(port: int) -> subprocess.Popen[bytes]:
    """moto's S3 on 127.0.0.1:port, run by this (the build's) Python, which has moto (dependency group local)."""
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BuildError(f"moto's server exited with {process.returncode}; is the `local` group installed?")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise BuildError("moto's server did not start within 30 s")


def smoke(out: Path, python: Path | None = None) -> dict[str, object]:
    """Runs SMOKE_SCRIPT with the runtime's Python on the common and traces layers, as Lambda mounts them."""
    out = out.resolve()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LOOP_", "POWERTOOLS_", "PYTHON"))}
    env = {key: value for key, value in env.items() if not key.startswith("AWS_")}
    # The repository's `shared` first: the common layer's copy is as old as the last `make layers`.
    code = Path(tempfile.mkdtemp())
    (code / "shared").symlink_to(REPO_ROOT / "shared", target_is_directory=True)
    sites = [code, common_layer_dir(out) / "python", traces_layer_dir(out) / "python"]
    port = free_port()
    env.update(
        PYTHONPATH=os.pathsep.join(map(str, sites)),
        PYTHONDONTWRITEBYTECODE="1",
        AWS_LAMBDA_FUNCTION_NAME="traces-smoke",
        AWS_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        LOOP_STAGE="smoke",
        HOME=tempfile.mkdtemp(),  # nothing of the build machine's caches
    )
    moto = start_moto(port)
    try:
        result = subprocess.run(
            [str(python or runtime_python()), "-c", SMOKE_SCRIPT],
            env=env,
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        moto.terminate()
        moto.wait(timeout=30)
    lines = [line for line in result.stdout.splitlines() if line.startswith("SMOKE ")]
    if result.returncode != 0 or not lines:
        raise BuildError(f"the traces layer check failed (exit code {result.returncode}):\n{result.stderr[-4000:]}")
    outcome: dict[str, object] = json.loads(lines[-1].removeprefix("SMOKE "))
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the traces layer (duckdb + httpfs) for Lambda (no Docker).")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / ".build", help="build directory (default: .build)")
    parser.add_argument("--clean", action="store_true", help="download duckdb again")
    parser.add_argument("--no-check", action="store_true", help="skip the check with the runtime's Python")
    parser.add_argument("--check-only", action="store_true", help="only run the check on the built layer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.check_only:
            duckdb_version = pinned_version(traces_requirements(REPO_ROOT / "pyproject.toml"), DUCKDB)
            outcome = smoke(args.out)
            log.info("%s", json.dumps(outcome, indent=2))
            if found := problems(outcome, duckdb_version):
                raise BuildError("the traces layer does not work:\n  " + "\n  ".join(found))
        else:
            build(args.out, clean=args.clean, check=not args.no_check)
    except BuildError as error:
        log.error("layers/traces_layer.py: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
