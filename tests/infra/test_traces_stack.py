"""The trace store in AWS: the traces layer, scheduled jobs, the ingest queue's senders, the traces bucket, Athena."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from infra_cdk.app import InvalidContextError, create_stack
from infra_cdk.artifacts import BuildArtifacts, MissingBuildError
from infra_cdk.constructs.functions import VISIBILITY_PER_TIMEOUT, check_batching, rate_expression
from infra_cdk.constructs.trace_query import PARTITION_KEYS
from infra_cdk.naming import pascal_case
from shared.resources import BUCKETS, QUEUES
from shared.routes import FUNCTIONS, FunctionSpec, Schedule, Worker
from shared.settings import resource_prefix
from shared.traces.layout import partition_of
from shared.traces.query.builder import AthenaRelation, SpanScope
from shared.traces.rows import COLUMNS
from shared.traces.settings import TraceSettings
from tests.infra.synth import STAGE, cdk_json_context

pytestmark = pytest.mark.infra

Resources = dict[str, dict[str, Any]]
TRACE_QUEUE = "trace-ingest"
TRACES_BUCKET = str(next(queue.offload_bucket for queue in QUEUES if queue.name == TRACE_QUEUE))
DUCKDB_SPECS = [spec for spec in FUNCTIONS if spec.uses_duckdb]
OBSERVABILITY = next(spec for spec in FUNCTIONS if spec.module == "observability")
TRACE_INGEST = next(spec for spec in FUNCTIONS if spec.module == "trace_ingest")
DATABASE = TraceSettings(stage=STAGE, athena_database=None).athena_database_name
WORKGROUP = f"{resource_prefix(STAGE)}-traces"
QUERY_ACTIONS = {
    "athena:StartQueryExecution",
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:StopQueryExecution",
}


def resources_of(template: assertions.Template, resource_type: str) -> Resources:
    return cast(Resources, template.find_resources(resource_type))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def spec_of(function_id: str) -> FunctionSpec | None:
    """The spec whose construct made the function (`Functions<Module>...`), by the longest matching module."""
    owners = [spec for spec in FUNCTIONS if function_id.startswith(f"Functions{pascal_case(spec.module)}")]
    return max(owners, key=lambda spec: len(spec.module), default=None)


def function_id_with_handler(template: assertions.Template, handler: str) -> str:
    [function_id] = [
        function_id
        for function_id, function in resources_of(template, "AWS::Lambda::Function").items()
        if function["Properties"]["Handler"] == handler
    ]
    return function_id


def handlers_of(spec: FunctionSpec) -> list[str]:
    """Every function of a spec: the API, each worker, each scheduled job."""
    return [spec.handler, *(worker.handler for worker in spec.workers), *(job.handler for job in spec.schedules)]


def statements_of(template: assertions.Template, function_id: str) -> list[dict[str, Any]]:
    """The IAM statements of the function's role."""
    role = resources_of(template, "AWS::Lambda::Function")[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    return [
        statement
        for policy in resources_of(template, "AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def allows(statements: list[dict[str, Any]], action: str, resource: Any) -> bool:
    return any(
        statement["Effect"] == "Allow"
        and action in as_list(statement["Action"])
        and resource in as_list(statement["Resource"])
        for statement in statements
    )


def logical_id(template: assertions.Template, resource_type: str, prefix: str) -> str:
    [found] = [name for name in resources_of(template, resource_type) if name.startswith(prefix)]
    return found


def traces_bucket_id(template: assertions.Template) -> str:
    return logical_id(template, "AWS::S3::Bucket", f"Storage{pascal_case(TRACES_BUCKET)}Bucket")


def results_bucket_id(template: assertions.Template) -> str:
    return logical_id(template, "AWS::S3::Bucket", "TraceQueryResultsBucket")


def objects_under(bucket_id: str, pattern: str) -> dict[str, Any]:
    return {"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, pattern]]}


def arn(service: str, resource: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                f":{service}:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":{resource}",
            ],
        ]
    }


def only_properties(template: assertions.Template, resource_type: str) -> dict[str, Any]:
    [resource] = resources_of(template, resource_type).values()
    properties: dict[str, Any] = resource["Properties"]
    return properties


# --- the layers --------------------------------------------------------------------------------------------


def test_the_traces_layer_goes_exactly_to_the_duckdb_functions_and_the_llm_layer_to_the_llm_ones(
    template: assertions.Template,
) -> None:
    # Given the layers and every function of the stack, each with the spec that made it
    traces_layer = {"Ref": logical_id(template, "AWS::Lambda::LayerVersion", "TracesLayer")}
    llm_layer = {"Ref": logical_id(template, "AWS::Lambda::LayerVersion", "LlmLayer")}
    functions = resources_of(template, "AWS::Lambda::Function")
    with_traces = {
        name for name, function in functions.items() if traces_layer in function["Properties"].get("Layers", [])
    }
    with_llm = {name for name, function in functions.items() if llm_layer in function["Properties"].get("Layers", [])}

    # Then the traces layer is on the duckdb specs' API, worker and job functions, and on nothing else
    expected = {function_id_with_handler(template, handler) for spec in DUCKDB_SPECS for handler in handlers_of(spec)}
    assert expected and with_traces == expected
    assert with_traces == {name for name in functions if (spec := spec_of(name)) is not None and spec.uses_duckdb}
    # And the llm layer only on functions of specs that call models
    assert with_llm and all((spec := spec_of(name)) is not None and spec.uses_llm for name in with_llm)
    assert not with_llm & with_traces


def test_duckdb_functions_have_room_in_tmp_and_the_specs_memory(template: assertions.Template) -> None:
    # Given every function of the stack
    for name, function in resources_of(template, "AWS::Lambda::Function").items():
        spec = spec_of(name)
        properties = function["Properties"]
        # Then DuckDB's spill directory (/tmp/duckdb) gets 2 GB where DuckDB runs, the default elsewhere
        if spec is not None and spec.uses_duckdb:
            assert properties["EphemeralStorage"] == {"Size": 2048}, name
            assert properties["MemorySize"] == spec.memory_mb, name
        else:
            assert "EphemeralStorage" not in properties, name


# --- scheduled jobs and workers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "job"),
    [pytest.param(spec, job, id=f"{spec.module}-{job.name}") for spec in FUNCTIONS for job in spec.schedules],
)
def test_each_scheduled_job_has_a_function_run_by_a_rate_rule(
    template: assertions.Template, spec: FunctionSpec, job: Schedule
) -> None:
    # Given the job's function
    function_id = function_id_with_handler(template, job.handler)
    properties = resources_of(template, "AWS::Lambda::Function")[function_id]["Properties"]

    # Then it is named after its module and job, and a run ends before the next one starts
    assert function_id.startswith(f"Functions{pascal_case(spec.module)}{pascal_case(job.name)}Job")
    assert "ReservedConcurrentExecutions" not in properties
    assert properties["Timeout"] == job.timeout_s < job.every_minutes * 60
    assert properties["MemorySize"] == spec.memory_mb
    assert "LOOP_SESSION_SECRET_ARN" not in properties["Environment"]["Variables"]
    # And an EventBridge rule invokes it every `every_minutes`
    rules = [
        rule["Properties"]
        for rule in resources_of(template, "AWS::Events::Rule").values()
        if {"Fn::GetAtt": [function_id, "Arn"]} in [target["Arn"] for target in rule["Properties"]["Targets"]]
    ]
    assert [rule["ScheduleExpression"] for rule in rules] == [f"rate({job.every_minutes} minutes)"]
    assert rules[0]["State"] == "ENABLED"
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {"FunctionName": {"Fn::GetAtt": [function_id, "Arn"]}, "Principal": "events.amazonaws.com"},
    )
    # And a run that failed, or waited too long for the previous one, is not retried: the next tick comes
    template.has_resource_properties(
        "AWS::Lambda::EventInvokeConfig", {"FunctionName": {"Ref": function_id}, "MaximumRetryAttempts": 0}
    )


