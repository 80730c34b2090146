"""Lambda entry of the sandbox function: one code evaluator run per invocation.

The event is `{"request": SandboxRequest}` (shared/evaluation/sandbox/lambda_client.py sends it); the answer
is `{"result": SandboxResult}`, or `{"platform_error": ...}` when the sandbox could not be set up. The same
runner as on a developer's machine confines the user code (empty environment, rlimits, no capabilities, a
syscall filter without sockets or new processes); the function itself has no network and no permissions
(infra_cdk/constructs/sandbox.py). Deliberately small: no web framework, no Powertools.
"""

from functools import cache
from typing import Any, Protocol

from shared.evaluation.sandbox.local import LocalSandbox
from shared.evaluation.sandbox.protocol import SandboxRequest, SandboxUnavailable
from shared.evaluation.sandbox.settings import SandboxSettings
from shared.settings import get_settings

# Time kept back from the invocation for start-up and for answering, so a slow evaluator times out as a
# result the caller can show rather than as a killed invocation.
RESERVE_MS = 2000
MIN_TIMEOUT_S = 0.1


class Context(Protocol):
    def get_remaining_time_in_millis(self) -> int: ...


@cache
def sandbox() -> LocalSandbox:
    return LocalSandbox(get_settings(SandboxSettings))


def lambda_handler(event: dict[str, Any], context: Context | None) -> dict[str, Any]:
    request = SandboxRequest.model_validate(event["request"])
    if context is not None:
        budget_s = max(MIN_TIMEOUT_S, (context.get_remaining_time_in_millis() - RESERVE_MS) / 1000)
        if request.limits.timeout_s > budget_s:
            request = request.model_copy(update={"limits": request.limits.model_copy(update={"timeout_s": budget_s})})
    try:
        result = sandbox().run(request)
    except SandboxUnavailable as error:
        return {"platform_error": error.message}
    return {"result": result.model_dump(mode="json")}
