"""Runs user-written evaluator code (Python, JavaScript) isolated from the platform.

`run_in_sandbox` picks the backend from the settings: the sandbox Lambda when LOOP_SANDBOX_FUNCTION is set
(in AWS), otherwise a confined child process on this machine (the local stack and the tests). User-code
problems come back in `SandboxResult.error`; only platform faults raise (SandboxUnavailable).
"""

from functools import cache
from typing import TYPE_CHECKING

from shared.evaluation.sandbox.protocol import (
    ErrorKind,
    SandboxError,
    SandboxLimits,
    SandboxRequest,
    SandboxResult,
    SandboxUnavailable,
)
from shared.evaluation.sandbox.settings import SandboxSettings
from shared.settings import get_settings

if TYPE_CHECKING:  # the runner (subprocess, ctypes) is imported only when it runs
    from shared.evaluation.sandbox.local import LocalSandbox

__all__ = [
    "ErrorKind",
    "SandboxError",
    "SandboxLimits",
    "SandboxRequest",
    "SandboxResult",
    "SandboxUnavailable",
    "SandboxSettings",
    "run_in_sandbox",
    "sandbox_limits",
]


@cache
def _local_sandbox() -> "LocalSandbox":
    from shared.evaluation.sandbox.local import LocalSandbox

    return LocalSandbox(get_settings(SandboxSettings))


def sandbox_limits() -> SandboxLimits:
    """The limits this deployment gives a call (LOOP_SANDBOX_TIMEOUT_S, _MEMORY_MB, _OUTPUT_BYTES)."""
    return get_settings(SandboxSettings).limits()


def run_in_sandbox(request: SandboxRequest) -> SandboxResult:
    settings = get_settings(SandboxSettings)
    if settings.sandbox_function:
        from shared.evaluation.sandbox.lambda_client import invoke_sandbox

        return invoke_sandbox(request, settings.sandbox_function)
    return _local_sandbox().run(request)
