"""Prompt rules: who may see and change a prompt, drafts and commits, labels, and what the SDK gets."""

import json
from collections.abc import Iterator

from functions.prompt import schemas
from functions.prompt.sdk_shapes import sdk_prompt
from shared.auth.principals import Principal, WorkspaceScope, require_membership
from shared.clock import now_ms
from shared.errors import Conflict, InternalError, InvalidInput, LoopError, NotFound, PayloadTooLarge
from shared.foundation.profiles import user_infos
from shared.ids import new_id
from shared.llm.gateway import default_gateway, find_model, model_params
from shared.llm.types import ChatMessage, Role, TokenUsage
from shared.observability import logger
from shared.prompt import execution
from shared.prompt.entities import PromptDetail
from shared.prompt.entities import TokenUsage as EntityUsage
from shared.prompt.execution import PromptRun
from shared.prompt.models import LabelItem, PromptCommitItem, PromptDraftItem, PromptItem, PromptLabelItem
from shared.prompt.repository import PromptRepository
from shared.prompt.semver import parse_version, sort_key
from shared.prompt.template import check_template
from shared.sse import with_keep_alive

MAX_DETAIL_BYTES = 300_000  # a DynamoDB item holds 400 KB; the rest is left for the other attributes

repository = PromptRepository()


# --- access --------------------------------------------------------------------------------------------


def owned_prompt(principal: Principal, prompt_id: int) -> tuple[PromptItem, WorkspaceScope]:
    """The prompt and the caller's membership of its workspace; a stranger gets the same 404 as a miss."""
    prompt = repository.get(prompt_id)
    try:
        return prompt, require_membership(principal, prompt.workspace_id)
    except NotFound as error:
        raise NotFound(f"prompt {prompt_id} not found", code=600501001) from error


# --- details -------------------------------------------------------------------------------------------


def checked_detail(detail: PromptDetail) -> str:
    """Validates a detail before it is stored and returns its JSON; nothing invalid is ever saved."""
    check_template(detail.prompt_template)
    if detail.model_config_ and detail.model_config_.model_id is not None:
        model_params(find_model(detail.model_config_.model_id), execution.raw_params(detail.model_config_))
    names = [tool.function.name for tool in detail.tools]
    if len(names) != len(set(names)):
        raise InvalidInput("tools: two tools have the same name")
    for index, tool in enumerate(detail.tools):
        try:
            schema = json.loads(tool.function.parameters or "{}")
        except json.JSONDecodeError as error:
            raise InvalidInput(f"tools[{index}].function.parameters: not valid JSON ({error.msg})") from error
        if not isinstance(schema, dict):
            raise InvalidInput(f"tools[{index}].function.parameters: must be a JSON schema object")
    text = detail.model_dump_json(by_alias=True, exclude_none=True)
    if len(text.encode()) > MAX_DETAIL_BYTES:
        raise PayloadTooLarge(f"the prompt is {len(text.encode())} bytes; the limit is {MAX_DETAIL_BYTES} bytes")
    return text


def _detail(text: str) -> PromptDetail:
    return PromptDetail.model_validate_json(text)


def _basic(prompt: PromptItem) -> schemas.PromptBasic:
    return schemas.PromptBasic(
        display_name=prompt.display_name,
        description=prompt.description,
        latest_version=prompt.latest_version,
        created_by=prompt.created_by,
        updated_by=prompt.updated_by,
        created_at=prompt.created_at,
        updated_at=prompt.updated_at,
        latest_committed_at=prompt.latest_committed_at,
        prompt_type=prompt.prompt_type,
        security_level=prompt.security_level,
    )


def _commit_info(commit: PromptCommitItem) -> schemas.CommitInfo:
    return schemas.CommitInfo(
        version=commit.version,
        base_version=commit.base_version,
        description=commit.description,
        committed_by=commit.committed_by,
        committed_at=commit.committed_at,
    )


def _draft(draft: PromptDraftItem) -> schemas.PromptDraft:
    return schemas.PromptDraft(detail=_detail(draft.detail), draft_info=_draft_info(draft))


