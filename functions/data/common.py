"""What the three wire forms (data console, evaluation-set console, OpenAPI) share: users, paging, jobs."""

import base64
import binascii
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.data import storage
from shared.data.entities import FieldMapping, IOJob, ItemErrorGroup, JobStatus, JobType
from shared.errors import InvalidInput
from shared.foundation.profiles import user_infos
from shared.ids import Int64

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 20


class Request(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DataOrderBy(BaseModel):
    model_config = ConfigDict(extra="ignore")

    field: str | None = None
    is_asc: bool | None = None
    is_field_key: bool | None = None


class DataUserInfo(BaseModel):
    """common.thrift DataUserInfo."""

    name: str | None = None
    en_name: str | None = None
    avatar_url: str | None = None
    user_id: str | None = None
    email: str | None = None


class DataBaseInfo(BaseModel):
    created_by: DataUserInfo | None = None
    updated_by: DataUserInfo | None = None
    created_at: Int64 | None = None
    updated_at: Int64 | None = None
    deleted_at: Int64 | None = None


class Users:
    """Looks up every user a response names, in one batch."""

    def __init__(self, user_ids: list[str]) -> None:
        known = {int(user_id) for user_id in user_ids if user_id.isdigit()}
        self.by_id = {str(user.user_id): user for user in user_infos(known)}

    def info(self, user_id: str) -> DataUserInfo:
        user = self.by_id.get(user_id)
        if user is None:
            return DataUserInfo(user_id=user_id or None)
        return DataUserInfo(
            user_id=user_id, name=user.nick_name or user.name, avatar_url=user.avatar_url, email=user.email
        )

    def base_info(self, created_by: str, created_at: int, updated_by: str = "", updated_at: int = 0) -> DataBaseInfo:
        return DataBaseInfo(
            created_by=self.info(created_by),
            updated_by=self.info(updated_by or created_by),
            created_at=created_at,
            updated_at=updated_at or created_at,
        )


# --- paging ----------------------------------------------------------------------------------------------


def offset_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def offset_of(page_token: str | None, page_number: int | None, page_size: int) -> int:
    """Where a page starts: a page_token (which wins, as upstream) or page_number."""
    if page_token:
        try:
            kind, _, value = base64.urlsafe_b64decode(page_token.encode()).decode().partition(":")
            if kind == "offset" and value.isdigit():
                return int(value)
        except (ValueError, binascii.Error):
            pass
        raise InvalidInput("page_token is not one this server issued; start again without it")
    return max(0, ((page_number or 1) - 1) * page_size)


def page_size_of(page_size: int | None) -> int:
    if page_size is None or page_size == 0:
        return DEFAULT_PAGE_SIZE
    if not 0 < page_size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    return page_size


def order_of(order_bys: list[DataOrderBy] | None, allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
    """The (field, ascending) of the first order_by; upstream sorts descending unless is_asc."""
    if not order_bys or not order_bys[0].field:
        asc = bool(order_bys and order_bys[0].is_asc)
        return default, asc
    order = order_bys[0]
    if order.field not in allowed:
        raise InvalidInput(f"order_bys.field {order.field!r} is not supported; use one of {', '.join(allowed)}")
    return str(order.field), bool(order.is_asc)


def reject_filters(filter_: dict[str, Any] | None, tag_filter: dict[str, Any] | None = None) -> None:
    if filter_ and filter_.get("filter_fields"):
        raise InvalidInput("filter: filtering items by field values is not supported; list without a filter")
    if tag_filter and tag_filter.get("tag_names"):
        raise InvalidInput("tag_filter: items have no tags here; list without a tag filter")


# --- io jobs (data/domain/dataset_job.thrift) --------------------------------------------------------------


class IOFileDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    provider: int = 5
    path: str = Field(min_length=1, max_length=1024)
    format: int | None = None
    compress_format: int | None = None
    files: list[str] | None = None
    original_file_name: str | None = None
    download_url: str | None = None


class IODatasetDTO(BaseModel):
    space_id: Int64 | None = None
    dataset_id: Int64
    version_id: Int64 | None = None


class IOEndpointDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    file: IOFileDTO | None = None
    dataset: IODatasetDTO | None = None


class FieldMappingDTO(BaseModel):
    source: str = Field(min_length=1, max_length=1024)
    target: str = Field(min_length=1, max_length=128)


class IOJobOptionDTO(BaseModel):
    model_config = ConfigDict(extra="ignore")

    overwrite_dataset: bool | None = None
    field_write_options: list[dict[str, Any]] | None = None


class IOJobProgressDTO(BaseModel):
    total: Int64 | None = None
    processed: Int64 | None = None
    added: Int64 | None = None
    name: str | None = None
    sub_progresses: list["IOJobProgressDTO"] | None = None


class IOJobDTO(BaseModel):
    id: Int64
    app_id: int | None = None
    space_id: Int64
    dataset_id: Int64
    job_type: int
    source: IOEndpointDTO
    target: IOEndpointDTO
    field_mappings: list[FieldMappingDTO] | None = None
    option: IOJobOptionDTO | None = None
    status: int
    progress: IOJobProgressDTO
    errors: list[ItemErrorGroup]
    created_by: str
    created_at: Int64
    updated_by: str | None = None
    updated_at: Int64
    started_at: Int64 | None = None
    ended_at: Int64 | None = None


def job_dto(job: IOJob) -> IOJobDTO:
    """The job as upstream shows it; a finished export carries a signed download_url for its file."""
    target = IOEndpointDTO.model_validate(job.target)
    if (
        job.job_type == JobType.EXPORT_TO_FILE
        and job.status == JobStatus.COMPLETED
        and target.file is not None
        and target.file.path
    ):
        name = target.file.original_file_name or target.file.path.rsplit("/", 1)[-1]
        target.file.download_url = storage.sign_get(target.file.path, download_name=name)
    return IOJobDTO(
        id=job.job_id,
        space_id=job.workspace_id,
        dataset_id=job.dataset_id,
        job_type=job.job_type,
        source=IOEndpointDTO.model_validate(job.source),
        target=target,
        field_mappings=[FieldMappingDTO(source=m.source, target=m.target) for m in job.field_mappings] or None,
        option=IOJobOptionDTO.model_validate(job.option) if job.option else None,
        status=job.status,
        progress=IOJobProgressDTO(total=job.progress.total, processed=job.progress.processed, added=job.progress.added),
        errors=job.errors,
        created_by=job.created_by,
        created_at=job.created_at,
        updated_at=job.updated_at,
        started_at=job.started_at or None,
        ended_at=job.ended_at or None,
    )


def mappings(dtos: list[FieldMappingDTO] | None) -> list[FieldMapping]:
    return [FieldMapping(source=m.source, target=m.target) for m in dtos or []]
