"""Foundation rules: accounts and sessions, workspaces and members, tokens, files. No HTTP here."""

import re
import secrets
from dataclasses import dataclass
from typing import BinaryIO

from functions.foundation import schemas
from functions.foundation.settings import FoundationSettings
from shared.auth.cookies import SessionClaims, sign_session
from shared.auth.passwords import check_strength, hash_password, verify_password
from shared.auth.principals import Principal, WorkspaceScope
from shared.auth.tokens import format_token, hash_secret, new_secret
from shared.aws import s3_client
from shared.clock import now_ms, now_s
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge, Unauthorized
from shared.foundation.enums import SpaceRole, SpaceType
from shared.foundation.models import PersonalAccessTokenItem, SessionItem, SpaceItem, SpaceMemberItem, UserItem
from shared.foundation.profiles import UserInfoDetail, user_info
from shared.foundation.repositories import (
    MemberRepository,
    SessionRepository,
    SpaceRepository,
    TokenRepository,
    UserRepository,
)
from shared.ids import new_id
from shared.settings import get_settings


def settings() -> FoundationSettings:
    return get_settings(FoundationSettings)


def _page(page: schemas.Page) -> slice:
    start = (page.page_number - 1) * page.page_size
    return slice(start, start + page.page_size)


# --- accounts and sessions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    user_info: UserInfoDetail
    cookie: str
    max_age_s: int


def _start_session(user: UserItem) -> SignedIn:
    ttl_s = settings().session_ttl_days * 24 * 3600
    now = now_s()
    session = SessionItem(secrets.token_urlsafe(24), user_id=user.user_id, expires_at=now + ttl_s)
    SessionRepository().create(session)
    claims = SessionClaims(user.user_id, session.session_id, created_at=now, expires_at=session.expires_at)
    return SignedIn(user_info=user_info(user), cookie=sign_session(claims), max_age_s=ttl_s)


def register(request: schemas.RegisterRequest) -> SignedIn:
    if not settings().registration_enabled:
        raise Forbidden("registration is switched off on this server; ask an administrator for an account")
    email = request.email.lower()
    check_strength(request.password, email)
    now = now_ms()
    user = UserItem(
        new_id(),
        email=email,
        password_hash=hash_password(request.password),
        name=email.split("@")[0],
        created_at=now,
        updated_at=now,
    )
    space, owner = _new_space(user.user_id, f"{user.name}'s workspace", "", SpaceType.PERSONAL)
    UserRepository().create(user, space, owner)
    return _start_session(user)


def login(request: schemas.LoginRequest) -> SignedIn:
    user = UserRepository().find_by_email(request.email.lower())
    # One message for an unknown email and a wrong password, so the form does not reveal accounts.
    if user is None or not verify_password(user.password_hash, request.password):
        raise Unauthorized("the email or password is incorrect")
    return _start_session(user)


def logout(principal: Principal | None) -> None:
    if principal is not None and principal.session_id is not None:
        SessionRepository().delete(principal.session_id)


def current_user(principal: Principal) -> UserInfoDetail:
    return user_info(UserRepository().get(principal.user_id))


def update_profile(principal: Principal, user_id: int, request: schemas.UpdateProfileRequest) -> UserInfoDetail:
    if user_id != principal.user_id:
        raise Forbidden("you can only update your own profile")
    changes = request.model_dump(exclude_none=True)
    return user_info(UserRepository().update(user_id, changes, now_ms()))


# --- workspaces and members --------------------------------------------------------------------------


def _space(space: SpaceItem, role: int) -> schemas.Space:
    return schemas.Space(
        id=space.space_id,
        name=space.name,
        description=space.description,
        space_type=space.space_type,
        owner_user_id=space.owner_user_id,
        create_at=space.created_at,
        update_at=space.updated_at,
        role=role,
    )


def _new_space(owner_id: int, name: str, description: str, space_type: SpaceType) -> tuple[SpaceItem, SpaceMemberItem]:
    now = now_ms()
    space = SpaceItem(
        new_id(),
        name=name,
        description=description,
        space_type=int(space_type),
        owner_user_id=owner_id,
        created_at=now,
        updated_at=now,
    )
    return space, SpaceMemberItem(space.space_id, owner_id, role=int(SpaceRole.OWNER), created_at=now)


def list_spaces(principal: Principal, request: schemas.ListSpacesRequest) -> tuple[list[schemas.Space], int]:
    roles = {member.space_id: member.role for member in MemberRepository().list_for_user(principal.user_id)}
    spaces = SpaceRepository().batch_get(roles)
    spaces.sort(key=lambda space: (space.space_type != SpaceType.PERSONAL, space.created_at))
    return [_space(space, roles[space.space_id]) for space in spaces[_page(request)]], len(spaces)


