"""Turns credentials into a principal and checks workspace membership. No HTTP here."""

from dataclasses import dataclass
from typing import Literal

from shared.auth.cookies import read_session
from shared.auth.tokens import parse_token, secret_matches
from shared.clock import now_s
from shared.errors import NotFound, Unauthorized
from shared.foundation.enums import SpaceRole
from shared.foundation.repositories import MemberRepository, SessionRepository, TokenRepository
from shared.observability import logger

# Writing last_used_at on every call would double the cost of each authenticated request.
LAST_USED_RESOLUTION_S = 60


@dataclass(frozen=True)
class Principal:
    user_id: int
    method: Literal["session", "token"]
    session_id: str | None = None
    token_id: int | None = None


@dataclass(frozen=True)
class WorkspaceScope:
    principal: Principal
    workspace_id: int
    role: SpaceRole

    @property
    def user_id(self) -> int:
        return self.principal.user_id


def authenticate_session(cookie: str) -> Principal:
    now = now_s()
    claims = read_session(cookie, now)
    session = SessionRepository().find(claims.session_id)
    if session is None or session.user_id != claims.user_id or session.expires_at <= now:
        raise Unauthorized("you have been signed out; sign in again")
    return Principal(user_id=claims.user_id, method="session", session_id=claims.session_id)


def authenticate_token(token: str) -> Principal:
    parsed = parse_token(token)
    tokens = TokenRepository()
    item = tokens.find_cached(parsed.token_id)
    if item is None or not secret_matches(parsed.secret, item.secret_hash):
        raise Unauthorized("the access token is not valid; it may have been deleted. Create a new one in the console")
    now = now_s()
    if item.expire_at and item.expire_at <= now:
        raise Unauthorized("the access token has expired; create a new one in the console")
    if now - item.last_used_at >= LAST_USED_RESOLUTION_S:
        try:
            tokens.touch(item, now)
        except Exception:  # noqa: BLE001 - bookkeeping must not fail a valid request
            logger.exception("could not record the token's last use", extra={"token_id": item.token_id})
    return Principal(user_id=item.user_id, method="token", token_id=item.token_id)


def require_membership(principal: Principal, workspace_id: int) -> WorkspaceScope:
    """A workspace the caller is not in answers 404, so workspace ids do not leak."""
    member = MemberRepository().find_cached(workspace_id, principal.user_id)
    if member is None:
        raise NotFound(f"workspace {workspace_id} not found, or you are not a member of it")
    return WorkspaceScope(principal=principal, workspace_id=workspace_id, role=SpaceRole(member.role))
