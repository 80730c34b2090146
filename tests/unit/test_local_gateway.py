"""The local stack's router picks routes as API Gateway does; snapshots keep binary values intact."""

import sys
from pathlib import Path

from starlette.types import Receive, Scope, Send

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "localstack"))
from gateway import Console, Route, RouteTable  # noqa: E402 - a script folder, not a package
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


def test_console_serves_assets_gzipped_and_cached_routes_as_index_and_missing_files_as_404(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    # Given a built console with a hashed asset
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('x');" * 200)
    (tmp_path.parent / "secret.txt").write_text("not for the browser")
    client = TestClient(Console(tmp_path))

    # When the browser fetches the asset, a client-side route and a path outside the root
    asset = client.get("/assets/index-abc123.js", headers={"accept-encoding": "gzip"})
    route = client.get("/console/enterprise/personal/space/1/pe/prompts")
    escape = client.get("/../secret.txt")
    stale_chunk = client.get("/assets/index-old999.js")

    # Then the asset is gzipped and cached for good, a route is index.html, revalidated, and a missing file 404s
    assert asset.status_code == 200
    assert asset.headers["content-encoding"] == "gzip"
    assert "immutable" in asset.headers["cache-control"]
    assert route.status_code == 200 and "<div id=root>" in route.text
    assert route.headers["cache-control"] == "no-cache"
    assert "not for the browser" not in escape.text
    assert stale_chunk.status_code == 404
