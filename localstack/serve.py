"""`make dev`: the whole platform on one machine. Ctrl-C stops everything it started.

Run as `python localstack/serve.py` from the repository root.
"""

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import moto_process
from stack_config import REPO_ROOT, StackConfig, export_environment, load_config

sys.path.insert(0, str(REPO_ROOT))


def console_root() -> Path:
    built = REPO_ROOT / "frontend" / "dist"
    return built if (built / "index.html").exists() else REPO_ROOT / "frontend" / "placeholder"


def check_ports(config: StackConfig) -> None:
    if not moto_process.port_is_free(config.host, config.port):
        sys.exit(
            f"loop: port {config.port} is already in use (is another `make dev` running?); stop it or set LOOP_PORT"
        )
    if config.owns_moto and not moto_process.port_is_free("127.0.0.1", config.moto_port):
        sys.exit(
            f"loop: port {config.moto_port} is taken; if a LocalStack or moto runs there, set "
            f"AWS_ENDPOINT_URL=http://127.0.0.1:{config.moto_port}, otherwise set LOOP_MOTO_PORT"
        )


def snapshot_every(interval_s: float, stop: threading.Event, take: Callable[[], None]) -> None:
    while not stop.wait(interval_s):
        try:
            take()
        except Exception as error:  # noqa: BLE001 - a missed snapshot is retried at the next interval
            print(f"loop: snapshot failed: {error}", file=sys.stderr, flush=True)


def serve(config: StackConfig, moto: subprocess.Popen[bytes] | None) -> None:
    # Function modules read the environment when imported, so these imports come after export_environment.
    import uvicorn
    from gateway import Console, Gateway, RequestGate, build_routes
    from provision import provision
    from snapshot import restore_snapshot, take_snapshot
    from workers import WorkerProcess, drain, run_reconcilers

    stop = threading.Event()
    gate = RequestGate()
    workers_on = os.environ.get("LOOP_WORKERS", "on") != "off"
    queue_urls: dict[str, str] = {}
    workers: WorkerProcess | None = None
    snapshots: threading.Thread | None = None
    restored = False
    try:
        queue_urls = provision()
        if moto is not None:
            items, objects = restore_snapshot(config.data_dir)
            print(f"loop: restored {items} items and {objects} objects from {config.data_dir}", flush=True)
        restored = True
        run_reconcilers()
        # LOOP_WORKERS=off leaves the queues to whoever runs `localstack/workers.py` (tests that kill it).
        if workers_on:
            workers = WorkerProcess({**os.environ, "PYTHONPATH": str(REPO_ROOT)})
            workers.start()
        if moto is not None:

            def take() -> None:
                with gate.closed():
                    take_snapshot(config.data_dir)

            snapshots = threading.Thread(target=snapshot_every, args=(config.snapshot_interval_s, stop, take))
            snapshots.start()
        app = Gateway(build_routes(), Console(console_root()), gate)
        print(f"loop: serving http://{config.host}:{config.port} (AWS at {config.endpoint})", flush=True)
        uvicorn.run(app, host=config.host, port=config.port, log_level="warning", access_log=False)
    finally:
        if workers is not None:
            if restored and not drain(queue_urls):
                print("loop: some queued work was not finished before the snapshot", file=sys.stderr, flush=True)
            workers.stop()
        stop.set()
        if snapshots is not None:
            snapshots.join()  # a periodic snapshot still running would race the final one
        # Never overwrite a good snapshot with a half-restored store.
        if moto is not None and restored:
            take_snapshot(config.data_dir)
            print(f"loop: saved a snapshot to {config.data_dir}", flush=True)


def main() -> None:
    config = load_config()
    check_ports(config)
    moto = moto_process.start_moto(config.moto_port) if config.owns_moto else None
    try:
        export_environment(config)
        serve(config, moto)
    finally:
        if moto is not None:
            moto_process.stop(moto)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        main()
    except KeyboardInterrupt:
        print("loop: stopped", flush=True)
