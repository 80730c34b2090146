"""Latency of authenticated requests through the local stack, warm, over loopback with keep-alive.

Starts the real stack (moto + every function's app), registers a user, creates a PAT, then times:
- an OpenAPI request: `POST /v1/loop/files/upload` of 64 bytes (PAT check, membership check, S3 put);
- for comparison, a console read with the session cookie: `GET /api/foundation/v1/spaces/:id`
  (signature check, session lookup, membership check, one DynamoDB read).
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.accounts import bearer, create_token, register  # noqa: E402
from tests.support.stack import start_stack, stop_stack  # noqa: E402

WARMUP = 50
REQUESTS = 1000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(name: str, send: "callable[[], httpx.Response]") -> None:  # type: ignore[valid-type]
    for _ in range(WARMUP):
        send()
    samples: list[float] = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = send()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.json()["code"] == 0, response.text
    print(
        f"  {name:<44} p50 {statistics.median(samples):6.2f} ms   p99 {percentile(samples, 0.99):6.2f} ms"
        f"   max {max(samples):7.2f} ms   (n={REQUESTS})"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        stack = start_stack(Path(data_dir) / "data")
        try:
            account = register(stack.base_url)
            openapi = httpx.Client(base_url=stack.base_url, headers=bearer(create_token(account)), timeout=10)
            print("authenticated request latency through the local stack (target p99 < 20 ms)")
            measure(
                "POST /v1/loop/files/upload (64 B, PAT)",
                lambda: openapi.post(
                    "/v1/loop/files/upload",
                    data={"workspace_id": account.workspace_id},
                    files={"file": ("bench.txt", b"x" * 64)},
                ),
            )
            measure(
                "GET /api/foundation/v1/spaces/:id (session)",
                lambda: account.client.get(f"/api/foundation/v1/spaces/{account.workspace_id}"),
            )
        finally:
            stop_stack(stack)


if __name__ == "__main__":
    main()
