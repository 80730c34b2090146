"""Settings read from the environment, one cached instance per settings class.

Each function composes the mixins it needs; business code calls `get_settings(Cls)` and never reads
`os.environ` itself.
"""

from functools import cache
from typing import TypeVar, cast

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def resource_prefix(stage: str) -> str:
    """Every physical resource name of a stage starts with this."""
    return f"loop-{stage}"


class LoopSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOOP_", env_ignore_empty=True, extra="ignore")

    stage: str = Field(default="dev", pattern=r"^[a-z][a-z0-9-]{0,15}$")
    aws_region: str = Field(default="us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")
    xray_tracing: bool = False

    @property
    def resource_prefix(self) -> str:
        return resource_prefix(self.stage)


class AuthSettings(LoopSettings):
    """What the auth dependency needs in every function."""

    session_secret: SecretStr | None = None
    # In AWS the secret lives in Secrets Manager; only its ARN is in the environment.
    session_secret_arn: str | None = None
    session_ttl_days: int = Field(default=7, ge=1, le=90)
    # How long one Lambda instance may reuse a token or membership lookup; a token deleted or a member
    # removed elsewhere keeps working on other instances for at most this long. 0 turns caching off.
    auth_cache_ttl_s: float = Field(default=10, ge=0, le=300)
    cookie_secure: bool = False


class StorageSettings(LoopSettings):
    files_bucket: str | None = None
    presign_ttl_seconds: int = Field(default=900, ge=60, le=3600)

    @property
    def files_bucket_name(self) -> str:
        return self.files_bucket or f"{self.resource_prefix}-files"


SettingsT = TypeVar("SettingsT", bound=BaseSettings)


@cache
def _load(cls: type[BaseSettings]) -> BaseSettings:
    return cls()


def get_settings(cls: type[SettingsT]) -> SettingsT:
    """The settings of `cls`, read from the environment once per process."""
    return cast(SettingsT, _load(cls))
