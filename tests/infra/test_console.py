"""The console is served by CloudFront from a private bucket, on the same origin as the API."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, cast

import aws_cdk as cdk
import pytest
from aws_cdk import assertions

from infra_cdk.app import create_stack
from infra_cdk.artifacts import MissingBuildError
from infra_cdk.constructs.console import API_PATH_PATTERNS
from shared.routes import FUNCTIONS

pytestmark = pytest.mark.infra

STAGE = "test"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS managed cache policy ids
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
Resources = dict[str, dict[str, Any]]


def only(template: assertions.Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    resources = cast(Resources, template.find_resources(resource_type))
    assert len(resources) == 1, f"expected one {resource_type}, found {sorted(resources)}"
    [(logical_id, resource)] = resources.items()
    return logical_id, resource


def distribution_config(template: assertions.Template) -> dict[str, Any]:
    config: dict[str, Any] = only(template, "AWS::CloudFront::Distribution")[1]["Properties"]["DistributionConfig"]
    return config


def console_bucket_id(template: assertions.Template) -> str:
    [bucket_id] = [
        logical_id
        for logical_id in cast(Resources, template.find_resources("AWS::S3::Bucket"))
        if "Console" in logical_id
    ]
    return bucket_id


def spa_function_code(template: assertions.Template) -> str:
    code: str = only(template, "AWS::CloudFront::Function")[1]["Properties"]["FunctionCode"]
    return code


def test_default_behaviour_serves_the_bucket_through_the_spa_rewrite(template: assertions.Template) -> None:
    # Given the distribution and its origins
    config = distribution_config(template)
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    function_id, function = only(template, "AWS::CloudFront::Function")
    default = config["DefaultCacheBehavior"]

    # Then the default behaviour reads the console bucket through Origin Access Control, over HTTPS, cached
    origin = origins[default["TargetOriginId"]]
    assert origin["DomainName"] == {"Fn::GetAtt": [console_bucket_id(template), "RegionalDomainName"]}
    assert "OriginAccessControlId" in origin
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["Compress"] is True
    assert default["CachePolicyId"] == CACHING_OPTIMIZED
    # And every viewer request goes through the SPA rewrite first
    assert function["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    assert default["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [function_id, "FunctionARN"]}}
    ]


def test_api_paths_go_uncached_to_the_http_api_with_every_method(template: assertions.Template) -> None:
    # Given the distribution's path behaviours
    config = distribution_config(template)
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    behaviours = {behaviour["PathPattern"]: behaviour for behaviour in config["CacheBehaviors"]}
    api_id = next(iter(cast(Resources, template.find_resources("AWS::ApiGatewayV2::Api"))))
    streaming = {path for spec in FUNCTIONS for path in spec.streaming_paths}

    # Then exactly the API's route families are routed away from the bucket (streaming routes: next test)
    assert set(behaviours) - streaming == {"/api/*", "/v1/*", "/ping"} == set(API_PATH_PATTERNS)
    for pattern, behaviour in behaviours.items():
        if pattern in streaming:
            continue
        # to the HTTP API's execute-api domain, over HTTPS only
        origin = origins[behaviour["TargetOriginId"]]
        domain = origin["DomainName"]["Fn::Join"][1]
        assert domain[0] == {"Ref": api_id}, pattern
        assert domain[1] == ".execute-api.", pattern
        assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only", pattern
        assert "S3OriginConfig" not in origin
        # uncached, every method, cookies, query strings and headers (but Host) passed through, no SPA rewrite
        assert behaviour["CachePolicyId"] == CACHING_DISABLED, pattern
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER, pattern
        assert behaviour["AllowedMethods"] == ALL_METHODS, pattern
        assert behaviour["ViewerProtocolPolicy"] == "https-only", pattern
        assert "FunctionAssociations" not in behaviour, pattern


def test_streaming_routes_go_first_to_a_response_streaming_function_url(template: assertions.Template) -> None:
    # Given the distribution's behaviours in CloudFront's order, and the stack's Function URLs
    config = distribution_config(template)
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    order = [behaviour["PathPattern"] for behaviour in config["CacheBehaviors"]]
    urls = cast(Resources, template.find_resources("AWS::Lambda::Url"))
    streaming = [path for spec in FUNCTIONS for path in spec.streaming_paths]

    # Then every streaming path comes before the catch-all API patterns, so it wins
    assert streaming, "a module declares streaming paths"
    assert max(order.index(path) for path in streaming) < min(order.index(path) for path in API_PATH_PATTERNS)
    # And each goes, uncached and with every method, to a Function URL that streams its response
    assert {url["Properties"]["InvokeMode"] for url in urls.values()} == {"RESPONSE_STREAM"}
    for path in streaming:
        behaviour = config["CacheBehaviors"][order.index(path)]
        origin = origins[behaviour["TargetOriginId"]]
        url_id = origin["DomainName"]["Fn::Select"][1]["Fn::Split"][1]["Fn::GetAtt"][0]
        assert url_id in urls, path
        assert behaviour["CachePolicyId"] == CACHING_DISABLED and behaviour["AllowedMethods"] == ALL_METHODS, path


def test_the_streaming_function_runs_the_app_behind_the_web_adapter(template: assertions.Template) -> None:
    functions = cast(Resources, template.find_resources("AWS::Lambda::Function"))
    streams = [f["Properties"] for name, f in functions.items() if "StreamFunction" in name]
    assert streams, "a streaming function exists"
    for properties in streams:
        environment = properties["Environment"]["Variables"]
        assert properties["Handler"] == "run.sh"
        assert environment["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/bootstrap"
        assert environment["AWS_LWA_INVOKE_MODE"] == "response_stream"
        assert any("LambdaAdapterLayerX86" in json.dumps(layer) for layer in properties["Layers"])


def test_no_custom_error_responses_hide_the_apis_errors(template: assertions.Template) -> None:
    # Then a 403 or 404 from the API reaches the client as the API's JSON, not as index.html
    assert "CustomErrorResponses" not in distribution_config(template)


@pytest.mark.parametrize(
    ("uri", "served"),
    [
        ("/console/x", "/index.html"),
        ("/", "/index.html"),
        ("/space/123/prompts/", "/index.html"),
        ("/assets/app.js", "/assets/app.js"),
        ("/assets/app-abc123.css", "/assets/app-abc123.css"),
        ("/favicon.ico", "/favicon.ico"),
        ("/index.html", "/index.html"),
    ],
)
def test_spa_rewrite_serves_index_html_for_paths_without_an_extension(
    template: assertions.Template, tmp_path: Path, uri: str, served: str
) -> None:
    # Given the synthesised function code and a viewer-request event as CloudFront passes it
    node = shutil.which("node")
    assert node, "node is needed to run the CloudFront function"
    script = tmp_path / "spa.js"
    script.write_text(
        spa_function_code(template)
        + "\nconst event = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        + "\nprocess.stdout.write(JSON.stringify(handler(event)));\n"
    )
    event = {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.7"},
        "request": {"method": "GET", "uri": uri, "querystring": {"q": {"value": "1"}}, "headers": {}, "cookies": {}},
    }

    # When node runs it
    result = subprocess.run([node, str(script)], input=json.dumps(event), capture_output=True, text=True, check=True)
    request = json.loads(result.stdout)

    # Then the request goes on to the bucket with the expected key and its query string untouched
    assert request["uri"] == served
    assert request["querystring"] == {"q": {"value": "1"}}


def test_bucket_is_private_and_readable_only_by_this_distribution(template: assertions.Template) -> None:
    # Given the console's bucket and its policy
    bucket_id = console_bucket_id(template)
    distribution_id, _ = only(template, "AWS::CloudFront::Distribution")
    bucket = cast(Resources, template.find_resources("AWS::S3::Bucket"))[bucket_id]["Properties"]
    [policy] = [
        resource["Properties"]["PolicyDocument"]["Statement"]
        for resource in cast(Resources, template.find_resources("AWS::S3::BucketPolicy")).values()
        if resource["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]

    # Then public access is blocked and objects are encrypted
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "AES256"
    }
    # And requests without TLS are denied
    assert any(
        statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for statement in policy
    )
    # And the only statement that lets anyone read objects is CloudFront's, for this distribution
    readers = [
        statement
        for statement in policy
        if statement["Effect"] == "Allow" and any(action.startswith("s3:GetObject") for action in as_list(statement))
    ]
    assert len(readers) == 1
    [reader] = readers
    assert reader["Action"] == "s3:GetObject"
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    source_arn = reader["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Join"][1]
    assert source_arn[-2:] == [":distribution/", {"Ref": distribution_id}]


def as_list(statement: dict[str, Any]) -> list[str]:
    actions = statement["Action"]
    return actions if isinstance(actions, list) else [actions]


def test_build_is_uploaded_with_long_caching_for_hashed_assets_and_none_for_index(
    template: assertions.Template,
) -> None:
    # Given the bucket deployments of the console
    deployments = cast(Resources, template.find_resources("Custom::CDKBucketDeployment"))
    by_filter = {tuple(resource["Properties"].get("Include", [])): resource for resource in deployments.values()}
    assert set(by_filter) == {("assets/*",), ()}
    assets, index = by_filter[("assets/*",)], by_filter[()]
    bucket_ref = {"Ref": console_bucket_id(template)}
    distribution_id, _ = only(template, "AWS::CloudFront::Distribution")

    # Then content-hashed assets are cached for a year and kept, so open tabs can still load old chunks
    assert assets["Properties"]["DestinationBucketName"] == bucket_ref
    assert assets["Properties"]["Exclude"] == ["*"]
    assert assets["Properties"]["SystemMetadata"] == {"cache-control": "public, max-age=31536000, immutable"}
    assert assets["Properties"]["Prune"] is False
    # And everything else is revalidated, pruned without touching assets/, and invalidated at the edge
    assert index["Properties"]["DestinationBucketName"] == bucket_ref
    assert index["Properties"]["Exclude"] == ["assets/*"]
    assert index["Properties"]["SystemMetadata"] == {"cache-control": "no-cache"}
    assert index["Properties"]["Prune"] is True
    assert index["Properties"]["DistributionId"] == {"Ref": distribution_id}
    assert index["Properties"]["DistributionPaths"] == ["/index.html"]
    # And index.html is uploaded only after the assets it points at
    assets_id = next(logical_id for logical_id, resource in deployments.items() if resource is assets)
    assert assets_id in index["DependsOn"]


def test_stack_outputs_the_console_url(template: assertions.Template) -> None:
    distribution_id, _ = only(template, "AWS::CloudFront::Distribution")
    template.has_output(
        "ConsoleUrl",
        {
            "Description": "Open the console here; also the base URL for the SDK",
            "Value": {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]},
        },
    )
    template.has_output("ApiUrl", {"Value": {"Fn::GetAtt": [assertions.Match.any_value(), "ApiEndpoint"]}})


def test_missing_console_build_fails_with_the_command_to_run(build_dir: Path, tmp_path: Path) -> None:
    # Given a console directory with assets but no index.html
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app-abc123.js").write_text("")

    # When the stack is created, Then the error names the file and says how to build it
    with pytest.raises(MissingBuildError, match=r"index\.html does not exist.*run `make console`"):
        create_stack(cdk.App(), stage=STAGE, build_dir=build_dir, console_dir=tmp_path)
