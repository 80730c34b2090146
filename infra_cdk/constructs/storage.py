"""The S3 buckets of shared.resources.BUCKETS: private, encrypted, TLS only."""

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra_cdk.naming import pascal_case
from shared.resources import BUCKETS, BucketSpec


@dataclass(frozen=True)
class Bucket:
    spec: BucketSpec
    bucket: s3.Bucket


class StorageConstruct(Construct):
    """CloudFormation names the buckets (names are global); functions learn them from `BucketSpec.env_var`."""

    def __init__(self, scope: Construct, construct_id: str, *, specs: Sequence[BucketSpec] = BUCKETS):
        super().__init__(scope, construct_id)
        self.buckets: dict[str, Bucket] = {}
        for spec in specs:
            if spec.name in self.buckets:
                raise ValueError(f"two buckets are named {spec.name!r}")
            self.buckets[spec.name] = Bucket(spec=spec, bucket=self._bucket(spec))

    def _bucket(self, spec: BucketSpec) -> s3.Bucket:
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
            lifecycle_rules=[s3.LifecycleRule(abort_incomplete_multipart_upload_after=Duration.days(7))],
            removal_policy=RemovalPolicy.RETAIN,
        )
