"""Personal access tokens: `pat_<token id>_<random secret>`. Only the secret's SHA-256 is stored."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from shared.errors import Unauthorized

PREFIX = "pat"
SECRET_BYTES = 32
MAX_ID_DIGITS = 19


@dataclass(frozen=True)
class ParsedToken:
    token_id: int
    secret: str


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def format_token(token_id: int, secret: str) -> str:
    return f"{PREFIX}_{token_id}_{secret}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def parse_token(token: str) -> ParsedToken:
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    # isdigit() alone accepts '¹²³'; ids are positive int64s, at most 19 ASCII digits.
    well_formed_id = token_id.isascii() and token_id.isdigit() and len(token_id) <= MAX_ID_DIGITS
    if prefix != PREFIX or not well_formed_id or int(token_id) >= 2**63 or len(secret) < SECRET_BYTES:
        raise Unauthorized("the access token is malformed; create a new personal access token in the console")
    return ParsedToken(token_id=int(token_id), secret=secret)
