"""Import time of each Lambda handler module in a fresh interpreter (`python -X importtime`).

1. The repository under the development interpreter, X-Ray on and off, after a warm-up run that
   writes bytecode.
2. When `make layers` has built `.build/` and LOOP_LAMBDA_PYTHON names a Python of the Lambda
   runtime's version: the built bundle as Lambda imports it (read-only, nothing written), with the
   bytecode the build shipped and without it.
"""

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from shared.routes import FUNCTIONS  # noqa: E402

RUNS = 7


def import_ms(module: str, env: dict[str, str]) -> float:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    # The last line is the module itself; its cumulative column includes everything it imported.
    last = [line for line in result.stderr.splitlines() if line.startswith("import time:")][-1]
    return int(last.split("|")[1]) / 1000


def lambda_env(tracing: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOP_", "POWERTOOLS_"))}
    env.update(
        AWS_LAMBDA_FUNCTION_NAME="bench",
        AWS_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        POWERTOOLS_TRACE_DISABLED="false" if tracing else "true",
        LOOP_XRAY_TRACING="true" if tracing else "false",
        PYTHONPATH=str(REPO_ROOT),
    )
    return env


def bundle_python(interpreter: str) -> Path:
    """A venv of the runtime's Python with the boto3 Lambda provides, at the version uv.lock pins."""
    import tomllib

    venv = REPO_ROOT / ".build" / "bench-runtime-venv"
    if not (venv / "bin" / "python").exists():
        locked = tomllib.loads((REPO_ROOT / "uv.lock").read_text())["package"]
        boto3 = next(package["version"] for package in locked if package["name"] == "boto3")
        subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, f"boto3=={boto3}"], check=True)
    return venv / "bin" / "python"


def bundle_import_ms(python: Path, module: str, function: str, bytecode: bool) -> float:
    build = REPO_ROOT / ".build"
    env = lambda_env(tracing=False)
    env.update(
        PYTHONPATH=f"{build / 'layers' / 'common' / 'python'}:{build / 'functions' / function}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if not bytecode:
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp()  # an empty cache: every module is compiled again
    result = subprocess.run(
        [str(python), "-X", "importtime", "-c", f"import {module}"], env=env, capture_output=True, text=True, check=True
    )
    last = [line for line in result.stderr.splitlines() if line.startswith("import time:")][-1]
    return int(last.split("|")[1]) / 1000


def bench_bundle() -> None:
    interpreter = os.environ.get("LOOP_LAMBDA_PYTHON")
    if not interpreter or not (REPO_ROOT / ".build" / "layers" / "common" / "python" / "shared").exists():
        print("  (set LOOP_LAMBDA_PYTHON to a Python 3.12 and run `make layers` to time the Lambda bundle too)")
        return
    python = bundle_python(interpreter)
    print(f"the built Lambda bundle under {interpreter}, X-Ray off, nothing written:")
    for function in FUNCTIONS:
        module = function.handler.rpartition(".")[0]
        for bytecode in (True, False):
            samples = [bundle_import_ms(python, module, function.module, bytecode) for _ in range(RUNS)]
            label = "with shipped bytecode" if bytecode else "compiling every module"
            print(f"  {module:<34} {label:<24} median {statistics.median(samples):7.1f} ms")


def with_litellm_ms(module: str, env: dict[str, str]) -> float:
    """The handler, then litellm as the first call to a real provider loads it (shared.llm.litellm_provider)."""
    script = (
        "import time; started = time.perf_counter()\n"
        f"import {module}\n"
        "from shared.llm.litellm_provider import _litellm; _litellm()\n"
        "print((time.perf_counter() - started) * 1000)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def bench_litellm() -> None:
    env = lambda_env(tracing=False)
    samples = [with_litellm_ms("functions.prompt.handler", env) for _ in range(3)]
    print(
        f"  functions.prompt.handler + litellm    X-Ray off  median {statistics.median(samples):7.1f} ms"
        f"  min {min(samples):7.1f} ms  max {max(samples):7.1f} ms  (3 runs)"
    )


def main() -> None:
    print(f"handler import time, median of {RUNS} fresh interpreters (target for foundation: < 300 ms)")
    for function in FUNCTIONS:
        module = function.handler.rpartition(".")[0]
        for tracing in (True, False):
            env = lambda_env(tracing)
            import_ms(module, env)  # warm-up: compile bytecode
            samples = [import_ms(module, env) for _ in range(RUNS)]
            label = "X-Ray on " if tracing else "X-Ray off"
            print(
                f"  {module:<34} {label}  median {statistics.median(samples):7.1f} ms"
                f"  min {min(samples):7.1f} ms  max {max(samples):7.1f} ms"
            )
    bench_litellm()
    bench_bundle()


if __name__ == "__main__":
    main()
