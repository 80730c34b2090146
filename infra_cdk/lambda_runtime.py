"""The Lambda runtime every function and the common layer target.

It must match the wheels `layers/build.py` installs (`LAMBDA_PYTHON_VERSION`, `LAMBDA_PLATFORMS`); a test checks.
"""

from aws_cdk import aws_lambda as lambda_

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.X86_64
