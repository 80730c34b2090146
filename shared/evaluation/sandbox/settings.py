"""Where and how user code runs, read from the environment (LOOP_SANDBOX_*)."""

from pathlib import Path
from typing import Literal

from pydantic import Field

from shared.evaluation.sandbox.protocol import SandboxLimits
from shared.settings import LoopSettings

REPO_ROOT = Path(__file__).resolve().parents[3]
# Files and folders of the server's user where credentials usually live; the sandbox sees them empty.
HOME_SECRETS = (
    ".aws",
    ".ssh",
    ".gnupg",
    ".config",
    ".docker",
    ".kube",
    ".azure",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
)


class SandboxSettings(LoopSettings):
    # Set in AWS: run code in this Lambda function (infra_cdk/constructs/sandbox.py) instead of in process.
    sandbox_function: str | None = None
    # "namespaces": a child in its own user, network, pid, mount and IPC namespaces (needs util-linux's
    # unshare); "lambda": inside the sandbox Lambda, whose VPC has no network and where namespaces cannot be made.
    sandbox_isolation: Literal["namespaces", "lambda"] = "namespaces"
    sandbox_timeout_s: float = Field(default=5.0, gt=0, le=60)
    sandbox_memory_mb: int = Field(default=256, ge=64, le=4096)
    sandbox_output_bytes: int = Field(default=64 * 1024, ge=1024, le=4 * 1024 * 1024)
    sandbox_python: str | None = None  # default: this interpreter
    # Default: `node` on PATH; without one (or set to "") JavaScript evaluators answer that JS is not available.
    sandbox_node: str | None = None
    # Lambda isolation: where each call's working directory is made, and whether to empty that whole
    # directory after each call (the sandbox Lambda sets both: /tmp outlives a call, and the next call may
    # run another workspace's code).
    sandbox_scratch_dir: str | None = None
    sandbox_wipe_scratch: bool = False
    # Extra paths to hide from user code (namespaces isolation), besides HOME_SECRETS and the local stack's data.
    sandbox_mask_paths: list[str] = Field(default_factory=list)
    # The local stack's data (localstack/stack_config.py reads the same variable): every workspace's records.
    data_dir: str | None = None

    def limits(self) -> SandboxLimits:
        return SandboxLimits(
            timeout_s=self.sandbox_timeout_s,
            memory_mb=self.sandbox_memory_mb,
            output_bytes=self.sandbox_output_bytes,
        )

    def mask_paths(self) -> list[str]:
        home = Path.home()
        data = Path(self.data_dir) if self.data_dir else REPO_ROOT / ".loop"
        paths = [home / name for name in HOME_SECRETS] + [data, *map(Path, self.sandbox_mask_paths)]
        return [str(path) for path in paths if path.exists()]