def _draft_info(draft: PromptDraftItem) -> schemas.DraftInfo:
    return schemas.DraftInfo(
        user_id=draft.user_id,
        base_version=draft.base_version,
        is_modified=draft.is_modified,
        created_at=draft.created_at,
        updated_at=draft.updated_at,
    )


def _view(
    prompt: PromptItem, *, draft: PromptDraftItem | None = None, commit: PromptCommitItem | None = None
) -> schemas.Prompt:
    return schemas.Prompt(
        id=prompt.prompt_id,
        workspace_id=prompt.workspace_id,
        prompt_key=prompt.prompt_key,
        prompt_basic=_basic(prompt),
        prompt_draft=_draft(draft) if draft else None,
        prompt_commit=schemas.PromptCommit(detail=_detail(commit.detail), commit_info=_commit_info(commit))
        if commit
        else None,
    )


def _commit_or_404(prompt: PromptItem, version: str, field: str = "commit_version") -> PromptCommitItem:
    parse_version(version, field)
    commit = repository.find_commit(prompt.prompt_id, version)
    if commit is None:
        raise NotFound(f"prompt {prompt.prompt_key} has no version {version}", code=600501002)
    return commit


# --- prompts -------------------------------------------------------------------------------------------


def create_prompt(scope: WorkspaceScope, request: schemas.CreatePromptRequest) -> schemas.CreatePromptResponse:
    user = str(scope.user_id)
    now = now_ms()
    prompt = PromptItem(
        new_id(),
        workspace_id=scope.workspace_id,
        prompt_key=request.prompt_key,
        display_name=request.prompt_name,
        description=request.prompt_description,
        prompt_type=request.prompt_type,
        security_level=request.security_level,
        created_by=user,
        updated_by=user,
        created_at=now,
        updated_at=now,
    )
    draft = None
    if request.draft_detail is not None:
        draft = PromptDraftItem(
            prompt.prompt_id,
            user,
            detail=checked_detail(request.draft_detail),
            is_modified=True,
            created_at=now,
            updated_at=now,
        )
    repository.create(prompt, draft)
    return schemas.CreatePromptResponse(prompt_id=prompt.prompt_id)


def get_prompt(
    principal: Principal, prompt_id: int, *, with_commit: bool, commit_version: str | None, with_draft: bool
) -> schemas.GetPromptResponse:
    prompt, _ = owned_prompt(principal, prompt_id)
    commit = None
    if commit_version:
        commit = _commit_or_404(prompt, commit_version)
    elif with_commit and prompt.latest_version:
        commit = _commit_or_404(prompt, prompt.latest_version)
    draft = repository.find_draft(prompt.prompt_id, str(principal.user_id)) if with_draft else None
    return schemas.GetPromptResponse(prompt=_view(prompt, draft=draft, commit=commit))


def _matching(scope: WorkspaceScope, request: schemas.ListPromptRequest) -> list[PromptItem]:
    """The workspace's prompts that pass the request's filters, in its order (paging is the caller's)."""
    prompts = repository.list_in_workspace(scope.workspace_id)
    if request.key_word:
        word = request.key_word.lower()
        prompts = [p for p in prompts if word in p.prompt_key.lower() or word in p.display_name.lower()]
    if request.created_bys:
        prompts = [p for p in prompts if p.created_by in request.created_bys]
    if request.committed_only:
        prompts = [p for p in prompts if p.latest_version]
    order = "latest_committed_at" if request.order_by == "committed_at" else "created_at"
    prompts.sort(key=lambda p: (getattr(p, order), p.prompt_id), reverse=not request.asc)
    return prompts


def list_prompts(scope: WorkspaceScope, request: schemas.ListPromptRequest) -> schemas.ListPromptResponse:
    prompts = _matching(scope, request)
    start = (request.page_num - 1) * request.page_size
    page = prompts[start : start + request.page_size]
    creators = {int(p.created_by) for p in page if p.created_by.isdigit()}
    return schemas.ListPromptResponse(prompts=[_view(p) for p in page], users=user_infos(creators), total=len(prompts))


def update_prompt(principal: Principal, prompt_id: int, request: schemas.UpdatePromptRequest) -> None:
    prompt, _ = owned_prompt(principal, prompt_id)
    if request.prompt_name is not None:
        prompt.display_name = request.prompt_name
    if request.prompt_description is not None:
        prompt.description = request.prompt_description
    if request.security_level is not None:
        prompt.security_level = request.security_level
    prompt.updated_by = str(principal.user_id)
    prompt.updated_at = now_ms()
    repository.save_basics(prompt)


