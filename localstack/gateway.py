"""One ASGI app that routes like API Gateway: by the route keys in shared/routes.py, then the console."""

import asyncio
import importlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse, JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.routes import FUNCTIONS, parse_route_key


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    greedy: bool
    app: ASGIApp

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("ANY", method):
            return False
        return path.startswith(self.path) and len(path) > len(self.path) if self.greedy else path == self.path


def load_app(reference: str) -> ASGIApp:
    module_name, _, attribute = reference.partition(":")
    app: ASGIApp = getattr(importlib.import_module(module_name), attribute)
    return app


class RouteTable:
    def __init__(self, routes: list[Route]) -> None:
        # API Gateway prefers an exact route, then the longest greedy prefix.
        self.routes = sorted(routes, key=lambda route: (route.greedy, -len(route.path)))

    def match(self, method: str, path: str) -> Route | None:
        return next((route for route in self.routes if route.matches(method, path)), None)


def build_routes() -> RouteTable:
    routes: list[Route] = []
    for function in FUNCTIONS:
        app = load_app(function.app)
        for key in function.route_keys:
            method, path, greedy = parse_route_key(key)
            routes.append(Route(method, path, greedy, app))
    return RouteTable(routes)


IMMUTABLE = "public, max-age=31536000, immutable"  # Vite puts a content hash in every assets/ file name


class Console:
    """Serves the built console, falling back to index.html for client-side routes.

    Like the CloudFront distribution: gzip, hashed assets cached for a year, index.html revalidated.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.app = GZipMiddleware(self._serve, minimum_size=1024)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        relative = scope["path"].lstrip("/")
        candidate = (self.root / relative).resolve()
        if relative and candidate.is_file() and candidate.is_relative_to(self.root):
            immutable = relative.startswith("assets/")
            response = FileResponse(candidate, headers={"cache-control": IMMUTABLE if immutable else "no-cache"})
        elif "." in relative.rsplit("/", 1)[-1]:
            # A missing file, not a client-side route (the CloudFront function's rule): a stale tab asking for
            # an old chunk gets a 404 rather than index.html under a script's name.
            response = JSONResponse({"code": 404, "msg": f"{scope['path']} is not part of this build"}, status_code=404)
        elif (self.root / "index.html").is_file():
            response = FileResponse(self.root / "index.html", headers={"cache-control": "no-cache"})
        else:
            response = JSONResponse({"code": 404, "msg": "the console is not built; run make dev"}, status_code=404)
        await response(scope, receive, send)


class RequestGate:
    """Lets a snapshot hold new requests and wait for running ones, so every table is copied at one
    moment: a registration between two table scans would otherwise leave an email claim without its user."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._active = 0
        self._closed = False

    async def enter(self) -> None:
        while True:
            with self._condition:
                if not self._closed:
                    self._active += 1
                    return
            await asyncio.sleep(0.005)

    def leave(self) -> None:
        with self._condition:
            self._active -= 1
            self._condition.notify_all()

    @contextmanager
    def closed(self, drain_timeout_s: float = 5.0) -> Iterator[None]:
        """A long stream (SSE) may outlive `drain_timeout_s`; the snapshot then goes ahead without it."""
        with self._condition:
            self._closed = True
            self._condition.wait_for(lambda: self._active == 0, timeout=drain_timeout_s)
        try:
            yield
        finally:
            with self._condition:
                self._closed = False


class Gateway:
    def __init__(self, routes: RouteTable, console: Console, gate: RequestGate) -> None:
        self.routes = routes
        self.console = console
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            message = await receive()
            while message["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
                message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        method, path = scope.get("method", "GET"), scope["path"]
        route = self.routes.match(method, path)
        if route is not None:
            await self.gate.enter()
            try:
                await route.app(scope, receive, send)
            finally:
                self.gate.leave()
            return
        if method in ("GET", "HEAD") and not path.startswith(("/api/", "/v1/")):
            await self.console(scope, receive, send)
            return
        body = {"code": 404, "msg": f"no route matches {method} {path}"}
        await JSONResponse(body, status_code=404)(scope, receive, send)
