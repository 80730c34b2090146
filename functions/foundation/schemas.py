"""Request and response models of the foundation routes (names and fields as upstream's IDL)."""

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from shared.envelope import Envelope
from shared.foundation.enums import SpaceRole
from shared.foundation.profiles import UserInfoDetail
from shared.ids import Int64

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
TokenName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Page(Request):
    page_size: int = Field(default=20, ge=1, le=100)
    page_number: int = Field(default=1, ge=1)


# --- users -------------------------------------------------------------------------------------------


class RegisterRequest(Request):
    email: EmailStr
    password: str = Field(max_length=1024)


class LoginRequest(Request):
    email: EmailStr
    password: str = Field(max_length=1024)


class UpdateProfileRequest(Request):
    name: Name | None = None
    nick_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    description: Description | None = None
    avatar_uri: Annotated[str, StringConstraints(max_length=1024)] | None = None


class UserResponse(Envelope):
    user_info: UserInfoDetail


# --- workspaces --------------------------------------------------------------------------------------


class Space(BaseModel):
    id: Int64
    name: str
    description: str
    space_type: int
    owner_user_id: Int64
    create_at: Int64
    update_at: Int64
    enterprise_id: str = ""
    organization_id: str = ""
    role: int = Field(description="the caller's role: 1 owner, 2 admin, 3 member")


class ListSpacesRequest(Page):
    pass


class ListSpacesResponse(Envelope):
    spaces: list[Space]
    total: int


class SpaceResponse(Envelope):
    space: Space


class CreateSpaceRequest(Request):
    name: Name
    description: Description = ""


class UpdateSpaceRequest(Request):
    name: Name | None = None
    description: Description | None = None


class Member(BaseModel):
    user: UserInfoDetail
    role: int
    joined_at: Int64


class ListMembersResponse(Envelope):
    members: list[Member]
    total: int


class AddMemberRequest(Request):
    email: EmailStr
    role: Literal[SpaceRole.OWNER, SpaceRole.ADMIN, SpaceRole.MEMBER] = SpaceRole.MEMBER


class UpdateMemberRequest(Request):
    role: Literal[SpaceRole.OWNER, SpaceRole.ADMIN, SpaceRole.MEMBER]


class MemberResponse(Envelope):
    member: Member


# --- personal access tokens --------------------------------------------------------------------------


def _duration_as_text(value: object) -> object:
    """Upstream's IDL types the duration as a string enum; numbers are accepted too."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


DurationDay = Annotated[Literal["1", "30", "60", "90", "180", "365", "permanent"], BeforeValidator(_duration_as_text)]


class PersonalAccessToken(BaseModel):
    id: Int64
    name: str
    created_at: Int64 = Field(description="unix seconds")
    updated_at: Int64 = Field(description="unix seconds")
    last_used_at: Int64 = Field(description="unix seconds, -1 if never used")
    expire_at: Int64 = Field(description="unix seconds, -1 if it never expires")


class CreateTokenRequest(Request):
    name: TokenName
    expire_at: Int64 | None = Field(default=None, description="unix seconds; or give duration_day")
    duration_day: DurationDay | None = Field(
        default=None, description="'1', '30', '60', '90', '180', '365' or 'permanent'; 30 days when neither is given"
    )

    @model_validator(mode="after")
    def one_expiry(self) -> "CreateTokenRequest":
        if self.expire_at is not None and self.duration_day is not None:
            raise ValueError("give either expire_at or duration_day, not both")
        return self


class CreateTokenResponse(Envelope):
    personal_access_token: PersonalAccessToken
    token: str = Field(description="the token itself; shown only in this response")


class ListTokensRequest(Page):
    pass


class ListTokensResponse(Envelope):
    personal_access_tokens: list[PersonalAccessToken]
    total: int


class TokenResponse(Envelope):
    personal_access_token: PersonalAccessToken


class UpdateTokenRequest(Request):
    name: TokenName


# --- files -------------------------------------------------------------------------------------------


class UploadedFile(BaseModel):
    bytes: int
    file_name: str = Field(description="the stored key, <workspace_id>/<file name>")


class SignUploadOption(BaseModel):
    # A presigned form lives no longer than the credentials that signed it (a Lambda role's last hours).
    ttl: int | None = Field(default=None, ge=60, le=3600, description="seconds the upload forms stay valid")


class SignUploadFilesRequest(Request):
    workspace_id: Int64
    keys: list[Annotated[str, StringConstraints(min_length=1, max_length=255)]] = Field(min_length=1, max_length=20)
    option: SignUploadOption = SignUploadOption()
    business_type: Literal["prompt", "evaluation", "observability", "data"] = "prompt"


class PresignedUpload(BaseModel):
    """An HTML form upload: POST multipart/form-data to `url` with `fields`, then the file as the `file` field."""

    url: str
    fields: dict[str, str]


class SignUploadFilesResponse(Envelope):
    """Upstream answers with temporary object-store credentials (`sign_heads`); we sign one upload form per
    file instead, which bounds each file's key and size and needs no credentials in the browser."""

    uris: list[str] = Field(description="object keys, in the order of the request's keys")
    uploads: list[PresignedUpload] = Field(description="one presigned upload form per key, in the same order")
    max_bytes: int = Field(description="the largest file each form accepts")
    expired_time: Int64 = Field(description="unix seconds when the forms stop working")
