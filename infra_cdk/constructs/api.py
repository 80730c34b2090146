"""The HTTP API: exactly the route keys of shared.routes.FUNCTIONS, each to its module's function."""

import re
from collections.abc import Mapping, Sequence

from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration
from constructs import Construct

from infra_cdk.naming import pascal_case
from shared.routes import FunctionSpec


class HttpApiConstruct(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        specs: Sequence[FunctionSpec],
        functions: Mapping[str, lambda_.IFunction],
    ):
        super().__init__(scope, construct_id)
        self.api = apigwv2.HttpApi(self, "HttpApi", api_name=f"{prefix}-api", description="Loop API")
        routed: dict[str, str] = {}  # route key → module
        for spec in specs:
            integration = HttpLambdaIntegration(
                f"{pascal_case(spec.module)}Integration",
                functions[spec.module],
                payload_format_version=apigwv2.PayloadFormatVersion.VERSION_2_0,
            )
            for route_key in spec.route_keys:
                if route_key in routed:
                    raise ValueError(f"route {route_key!r} is claimed by both {routed[route_key]} and {spec.module}")
                routed[route_key] = spec.module
                apigwv2.HttpRoute(
                    self,
                    route_construct_id(route_key),
                    http_api=self.api,
                    route_key=http_route_key(route_key),
                    integration=integration,
                )

    @property
    def url(self) -> str:
        return self.api.api_endpoint


def http_route_key(route_key: str) -> apigwv2.HttpRouteKey:
    """`"ANY /api/foundation/{proxy+}"` → the CDK route key of that method and path."""
    method, _, path = route_key.partition(" ")
    if method not in apigwv2.HttpMethod.__members__ or not path.startswith("/"):
        raise ValueError(f"{route_key!r} is not an HTTP API route key like 'GET /ping' or 'ANY /api/x/{{proxy+}}'")
    return apigwv2.HttpRouteKey.with_(path, apigwv2.HttpMethod[method])


def route_construct_id(route_key: str) -> str:
    """A stable id per route key, so adding a route never replaces the others."""
    method, _, path = route_key.partition(" ")
    return f"{method.title()}{pascal_case(re.sub(r'[{}+]', '', path)) or 'Root'}Route"
