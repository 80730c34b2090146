"""The `session_key` cookie: base64url(JSON claims) + "." + base64url(HMAC-SHA256), as upstream signs it."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

from shared.auth.secrets import session_secret
from shared.errors import Unauthorized

SESSION_COOKIE = "session_key"


@dataclass(frozen=True)
class SessionClaims:
    user_id: int
    session_id: str
    created_at: int
    expires_at: int


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    return _b64encode(hmac.new(session_secret(), payload.encode(), hashlib.sha256).digest())


def sign_session(claims: SessionClaims) -> str:
    body: dict[str, str | int] = {"UserID": str(claims.user_id), "SessionID": claims.session_id}
    body |= {"CreatedAt": claims.created_at, "ExpiresAt": claims.expires_at}
    payload = _b64encode(json.dumps(body, separators=(",", ":")).encode())
    return f"{payload}.{_signature(payload)}"


def read_session(cookie: str, now_s: int) -> SessionClaims:
    """Checks signature and expiry; whether the session was signed out is the caller's lookup."""
    payload, _, signature = cookie.partition(".")
    # Bytes, not str: compare_digest refuses non-ASCII strings, and a cookie is attacker-controlled.
    if not payload or not hmac.compare_digest(signature.encode(), _signature(payload).encode()):
        raise Unauthorized("your session is not valid; sign in again")
    try:
        body = json.loads(_b64decode(payload))
        claims = SessionClaims(
            user_id=int(body["UserID"]),
            session_id=str(body["SessionID"]),
            created_at=int(body["CreatedAt"]),
            expires_at=int(body["ExpiresAt"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise Unauthorized("your session is not valid; sign in again") from error
    if claims.expires_at <= now_s:
        raise Unauthorized("your session has expired; sign in again")
    return claims
