"""Lambda entry of the foundation function."""

from functions.foundation.api import files, spaces, tokens, users
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(users, spaces, tokens, files, title="Loop foundation")
lambda_handler = make_http_handler(app)
