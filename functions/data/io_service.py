"""Import and export jobs as the routes start and read them; the data worker runs them (importer, exporter)."""

from dataclasses import dataclass

from functions.data import sources
from functions.data.common import FieldMappingDTO, IOFileDTO, IOJobOptionDTO, mappings
from shared.clock import now_ms
from shared.data import storage
from shared.data.entities import Dataset, FileFormat, IOJob, JobStatus, JobType, SnapshotStatus
from shared.data.jobs import DataJobMessage, enqueue
from shared.data.repository import DatasetRepository
from shared.errors import InvalidInput, NotFound
from shared.ids import new_id

repository = DatasetRepository()


def check_targets(dataset: Dataset, field_mappings: list[FieldMappingDTO]) -> None:
    fields = dataset.available_fields
    known = {field.name for field in fields} | {field.key for field in fields}
    for index, mapping in enumerate(field_mappings):
        if mapping.target not in known:
            names = ", ".join(field.name for field in fields)
            raise InvalidInput(
                f"field_mappings[{index}].target {mapping.target!r} is not a field of the dataset (fields: {names})"
            )
        if mapping.source.startswith("$"):
            sources.compiled_path(mapping.source)
    targets = [mapping.target for mapping in field_mappings]
    twice = sorted({target for target in targets if targets.count(target) > 1})
    if twice:
        raise InvalidInput(f"field_mappings: the targets {twice} are mapped twice; map each field once")


def _uploaded(workspace_id: int, file: IOFileDTO) -> tuple[str, FileFormat, int]:
    key = sources.object_key(workspace_id, file)
    fmt = sources.file_format(file)
    size = storage.object_size(key)
    if size is None:
        raise NotFound(f"file.path {file.path!r}: no uploaded file there; upload it first (or check the uri)")
    return key, fmt, size


def start_import(
    dataset: Dataset,
    user: str,
    file: IOFileDTO,
    field_mappings: list[FieldMappingDTO],
    option: IOJobOptionDTO | None,
) -> IOJob:
    key, fmt, _ = _uploaded(dataset.workspace_id, file)
    check_targets(dataset, field_mappings)
    source_file = file.model_copy(update={"path": key, "format": int(fmt), "provider": 5})
    job = IOJob(
        job_id=new_id(),
        workspace_id=dataset.workspace_id,
        dataset_id=dataset.dataset_id,
        job_type=JobType.IMPORT_FROM_FILE,
        source={"file": source_file.model_dump(exclude_none=True)},
        target={"dataset": {"space_id": dataset.workspace_id, "dataset_id": dataset.dataset_id}},
        field_mappings=mappings(field_mappings),
        option=option.model_dump(exclude_none=True) if option else {},
        status=JobStatus.PENDING,
        created_by=user,
        created_at=now_ms(),
    )
    repository.create_job(job)
    enqueue(DataJobMessage(kind="import", workspace_id=job.workspace_id, dataset_id=job.dataset_id, job_id=job.job_id))
    return job


def start_export(dataset: Dataset, user: str, version_id: int | None, fmt: int) -> IOJob:
    if fmt not in (FileFormat.CSV, FileFormat.JSONL):
        raise InvalidInput("format: export writes CSV (3) or JSONL (1)")
    label = "draft"
    if version_id:
        version = repository.get_version(dataset.workspace_id, version_id)
        if version.dataset_id != dataset.dataset_id:
            raise NotFound(f"version {version_id} not found in dataset {dataset.dataset_id}")
        if version.snapshot_status != SnapshotStatus.COMPLETED:
            raise InvalidInput(f"version {version.version} is not ready (snapshot not Completed); export it later")
        label = version.version
    job_id = new_id()
    extension = "csv" if fmt == FileFormat.CSV else "jsonl"
    key = storage.export_key(dataset.workspace_id, dataset.dataset_id, job_id, extension)
    job = IOJob(
        job_id=job_id,
        workspace_id=dataset.workspace_id,
        dataset_id=dataset.dataset_id,
        job_type=JobType.EXPORT_TO_FILE,
        source={
            "dataset": {"space_id": dataset.workspace_id, "dataset_id": dataset.dataset_id, "version_id": version_id}
        },
        target={
            "file": {
                "provider": 5,
                "path": key,
                "format": int(fmt),
                "original_file_name": f"{dataset.name}-{label}.{extension}",
            }
        },
        status=JobStatus.PENDING,
        created_by=user,
        created_at=now_ms(),
    )
    repository.create_job(job)
    enqueue(DataJobMessage(kind="export", workspace_id=job.workspace_id, dataset_id=job.dataset_id, job_id=job.job_id))
    return job


def get_job(workspace_id: int, job_id: int) -> IOJob:
    return repository.get_job(workspace_id, job_id)


def list_jobs(dataset: Dataset, types: list[int] | None, statuses: list[int] | None) -> list[IOJob]:
    jobs = repository.jobs_of(dataset.dataset_id)
    if types:
        jobs = [job for job in jobs if job.job_type in types]
    if statuses:
        jobs = [job for job in jobs if job.status in statuses]
    return jobs


@dataclass
class ParsedFile:
    bytes: int
    columns: list[str]
    samples: dict[str, list[str]]


def parse_source_file(workspace_id: int, file: IOFileDTO) -> ParsedFile:
    """The columns of an uploaded file and its first values, so the console can offer a mapping."""
    key, fmt, size = _uploaded(workspace_id, file)
    try:
        columns, samples = sources.columns_and_samples(key, fmt)
    except sources.FileError as error:
        raise InvalidInput(f"file: {error}") from error
    return ParsedFile(bytes=size, columns=columns, samples=samples)
