"""The secret that signs console session cookies. Functions get its ARN and read it at cold start."""

from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

SESSION_SECRET_LENGTH = 64


class SessionSecretConstruct(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            description="Loop: HMAC key of the console session cookie",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=SESSION_SECRET_LENGTH,
                exclude_punctuation=True,  # the value stays safe in any config or shell it passes through
            ),
        )
