"""`create_app(*routers)`: the FastAPI app of every function, the same in Lambda and in the local stack."""

import secrets
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.envelope import Envelope, ErrorBody
from shared.errors import LoopError
from shared.observability import logger

LOG_ID_HEADER = "x-tt-logid"  # the SDK quotes this header in its error messages


def error_response(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(ErrorBody(code=code, msg=message).model_dump(), status_code=status)


def describe_validation_errors(errors: Sequence[Any]) -> str:
    """One line naming each bad field, e.g. `email: value is not a valid email address`."""
    parts: list[str] = []
    for error in errors[:5]:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form")]
        if error.get("type") == "json_invalid":
            parts.append("the request body is not valid JSON; check quotes, commas and brackets")
        elif error.get("type") == "missing" and not location:
            parts.append("the request body is required")
        else:
            field = ".".join(location) or "request"
            parts.append(f"{field}: {error.get('msg', 'invalid value')}")
    if len(errors) > 5:
        parts.append(f"and {len(errors) - 5} more")
    return "; ".join(parts)


async def _loop_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LoopError)
    if error.status >= 500:
        logger.exception("request failed", extra={"path": request.url.path})
    else:
        logger.info(
            "request rejected", extra={"path": request.url.path, "status": error.status, "reason": error.message}
        )
    return error_response(error.status, error.code, error.message)


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    message = describe_validation_errors(error.errors())
    logger.info("request rejected", extra={"path": request.url.path, "status": 400, "reason": message})
    return error_response(400, 400, message)


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = f"no route matches {request.method} {request.url.path}"
    elif error.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    else:
        message = str(error.detail)
    return error_response(error.status_code, error.status_code, message)


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return error_response(500, 500, "internal error; the server logged the details, try again or report the log id")


class LogIdMiddleware:
    """Gives every response an `x-tt-logid` header (pure ASGI, so streaming responses stay streaming)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        log_id = secrets.token_hex(12)

        async def send_with_log_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (LOG_ID_HEADER.encode(), log_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_log_id)


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


# Every route can fail this way; FastAPI's own 422 never happens because validation errors answer 400.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in [
        (400, "Invalid input; `msg` names the field"),
        (401, "Not signed in, or the token is missing, malformed, expired or deleted"),
        (403, "Signed in, but your role does not allow this"),
        (404, "Not found, or in a workspace you are not a member of"),
        (409, "Conflicts with the current state (already exists, changed meanwhile)"),
        (413, "The request body is over the limit"),
        (429, "Over a rate limit or quota; retry later"),
        (500, "Internal error"),
    ]
}


def _openapi_without_422(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                operation.get("responses", {}).pop("422", None)
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(*routers: APIRouter, title: str = "Loop") -> FastAPI:
    app = FastAPI(title=title, generate_unique_id_function=_operation_id, responses=ERROR_RESPONSES)
    app.openapi = lambda: _openapi_without_422(app)  # type: ignore[method-assign]
    app.add_exception_handler(LoopError, _loop_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_middleware(LogIdMiddleware)

    @app.get("/ping", tags=["health"], response_model=Envelope)
    def ping() -> Envelope:
        return Envelope()

    for router in routers:
        app.include_router(router)
    return app
