"""`create_app`: every failure becomes the envelope with a real status and a message naming the problem."""

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from shared.app import create_app
from shared.envelope import Envelope
from shared.errors import Conflict, Forbidden, InvalidInput, LoopError, NotFound, PayloadTooLarge, RateLimited

router = APIRouter(prefix="/api/test/v1", tags=["test"])
RAISED: dict[str, LoopError] = {
    "invalid": InvalidInput("name: too long"),
    "forbidden": Forbidden("only owners"),
    "missing": NotFound("prompt 1 not found", code=600501001),
    "conflict": Conflict("exists"),
    "large": PayloadTooLarge("too big"),
    "limited": RateLimited("slow down"),
}


class Body(BaseModel):
    name: str = Field(max_length=3)
    count: int


@router.post("/raise/{kind}")
def raise_it(kind: str) -> Envelope:
    raise RAISED[kind]


@router.post("/crash")
def crash() -> Envelope:
    raise RuntimeError("secret detail")


@router.post("/echo")
def echo(body: Body) -> Envelope:
    return Envelope(msg=body.name)


client = TestClient(create_app(router), raise_server_exceptions=False)


@pytest.mark.parametrize("kind", sorted(RAISED))
def test_loop_errors_become_the_envelope_with_their_status(kind: str) -> None:
    response = client.post(f"/api/test/v1/raise/{kind}")
    error = RAISED[kind]
    assert response.status_code == error.status
    assert response.json() == {"code": error.code, "msg": error.message}


def test_modules_may_use_upstreams_codes() -> None:
    assert client.post("/api/test/v1/raise/missing").json()["code"] == 600501001


def test_validation_errors_name_each_field() -> None:
    response = client.post("/api/test/v1/echo", json={"name": "toolong"})
    assert response.status_code == 400
    message = response.json()["msg"]
    assert "name: String should have at most 3 characters" in message and "count: Field required" in message


def test_malformed_json_and_missing_body() -> None:
    broken = client.post("/api/test/v1/echo", content=b"{", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["msg"]
    missing = client.post("/api/test/v1/echo")
    assert missing.status_code == 400 and "body is required" in missing.json()["msg"]


def test_unexpected_errors_are_500_without_leaking_details() -> None:
    response = client.post("/api/test/v1/crash")
    assert response.status_code == 500
    assert response.json()["code"] == 500 and "secret detail" not in response.text


def test_unknown_route_and_method() -> None:
    assert client.get("/api/test/v1/nope").json() == {"code": 404, "msg": "no route matches GET /api/test/v1/nope"}
    assert client.get("/api/test/v1/echo").status_code == 405


def test_ping_and_log_id() -> None:
    response = client.get("/ping")
    assert response.json() == {"code": 0, "msg": ""}
    assert response.headers["x-tt-logid"] != client.get("/ping").headers["x-tt-logid"]


def test_openapi_documents_the_error_envelope_and_not_422() -> None:
    schema = client.get("/openapi.json").json()
    responses = schema["paths"]["/api/test/v1/echo"]["post"]["responses"]
    assert "422" not in responses
    assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert schema["paths"]["/api/test/v1/echo"]["post"]["operationId"] == "test-echo"


def test_rejections_are_logged_at_info_level_without_breaking_the_answer(caplog: pytest.LogCaptureFixture) -> None:
    # Given the log level AWS runs at (POWERTOOLS_LOG_LEVEL=INFO): a record field named like a LogRecord
    # attribute ("msg") used to raise inside the handler and turn every 4xx into a 500
    from shared.observability import logger

    previous = logger.log_level
    logger.setLevel("INFO")
    try:
        with caplog.at_level("INFO"):
            rejected = client.post("/api/test/v1/raise/invalid")
            invalid = client.post("/api/test/v1/echo", json={"name": "long name", "count": 1})
    finally:
        logger.setLevel(previous)

    # Then the answers keep their status, and the reason is in the log
    assert rejected.status_code == 400 and invalid.status_code == 400
    assert any(getattr(record, "reason", "") == "name: too long" for record in caplog.records)
