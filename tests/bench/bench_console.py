"""The console's figures: gzipped size of the initial JavaScript, and time to interactive of the sign-in page.

Initial JavaScript = the entry script in frontend/dist/index.html plus every chunk it preloads (what the
browser must fetch before the first screen), each gzipped at level 9 as CloudFront/nginx would roughly
serve it. Lazily loaded route chunks are listed apart. TTI is measured in headless Debian chromium against
the real local stack (tests/bench/console_tti.mjs); run `make console` first (`make bench` does).
"""

import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.stack import REPO_ROOT, start_stack, stop_stack  # noqa: E402

DIST = REPO_ROOT / "frontend" / "dist"
RUNS = 10


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def initial_assets(index_html: str) -> list[str]:
    scripts = re.findall(r'<script[^>]+type="module"[^>]+src="([^"]+)"', index_html)
    preloads = re.findall(r'<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"', index_html)
    styles = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', index_html)
    return scripts + preloads + styles


def report_bundle() -> None:
    index = (DIST / "index.html").read_text()
    initial = initial_assets(index)
    js = [DIST / src.lstrip("/") for src in initial if src.endswith(".js")]
    css = [DIST / src.lstrip("/") for src in initial if src.endswith(".css")]
    lazy = sorted(set((DIST / "assets").glob("*.js")) - set(js))
    print("console bundle (frontend/dist)")
    for path in js:
        print(f"  initial  {path.name:48s} {path.stat().st_size / 1024:8.1f} KB raw {gzipped(path) / 1024:7.1f} KB gz")
    total_js = sum(gzipped(path) for path in js)
    print(f"  INITIAL JS, gzipped: {total_js / 1024:.1f} KB over {len(js)} file(s) (target < 300 KB)")
    print(f"  initial CSS, gzipped: {sum(gzipped(path) for path in css) / 1024:.1f} KB")
    lazy_gz = sum(gzipped(path) for path in lazy)
    print(f"  lazy route chunks: {len(lazy)} files, {lazy_gz / 1024:.1f} KB gzipped in all")


def report_tti() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp) / "data")
        try:
            result = subprocess.run(
                ["node", "tests/bench/console_tti.mjs", stack.base_url, str(RUNS)],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            stop_stack(stack)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    print(f"sign-in page in headless chromium against the local stack, {RUNS} runs each (median, max)")
    for cache in ("cold", "warm"):
        sample = [row for row in rows if row["cache"] == cache]
        for key in ("first_contentful_paint_ms", "dom_content_loaded_ms", "interactive_ms"):
            values = [row[key] for row in sample if row[key] is not None]
            print(f"  {cache:4s} {key:28s} {statistics.median(values):7.0f} ms {max(values):7.0f} ms")
        transferred = statistics.median(row["transferred_bytes"] for row in sample)
        print(f"  {cache:4s} {'bytes over the wire':28s} {transferred / 1024:7.0f} KB")


if __name__ == "__main__":
    if not (DIST / "index.html").exists():
        sys.exit("frontend/dist is missing: run `make console`")
    report_bundle()
    report_tti()
