"""Provider keys from references, so model_config.yaml never needs a key in plain text.

`${NAME}` reads the environment; `secretsmanager:<secret id or ARN>` reads AWS Secrets Manager (cached by
Powertools for 5 minutes per instance); anything else is taken literally, as upstream's files do.
"""

import os
import re

from shared.errors import UpstreamError
from shared.llm.catalog import ModelEntry

ENV_REFERENCE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
SECRETS_PREFIX = "secretsmanager:"
SECRET_CACHE_S = 300


def resolve_api_key(model: ModelEntry) -> str | None:
    reference = model.protocol_config.api_key
    if not reference:
        return None
    if match := ENV_REFERENCE.match(reference):
        value = os.environ.get(match.group(1))
        if not value:
            raise UpstreamError(f"model {model.name}: its api_key refers to ${{{match.group(1)}}}, which is not set")
        return value
    if reference.startswith(SECRETS_PREFIX):
        return _secret(model, reference.removeprefix(SECRETS_PREFIX))
    return reference


def _secret(model: ModelEntry, secret_id: str) -> str:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from botocore.exceptions import ClientError

    from shared.aws import secrets_client

    try:
        value = SecretsProvider(boto3_client=secrets_client()).get(secret_id, max_age=SECRET_CACHE_S)
    except ClientError as error:
        raise UpstreamError(
            f"model {model.name}: cannot read its api_key from Secrets Manager ({secret_id})"
        ) from error
    except Exception as error:  # Powertools wraps provider errors in GetParameterError
        raise UpstreamError(
            f"model {model.name}: cannot read its api_key from Secrets Manager ({secret_id})"
        ) from error
    if not isinstance(value, str) or not value:
        raise UpstreamError(f"model {model.name}: the secret {secret_id} holds no text")
    return value
