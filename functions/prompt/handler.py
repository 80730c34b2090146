"""Lambda entry of the prompt function."""

from functions.prompt.api import labels, manage, openapi, prompts
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(prompts, labels, openapi, manage, title="Loop prompt")
lambda_handler = make_http_handler(app)
