"""Foundation routes: thin, each validates, resolves the caller and calls one service function."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from functions.foundation import schemas, service
from shared.auth.cookies import SESSION_COOKIE
from shared.auth.dependencies import ConsoleUser, ConsoleWorkspace, OpenAPIWorkspace, console_principal
from shared.auth.principals import Principal
from shared.envelope import Envelope, OpenAPIResponse
from shared.errors import InvalidInput, Unauthorized
from shared.ids import Int64

users = APIRouter(prefix="/api/foundation/v1/users", tags=["users"])
spaces = APIRouter(prefix="/api/foundation/v1/spaces", tags=["spaces"])
tokens = APIRouter(prefix="/api/auth/v1/personal_access_tokens", tags=["tokens"])
files = APIRouter(tags=["files"])


def _set_session_cookie(response: Response, signed_in: service.SignedIn) -> schemas.UserResponse:
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.cookie,
        max_age=signed_in.max_age_s,
        httponly=True,
        secure=service.settings().cookie_secure,
        samesite="lax",
        path="/",
    )
    return schemas.UserResponse(user_info=signed_in.user_info)


# --- users -------------------------------------------------------------------------------------------


@users.post("/register", response_model=schemas.UserResponse)
def register(body: schemas.RegisterRequest, response: Response) -> schemas.UserResponse:
    return _set_session_cookie(response, service.register(body))


@users.post("/login_by_password", response_model=schemas.UserResponse)
def login_by_password(body: schemas.LoginRequest, response: Response) -> schemas.UserResponse:
    return _set_session_cookie(response, service.login(body))


@users.post("/logout", response_model=Envelope)
def logout(request: Request, response: Response) -> Envelope:
    try:
        principal: Principal | None = console_principal(request)
    except Unauthorized:
        principal = None  # signing out twice is not an error
    service.logout(principal)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return Envelope()


@users.get("/session", response_model=schemas.UserResponse)
def session(principal: ConsoleUser) -> schemas.UserResponse:
    return schemas.UserResponse(user_info=service.current_user(principal))


@users.put("/{user_id}/update_profile", response_model=schemas.UserResponse)
def update_profile(user_id: Int64, body: schemas.UpdateProfileRequest, principal: ConsoleUser) -> schemas.UserResponse:
    return schemas.UserResponse(user_info=service.update_profile(principal, user_id, body))


# --- workspaces --------------------------------------------------------------------------------------


@spaces.post("/list", response_model=schemas.ListSpacesResponse)
def list_spaces(principal: ConsoleUser, body: schemas.ListSpacesRequest | None = None) -> schemas.ListSpacesResponse:
    found, total = service.list_spaces(principal, body or schemas.ListSpacesRequest())
    return schemas.ListSpacesResponse(spaces=found, total=total)


@spaces.post("", response_model=schemas.SpaceResponse)
def create_space(body: schemas.CreateSpaceRequest, principal: ConsoleUser) -> schemas.SpaceResponse:
    return schemas.SpaceResponse(space=service.create_team_space(principal, body))


@spaces.get("/{space_id}", response_model=schemas.SpaceResponse)
def get_space(space_id: Int64, scope: ConsoleWorkspace) -> schemas.SpaceResponse:
    return schemas.SpaceResponse(space=service.get_space(scope))


@spaces.put("/{space_id}", response_model=schemas.SpaceResponse)
def update_space(space_id: Int64, body: schemas.UpdateSpaceRequest, scope: ConsoleWorkspace) -> schemas.SpaceResponse:
    return schemas.SpaceResponse(space=service.update_space(scope, body))


@spaces.post("/{space_id}/members/list", response_model=schemas.ListMembersResponse)
def list_members(space_id: Int64, scope: ConsoleWorkspace) -> schemas.ListMembersResponse:
    members = service.list_members(scope)
    return schemas.ListMembersResponse(members=members, total=len(members))


@spaces.post("/{space_id}/members", response_model=schemas.MemberResponse)
def add_member(space_id: Int64, body: schemas.AddMemberRequest, scope: ConsoleWorkspace) -> schemas.MemberResponse:
    return schemas.MemberResponse(member=service.add_member(scope, body))


@spaces.put("/{space_id}/members/{user_id}", response_model=schemas.MemberResponse)
def update_member(
    space_id: Int64, user_id: Int64, body: schemas.UpdateMemberRequest, scope: ConsoleWorkspace
) -> schemas.MemberResponse:
    return schemas.MemberResponse(member=service.update_member(scope, user_id, body))


@spaces.delete("/{space_id}/members/{user_id}", response_model=Envelope)
def remove_member(space_id: Int64, user_id: Int64, scope: ConsoleWorkspace) -> Envelope:
    service.remove_member(scope, user_id)
    return Envelope()


# --- personal access tokens --------------------------------------------------------------------------


@tokens.post("", response_model=schemas.CreateTokenResponse)
def create_token(body: schemas.CreateTokenRequest, principal: ConsoleUser) -> schemas.CreateTokenResponse:
    token, plaintext = service.create_token(principal, body)
    return schemas.CreateTokenResponse(personal_access_token=token, token=plaintext)


@tokens.post("/list", response_model=schemas.ListTokensResponse)
def list_tokens(
    principal: ConsoleUser,
    page: Annotated[schemas.ListTokensRequest, Query()],
    body: schemas.ListTokensRequest | None = None,
) -> schemas.ListTokensResponse:
    """Paging in the body, or in the query as upstream's IDL puts it."""
    found, total = service.list_tokens(principal, body or page)
    return schemas.ListTokensResponse(personal_access_tokens=found, total=total)