def test_the_observability_jobs_are_compaction_and_retention(template: assertions.Template) -> None:
    assert [(job.name, job.every_minutes) for job in OBSERVABILITY.schedules] == [("compact", 2), ("retention", 60)]
    assert len(resources_of(template, "AWS::Events::Rule")) == sum(len(spec.schedules) for spec in FUNCTIONS)


def test_rate_expressions_are_what_eventbridge_accepts() -> None:
    assert rate_expression(1) == "rate(1 minute)"
    assert rate_expression(10) == "rate(10 minutes)"


def test_the_trace_ingest_worker_takes_batches_of_100_within_2_seconds(template: assertions.Template) -> None:
    # Given the observability worker of the trace-ingest queue
    [worker] = [worker for worker in OBSERVABILITY.workers if worker.queue == TRACE_QUEUE]
    function_id = function_id_with_handler(template, worker.handler)
    queue_id = logical_id(template, "AWS::SQS::Queue", f"Queues{pascal_case(TRACE_QUEUE)}Queue")
    [queue] = [queue for queue in QUEUES if queue.name == TRACE_QUEUE]

    # Then its event source batches up to 100 spans' messages, waiting at most 2 s to fill a batch
    assert (worker.batch_size, worker.batching_window_s) == (100, 2)
    template.has_resource_properties(
        "AWS::Lambda::EventSourceMapping",
        {
            "FunctionName": {"Ref": function_id},
            "EventSourceArn": {"Fn::GetAtt": [queue_id, "Arn"]},
            "BatchSize": 100,
            "MaximumBatchingWindowInSeconds": 2,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    )
    # And a message stays invisible for several tries, batching window included
    timeout = resources_of(template, "AWS::Lambda::Function")[function_id]["Properties"]["Timeout"]
    assert timeout * VISIBILITY_PER_TIMEOUT + worker.batching_window_s <= queue.visibility_timeout_s


@pytest.mark.parametrize(
    ("batch_size", "window", "message"),
    [(100, 0, "at least 1 s"), (0, 0, "batch_size"), (20_000, 5, "batch_size"), (10, 301, "batching_window_s")],
)
def test_a_worker_batch_sqs_would_refuse_is_a_clear_error(batch_size: int, window: int, message: str) -> None:
    worker = Worker(queue=TRACE_QUEUE, handler="h", batch_size=batch_size, batching_window_s=window)
    with pytest.raises(ValueError, match=message):
        check_batching(OBSERVABILITY, worker)


def test_batches_sqs_accepts_pass() -> None:
    for batch_size, window in ((10, 0), (1, 0), (100, 1), (10_000, 300)):
        check_batching(
            OBSERVABILITY, Worker(queue=TRACE_QUEUE, handler="h", batch_size=batch_size, batching_window_s=window)
        )


# --- senders of the trace-ingest queue ---------------------------------------------------------------------


def test_specs_sending_spans_are_the_ones_that_call_models_and_trace_ingest() -> None:
    senders = {spec.module for spec in FUNCTIONS if TRACE_QUEUE in spec.sends_to}
    assert senders == {"prompt", "trace_ingest", "evaluation"}


@pytest.mark.parametrize("spec", [spec for spec in FUNCTIONS if spec.sends_to], ids=lambda spec: spec.module)
def test_senders_may_send_find_the_queue_and_offload_big_batches_under_raw_only(
    template: assertions.Template, spec: FunctionSpec
) -> None:
    # Given the API function of a spec that sends to other queues
    function_id = function_id_with_handler(template, spec.handler)
    statements = statements_of(template, function_id)
    environment = resources_of(template, "AWS::Lambda::Function")[function_id]["Properties"]["Environment"]["Variables"]

    for queue in (queue for queue in QUEUES if queue.name in spec.sends_to):
        queue_arn = {
            "Fn::GetAtt": [logical_id(template, "AWS::SQS::Queue", f"Queues{pascal_case(queue.name)}Queue"), "Arn"]
        }
        # Then it may send to the queue and look its URL up by name (shared/queues.py)
        assert allows(statements, "sqs:SendMessage", queue_arn)
        assert allows(statements, "sqs:GetQueueUrl", queue_arn)
        if queue.offload_bucket is None:
            continue
        # And it may put a batch too big for SQS under raw/ of the offload bucket, whose name it is told
        [bucket] = [bucket for bucket in BUCKETS if bucket.name == queue.offload_bucket]
        bucket_id = logical_id(template, "AWS::S3::Bucket", f"Storage{pascal_case(bucket.name)}Bucket")
        # (a function that uses the buckets may write anywhere in them)
        under = "/*" if spec.uses_bucket else "/raw/*"
        assert allows(statements, "s3:PutObject", objects_under(bucket_id, under))
        assert environment[bucket.env_var] == {"Ref": bucket_id}


def test_every_function_sending_to_a_queue_may_look_its_url_up(template: assertions.Template) -> None:
    # Given every statement allowing sqs:SendMessage
    statements = [
        statement
        for policy in resources_of(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if "sqs:SendMessage" in as_list(statement["Action"])
    ]
    # Then each also allows sqs:GetQueueUrl on the same queues (the code resolves the URL by name)
    assert statements
    for statement in statements:
        assert "sqs:GetQueueUrl" in as_list(statement["Action"]), statement


def test_trace_ingest_only_puts_raw_batches_in_the_traces_bucket(template: assertions.Template) -> None:
    # Given the S3 statements of the ingest function
    function_id = function_id_with_handler(template, TRACE_INGEST.handler)
    s3_statements = [
        statement
        for statement in statements_of(template, function_id)
        if any(action.startswith("s3:") for action in as_list(statement["Action"]))
    ]
    bucket_id = traces_bucket_id(template)

    # Then it may put objects under raw/ of the traces bucket, and do nothing else in S3: no reading spans
    assert s3_statements == [
        {"Action": "s3:PutObject", "Effect": "Allow", "Resource": objects_under(bucket_id, "/raw/*")}
    ]
    assert not allows(s3_statements, "s3:GetObject", objects_under(bucket_id, "/*"))
    # And it has no Athena or Glue access and no traces layer either
    assert not [
        statement
        for statement in statements_of(template, function_id)
        if any(action.startswith(("athena:", "glue:")) for action in as_list(statement["Action"]))
    ]


# --- the traces bucket -------------------------------------------------------------------------------------


def test_the_traces_bucket_expires_raw_batches_and_aborts_stale_uploads(template: assertions.Template) -> None:
    # Given the lifecycle rules of the traces bucket
    bucket = resources_of(template, "AWS::S3::Bucket")[traces_bucket_id(template)]["Properties"]
    rules = bucket["LifecycleConfiguration"]["Rules"]

    # Then offloaded batches under raw/ go after 7 days and unfinished multipart uploads after a day
    assert {"ExpirationInDays": 18, "Prefix": "raw/", "Status": "Enabled"}.items() <= next(
        rule for rule in rules if rule.get("Prefix") == "raw/"
    ).items()
    assert [rule["AbortIncompleteMultipartUpload"] for rule in rules if "AbortIncompleteMultipartUpload" in rule] == [
        {"DaysAfterInitiation": 1}
    ]
    # And nothing else expires: spans/ is the retention job's, per workspace
    assert [rule for rule in rules if "ExpirationInDays" in rule and rule.get("Prefix") != "raw/"] == []


# --- Athena ------------------------------------------------------------------------------------------------


def test_the_glue_table_has_the_span_columns_and_the_hive_partitions(template: assertions.Template) -> None:
    # Given the Glue database and table
    database = only_properties(template, "AWS::Glue::Database")
    table = only_properties(template, "AWS::Glue::Table")
    table_input = table["TableInput"]

    # Then the database is named by the rule the functions use, and the table is the one the query builder reads
    assert database["DatabaseInput"]["Name"] == DATABASE == f"loop_{STAGE}_traces"
    assert table["DatabaseName"] == DATABASE
    relation = AthenaRelation(DATABASE, SpanScope(workspace_id="1", start_us=0, end_us=1), ("2024-01-01", "2024-01-01"))
    assert relation.table == f'"{DATABASE}"."{table_input["Name"]}"'
    # And its columns are COLUMNS' Hive types in Parquet order, the partition keys are not among them
    descriptor = table_input["StorageDescriptor"]
    assert descriptor["Columns"] == [{"Name": name, "Type": hive} for name, (_, hive) in COLUMNS.items()]
    assert table_input["PartitionKeys"] == [
        {"Name": "workspace_id", "Type": "string"},
        {"Name": "date", "Type": "string"},
        {"Name": "hour", "Type": "string"},
    ]
    assert not set(PARTITION_KEYS) & set(COLUMNS)
    # And it reads Parquet under spans/ of the traces bucket
    bucket_ref = {"Ref": traces_bucket_id(template)}
    assert descriptor["Location"] == {"Fn::Join": ["", ["s3://", bucket_ref, "/spans/"]]}
    assert descriptor["InputFormat"] == "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    assert (
        descriptor["SerdeInfo"]["SerializationLibrary"] == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    )
    assert table_input["TableType"] == "EXTERNAL_TABLE"


def test_the_glue_table_projects_partitions_where_the_writer_puts_them(template: assertions.Template) -> None:
    # Given the table's parameters
    parameters = only_properties(template, "AWS::Glue::Table")["TableInput"]["Parameters"]

    # Then partitions are projected: workspace injected by each query, dates since 2024, hours 00-23
    assert {key: value for key, value in parameters.items() if key != "storage.location.template"} == {
        "classification": "parquet",
        "EXTERNAL": "TRUE",
        "projection.enabled": "true",
        "projection.workspace_id.type": "injected",
        "projection.date.type": "date",
        "projection.date.format": "yyyy-MM-dd",
        "projection.date.range": "2024-01-01,NOW+1DAYS",
        "projection.date.interval": "1",
        "projection.date.interval.unit": "DAYS",
        "projection.hour.type": "integer",
        "projection.hour.range": "0,23",
        "projection.hour.digits": "2",
    }
    template_parts = parameters["storage.location.template"]["Fn::Join"][1]
    assert template_parts[:2] == ["s3://", {"Ref": traces_bucket_id(template)}]
    location = "".join(template_parts[2:])
    assert location == "/spans/workspace_id=${workspace_id}/date=${date}/hour=${hour}/"
    # And a projected partition is exactly the prefix shared/traces/layout.py writes its files under
    moment = datetime(2025, 3, 9, 7, tzinfo=UTC)
    partition = partition_of("42", int(moment.timestamp()) * 1_000_000)
    projected = location.replace("${workspace_id}", "42").replace("${date}", "2025-03-09").replace("${hour}", "07")
    assert projected == f"/{partition.prefix}"


def test_the_workgroup_enforces_its_results_bucket(template: assertions.Template) -> None:
    # Given the workgroup and its results bucket
    workgroup = only_properties(template, "AWS::Athena::WorkGroup")
    results_id = results_bucket_id(template)
    results = resources_of(template, "AWS::S3::Bucket")[results_id]["Properties"]

    # Then its name is per stage, and every query writes its results in the results bucket
    assert workgroup["Name"] == WORKGROUP == f"loop-{STAGE}-traces"
    configuration = workgroup["WorkGroupConfiguration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["ResultConfiguration"]["OutputLocation"] == {
        "Fn::Join": ["", ["s3://", {"Ref": results_id}, "/"]]
    }
    assert workgroup["RecursiveDeleteOption"] is True
    # And results expire after a week
    assert [rule["ExpirationInDays"] for rule in results["LifecycleConfiguration"]["Rules"]] == [7]


def test_the_duckdb_functions_are_told_the_engine_and_the_athena_names(template: assertions.Template) -> None:
    # Given every function of the stack
    results_id = results_bucket_id(template)
    for name, function in resources_of(template, "AWS::Lambda::Function").items():
        environment = function["Properties"].get("Environment", {}).get("Variables", {})
        spec = spec_of(name)
        if spec is None or not spec.uses_duckdb:
            # Then functions that do not run queries know nothing of the engine
            assert "LOOP_TRACE_ENGINE" not in environment, name
            continue
        # And the trace store's functions run DuckDB by default, with the Athena names at hand
        assert environment["LOOP_TRACE_ENGINE"] == "duckdb", name
        assert environment["LOOP_ATHENA_DATABASE"] == DATABASE
        assert environment["LOOP_ATHENA_WORKGROUP"] == WORKGROUP
        assert environment["LOOP_ATHENA_OUTPUT"] == {"Fn::Join": ["", ["s3://", {"Ref": results_id}, "/"]]}


def test_the_query_function_may_run_athena_queries_over_the_table_and_nothing_else_may(
    template: assertions.Template,
) -> None:
    # Given the observability API function's statements
    function_id = function_id_with_handler(template, OBSERVABILITY.handler)
    statements = statements_of(template, function_id)
    workgroup_arn = arn("athena", f"workgroup/{WORKGROUP}")

    # Then it may run, follow, read and stop queries in the workgroup
    for action in QUERY_ACTIONS:
        assert allows(statements, action, workgroup_arn), action
    # And read the catalog entries of the database and table
    for resource in ("catalog", f"database/{DATABASE}", f"table/{DATABASE}/spans"):
        for action in ("glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"):
            assert allows(statements, action, arn("glue", resource)), (action, resource)
    # And read the spans and read/write the results, as Athena does both with the caller's rights
    traces_id, results_id = traces_bucket_id(template), results_bucket_id(template)
    assert allows(statements, "s3:GetObject*", objects_under(traces_id, "/*"))
    assert allows(statements, "s3:List*", {"Fn::GetAtt": [traces_id, "Arn"]})
    assert allows(statements, "s3:PutObject", objects_under(results_id, "/*"))
    assert allows(statements, "s3:GetObject*", objects_under(results_id, "/*"))
    assert allows(statements, "s3:GetBucket*", {"Fn::GetAtt": [results_id, "Arn"]})
    # And no function of another spec may query Athena
    for name in resources_of(template, "AWS::Lambda::Function"):
        spec = spec_of(name)
        if spec is None or not spec.uses_duckdb:
            assert not [
                statement
                for statement in statements_of(template, name)
                if any(action.startswith("athena:") for action in as_list(statement["Action"]))
            ], name


@pytest.fixture(scope="module")
def athena_template(build_dir: Path, console_dir: Path) -> assertions.Template:
    """The stack as `cdk synth -c trace_engine=athena` makes it."""
    app = cdk.App(context={**cdk_json_context(), "stage": STAGE, "trace_engine": "athena"})
    return assertions.Template.from_stack(create_stack(app, stage=STAGE, build_dir=build_dir, console_dir=console_dir))


def test_the_context_switches_the_duckdb_functions_to_athena(athena_template: assertions.Template) -> None:
    engines = {
        name: function["Properties"]["Environment"]["Variables"].get("LOOP_TRACE_ENGINE")
        for name, function in resources_of(athena_template, "AWS::Lambda::Function").items()
        if (spec := spec_of(name)) is not None and spec.uses_duckdb
    }
    assert engines and set(engines.values()) == {"athena"}
    # And the Athena resources are the same as with duckdb: both engines are always deployed
    assert json.dumps(only_properties(athena_template, "AWS::Athena::WorkGroup")).count(WORKGROUP) == 1


def test_an_unknown_engine_fails_with_the_values_to_use(tmp_path: Path, console_dir: Path) -> None:
    app = cdk.App(context={"trace_engine": "spark"})
    with pytest.raises(InvalidContextError, match="duckdb or athena"):
        create_stack(app, stage=STAGE, build_dir=tmp_path, console_dir=console_dir)


def test_a_build_without_the_traces_layer_fails_with_the_command_to_run(tmp_path: Path) -> None:
    # Given a build of the code and the common layer, but not the traces layer
    (tmp_path / "layers" / "common" / "python" / "shared").mkdir(parents=True)
    for module in ("observability",):
        handler = tmp_path / "functions" / module / "functions" / module / "handler.py"
        handler.parent.mkdir(parents=True)
        handler.write_text("")

    # When the app checks the build, Then the error says how to build the traces layer
    with pytest.raises(MissingBuildError, match=r"make layers.*traces_layer\.py"):
        BuildArtifacts(tmp_path).require(["observability"], traces_layer=True)
    # And that layer is what is missing
    with pytest.raises(MissingBuildError, match=r"layers/traces/python/duckdb"):
        BuildArtifacts(tmp_path).require(["observability"], traces_layer=True)
