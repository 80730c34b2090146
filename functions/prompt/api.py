"""Prompt routes: the console's (/api/prompt/v1, cookie) and the SDK's (/v1/loop/prompts, PAT)."""

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from functions.prompt import debug, schemas, service
from shared.auth.dependencies import ConsoleUser, ConsoleWorkspace, OpenAPIUser, OpenAPIWorkspace
from shared.envelope import Envelope, OpenAPIResponse
from shared.ids import Int64

prompts = APIRouter(prefix="/api/prompt/v1/prompts", tags=["prompts"])
labels = APIRouter(prefix="/api/prompt/v1/labels", tags=["labels"])
openapi = APIRouter(prefix="/v1/loop/prompts", tags=["openapi"])

SSE_HEADERS = {"cache-control": "no-cache", "x-accel-buffering": "no"}


@prompts.post("", response_model=schemas.CreatePromptResponse)
def create_prompt(body: schemas.CreatePromptRequest, workspace: ConsoleWorkspace) -> schemas.CreatePromptResponse:
    return service.create_prompt(workspace, body)


@prompts.post("/list", response_model=schemas.ListPromptResponse)
def list_prompts(body: schemas.ListPromptRequest, workspace: ConsoleWorkspace) -> schemas.ListPromptResponse:
    return service.list_prompts(workspace, body)


@prompts.get("/{prompt_id}", response_model=schemas.GetPromptResponse)
def get_prompt(
    prompt_id: Int64,
    user: ConsoleUser,
    with_commit: bool = False,
    commit_version: str | None = Query(default=None, max_length=32),
    with_draft: bool = False,
) -> schemas.GetPromptResponse:
    return service.get_prompt(
        user, prompt_id, with_commit=with_commit, commit_version=commit_version, with_draft=with_draft
    )


@prompts.put("/{prompt_id}", response_model=Envelope)
def update_prompt(prompt_id: Int64, body: schemas.UpdatePromptRequest, user: ConsoleUser) -> Envelope:
    service.update_prompt(user, prompt_id, body)
    return Envelope()


@prompts.delete("/{prompt_id}", response_model=Envelope)
def delete_prompt(prompt_id: Int64, user: ConsoleUser) -> Envelope:
    service.delete_prompt(user, prompt_id)
    return Envelope()


@prompts.post("/{prompt_id}/clone", response_model=schemas.ClonePromptResponse)
def clone_prompt(prompt_id: Int64, body: schemas.ClonePromptRequest, user: ConsoleUser) -> schemas.ClonePromptResponse:
    return service.clone_prompt(user, prompt_id, body)


@prompts.post("/{prompt_id}/drafts/save", response_model=schemas.SaveDraftResponse)
def save_draft(prompt_id: Int64, body: schemas.SaveDraftRequest, user: ConsoleUser) -> schemas.SaveDraftResponse:
    return service.save_draft(user, prompt_id, body)


@prompts.post("/{prompt_id}/drafts/commit", response_model=Envelope)
def commit_draft(prompt_id: Int64, body: schemas.CommitDraftRequest, user: ConsoleUser) -> Envelope:
    service.commit_draft(user, prompt_id, body)
    return Envelope()


@prompts.post("/{prompt_id}/drafts/revert_from_commit", response_model=Envelope)
def revert_draft(prompt_id: Int64, body: schemas.RevertDraftFromCommitRequest, user: ConsoleUser) -> Envelope:
    service.revert_draft(user, prompt_id, body)
    return Envelope()


@prompts.post("/{prompt_id}/commits/list", response_model=schemas.ListCommitResponse)
def list_commits(prompt_id: Int64, body: schemas.ListCommitRequest, user: ConsoleUser) -> schemas.ListCommitResponse:
    return service.list_commits(user, prompt_id, body)


@prompts.post("/{prompt_id}/commits/{commit_version}/labels_update", response_model=Envelope)
def update_commit_labels(
    prompt_id: Int64, commit_version: str, body: schemas.UpdateCommitLabelsRequest, user: ConsoleUser
) -> Envelope:
    service.update_commit_labels(user, prompt_id, commit_version, body)
    return Envelope()


@labels.post("", response_model=Envelope)
def create_label(body: schemas.CreateLabelRequest, workspace: ConsoleWorkspace) -> Envelope:
    service.create_label(workspace, body)
    return Envelope()


@labels.post("/list", response_model=schemas.ListLabelResponse)
def list_labels(body: schemas.ListLabelRequest, workspace: ConsoleWorkspace) -> schemas.ListLabelResponse:
    return service.list_labels(workspace, body)


@labels.post("/batch_get", response_model=schemas.BatchGetLabelResponse)
def batch_get_labels(body: schemas.BatchGetLabelRequest, workspace: ConsoleWorkspace) -> schemas.BatchGetLabelResponse:
    return service.batch_get_labels(workspace, body)


# --- the SDK -------------------------------------------------------------------------------------------