def delete_prompt(principal: Principal, prompt_id: int) -> None:
    prompt, _ = owned_prompt(principal, prompt_id)
    repository.delete(prompt)


def clone_prompt(
    principal: Principal, prompt_id: int, request: schemas.ClonePromptRequest
) -> schemas.ClonePromptResponse:
    prompt, scope = owned_prompt(principal, prompt_id)
    commit = _commit_or_404(prompt, request.commit_version)
    created = create_prompt(
        scope,
        schemas.CreatePromptRequest(
            workspace_id=scope.workspace_id,
            prompt_name=request.cloned_prompt_name,
            prompt_key=request.cloned_prompt_key,
            prompt_description=request.cloned_prompt_description,
            prompt_type=prompt.prompt_type,
            security_level=prompt.security_level,
            draft_detail=_detail(commit.detail),
        ),
    )
    return schemas.ClonePromptResponse(cloned_prompt_id=created.prompt_id)


# --- drafts and commits --------------------------------------------------------------------------------


def save_draft(principal: Principal, prompt_id: int, request: schemas.SaveDraftRequest) -> schemas.SaveDraftResponse:
    prompt, _ = owned_prompt(principal, prompt_id)
    user = str(principal.user_id)
    text = checked_detail(request.prompt_draft.detail)
    now = now_ms()
    existing = repository.find_draft(prompt.prompt_id, user)
    base_version = existing.base_version if existing else prompt.latest_version
    base = repository.find_commit(prompt.prompt_id, base_version) if base_version else None
    draft = PromptDraftItem(
        prompt.prompt_id,
        user,
        detail=text,
        base_version=base_version,
        is_modified=base is None or _detail(base.detail) != request.prompt_draft.detail,
        created_at=existing.created_at if existing else now,
        updated_at=now,
    )
    repository.save_draft(draft)
    return schemas.SaveDraftResponse(draft_info=_draft_info(draft))


def _check_labels(workspace_id: int, label_keys: list[str]) -> None:
    known = set(repository.label_keys(workspace_id))
    unknown = sorted(set(label_keys) - known)
    if unknown:
        raise InvalidInput(f"label_keys: {', '.join(unknown)} not found in this workspace; create them first")


def commit_draft(principal: Principal, prompt_id: int, request: schemas.CommitDraftRequest) -> None:
    prompt, scope = owned_prompt(principal, prompt_id)
    user = str(principal.user_id)
    version = parse_version(request.commit_version)
    if prompt.latest_version and version <= parse_version(prompt.latest_version):
        raise Conflict(
            f"commit_version: {request.commit_version} must be higher than the latest version {prompt.latest_version}"
        )
    draft = repository.find_draft(prompt.prompt_id, user)
    if draft is None:
        raise InvalidInput("there is no draft to commit: save a draft first")
    _check_labels(scope.workspace_id, request.label_keys)
    checked_detail(_detail(draft.detail))  # the catalog may have changed since the draft was saved
    now = now_ms()
    commit = PromptCommitItem(
        prompt.prompt_id,
        sort_key(request.commit_version),
        version=request.commit_version,
        base_version=draft.base_version,
        description=request.commit_description,
        detail=draft.detail,
        committed_by=user,
        committed_at=now,
    )
    read_at = draft.updated_at
    draft.base_version, draft.is_modified, draft.updated_at = request.commit_version, False, now
    labels = [
        PromptLabelItem(prompt.prompt_id, key, version=request.commit_version, updated_by=user, updated_at=now)
        for key in request.label_keys
    ]
    repository.commit(prompt, commit, draft, read_at, labels)


