"""Local stack settings from the environment, and the AWS environment the functions will see."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class StackConfig:
    host: str
    port: int
    moto_port: int
    external_endpoint: str | None
    data_dir: Path
    snapshot_interval_s: float

    @property
    def endpoint(self) -> str:
        return self.external_endpoint or f"http://127.0.0.1:{self.moto_port}"

    @property
    def owns_moto(self) -> bool:
        return self.external_endpoint is None


def load_config() -> StackConfig:
    data_dir = Path(os.environ.get("LOOP_DATA_DIR") or REPO_ROOT / ".loop")
    return StackConfig(
        host=os.environ.get("LOOP_HOST", "127.0.0.1"),
        port=int(os.environ.get("LOOP_PORT", "8000")),
        moto_port=int(os.environ.get("LOOP_MOTO_PORT", "4566")),
        external_endpoint=os.environ.get("AWS_ENDPOINT_URL") or None,
        data_dir=data_dir.resolve(),
        snapshot_interval_s=float(os.environ.get("LOOP_SNAPSHOT_INTERVAL_S", "30")),
    )


def local_session_secret(data_dir: Path) -> str:
    """A random signing secret kept in the data directory, so sessions survive a restart."""
    path = data_dir / "session-secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(secret)
    return secret


def export_environment(config: StackConfig) -> None:
    """What a deployed function gets from CDK, set before any function module is imported."""
    defaults = {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "LOOP_STAGE": "dev",
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    os.environ["AWS_ENDPOINT_URL"] = config.endpoint
    if not os.environ.get("LOOP_SESSION_SECRET") and not os.environ.get("LOOP_SESSION_SECRET_ARN"):
        os.environ["LOOP_SESSION_SECRET"] = local_session_secret(config.data_dir)
