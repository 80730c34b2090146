"""The trace store as an Athena table, for volumes one query Lambda running DuckDB outgrows.

The Parquet files the writer and compaction put under `spans/` are a Glue table with partition projection (no
crawler, no partition to register: Athena computes the partitions from the query's workspace and dates), queried
in a workgroup of our own whose results go to a bucket of their own. Both engines are always deployed; the CDK
context `trace_engine` (duckdb | athena) tells the functions which one to use (LOOP_TRACE_ENGINE).
"""

from typing import get_args

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from shared.settings import resource_prefix
from shared.traces.layout import ROOT
from shared.traces.rows import COLUMNS
from shared.traces.settings import TraceSettings

TRACE_ENGINES: tuple[str, ...] = get_args(TraceSettings.model_fields["trace_engine"].annotation)
DEFAULT_TRACE_ENGINE: str = TraceSettings.model_fields["trace_engine"].default
SPANS_TABLE = "spans"  # what shared/traces/query/builder.py's AthenaRelation queries
# The Hive partitions of shared/traces/layout.py: spans/workspace_id=<id>/date=YYYY-MM-DD/hour=HH/.
PARTITION_KEYS = ("workspace_id", "date", "hour")
PROJECTION_START_DATE = "2024-01-01"  # spans older than this are not visible to Athena
RESULTS_EXPIRY = Duration.days(7)
QUERY_ACTIONS = (
    "athena:StartQueryExecution",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:StopQueryExecution",
)
CATALOG_ACTIONS = ("glue:GetDatabase", "glue:GetTable", "glue:GetPartitions")
PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def settings_env(field: str) -> str:
    """The environment variable TraceSettings reads `field` from (`LOOP_<FIELD>`)."""
    if field not in TraceSettings.model_fields:
        raise ValueError(f"TraceSettings has no field {field!r}")
    return f"{TraceSettings.model_config.get('env_prefix', '')}{field}".upper()


def athena_database_name(stage: str) -> str:
    """`loop_<stage>_traces`, by the rule the functions use when LOOP_ATHENA_DATABASE is unset."""
    # model_construct: the rule only, without reading this machine's environment.
    return TraceSettings.model_construct(stage=stage).athena_database_name


def location_template(bucket_name: str) -> str:
    """`storage.location.template`: where the files of one projected partition are."""
    partitions = "".join(f"{key}=${{{key}}}/" for key in PARTITION_KEYS)
    return f"s3://{bucket_name}/{ROOT}{partitions}"


def projection_parameters(bucket_name: str) -> dict[str, str]:
    return {
        "projection.enabled": "true",
        "projection.workspace_id.type": "injected",  # every query names its workspace (AthenaRelation does)
        "projection.date.type": "date",
        "projection.date.format": "yyyy-MM-dd",
        "projection.date.range": f"{PROJECTION_START_DATE},NOW+1DAYS",  # ingest takes spans up to an hour ahead
        "projection.date.interval": "1",
        "projection.date.interval.unit": "DAYS",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
        "storage.location.template": location_template(bucket_name),
    }


class TraceQueryConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        traces_bucket: s3.IBucket,
        engine: str = DEFAULT_TRACE_ENGINE,
    ):
        super().__init__(scope, construct_id)
        if engine not in TRACE_ENGINES:
            raise ValueError(f"trace_engine {engine!r} is not one of {', '.join(TRACE_ENGINES)}")
        if clash := set(PARTITION_KEYS) & set(COLUMNS):
            raise ValueError(f"{sorted(clash)} are partition keys and cannot also be columns of the span rows")
        self.traces_bucket = traces_bucket
        self.database_name = athena_database_name(stage)
        self.workgroup_name = f"{resource_prefix(stage)}-traces"
        self.results_bucket = s3.Bucket(
            self,
            "ResultsBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=False,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-query-results",
                    expiration=RESULTS_EXPIRY,
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        account = Stack.of(self).account
        database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=self.database_name, description=f"Loop ({stage}): the trace store's Parquet files"
            ),
        )
        table = glue.CfnTable(
            self,
            "SpansTable",
            catalog_id=account,
            database_name=self.database_name,
            table_input=glue.CfnTable.TableInputProperty(
                name=SPANS_TABLE,
                description="Spans (shared/traces/rows.py COLUMNS), partitioned by workspace, date and hour",
                table_type="EXTERNAL_TABLE",
                parameters={"classification": "parquet", "EXTERNAL": "TRUE"}
                | projection_parameters(traces_bucket.bucket_name),
                partition_keys=[glue.CfnTable.ColumnProperty(name=key, type="string") for key in PARTITION_KEYS],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    columns=[glue.CfnTable.ColumnProperty(name=name, type=hive) for name, (_, hive) in COLUMNS.items()],
                    location=f"s3://{traces_bucket.bucket_name}/{ROOT}",
                    input_format=PARQUET_INPUT_FORMAT,
                    output_format=PARQUET_OUTPUT_FORMAT,
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library=PARQUET_SERDE, parameters={"serialization.format": "1"}
                    ),
                ),
            ),
        )
        table.node.add_dependency(database)
        athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=self.workgroup_name,
            description=f"Loop ({stage}): trace queries (LOOP_TRACE_ENGINE=athena)",
            state="ENABLED",
            recursive_delete_option=True,  # a workgroup with query history cannot be deleted otherwise
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=self.output_location,
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_S3"
                    ),
                ),
            ),
        )
        self.environment = {
            settings_env("trace_engine"): engine,
            settings_env("athena_database"): self.database_name,
            settings_env("athena_workgroup"): self.workgroup_name,
            settings_env("athena_output"): self.output_location,
        }

    @property
    def output_location(self) -> str:
        return f"s3://{self.results_bucket.bucket_name}/"

    def grant_query(self, grantee: iam.IGrantable) -> None:
        """Run queries in the workgroup over the table: Athena reads the files and writes results as the caller."""
        stack = Stack.of(self)
        workgroup = stack.format_arn(service="athena", resource="workgroup", resource_name=self.workgroup_name)
        catalog = [
            stack.format_arn(service="glue", resource="catalog"),
            stack.format_arn(service="glue", resource="database", resource_name=self.database_name),
            stack.format_arn(service="glue", resource="table", resource_name=f"{self.database_name}/{SPANS_TABLE}"),
        ]
        iam.Grant.add_to_principal(grantee=grantee, actions=list(QUERY_ACTIONS), resource_arns=[workgroup])
        iam.Grant.add_to_principal(grantee=grantee, actions=list(CATALOG_ACTIONS), resource_arns=catalog)
        self.traces_bucket.grant_read(grantee)
        self.results_bucket.grant_read_write(grantee)
