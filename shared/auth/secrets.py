"""The session-signing secret: from settings in development, from Secrets Manager in AWS."""

from functools import cache

from shared.errors import InternalError
from shared.settings import AuthSettings, get_settings

MIN_SECRET_LENGTH = 32


@cache
def session_secret() -> bytes:
    return _read_secret().encode()


def _read_secret() -> str:
    settings = get_settings(AuthSettings)
    if settings.session_secret is not None:
        secret = settings.session_secret.get_secret_value()
    elif settings.session_secret_arn:
        from aws_lambda_powertools.utilities.parameters import SecretsProvider

        from shared.aws import secrets_client

        value = SecretsProvider(boto3_client=secrets_client()).get(settings.session_secret_arn)
        secret = value if isinstance(value, str) else ""
    else:
        raise InternalError("no session secret is configured: set LOOP_SESSION_SECRET or LOOP_SESSION_SECRET_ARN")
    if len(secret) < MIN_SECRET_LENGTH:
        raise InternalError(f"the session secret must be at least {MIN_SECRET_LENGTH} characters long")
    return secret