def list_commits(
    principal: Principal, prompt_id: int, request: schemas.ListCommitRequest
) -> schemas.ListCommitResponse:
    prompt, _ = owned_prompt(principal, prompt_id)
    commits = list(
        repository.commits(
            prompt.prompt_id, ascending=request.asc, after=request.page_token, limit=request.page_size + 1
        )
    )
    page, more = commits[: request.page_size], len(commits) > request.page_size
    labels: dict[str, list[schemas.Label]] = {}
    for label in repository.labels_of(prompt.prompt_id):
        labels.setdefault(label.version, []).append(schemas.Label(key=label.label_key))
    committers = {int(c.committed_by) for c in page if c.committed_by.isdigit()}
    return schemas.ListCommitResponse(
        prompt_commit_infos=[_commit_info(c) for c in page],
        commit_version_label_mapping={
            c.version: sorted(labels.get(c.version, []), key=lambda label: label.key) for c in page
        },
        prompt_commit_detail_mapping={c.version: _detail(c.detail) for c in page} if request.with_commit_detail else {},
        users=user_infos(committers),
        has_more=more,
        next_page_token=page[-1].version_order if more and page else "",
    )


def revert_draft(principal: Principal, prompt_id: int, request: schemas.RevertDraftFromCommitRequest) -> None:
    prompt, _ = owned_prompt(principal, prompt_id)
    commit = _commit_or_404(prompt, request.commit_version_reverting_from)
    user, now = str(principal.user_id), now_ms()
    existing = repository.find_draft(prompt.prompt_id, user)
    repository.save_draft(
        PromptDraftItem(
            prompt.prompt_id,
            user,
            detail=commit.detail,
            base_version=commit.version,
            is_modified=False,
            created_at=existing.created_at if existing else now,
            updated_at=now,
        )
    )


def update_commit_labels(
    principal: Principal, prompt_id: int, version: str, request: schemas.UpdateCommitLabelsRequest
) -> None:
    prompt, scope = owned_prompt(principal, prompt_id)
    _commit_or_404(prompt, version)
    _check_labels(scope.workspace_id, request.label_keys)
    user, now = str(principal.user_id), now_ms()
    wanted = [
        PromptLabelItem(prompt.prompt_id, key, version=version, updated_by=user, updated_at=now)
        for key in request.label_keys
    ]
    repository.set_labels(prompt.prompt_id, version, wanted)


# --- labels --------------------------------------------------------------------------------------------


def create_label(scope: WorkspaceScope, request: schemas.CreateLabelRequest) -> None:
    key = request.label.key
    if not schemas.LABEL_KEY.match(key):
        raise InvalidInput("label.key: use 1-64 lowercase letters, digits, '_' or '-', starting with a letter")
    repository.create_label(LabelItem(scope.workspace_id, key, created_by=str(scope.user_id), created_at=now_ms()))


def list_labels(scope: WorkspaceScope, request: schemas.ListLabelRequest) -> schemas.ListLabelResponse:
    keys = repository.label_keys(scope.workspace_id)
    if request.label_key_like:
        keys = [key for key in keys if request.label_key_like.lower() in key]
    mapping: dict[str, str] = {}
    if request.with_prompt_version_mapping and request.prompt_id is not None:
        prompt = repository.get(request.prompt_id)
        if prompt.workspace_id != scope.workspace_id:
            raise NotFound(f"prompt {request.prompt_id} not found", code=600501001)
        mapping = {label.label_key: label.version for label in repository.labels_of(prompt.prompt_id)}
    return schemas.ListLabelResponse(
        labels=[schemas.Label(key=key) for key in keys],
        prompt_version_mapping=mapping,
        has_more=False,
        next_page_token="",
    )


def batch_get_labels(scope: WorkspaceScope, request: schemas.BatchGetLabelRequest) -> schemas.BatchGetLabelResponse:
    known = set(repository.label_keys(scope.workspace_id))
    return schemas.BatchGetLabelResponse(labels=[schemas.Label(key=key) for key in request.label_keys if key in known])


def list_prompt_basics(scope: WorkspaceScope, request: schemas.ListPromptBasicRequest) -> schemas.ListPromptBasicData:
    """The OpenAPI list pages up to 200 at a time (the console's up to 100), over the same filters."""
    filters = schemas.ListPromptRequest(
        workspace_id=scope.workspace_id,
        key_word=request.key_word,
        created_bys=[request.creator] if request.creator else None,
    )
    prompts = _matching(scope, filters)
    start = (request.page_number - 1) * request.page_size
    basics = [
        schemas.OpenAPIPromptBasic(
            id=prompt.prompt_id,
            workspace_id=prompt.workspace_id,
            prompt_key=prompt.prompt_key,
            **_basic(prompt).model_dump(include=set(schemas.PromptBasicFields.model_fields)),
        )
        for prompt in prompts[start : start + request.page_size]
    ]
    return schemas.ListPromptBasicData(prompts=basics, total=len(prompts))


