"""The Lambda entry: an API Gateway HTTP API (payload 2.0) event through Mangum and Powertools."""

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse

from shared.app import create_app
from shared.errors import NotFound
from shared.handler import make_http_handler

router = APIRouter()


@router.get("/api/test/v1/problem")
def problem() -> JSONResponse:
    return JSONResponse({"code": 400, "msg": "bad"}, status_code=400, media_type="application/problem+json")


@router.get("/api/test/v1/stream")
def stream() -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        yield 'event: data\ndata: {"delta":"a"}\n\n'
        yield 'event: data\ndata: {"delta":"b"}\n\n'

    return StreamingResponse(events(), media_type="text/event-stream")


@router.get("/api/test/v1/missing")
def missing() -> None:
    raise NotFound("prompt not found")


handler = make_http_handler(create_app(router))


class Context:
    function_name = "loop-test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:loop-test"
    aws_request_id = "req-1"


def http_event(path: str, method: str = "GET", cookies: list[str] | None = None) -> dict[str, Any]:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "cookies": cookies or [],
        "headers": {"host": "example.execute-api.us-east-1.amazonaws.com", "x-forwarded-proto": "https"},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "example",
            "domainName": "example.execute-api.us-east-1.amazonaws.com",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "1.2.3.4", "userAgent": "t"},
            "requestId": "r1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "25/Nov/2026:00:00:00 +0000",
            "timeEpoch": 1795650000000,
        },
        "isBase64Encoded": False,
    }


def test_ping_through_the_lambda_entry() -> None:
    response = handler(http_event("/ping"), Context())  # type: ignore[arg-type]
    assert response["statusCode"] == 200 and not response["isBase64Encoded"]
    assert json.loads(response["body"]) == {"code": 0, "msg": ""}
    assert "x-tt-logid" in response["headers"]


def test_errors_keep_their_status_and_envelope() -> None:
    response = handler(http_event("/api/test/v1/missing"), Context())  # type: ignore[arg-type]
    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"code": 404, "msg": "prompt not found"}


def test_problem_json_and_server_sent_events_are_not_base64_encoded() -> None:
    problem = handler(http_event("/api/test/v1/problem"), Context())  # type: ignore[arg-type]
    assert not problem["isBase64Encoded"] and json.loads(problem["body"])["msg"] == "bad"
    stream = handler(http_event("/api/test/v1/stream"), Context())  # type: ignore[arg-type]
    assert not stream["isBase64Encoded"]
    assert stream["body"] == 'event: data\ndata: {"delta":"a"}\n\nevent: data\ndata: {"delta":"b"}\n\n'
    assert base64.b64encode(b"event").decode() not in stream["body"]
