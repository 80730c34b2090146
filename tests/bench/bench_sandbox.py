"""Per-call cost of the code sandbox on this machine (namespaces isolation, as the local stack runs it).

1. A trivial Python evaluator and a trivial JavaScript one, end to end through LocalSandbox.run: spawning,
   namespaces, confinement, the harness, and reading the report (p50 and p95 of RUNS calls after a warm-up).
2. What each layer adds: the bare interpreter (`python -I -S -c pass`, `node -e 0`), the same under `unshare`
   with the sandbox's namespaces, and the whole Python call in lambda isolation (no namespaces, no mounts).
The target is under 100 ms per trivial Python call.
"""

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from shared.evaluation.entities import LanguageType  # noqa: E402
from shared.evaluation.sandbox import SandboxRequest  # noqa: E402
from shared.evaluation.sandbox.local import UNSHARE_FLAGS, LocalSandbox  # noqa: E402
from shared.evaluation.sandbox.settings import SandboxSettings  # noqa: E402

RUNS = 50
TURN = {
    "evaluate_dataset_fields": {"reference_output": {"content_type": "Text", "text": "Paris"}},
    "evaluate_target_output_fields": {"actual_output": {"content_type": "Text", "text": "Paris"}},
}
PYTHON_EVALUATOR = """
def exec_evaluation(turn):
    output = turn["evaluate_target_output_fields"]["actual_output"]["text"]
    same = output == turn["evaluate_dataset_fields"]["reference_output"]["text"]
    return EvalOutput(score=1.0 if same else 0.0, reason="compared")
"""
JS_EVALUATOR = """
function exec_evaluation(turn) {
  const output = turn.evaluate_target_output_fields.actual_output.text;
  const same = output === turn.evaluate_dataset_fields.reference_output.text;
  return { score: same ? 1 : 0, reason: 'compared' };
}
"""


def timings_ms(call: Callable[[], object], runs: int = RUNS) -> list[float]:
    call()  # warm-up: page cache, bytecode of the parent's imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"  {label:<52} p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ordered)})"


def command(argv: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(argv, check=True, capture_output=True, env={})


def main() -> None:
    sandbox = LocalSandbox(SandboxSettings(sandbox_function=None, sandbox_isolation="namespaces"))
    python, node = sys.executable, sandbox.node
    unshare = ["unshare", *UNSHARE_FLAGS, "--"]

    def evaluate(language: LanguageType, code: str) -> Callable[[], object]:
        def call() -> None:
            result = sandbox.run(SandboxRequest(language=language, code=code, turn=TURN))
            assert result.score == 1.0, result

        return call

    print(f"code sandbox, {RUNS} calls each (namespaces isolation; target: trivial Python under 100 ms)")
    print(summary("Python evaluator, end to end", timings_ms(evaluate(LanguageType.PYTHON, PYTHON_EVALUATOR))))
    if node:
        print(summary("JavaScript evaluator, end to end", timings_ms(evaluate(LanguageType.JS, JS_EVALUATOR))))
    print("what each layer costs:")
    bare = timings_ms(command([python, "-I", "-S", "-c", "pass"]))
    namespaced = timings_ms(command([*unshare, python, "-I", "-S", "-c", "pass"]))
    print(summary("python -I -S -c pass", bare))
    print(summary("the same in the sandbox's namespaces (unshare)", namespaced))
    print(f"  namespace setup: {statistics.median(namespaced) - statistics.median(bare):+.1f} ms at the median")
    print(summary("python -I -c pass (with site, for comparison)", timings_ms(command([python, "-I", "-c", "pass"]))))
    # The same runner without namespaces (as in the sandbox Lambda): confinement, rlimits and filter only.
    lambda_like = LocalSandbox(SandboxSettings(sandbox_function=None, sandbox_isolation="lambda"))
    without_namespaces = timings_ms(
        lambda: lambda_like.run(SandboxRequest(language=LanguageType.PYTHON, code=PYTHON_EVALUATOR, turn=TURN))
    )
    print(summary("Python evaluator, lambda isolation (no namespaces)", without_namespaces))
    if node:
        print(summary("node -e 0", timings_ms(command([node, "-e", "0"]))))
        print(summary("node -e 0 in the namespaces", timings_ms(command([*unshare, node, "-e", "0"]))))


if __name__ == "__main__":
    main()
