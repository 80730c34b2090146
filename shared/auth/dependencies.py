"""FastAPI dependencies: the one place a request's caller and workspace are established.

As upstream, console routes (`/api/...`) accept only the `session_key` cookie and OpenAPI routes
(`/v1/loop/...`) only a bearer PAT. So a cross-site form cannot ride on a browser cookie, and a leaked
or short-lived token cannot mint a permanent one or manage members.
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
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return authenticate_session(cookie)
    if request.headers.get("authorization"):
        raise Unauthorized("the console API takes a signed-in session, not a token; tokens are for /v1/loop routes")
    raise Unauthorized("sign in first (no session cookie was sent)")


def openapi_principal(request: Request) -> Principal:
    token = _bearer_token(request)
    if token is None:
        raise Unauthorized("send 'Authorization: Bearer <personal access token>'; create a token in the console")
    return authenticate_token(token)


async def _body_workspace_id(request: Request) -> Any:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return None  # the route's own body parsing reports malformed JSON
        return body.get("workspace_id") if isinstance(body, dict) else None
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return (await request.form()).get("workspace_id")
    return None


async def _workspace_id(request: Request) -> int:
    """The workspace named by the path, the query, or a JSON or form body; they must agree where several do."""
    candidates = [(field, request.path_params.get(field)) for field in WORKSPACE_FIELDS]
    candidates += [("workspace_id", request.query_params.get("workspace_id"))]
    candidates += [("workspace_id", await _body_workspace_id(request))]
    found: set[int] = set()
    for field, raw in candidates:
        if raw is None or raw == "":
            continue
        try:
            found.add(parse_int64(raw))
        except ValueError as error:
            raise InvalidInput(f"{field}: {error}") from error
    if not found:
        raise InvalidInput("workspace_id is required")
    if len(found) > 1:
        raise InvalidInput("the request names two different workspaces; send one workspace_id")
    return found.pop()


ConsoleUser = Annotated[Principal, Depends(console_principal)]
OpenAPIUser = Annotated[Principal, Depends(openapi_principal)]


async def console_workspace(request: Request, principal: ConsoleUser) -> WorkspaceScope:
    return await run_in_threadpool(require_membership, principal, await _workspace_id(request))


async def openapi_workspace(request: Request, principal: OpenAPIUser) -> WorkspaceScope:
    return await run_in_threadpool(require_membership, principal, await _workspace_id(request))


ConsoleWorkspace = Annotated[WorkspaceScope, Depends(console_workspace)]
OpenAPIWorkspace = Annotated[WorkspaceScope, Depends(openapi_workspace)]
