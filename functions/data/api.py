"""Dataset and evaluation-set routes: the data console, the evaluation-set console and the OpenAPI."""

from fastapi import APIRouter

from functions.data import dataset_api, eval_set_api, openapi_api

routers: tuple[APIRouter, ...] = (dataset_api.router, eval_set_api.router, openapi_api.router)
