"""Writes the platform's OpenAPI document (every function's routes in one file) for the console's generated client.

`python localstack/openapi.py` rewrites frontend/src/client/openapi.json; `--check` fails when it is stale,
so the console and the API cannot drift silently.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from gateway import load_app  # noqa: E402 - a script folder, not a package

from shared.routes import FUNCTIONS, FunctionSpec, parse_route_key  # noqa: E402

DOCUMENT = REPO_ROOT / "frontend" / "src" / "client" / "openapi.json"


def routed_here(spec: FunctionSpec, path: str) -> bool:
    """Whether API Gateway sends `path` to this function (every app also serves /ping; one owns the route)."""
    for route_key in spec.route_keys:
        _, prefix, greedy = parse_route_key(route_key)
        if (greedy and path.startswith(prefix)) or path == prefix:
            return True
    return False


def platform_document() -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Loop", "version": "1"},
        "paths": {},
        "components": {"schemas": {}},
    }
    for spec in FUNCTIONS:
        document = load_app(spec.app).openapi()  # type: ignore[attr-defined]
        merged["openapi"] = document["openapi"]
        for path, operations in document.get("paths", {}).items():
            if not routed_here(spec, path):
                continue
            if path in merged["paths"]:
                raise SystemExit(f"{path} is served by two functions; route keys in shared/routes.py must not overlap")
            merged["paths"][path] = operations
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            existing = merged["components"]["schemas"].setdefault(name, schema)
            if existing != schema:
                raise SystemExit(f"two functions define different schemas named {name}; rename one")
    return merged


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the checked-in document is stale")
    args = parser.parse_args()
    text = render(platform_document())
    if args.check:
        if not DOCUMENT.exists() or DOCUMENT.read_text() != text:
            sys.exit(f"{DOCUMENT.relative_to(REPO_ROOT)} is stale: run `make client` and commit the result")
        return
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text(text)
    print(f"wrote {DOCUMENT.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