# --- the SDK -------------------------------------------------------------------------------------------


def resolve(
    workspace_id: int, prompt_key: str, version: str | None, label: str | None, field: str = "version"
) -> tuple[PromptItem, PromptCommitItem]:
    """Version wins, then label, then the latest commit (upstream's order)."""
    prompt = repository.find_by_key(workspace_id, prompt_key)
    if prompt is None:
        raise NotFound(f"prompt {prompt_key} not found", code=600501001)
    if not version and label:
        version = repository.version_of_label(prompt.prompt_id, label)
        if version is None:
            raise NotFound(f"label {label} is not on any version of prompt {prompt_key}", code=600501007)
    version = version or prompt.latest_version
    if not version:
        raise NotFound(f"prompt {prompt_key} has no committed version yet", code=600501002)
    return prompt, _commit_or_404(prompt, version, field)


def mget(scope: WorkspaceScope, request: schemas.MGetPromptRequest) -> dict[str, object]:
    items = []
    for index, query in enumerate(request.queries):
        field = f"queries[{index}].version"
        prompt, commit = resolve(scope.workspace_id, query.prompt_key, query.version, query.label, field)
        items.append(
            {"query": query.model_dump(), "prompt": sdk_prompt(prompt, commit.version, _detail(commit.detail))}
        )
    return {"items": items}


def _run(scope: WorkspaceScope, request: schemas.ExecuteRequest) -> PromptRun:
    identifier = request.prompt_identifier
    label = identifier.label or request.release_label
    field = "prompt_identifier.version"
    prompt, commit = resolve(scope.workspace_id, identifier.prompt_key, identifier.version, label, field)
    return PromptRun(
        detail=_detail(commit.detail),
        workspace_id=scope.workspace_id,
        user_id=str(scope.user_id),
        prompt_key=prompt.prompt_key,
        version=commit.version,
        variable_vals=request.variable_vals or [],
        messages=request.messages or [],
    )


def _usage(usage: TokenUsage | None) -> EntityUsage | None:
    return EntityUsage(input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens) if usage else None


def execute(scope: WorkspaceScope, request: schemas.ExecuteRequest) -> schemas.ExecuteData:
    result = execution.execute(default_gateway(), _run(scope, request))
    return schemas.ExecuteData(
        message=execution.from_llm_message(result.message),
        finish_reason=result.finish_reason,
        usage=_usage(result.usage),
    )


def execute_streaming(scope: WorkspaceScope, request: schemas.ExecuteRequest) -> Iterator[str]:
    """SSE as the SDK reads it: `event: data` per delta, `event: error` for a failure mid-stream.

    Everything that can be checked fails before the first event, as a normal JSON error response."""
    chunks = execution.execute_stream(default_gateway(), _run(scope, request))

    def events() -> Iterator[str]:
        try:
            for chunk in chunks:
                delta = ChatMessage(
                    role=Role.ASSISTANT, content=chunk.content, reasoning_content=chunk.reasoning_content or None
                )
                if chunk.tool_calls:
                    delta.tool_calls = chunk.tool_calls
                data = schemas.ExecuteData(
                    message=execution.from_llm_message(delta),
                    finish_reason=chunk.finish_reason,
                    usage=_usage(chunk.usage),
                )
                yield f"event: data\ndata: {data.model_dump_json(exclude_none=True)}\n\n"
        except LoopError as error:
            yield error_event(error)
        except Exception:
            logger.exception("execute_streaming failed")
            yield error_event(InternalError("the run failed on the server; the log id in x-tt-logid says where"))

    return with_keep_alive(events())


def error_event(error: LoopError) -> str:
    """An SSE `error` event as the SDK reads it; json.dumps keeps a message with newlines on one line."""
    return f"event: error\ndata: {json.dumps({'code': error.code, 'msg': error.message})}\n\n"
