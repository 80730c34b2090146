"""Lambda entry of the evaluation function."""

from functions.evaluation.api import routers
from shared.app import create_app
from shared.handler import make_http_handler

app = create_app(*routers, title="Loop evaluation")
lambda_handler = make_http_handler(app)
