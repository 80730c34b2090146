"""Lambda entry of the llm function."""

from functions.llm.api import models
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(models, title="Loop llm")
lambda_handler = make_http_handler(app)
