"""The S3 buckets of shared.resources.BUCKETS: private, encrypted, TLS only, with lifecycle rules per use."""

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra_cdk.naming import pascal_case
from shared.resources import BUCKETS, QUEUES, BucketSpec, QueueSpec
from shared.traces.layout import RAW_ROOT

# The trace store's bucket (shared/traces): DuckDB's Parquet files under spans/, which the scheduled retention job
# deletes per workspace (each has its own TTL, so no lifecycle rule can), and ingest batches under raw/.
TRACES_BUCKET = "traces"
# Batches a sender offloaded under raw/ (QueueSpec.offload_bucket) are deleted by the worker once stored; this
# only sweeps what a message that never got through left behind, after longer than a message can wait
# (4 days in the queue, then 14 in the dead-letter queue before someone redrives it).
RAW_EXPIRY = Duration.days(18)
# Incomplete multipart uploads keep their parts (and are billed) until aborted.
MULTIPART_ABORT = Duration.days(7)
TRACES_MULTIPART_ABORT = Duration.days(1)  # writers and compaction upload every few minutes: a day is plenty


@dataclass(frozen=True)
class Bucket:
    spec: BucketSpec
    bucket: s3.Bucket


class StorageConstruct(Construct):
    """CloudFormation names the buckets (names are global); functions learn them from `BucketSpec.env_var`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        specs: Sequence[BucketSpec] = BUCKETS,
        queues: Sequence[QueueSpec] = QUEUES,
    ):
        super().__init__(scope, construct_id)
        self.buckets: dict[str, Bucket] = {}
        offload_buckets = {queue.offload_bucket for queue in queues if queue.offload_bucket}
        for spec in specs:
            if spec.name in self.buckets:
                raise ValueError(f"two buckets are named {spec.name!r}")
            self.buckets[spec.name] = Bucket(spec=spec, bucket=self._bucket(spec, offload_buckets))
        if missing := offload_buckets - set(self.buckets):
            raise ValueError(f"queues offload to buckets {sorted(missing)}, which shared.resources.BUCKETS lacks")

    @staticmethod
    def lifecycle_rules(spec: BucketSpec, offload_buckets: set[str]) -> list[s3.LifecycleRule]:
        abort = TRACES_MULTIPART_ABORT if spec.name == TRACES_BUCKET else MULTIPART_ABORT
        rules = [s3.LifecycleRule(id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=abort)]
        if spec.name in offload_buckets:
            rules.append(s3.LifecycleRule(id="expire-offloaded-batches", prefix=RAW_ROOT, expiration=RAW_EXPIRY))
        return rules

    def _bucket(self, spec: BucketSpec, offload_buckets: set[str]) -> s3.Bucket:
        return s3.Bucket(
            self,
            f"{pascal_case(spec.name)}Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=False,
            # Browsers upload straight to S3 with presigned PUT URLs; the signature, not the origin, is the check.
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.PUT],
                    allowed_origins=["*"],
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=3600,
                )
            ],
            lifecycle_rules=self.lifecycle_rules(spec, offload_buckets),
            removal_policy=RemovalPolicy.RETAIN,
        )