def get_space(scope: WorkspaceScope) -> schemas.Space:
    return _space(SpaceRepository().get(scope.workspace_id), scope.role)


def create_team_space(principal: Principal, request: schemas.CreateSpaceRequest) -> schemas.Space:
    space, owner = _new_space(principal.user_id, request.name, request.description, SpaceType.TEAM)
    SpaceRepository().create_with_owner(space, owner)
    return _space(space, SpaceRole.OWNER)


def _manager_role(scope: WorkspaceScope) -> SpaceRole:
    """The caller's role read afresh: the request's scope may come from a cache a few seconds old."""
    member = MemberRepository().find(scope.workspace_id, scope.user_id)
    role = SpaceRole(member.role) if member else None
    if role is None or not role.manages_members:
        raise Forbidden("only the workspace's owners and admins can do this")
    return role


def update_space(scope: WorkspaceScope, request: schemas.UpdateSpaceRequest) -> schemas.Space:
    role = _manager_role(scope)
    space = SpaceRepository().update(scope.workspace_id, request.model_dump(exclude_none=True), now_ms())
    return _space(space, role)


def _member(member: SpaceMemberItem, user: UserItem) -> schemas.Member:
    return schemas.Member(user=user_info(user), role=member.role, joined_at=member.created_at)


def list_members(scope: WorkspaceScope) -> list[schemas.Member]:
    members = MemberRepository().list_for_space(scope.workspace_id)
    users = UserRepository().batch_get(member.user_id for member in members)
    members.sort(key=lambda member: (member.role, member.created_at))
    return [_member(member, users[member.user_id]) for member in members if member.user_id in users]


def _team_space(scope: WorkspaceScope) -> SpaceItem:
    space = SpaceRepository().get(scope.workspace_id)
    if space.space_type == SpaceType.PERSONAL:
        raise InvalidInput("a personal workspace has only its owner; create a team workspace to work with others")
    return space


def _check_role_change(scope: WorkspaceScope, current: SpaceRole | None, wanted: SpaceRole | None) -> None:
    """Admins manage admins and members; only owners touch owners."""
    if _manager_role(scope) != SpaceRole.OWNER and SpaceRole.OWNER in (current, wanted):
        raise Forbidden("only an owner can add, change or remove an owner")


def _remaining_owner(members: MemberRepository, member: SpaceMemberItem) -> SpaceMemberItem | None:
    """When `member` stops being an owner, another owner who must still be one when the change commits."""
    if member.role != SpaceRole.OWNER:
        return None
    others = members.list_for_space(member.space_id)
    owner = next((m for m in others if m.role == SpaceRole.OWNER and m.user_id != member.user_id), None)
    if owner is None:
        raise Conflict("a workspace needs at least one owner; make someone else owner first")
    return owner


def add_member(scope: WorkspaceScope, request: schemas.AddMemberRequest) -> schemas.Member:
    _team_space(scope)
    role = SpaceRole(request.role)
    _check_role_change(scope, None, role)
    user = UserRepository().find_by_email(request.email.lower())
    if user is None:
        raise NotFound(f"no account uses {request.email}; ask them to register first, then add them")
    member = SpaceMemberItem(scope.workspace_id, user.user_id, role=int(role), created_at=now_ms())
    MemberRepository().add(member)
    return _member(member, user)


def _existing_member(members: MemberRepository, scope: WorkspaceScope, user_id: int) -> SpaceMemberItem:
    member = members.find(scope.workspace_id, user_id)
    if member is None:
        raise NotFound(f"user {user_id} is not a member of this workspace")
    return member


def update_member(scope: WorkspaceScope, user_id: int, request: schemas.UpdateMemberRequest) -> schemas.Member:
    _team_space(scope)
    members = MemberRepository()
    member = _existing_member(members, scope, user_id)
    wanted = SpaceRole(request.role)
    _check_role_change(scope, SpaceRole(member.role), wanted)
    other_owner = _remaining_owner(members, member) if wanted != SpaceRole.OWNER else None
    members.change_role(member, int(wanted), other_owner=other_owner)
    return _member(member, UserRepository().get(user_id))


def remove_member(scope: WorkspaceScope, user_id: int) -> None:
    _team_space(scope)
    members = MemberRepository()
    member = _existing_member(members, scope, user_id)
    if user_id != scope.user_id:  # anyone may leave; removing others takes a manager
        _check_role_change(scope, SpaceRole(member.role), None)
    members.remove(member, other_owner=_remaining_owner(members, member))


# --- personal access tokens --------------------------------------------------------------------------