@tokens.get("/{token_id}", response_model=schemas.TokenResponse)
def get_token(token_id: Int64, principal: ConsoleUser) -> schemas.TokenResponse:
    return schemas.TokenResponse(personal_access_token=service.get_token(principal, token_id))


@tokens.put("/{token_id}", response_model=schemas.TokenResponse)
def update_token(token_id: Int64, body: schemas.UpdateTokenRequest, principal: ConsoleUser) -> schemas.TokenResponse:
    return schemas.TokenResponse(personal_access_token=service.rename_token(principal, token_id, body))


@tokens.delete("/{token_id}", response_model=Envelope)
def delete_token(token_id: Int64, principal: ConsoleUser) -> Envelope:
    service.delete_token(principal, token_id)
    return Envelope()


# --- files -------------------------------------------------------------------------------------------


def limit_upload_size(request: Request) -> None:
    """Runs before anything reads the body, so an oversize upload is refused without being buffered."""
    declared = request.headers.get("content-length")
    service.check_upload_size(int(declared) if declared and declared.isdigit() else None)


_MULTIPART_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["workspace_id", "file"],
                    "properties": {"workspace_id": {"type": "string"}, "file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


@files.post("/v1/loop/files/upload", response_model=OpenAPIResponse[schemas.UploadedFile], openapi_extra=_MULTIPART_DOC)
async def upload_file(
    request: Request, _size_checked: Annotated[None, Depends(limit_upload_size)], scope: OpenAPIWorkspace
) -> OpenAPIResponse[schemas.UploadedFile]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput("send multipart/form-data with the fields 'workspace_id' and 'file'")
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("file: a multipart part named 'file' with a file name is required")
    size = upload.size if upload.size is not None else len(await upload.read())
    await upload.seek(0)
    stored = await run_in_threadpool(service.upload_file, scope, upload.filename, upload.file, size)
    return OpenAPIResponse[schemas.UploadedFile](data=stored)


@files.post("/api/foundation/v1/sign_upload_files", response_model=schemas.SignUploadFilesResponse)
def sign_upload_files(body: schemas.SignUploadFilesRequest, scope: ConsoleWorkspace) -> schemas.SignUploadFilesResponse:
    return service.sign_upload_files(scope, body)
