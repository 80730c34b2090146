"""Password hashing with Argon2id, and the strength rule every new password must meet."""

from functools import cache
from typing import TYPE_CHECKING

from shared.errors import InvalidInput

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def _hasher() -> "PasswordHasher":
    from argon2 import PasswordHasher

    return PasswordHasher()


def check_strength(password: str, email: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"password: use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"password: use at most {MAX_LENGTH} characters")
    if not any(c.isalpha() for c in password) or not any(not c.isalpha() for c in password):
        raise InvalidInput("password: mix letters with at least one digit or symbol")
    if password.lower() == email.lower() or password.lower() == email.split("@")[0].lower():
        raise InvalidInput("password: must not be your email address")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
