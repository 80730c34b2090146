"""layers/build.py lays out the Lambda code as the CDK app and the Lambda runtime expect. Offline."""

import sys
from pathlib import Path

import pytest

from layers.build import (
    BYTECODE_PYTHON_ENV,
    LAMBDA_PYTHON_VERSION,
    REPO_ROOT,
    RUNTIME_PROVIDED,
    build,
    bytecode_compiler,
    locked_versions,
    remove_distributions,
    runtime_requirements,
)
from shared.routes import FUNCTIONS


def test_build_puts_shared_in_the_layer_and_each_module_in_its_own_code_dir(tmp_path: Path) -> None:
    # When the code is built without dependencies
    result = build(tmp_path, skip_deps=True)

    # Then the layer carries the shared library where Lambda imports it from (/opt/python)
    assert (result.layer_dir / "python" / "shared" / "__init__.py").is_file()
    assert (result.layer_dir / "python" / "shared" / "routes.py").is_file()
    # And each function's code has only its own module under the `functions` package
    assert set(result.function_dirs) == {spec.module for spec in FUNCTIONS}
    for module, directory in result.function_dirs.items():
        assert (directory / "functions" / "__init__.py").is_file()
        assert (directory / "functions" / module / "handler.py").is_file()
        assert [path.name for path in (directory / "functions").iterdir() if path.is_dir()] == [module]
    # And no tests, and no bytecode but the Lambda runtime's own, are shipped
    shipped = list(tmp_path.rglob("*"))
    runtime_tag = f"cpython-{LAMBDA_PYTHON_VERSION.replace('.', '')}"
    assert not [path for path in shipped if path.suffix == ".pyc" and runtime_tag not in path.name]
    assert not [path for path in shipped if path.name == "tests" or path.name.startswith("test_")]


def test_bytecode_is_compiled_only_by_a_python_of_the_runtimes_version(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given only this interpreter, which is not the Lambda runtime's version
    assert f"{sys.version_info[0]}.{sys.version_info[1]}" != LAMBDA_PYTHON_VERSION
    monkeypatch.setenv(BYTECODE_PYTHON_ENV, sys.executable)
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    # Then the build refuses it rather than ship bytecode Lambda would ignore
    assert bytecode_compiler() is None


def test_rebuilding_without_deps_keeps_installed_dependencies(tmp_path: Path) -> None:
    # Given a layer where a full build installed a dependency
    first = build(tmp_path, skip_deps=True)
    installed = first.layer_dir / "python" / "fastapi" / "__init__.py"
    installed.parent.mkdir()
    installed.write_text("")

    # When only our code is rebuilt
    build(tmp_path, skip_deps=True)

    # Then the dependency is still there
    assert installed.is_file()


def fake_distribution(site: Path, name: str, package: str) -> Path:
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text("")
    dist_info = site / f"{package}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    record = [f"{package}/__init__.py,,", f"{dist_info.name}/METADATA,,", f"{dist_info.name}/RECORD,,"]
    (dist_info / "RECORD").write_text("\n".join(record) + "\n")
    return site / package


def test_runtime_provided_distributions_are_left_out_of_the_layer(tmp_path: Path) -> None:
    # Given a site with botocore (the Lambda runtime has it) and pynamodb (it does not)
    botocore = fake_distribution(tmp_path, "botocore", "botocore")
    pynamodb = fake_distribution(tmp_path, "pynamodb", "pynamodb")

    # When the runtime-provided distributions are removed
    remove_distributions(tmp_path, RUNTIME_PROVIDED)

    # Then botocore and its metadata are gone, and pynamodb is untouched
    assert not botocore.exists()
    assert not (tmp_path / "botocore-1.0.dist-info").exists()
    assert (pynamodb / "__init__.py").is_file()
    assert (tmp_path / "pynamodb-1.0.dist-info" / "METADATA").is_file()


def test_every_runtime_requirement_is_locked_at_the_version_pyproject_pins() -> None:
    # Given the runtime requirements and the versions uv.lock pins for the layer
    requirements = runtime_requirements(REPO_ROOT / "pyproject.toml")
    locked = set(locked_versions(REPO_ROOT / "uv.lock"))

    # Then pip can satisfy both: each pinned requirement is the locked version (extras aside)
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        assert f"{name.split('[')[0]}=={version}" in locked, f"{requirement} is not what uv.lock pins; run uv lock"


def test_streaming_modules_get_an_executable_script_that_serves_their_app(tmp_path: Path) -> None:
    # Given a build without dependencies
    result = build(tmp_path, skip_deps=True)

    # Then a module with streaming routes has run.sh for the Lambda Web Adapter, and the others have none
    for spec in FUNCTIONS:
        script = result.function_dirs[spec.module] / spec.stream_handler
        if not spec.streaming_paths:
            assert not script.exists(), spec.module
            continue
        assert script.stat().st_mode & 0o111, f"{script} is not executable"
        text = script.read_text()
        assert "-m uvicorn" in text and spec.app in text and '"${PORT:-8080}"' in text
