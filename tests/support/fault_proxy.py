"""A forwarding HTTP proxy that fakes failed ingest responses after the stack accepted the spans.

The SDK then sends the same spans again (its one retry), which is exactly the duplicate a flaky network
produces. Only first attempts (full 100-span batches) are failed: the SDK drops a retry that fails again,
and that loss would be the client's, not the server's.
"""

import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

FULL_BATCH = 100


class FaultProxy:
    def __init__(self, target: str, failure_rate: float, seed: int = 7) -> None:
        self.target = target
        self.failure_rate = failure_rate
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.injected = 0
        self.forwarded = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _should_fail(self, path: str, body: bytes) -> bool:
        if path != "/v1/loop/traces/ingest":
            return False
        try:
            spans = json.loads(body).get("spans", [])
        except ValueError:
            return False
        with self.lock:
            return len(spans) == FULL_BATCH and self.random.random() < self.failure_rate

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self
        client = httpx.Client(timeout=30)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                response = client.post(f"{proxy.target}{self.path}", content=body, headers=headers)
                status, payload = response.status_code, response.content
                with proxy.lock:
                    proxy.forwarded += 1
                if response.status_code == 200 and proxy._should_fail(self.path, body):
                    with proxy.lock:
                        proxy.injected += 1
                    payload = json.dumps({"code": 600900201, "msg": "injected failure after accepting"}).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
