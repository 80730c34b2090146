"""LLM routes for the console (cookie session). Model calls themselves go through shared.llm.gateway."""

from fastapi import APIRouter

from functions.llm import schemas, service
from shared.auth.dependencies import ConsoleWorkspace
from shared.ids import Int64

models = APIRouter(prefix="/api/llm/v1/models", tags=["models"])


@models.post("/list", response_model=schemas.ListModelsResponse)
def list_models(body: schemas.ListModelsRequest, workspace: ConsoleWorkspace) -> schemas.ListModelsResponse:
    return service.list_models(body, workspace.workspace_id)


@models.post("/{model_id}", response_model=schemas.GetModelResponse)
def get_model(model_id: Int64, body: schemas.GetModelRequest, workspace: ConsoleWorkspace) -> schemas.GetModelResponse:
    return service.get_model(model_id, workspace.workspace_id)
