"""Import time of each Lambda handler module in a fresh interpreter (`python -X importtime`).

Prints the median over several runs, with X-Ray tracing on as in Lambda and off, after one warm-up run
so that bytecode compilation is not counted (Lambda ships compiled files only if the layer has them).
"""

import os
import statistics
import subprocess
import sys
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


if __name__ == "__main__":
    main()
