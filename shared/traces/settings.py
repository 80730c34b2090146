"""Settings of the trace store, shared by ingest, the writer, the jobs and the query function."""

from typing import Literal

from pydantic import Field

from shared.settings import LoopSettings


class TraceSettings(LoopSettings):
    traces_bucket: str | None = None
    # duckdb: the query function reads the Parquet files itself; athena: Athena reads them (large volumes).
    trace_engine: Literal["duckdb", "athena"] = "duckdb"
    athena_database: str | None = None
    athena_workgroup: str = "primary"
    athena_output: str | None = None  # s3://bucket/prefix/ for Athena's result files
    default_ttl_days: int = Field(default=30, ge=1, le=365)
    # A partition with this many files is merged by the next compaction run, even if it is still filling.
    compaction_min_files: int = Field(default=8, ge=2)

    @property
    def traces_bucket_name(self) -> str:
        return self.traces_bucket or f"{self.resource_prefix}-traces"

    @property
    def athena_database_name(self) -> str:
        return self.athena_database or f"{self.resource_prefix}-traces".replace("-", "_")
