"""The console lists the configured models over HTTP, without ever exposing a key."""

import httpx

from tests.support.accounts import Account, register
from tests.support.stack import RunningStack


def test_models_list_shows_the_fake_test_model_without_credentials(account: Account) -> None:
    response = account.client.post("/api/llm/v1/models/list", json={"workspace_id": account.workspace_id})

    assert response.status_code == 200, response.text
    body = response.json()
    fake = next(model for model in body["models"] if model["protocol"] == "fake")
    assert "test model" in fake["name"] and fake["status"] == "available"
    assert fake["model_id"] == "1" and fake["workspace_id"] == account.workspace_id
    assert [param["name"] for param in fake["param_config"]["param_schemas"]] == ["temperature", "max_tokens", "top_p"]
    assert set(fake["protocol_config"]) == {"base_url", "model"}
    assert "api_key" not in response.text
    assert body["total"] >= 1 and body["has_more"] is False


def test_models_list_filters_and_pages(account: Account) -> None:
    def names(**body: object) -> list[str]:
        response = account.client.post("/api/llm/v1/models/list", json={"workspace_id": account.workspace_id, **body})
        assert response.status_code == 200, response.text
        return [model["name"] for model in response.json()["models"]]

    assert names(filter={"name_like": "FAKE-ECHO"}) != []
    assert names(filter={"name_like": "no such model"}) == []
    assert names(filter={"abilities": ["function_call", "json_mode"]}) != []
    assert names(page_size=1, page_token="5") == []


def test_get_model_by_id_and_an_unknown_id(account: Account) -> None:
    found = account.client.post("/api/llm/v1/models/1", json={"workspace_id": account.workspace_id})
    missing = account.client.post("/api/llm/v1/models/424242", json={"workspace_id": account.workspace_id})

    assert found.status_code == 200 and found.json()["model"]["model_id"] == "1"
    assert missing.status_code == 404
    assert missing.json()["msg"] == "model 424242 is not configured on this server"


def test_models_need_a_session_and_membership(stack: RunningStack, account: Account) -> None:
    anonymous = httpx.post(f"{stack.base_url}/api/llm/v1/models/list", json={"workspace_id": account.workspace_id})
    stranger = register(stack.base_url)
    elsewhere = stranger.client.post("/api/llm/v1/models/list", json={"workspace_id": account.workspace_id})
    bad_page = account.client.post(
        "/api/llm/v1/models/list", json={"workspace_id": account.workspace_id, "page_token": "x"}
    )

    assert anonymous.status_code == 401
    assert elsewhere.status_code == 404  # as for every workspace route: a stranger cannot tell it exists
    assert bad_page.status_code == 400 and "page_token" in bad_page.json()["msg"]
