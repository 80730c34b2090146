"""Runs a request in the sandbox Lambda (functions/sandbox/handler.py), synchronously.

The event is `{"request": SandboxRequest}`; the function answers `{"result": SandboxResult}`, or
`{"platform_error": "..."}` when it could not set the sandbox up. Anything else (a failed or throttled
invocation, an unreadable answer) is a platform fault and raises SandboxUnavailable.
"""

import json
from functools import cache
from typing import Any, Protocol

from shared.evaluation.sandbox.local import too_large
from shared.evaluation.sandbox.protocol import SandboxRequest, SandboxResult, SandboxUnavailable
from shared.settings import LoopSettings, get_settings

# Lambda's limit for a synchronous request payload is 6 MB; leave room for the envelope.
MAX_INVOKE_BYTES = 6 * 1024 * 1024 - 64 * 1024
# The sandbox function answers within its own timeout (infra_cdk/constructs/sandbox.py); wait a little longer.
READ_TIMEOUT_S = 60


class LambdaInvoker(Protocol):
    """The one method of boto3's Lambda client this module uses (tests pass a fake)."""

    def invoke(self, **kwargs: Any) -> Any: ...


@cache
def lambda_client() -> LambdaInvoker:
    """Like shared.aws's clients, with a read timeout long enough for a code evaluator to finish."""
    import boto3
    from botocore.config import Config

    settings = get_settings(LoopSettings)
    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=READ_TIMEOUT_S)
    client: LambdaInvoker = boto3.session.Session().client(
        "lambda", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url, config=config
    )
    return client


def invoke_sandbox(request: SandboxRequest, function_name: str, client: LambdaInvoker | None = None) -> SandboxResult:
    payload = json.dumps({"request": request.model_dump(mode="json")}, ensure_ascii=False).encode()
    if len(payload) > MAX_INVOKE_BYTES:
        return too_large(len(payload), MAX_INVOKE_BYTES)
    try:
        response = (client or lambda_client()).invoke(
            FunctionName=function_name, InvocationType="RequestResponse", Payload=payload
        )
        body = response["Payload"].read()
    except Exception as error:  # botocore's ClientError, connection and timeout errors, all alike here
        raise SandboxUnavailable(f"the sandbox function {function_name} could not be invoked: {error}") from error
    answer = _decode(body, function_name)
    if response.get("FunctionError"):
        detail = answer.get("errorMessage") or answer.get("errorType") or "no detail"
        raise SandboxUnavailable(f"the sandbox function {function_name} failed: {detail}")
    if "platform_error" in answer:
        raise SandboxUnavailable(str(answer["platform_error"]))
    try:
        return SandboxResult.model_validate(answer["result"])
    except (KeyError, ValueError) as error:
        raise SandboxUnavailable(f"the sandbox function {function_name} answered without a result: {error}") from error


def _decode(body: bytes, function_name: str) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise SandboxUnavailable(f"the sandbox function {function_name} answered with invalid JSON") from error
    if not isinstance(answer, dict):
        raise SandboxUnavailable(f"the sandbox function {function_name} answered with {type(answer).__name__}")
    return answer
