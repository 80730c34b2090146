"""FastAPI dependencies: the one place a request's caller and workspace are established.

Console routes (`/api/...`) accept the `session_key` cookie or a bearer PAT; OpenAPI routes
(`/v1/loop/...`) accept only a bearer PAT, so a cross-site form cannot ride on a browser cookie.
"""

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from shared.auth.cookies import SESSION_COOKIE
from shared.auth.principals import (
    Principal,
    WorkspaceScope,
    authenticate_session,
    authenticate_token,
    require_membership,
)
from shared.errors import InvalidInput, Unauthorized
from shared.ids import parse_int64

WORKSPACE_FIELDS = ("workspace_id", "space_id")


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <personal access token>'")
    return token.strip()


def console_principal(request: Request) -> Principal:
    token = _bearer_token(request)
    if token is not None:
        return authenticate_token(token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return authenticate_session(cookie)
    raise Unauthorized("sign in first (no session cookie or bearer token was sent)")


def openapi_principal(request: Request) -> Principal:
    token = _bearer_token(request)
    if token is None:
        raise Unauthorized("send 'Authorization: Bearer <personal access token>'; create a token in the console")
    return authenticate_token(token)


async def _workspace_id(request: Request) -> int:
    """Finds `workspace_id` in the path, the query, a JSON body or a form, in that order."""
    raw: Any = None
    for field in WORKSPACE_FIELDS:
        raw = request.path_params.get(field) or request.query_params.get(field)
        if raw:
            break
    if not raw:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            try:
                body = json.loads(await request.body() or b"{}")
            except ValueError:
                body = None  # the route's own body parsing reports malformed JSON
            raw = body.get("workspace_id") if isinstance(body, dict) else None
        elif content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            raw = (await request.form()).get("workspace_id")
    if raw is None or raw == "":
        raise InvalidInput("workspace_id is required")
    try:
        return parse_int64(raw)
    except ValueError as error:
        raise InvalidInput(f"workspace_id: {error}") from error


ConsoleUser = Annotated[Principal, Depends(console_principal)]
OpenAPIUser = Annotated[Principal, Depends(openapi_principal)]


async def console_workspace(request: Request, principal: ConsoleUser) -> WorkspaceScope:
    return await run_in_threadpool(require_membership, principal, await _workspace_id(request))


async def openapi_workspace(request: Request, principal: OpenAPIUser) -> WorkspaceScope:
    return await run_in_threadpool(require_membership, principal, await _workspace_id(request))


ConsoleWorkspace = Annotated[WorkspaceScope, Depends(console_workspace)]
OpenAPIWorkspace = Annotated[WorkspaceScope, Depends(openapi_workspace)]
