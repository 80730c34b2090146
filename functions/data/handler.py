"""Lambda entry of the data function."""

from functions.data.api import routers
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(*routers, title="Loop data")
lambda_handler = make_http_handler(app)