@openapi.post("/mget", response_model=OpenAPIResponse[dict[str, Any]])
def mget(body: schemas.MGetPromptRequest, workspace: OpenAPIWorkspace) -> OpenAPIResponse[dict[str, Any]]:
    return OpenAPIResponse(data=service.mget(workspace, body))


@openapi.post("/execute", response_model=OpenAPIResponse[schemas.ExecuteData])
def execute(body: schemas.ExecuteRequest, workspace: OpenAPIWorkspace) -> OpenAPIResponse[schemas.ExecuteData]:
    return OpenAPIResponse(data=service.execute(workspace, body))


@openapi.post("/execute_streaming", response_class=StreamingResponse)
def execute_streaming(body: schemas.ExecuteRequest, workspace: OpenAPIWorkspace) -> StreamingResponse:
    events = service.execute_streaming(workspace, body)
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)


# --- the playground ------------------------------------------------------------------------------------


@prompts.post("/{prompt_id}/debug_streaming", response_class=StreamingResponse)
def debug_streaming(prompt_id: int, body: schemas.DebugStreamingRequest, user: ConsoleUser) -> StreamingResponse:
    events = debug.debug_streaming(user, prompt_id, body)
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)


@prompts.post("/{prompt_id}/debug_context/save", response_model=Envelope)
def save_debug_context(prompt_id: int, body: schemas.SaveDebugContextRequest, user: ConsoleUser) -> Envelope:
    debug.save_context(user, prompt_id, body)
    return Envelope()


@prompts.get("/{prompt_id}/debug_context/get", response_model=schemas.GetDebugContextResponse)
def get_debug_context(prompt_id: int, workspace_id: Int64, user: ConsoleUser) -> schemas.GetDebugContextResponse:
    return debug.get_context(user, prompt_id, workspace_id)


@prompts.get("/{prompt_id}/debug_history/list", response_model=schemas.ListDebugHistoryResponse)
def list_debug_history(
    prompt_id: int,
    workspace_id: Int64,
    user: ConsoleUser,
    days_limit: int = Query(default=7, ge=1, le=30),
    page_size: int = Query(default=20, ge=1, le=100),
    page_token: str | None = Query(default=None, max_length=40),
) -> schemas.ListDebugHistoryResponse:
    return debug.list_history(user, prompt_id, workspace_id, days_limit, page_size, page_token)


# --- OpenAPI prompt management (a PAT, for scripts) -----------------------------------------------------

manage = APIRouter(prefix="/v1/loop/prompts", tags=["openapi-manage"])


@manage.post("", response_model=schemas.CreatePromptResponse)
def create_prompt_oapi(
    body: schemas.CreatePromptOApiRequest, workspace: OpenAPIWorkspace
) -> schemas.CreatePromptResponse:
    request = schemas.CreatePromptRequest(**body.model_dump())
    return service.create_prompt(workspace, request)


@manage.post("/list", response_model=OpenAPIResponse[schemas.ListPromptBasicData])
def list_prompts_oapi(
    body: schemas.ListPromptBasicRequest, workspace: OpenAPIWorkspace
) -> OpenAPIResponse[schemas.ListPromptBasicData]:
    return OpenAPIResponse(data=service.list_prompt_basics(workspace, body))


@manage.get("/{prompt_id}", response_model=schemas.GetPromptOApiResponse)
def get_prompt_oapi(
    prompt_id: Int64,
    user: OpenAPIUser,
    with_commit: bool = False,
    commit_version: str | None = Query(default=None, max_length=32),
    with_draft: bool = False,
) -> schemas.GetPromptOApiResponse:
    got = service.get_prompt(
        user, prompt_id, with_commit=with_commit, commit_version=commit_version, with_draft=with_draft
    )
    return schemas.GetPromptOApiResponse(prompt=got.prompt)


@manage.delete("/{prompt_id}", response_model=Envelope)
def delete_prompt_oapi(prompt_id: Int64, user: OpenAPIUser) -> Envelope:
    service.delete_prompt(user, prompt_id)
    return Envelope()


@manage.post("/{prompt_id}/drafts/save", response_model=schemas.SaveDraftResponse)
def save_draft_oapi(
    prompt_id: Int64, body: schemas.SaveDraftOApiRequest, user: OpenAPIUser
) -> schemas.SaveDraftResponse:
    return service.save_draft(user, prompt_id, body)


@manage.post("/{prompt_id}/drafts/commit", response_model=Envelope)
def commit_draft_oapi(prompt_id: Int64, body: schemas.CommitDraftOApiRequest, user: OpenAPIUser) -> Envelope:
    request = schemas.CommitDraftRequest(commit_version=body.commit_version, commit_description=body.commit_description)
    service.commit_draft(user, prompt_id, request)
    return Envelope()


@manage.post("/{prompt_id}/commits/list", response_model=schemas.ListCommitResponse)
def list_commits_oapi(
    prompt_id: Int64, body: schemas.ListCommitOApiRequest, user: OpenAPIUser
) -> schemas.ListCommitResponse:
    return service.list_commits(user, prompt_id, body)
