"""The web console: the built SPA in a private bucket, behind one CloudFront distribution with the API.

Console and API share the distribution's origin, so the `session_key` cookie (HttpOnly, Secure, SameSite=Lax)
is first-party and the console can show `window.location.origin` as the SDK's base URL:

- default behaviour → the bucket, through Origin Access Control; a viewer-request function serves
  `/index.html` for every path without a file extension (client-side routes);
- `/api/*`, `/v1/*`, `/ping` → the HTTP API, uncached, every method, cookies, query strings and headers
  (Authorization included, which CloudFront allows because caching is disabled) passed through.

There are deliberately no distribution-wide custom error responses: they would also turn the API's own
JSON 403/404 into index.html.
"""

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

API_PATH_PATTERNS = ("/api/*", "/v1/*", "/ping")
# Vite writes content-hashed files (name-<hash>.js|css) to this folder of the build, everything else beside it.
HASHED_ASSETS_DIR = "assets"
SPA_INDEX = "/index.html"

# cloudfront-js-2.0. A path whose last segment has no "." is a client-side route: serve the SPA.
SPA_REWRITE_FUNCTION = """\
function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf("/") + 1);
  if (lastSegment.indexOf(".") === -1) {
    request.uri = "/index.html";
  }
  return request;
}
"""

IMMUTABLE = [
    s3deploy.CacheControl.set_public(),
    s3deploy.CacheControl.max_age(Duration.days(365)),
    s3deploy.CacheControl.immutable(),
]
REVALIDATE = [s3deploy.CacheControl.no_cache()]


class ConsoleConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        console_dir: Path,
        api: apigwv2.IHttpApi,
        stream_urls: Mapping[str, lambda_.IFunctionUrl] | None = None,
    ):
        super().__init__(scope, construct_id)
        stack = Stack.of(self)

        # Build output only, reproducible from git by `make console`: destroying the stack empties and deletes
        # the bucket rather than leave one orphan per destroyed stage (user data lives in the Storage buckets).
        # The auto-delete provider's role gets list/delete in the bucket policy; only CloudFront (OAC) may read.
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )

        spa_rewrite = cloudfront.Function(
            self,
            "SpaRewrite",
            code=cloudfront.FunctionCode.from_inline(SPA_REWRITE_FUNCTION),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="Serve /index.html for console routes (paths without a file extension)",
        )
        api_origin = origins.HttpOrigin(
            f"{api.api_id}.execute-api.{stack.region}.{stack.url_suffix}",
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
        )
        api_behavior = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment=f"Loop console and API ({stack.stack_name})",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                compress=True,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=spa_rewrite, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            # Streaming routes first: CloudFront takes the first pattern that matches, in this order.
            additional_behaviors={
                **{path: self._stream_behavior(url) for path, url in (stream_urls or {}).items()},
                **dict.fromkeys(API_PATH_PATTERNS, api_behavior),
            },
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )

        # One asset, two uploads. Hashed files first, cached for a year and never pruned, so a tab still
        # running the previous build can lazy-load its chunks. Then everything else (index.html, public/
        # files) revalidated on every load and pruned, excluding assets/ so neither upload deletes the
        # other's files; index.html goes last so it never points at chunks that are not uploaded yet.
        source = s3deploy.Source.asset(str(console_dir))
        assets = s3deploy.BucketDeployment(
            self,
            "DeployAssets",
            sources=[source],
            destination_bucket=self.bucket,
            exclude=["*"],
            include=[f"{HASHED_ASSETS_DIR}/*"],
            cache_control=IMMUTABLE,
            prune=False,
        )
        index = s3deploy.BucketDeployment(
            self,
            "DeployIndex",
            sources=[source],
            destination_bucket=self.bucket,
            exclude=[f"{HASHED_ASSETS_DIR}/*"],
            cache_control=REVALIDATE,
            prune=True,
            distribution=self.distribution,
            distribution_paths=[SPA_INDEX],
        )
        index.node.add_dependency(assets)

    @staticmethod
    def _stream_behavior(url: lambda_.IFunctionUrl) -> cloudfront.BehaviorOptions:
        """SSE routes go to the module's response-streaming Function URL, so tokens reach the browser as the
        model sends them (API Gateway would buffer the whole answer)."""
        return cloudfront.BehaviorOptions(
            origin=origins.FunctionUrlOrigin(url, read_timeout=Duration.seconds(60)),
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        )

    @property
    def url(self) -> str:
        return f"https://{self.distribution.distribution_domain_name}"
