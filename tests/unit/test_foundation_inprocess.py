"""Foundation service rules that need a setting changed, run in-process against moto's decorator."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from moto import mock_aws

from shared.resources import TABLES


@pytest.fixture
def client(fresh_settings: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("LOOP_REGISTRATION_ENABLED", "false")
    with mock_aws():
        for model in TABLES:
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        from functions.foundation.handler import app

        yield TestClient(app)


def test_registration_can_be_switched_off_for_hosted_deployments(client: TestClient) -> None:
    response = client.post(
        "/api/foundation/v1/users/register", json={"email": "a@example.com", "password": "pass-word-1"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": 403,
        "msg": "registration is switched off on this server; ask an administrator for an account",
    }


def test_recording_token_use_never_resurrects_a_deleted_token(client: TestClient) -> None:
    # Given a token item that was deleted after a request had read it
    from shared.foundation.models import PersonalAccessTokenItem
    from shared.foundation.repositories import TokenRepository

    item = PersonalAccessTokenItem(1, user_id=2, name="n", secret_hash="h", created_at=1, updated_at=1)
    TokenRepository().create(item)
    TokenRepository().delete(item)
    # When that request records the token's use
    TokenRepository().touch(item, used_at=100)
    # Then the token stays deleted
    assert TokenRepository().find(1) is None
