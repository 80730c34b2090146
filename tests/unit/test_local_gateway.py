"""The local stack's router picks routes as API Gateway does; snapshots keep binary values intact."""

import sys
from pathlib import Path

from starlette.types import Receive, Scope, Send

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "localstack"))
from gateway import Route, RouteTable  # noqa: E402 - a script folder, not a package
from snapshot import _decode, _encode  # noqa: E402


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    raise AssertionError("not called")


def pick(routes: list[Route], method: str, path: str) -> str | None:
    match = RouteTable(routes).match(method, path)
    return None if match is None else f"{match.method} {match.path}"


def test_exact_routes_win_then_the_longest_greedy_prefix() -> None:
    routes = [
        Route("ANY", "/v1/loop/", True, app),
        Route("ANY", "/v1/loop/files/", True, app),
        Route("GET", "/ping", False, app),
        Route("POST", "/v1/loop/files/upload", False, app),
    ]
    assert pick(routes, "POST", "/v1/loop/files/upload") == "POST /v1/loop/files/upload"
    assert pick(routes, "POST", "/v1/loop/files/other") == "ANY /v1/loop/files/"
    assert pick(routes, "POST", "/v1/loop/traces/ingest") == "ANY /v1/loop/"
    assert pick(routes, "GET", "/ping") == "GET /ping"
    assert pick(routes, "POST", "/ping") is None
    assert pick(routes, "GET", "/v1/loop/") is None  # {proxy+} needs at least one segment


def test_snapshot_encoding_round_trips_dynamodb_binary_values() -> None:
    item = {"pk": {"N": "1"}, "blob": {"B": b"\x00\xff"}, "set": {"BS": [b"a", b"b"]}, "m": {"M": {"x": {"S": "y"}}}}
    encoded = _encode(item)
    assert "__b64__" in str(encoded)
    assert _decode(encoded) == item
