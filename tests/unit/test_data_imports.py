"""Cold starts of the data function: its handler and worker load no heavy library until a job needs one."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("duckdb", "litellm", "pyarrow", "pandas")


@pytest.mark.parametrize("module", ["functions.data.handler", "functions.data.worker"])
def test_data_handlers_import_nothing_heavy(module: str) -> None:
    probe = f"import sys, json, {module}; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPO_ROOT,
        env={"PATH": "/usr/bin:/bin", "AWS_REGION": "us-east-1", "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []
