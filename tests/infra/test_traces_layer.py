"""The traces layer (layers/traces_layer.py): the pinned DuckDB and httpfs, Lambda's builds, next to the common layer.

The layer checks read a layer already built by `python layers/traces_layer.py` (`make layers`; it downloads about
30 MB) and skip without it. The check with the runtime's Python loads httpfs the way shared/traces/duck.py does,
writes a Parquet file through shared/traces/parquet.py to S3 (moto) and reads it back through httpfs.
"""

from pathlib import Path

import pytest

from layers.build import (
    MAX_UNZIPPED_BYTES,
    REPO_ROOT,
    BuildError,
    bytecode_compiler,
    common_layer_dir,
    locked_versions,
    tree_size,
)
from layers.llm_layer import FUNCTION_CODE_MARGIN_BYTES, llm_layer_dir
from layers.traces_layer import (
    DUCKDB,
    DUCKDB_EXTENSION_MODULE,
    DUCKDB_PLATFORM,
    ELF_MACHINE_X86_64,
    PRUNED,
    binary_problems,
    elf_machine,
    extension_metadata,
    httpfs_extension_path,
    layers_of,
    pinned_version,
    problems,
    smoke,
    traces_layer_dir,
    traces_requirements,
)
from shared.routes import FUNCTIONS

pytestmark = pytest.mark.infra

BUILD = REPO_ROOT / ".build"
COMMON = common_layer_dir(BUILD) / "python"
LLM = llm_layer_dir(BUILD) / "python"
TRACES = traces_layer_dir(BUILD) / "python"
RUNTIME_VENV = BUILD / "bench-runtime-venv" / "bin" / "python"
REQUIREMENTS = traces_requirements(REPO_ROOT / "pyproject.toml")
DUCKDB_VERSION = pinned_version(REQUIREMENTS, DUCKDB)


def fake_binary(path: Path, *, machine: int = ELF_MACHINE_X86_64, platform: str = DUCKDB_PLATFORM) -> Path:
    """An ELF header, a body, and DuckDB's 512-byte footer: 8 fields of 32 bytes (last first), then a signature."""
    header = b"\x7fELF\x02\x01\x01" + bytes(11) + machine.to_bytes(2, "little")
    fields = [b"4", platform.encode(), f"v{DUCKDB_VERSION}".encode(), b"abc123", b"CPP", b"", b"", b""]
    footer = b"".join(field.ljust(32, b"\0") for field in reversed(fields)) + bytes(256)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + bytes(1000) + footer)
    return path


# --- offline: what the build reads and how it checks binaries -------------------------------------------------


def test_the_layer_ships_the_traces_group_at_the_versions_uv_lock_pins() -> None:
    # Given the traces dependency group and the lock
    versions = set(locked_versions(REPO_ROOT / "uv.lock"))
    # Then it is duckdb and its httpfs extension, at one version, each what uv.lock pins
    assert {requirement.partition("==")[0] for requirement in REQUIREMENTS} == {"duckdb", "duckdb-extension-httpfs"}
    assert pinned_version(REQUIREMENTS, "duckdb-extension-httpfs") == DUCKDB_VERSION
    for requirement in REQUIREMENTS:
        assert requirement in versions, f"{requirement} is not what uv.lock pins; run uv lock"


def test_an_unpinned_requirement_is_an_error() -> None:
    with pytest.raises(BuildError, match="pins no version"):
        pinned_version(["duckdb>=1"], "duckdb")


def test_the_extension_footer_and_elf_header_are_read(tmp_path: Path) -> None:
    binary = fake_binary(tmp_path / "httpfs.duckdb_extension")
    assert extension_metadata(binary) == {
        "magic": "4",
        "platform": DUCKDB_PLATFORM,
        "duckdb_version": f"v{DUCKDB_VERSION}",
        "extension_version": "abc123",
        "abi": "CPP",
    }
    assert elf_machine(binary) == ELF_MACHINE_X86_64
    (tmp_path / "text").write_text("not a binary")
    assert elf_machine(tmp_path / "text") is None


def test_a_wrong_platform_or_a_missing_binary_is_found(tmp_path: Path) -> None:
    # Given a site with duckdb for x86_64 but httpfs built for arm64 (aarch64 is ELF machine 183)
    fake_binary(tmp_path / DUCKDB_EXTENSION_MODULE)
    fake_binary(httpfs_extension_path(tmp_path, DUCKDB_VERSION), machine=183, platform="linux_arm64")
    # Then both the ELF machine and DuckDB's platform name are reported
    found = binary_problems(tmp_path, DUCKDB_VERSION)
    assert len(found) == 2 and "x86-64" in found[0] and "linux_arm64" in found[1]
    # And an extension for another DuckDB version is not where the code loads it from
    assert "no httpfs extension" in binary_problems(tmp_path, "9.9.9")[0]


def test_no_function_carries_both_heavy_layers() -> None:
    # The common, llm (~190 MB) and traces (~80 MB) layers together are over Lambda's 250 MB unzipped.
    assert not [spec.module for spec in FUNCTIONS if spec.uses_duckdb and spec.uses_llm]


# --- the built layer ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built() -> Path:
    if not (TRACES / DUCKDB / "__init__.py").is_file():
        pytest.skip("the traces layer is not built: run `make layers` (python layers/traces_layer.py)")
    if not (COMMON / "pydantic").is_dir():
        pytest.skip("the common layer's dependencies are not built: run `make layers`")
    return BUILD


def test_httpfs_is_the_linux_amd64_build_of_the_installed_duckdb_where_the_code_loads_it(built: Path) -> None:
    extension = httpfs_extension_path(TRACES, DUCKDB_VERSION)
    assert extension_metadata(extension)["platform"] == "linux_amd64"
    assert extension_metadata(extension)["duckdb_version"] == f"v{DUCKDB_VERSION}"
    assert binary_problems(TRACES, DUCKDB_VERSION) == []


def test_the_layer_shares_no_file_with_the_other_layers(built: Path) -> None:
    # Lambda extracts every layer into the same /opt: a file in two would be silently overwritten.
    traces = {path.relative_to(TRACES) for path in TRACES.rglob("*") if path.is_file()}
    for other in (COMMON, LLM):
        if other.is_dir():
            assert not traces & {path.relative_to(other) for path in other.rglob("*") if path.is_file()}, other


def test_the_pruned_paths_are_gone(built: Path) -> None:
    assert not [path for path in PRUNED if (TRACES / path).exists()]
    assert not list(TRACES.rglob("*.pyi"))


def test_duckdb_functions_leave_room_for_their_code(built: Path) -> None:
    for spec in (spec for spec in FUNCTIONS if spec.uses_duckdb):
        total = sum(tree_size(site) for site in layers_of(spec, BUILD))
        assert total + FUNCTION_CODE_MARGIN_BYTES < MAX_UNZIPPED_BYTES, f"{spec.module}: {total / 2**20:.1f} MB"


@pytest.mark.timeout(300)
def test_duckdb_loads_httpfs_and_round_trips_parquet_through_s3_under_the_runtimes_python(built: Path) -> None:
    if not RUNTIME_VENV.exists() and bytecode_compiler() is None:
        pytest.skip("no Python 3.12 (the Lambda runtime's version): `make layers` with LOOP_LAMBDA_PYTHON set")
    pytest.importorskip("moto.server", reason="the check serves S3 with moto (dependency group local)")
    outcome = smoke(built)
    assert problems(outcome, DUCKDB_VERSION) == []
