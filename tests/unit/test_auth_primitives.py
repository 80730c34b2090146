"""Session cookies, token format and password rules: the pure parts of auth."""

import base64

import pytest

from shared.auth.cookies import SessionClaims, read_session, sign_session
from shared.auth.passwords import check_strength, hash_password, verify_password
from shared.auth.secrets import session_secret
from shared.auth.tokens import format_token, hash_secret, new_secret, parse_token, secret_matches
from shared.errors import InternalError, InvalidInput, Unauthorized
from shared.settings import _load

CLAIMS = SessionClaims(user_id=7, session_id="s1", created_at=1000, expires_at=2000)


def test_session_cookie_round_trips_and_carries_upstreams_fields() -> None:
    cookie = sign_session(CLAIMS)
    assert read_session(cookie, now_s=1500) == CLAIMS
    assert "UserID" in base64.urlsafe_b64decode(cookie.split(".")[0] + "==").decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
        lambda c: "e30." + c.split(".")[1],
        lambda c: c.split(".")[0],
        lambda c: "garbage",
        lambda c: "",
    ],
)
def test_session_cookie_rejects_tampering(mangle: object) -> None:
    assert callable(mangle)
    with pytest.raises(Unauthorized, match="not valid"):
        read_session(mangle(sign_session(CLAIMS)), now_s=1500)


def test_session_cookie_expires() -> None:
    with pytest.raises(Unauthorized, match="expired"):
        read_session(sign_session(CLAIMS), now_s=2000)


@pytest.mark.usefixtures("fresh_settings")
def test_no_session_secret_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOOP_SESSION_SECRET")
    with pytest.raises(InternalError, match="LOOP_SESSION_SECRET"):
        sign_session(CLAIMS)
    monkeypatch.setenv("LOOP_SESSION_SECRET", "too-short")
    _load.cache_clear()
    session_secret.cache_clear()
    with pytest.raises(InternalError, match="at least 32"):
        sign_session(CLAIMS)


def test_token_format_and_hash() -> None:
    secret = new_secret()
    parsed = parse_token(format_token(123, secret))
    assert (parsed.token_id, parsed.secret) == (123, secret)
    assert secret_matches(secret, hash_secret(secret))
    assert not secret_matches(secret + "x", hash_secret(secret))
    assert secret not in hash_secret(secret)


@pytest.mark.parametrize("token", ["", "pat", "pat_", "pat_abc_" + "x" * 43, "sk_1_" + "x" * 43, "pat_1_short"])
def test_malformed_tokens_are_unauthorized(token: str) -> None:
    with pytest.raises(Unauthorized, match="malformed"):
        parse_token(token)


def test_password_hash_is_argon2_and_verifies() -> None:
    hashed = hash_password("correct-horse-9")
    assert hashed.startswith("$argon2id$") and "correct-horse-9" not in hashed
    assert verify_password(hashed, "correct-horse-9")
    assert not verify_password(hashed, "correct-horse-8")
    assert not verify_password("not a hash", "correct-horse-9")


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1", "at least 8"), ("x" * 129, "at most 128"), ("lettersonly", "digit"), ("12345678", "letters")],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        check_strength(password, "ada@example.com")


def test_password_may_not_be_the_email() -> None:
    with pytest.raises(InvalidInput, match="email"):
        check_strength("ada@example.com", "ada@example.com")
    check_strength("a-good-pass-1", "ada@example.com")


@pytest.mark.usefixtures("fresh_settings")
def test_session_secret_can_come_from_secrets_manager(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    with mock_aws():
        # Given the secret only in Secrets Manager, as CDK deploys it
        import boto3

        arn = boto3.client("secretsmanager").create_secret(Name="loop-session", SecretString="s" * 64)["ARN"]
        monkeypatch.delenv("LOOP_SESSION_SECRET")
        monkeypatch.setenv("LOOP_SESSION_SECRET_ARN", arn)
        # When a session is signed and read back
        cookie = sign_session(CLAIMS)
        # Then it round-trips with that key
        assert read_session(cookie, now_s=1500) == CLAIMS
        assert session_secret() == b"s" * 64