DEFAULT_TOKEN_DAYS = 30
NEVER = -1


def _token(item: PersonalAccessTokenItem) -> schemas.PersonalAccessToken:
    return schemas.PersonalAccessToken(
        id=item.token_id,
        name=item.name,
        created_at=item.created_at,
        updated_at=item.updated_at,
        last_used_at=item.last_used_at or NEVER,
        expire_at=item.expire_at or NEVER,
    )


def _expiry(request: schemas.CreateTokenRequest, now: int) -> int:
    """Seconds since the epoch when the token stops working, 0 for never."""
    if request.expire_at is not None:
        if request.expire_at <= now:
            raise InvalidInput("expire_at: must be in the future (unix seconds)")
        return request.expire_at
    if request.duration_day == "permanent":
        return 0
    days = int(request.duration_day) if request.duration_day else DEFAULT_TOKEN_DAYS
    return now + days * 24 * 3600


def create_token(principal: Principal, request: schemas.CreateTokenRequest) -> tuple[schemas.PersonalAccessToken, str]:
    now = now_s()
    secret = new_secret()
    item = PersonalAccessTokenItem(
        new_id(),
        user_id=principal.user_id,
        name=request.name,
        secret_hash=hash_secret(secret),
        created_at=now,
        updated_at=now,
        expire_at=_expiry(request, now),
    )
    TokenRepository().create(item)
    return _token(item), format_token(item.token_id, secret)


def _own_token(tokens: TokenRepository, principal: Principal, token_id: int) -> PersonalAccessTokenItem:
    item = tokens.find(token_id)
    if item is None or item.user_id != principal.user_id:
        raise NotFound(f"personal access token {token_id} not found")
    return item


def list_tokens(
    principal: Principal, request: schemas.ListTokensRequest
) -> tuple[list[schemas.PersonalAccessToken], int]:
    items = TokenRepository().list_for_user(principal.user_id)
    return [_token(item) for item in items[_page(request)]], len(items)


def get_token(principal: Principal, token_id: int) -> schemas.PersonalAccessToken:
    return _token(_own_token(TokenRepository(), principal, token_id))


def rename_token(
    principal: Principal, token_id: int, request: schemas.UpdateTokenRequest
) -> schemas.PersonalAccessToken:
    tokens = TokenRepository()
    item = _own_token(tokens, principal, token_id)
    tokens.rename(item, request.name, now_s())
    return _token(item)


def delete_token(principal: Principal, token_id: int) -> None:
    tokens = TokenRepository()
    tokens.delete(_own_token(tokens, principal, token_id))


# --- files -------------------------------------------------------------------------------------------

# The SDK names files `<trace>_<span>_<field>_<kind>_<rand>`; anything path-like or odd is refused.
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,254}$")


def check_upload_size(declared_bytes: int | None) -> None:
    limit = settings().max_upload_bytes
    if declared_bytes is not None and declared_bytes > limit:
        raise PayloadTooLarge(f"the upload is {declared_bytes} bytes; the limit is {limit} bytes")


def upload_file(scope: WorkspaceScope, file_name: str, body: BinaryIO, size: int) -> schemas.UploadedFile:
    if not _FILE_NAME.fullmatch(file_name):
        raise InvalidInput("file: the file name must be 1-255 letters, digits, '.', '_' or '-', without slashes")
    check_upload_size(size)
    key = f"{scope.workspace_id}/{file_name}"
    s3_client().put_object(Bucket=settings().files_bucket_name, Key=key, Body=body, ContentLength=size)
    return schemas.UploadedFile(bytes=size, file_name=key)


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name.rsplit("/", 1)[-1]).strip(".-")
    return cleaned[:128] or "file"


def sign_upload_files(
    scope: WorkspaceScope, request: schemas.SignUploadFilesRequest
) -> schemas.SignUploadFilesResponse:
    ttl = request.option.ttl or settings().presign_ttl_seconds
    limit = settings().max_presigned_upload_bytes
    s3 = s3_client()
    bucket = settings().files_bucket_name
    uris: list[str] = []
    uploads: list[schemas.PresignedUpload] = []
    for name in request.keys:
        key = f"{scope.workspace_id}/{request.business_type}/{new_id()}/{_safe_name(name)}"
        # The signed policy pins the key and bounds the size, so the form cannot be reused for anything else.
        form = s3.generate_presigned_post(bucket, key, Conditions=[["content-length-range", 0, limit]], ExpiresIn=ttl)
        uris.append(key)
        uploads.append(schemas.PresignedUpload(url=form["url"], fields=form["fields"]))
    return schemas.SignUploadFilesResponse(uris=uris, uploads=uploads, max_bytes=limit, expired_time=now_s() + ttl)
