"""Process-wide test environment: dummy AWS credentials, no real endpoint, a throwaway session secret.

Unit tests use moto's in-process decorator; integration tests start the local stack as a child process
with its own environment (tests/support/stack.py), so nothing here leaks into it.
"""

import os
import secrets

for name in [name for name in os.environ if name.startswith(("LOOP_", "COZELOOP_"))] + ["AWS_ENDPOINT_URL"]:
    os.environ.pop(name, None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_SESSION_TOKEN": "test",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "LOOP_SESSION_SECRET": secrets.token_urlsafe(48),
    }
)
