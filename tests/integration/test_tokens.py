"""Personal access tokens: shown once, hashed at rest, expiring, revocable, scoped to their user."""

import time

import httpx

from tests.integration.test_accounts import assert_error
from tests.support.accounts import Account, bearer, create_token, register, upload_file
from tests.support.stack import RunningStack

TOKENS = "/api/auth/v1/personal_access_tokens"


def upload(stack: RunningStack, token: str, workspace_id: str) -> httpx.Response:
    return upload_file(stack.base_url, token, workspace_id, "probe.txt", b"hello")


def test_token_is_shown_once_and_stored_only_as_a_hash(stack: RunningStack, account: Account) -> None:
    # Given a new token
    created = account.client.post(TOKENS, json={"name": "ci", "duration_day": 30}).json()
    token, info = created["token"], created["personal_access_token"]
    assert token.startswith("pat_") and info["last_used_at"] == "-1"
    assert 29 * 86400 < int(info["expire_at"]) - int(info["created_at"]) <= 30 * 86400
    # Then neither get nor list returns it again, and the table holds no plaintext
    fetched = account.client.get(f"{TOKENS}/{info['id']}").json()
    listed = account.client.post(f"{TOKENS}/list", json={}).json()
    assert token not in str(fetched) and token not in str(listed)
    assert [t["name"] for t in listed["personal_access_tokens"]] == ["ci"] and listed["total"] == 1
    items = stack.boto3_client("dynamodb").scan(TableName="loop-dev-personal-access-tokens")["Items"]
    secret = token.split("_", 2)[2]
    assert items and all(secret not in str(item) for item in items)


def test_token_use_is_recorded_and_works_for_its_workspaces(stack: RunningStack, account: Account) -> None:
    token = create_token(account)
    assert upload(stack, token, account.workspace_id).json()["code"] == 0
    listed = account.client.post(f"{TOKENS}/list", json={}).json()["personal_access_tokens"]
    assert int(listed[0]["last_used_at"]) >= int(listed[0]["created_at"])


def test_a_token_cannot_use_the_console_api(stack: RunningStack, account: Account) -> None:
    # Given a short-lived token (as upstream, tokens are for /v1/loop only)
    token = create_token(account, duration_day="1")
    # Then it can neither mint a permanent token nor manage the account
    mint = httpx.post(
        f"{stack.base_url}{TOKENS}", headers=bearer(token), json={"name": "x", "duration_day": "permanent"}
    )
    assert_error(mint, 401, "session")
    session = httpx.get(f"{stack.base_url}/api/foundation/v1/users/session", headers=bearer(token))
    assert_error(session, 401, "session")
    assert account.client.post(f"{TOKENS}/list").json()["total"] == 1


def test_token_for_a_workspace_of_someone_else_is_404(stack: RunningStack, account: Account) -> None:
    stranger = register(stack.base_url)
    assert_error(upload(stack, create_token(stranger), account.workspace_id), 404, "not found")


def test_rename_and_delete_revoke(stack: RunningStack, account: Account) -> None:
    created = account.client.post(TOKENS, json={"name": "old", "duration_day": "permanent"}).json()
    token_id = created["personal_access_token"]["id"]
    assert created["personal_access_token"]["expire_at"] == "-1"
    renamed = account.client.put(f"{TOKENS}/{token_id}", json={"name": "new"}).json()
    assert renamed["personal_access_token"]["name"] == "new"
    assert account.client.delete(f"{TOKENS}/{token_id}").json() == {"code": 0, "msg": ""}
    assert_error(upload(stack, created["token"], account.workspace_id), 401, "not valid")
    assert_error(account.client.get(f"{TOKENS}/{token_id}"), 404)


def test_expired_token_is_401(stack: RunningStack, account: Account) -> None:
    token = create_token(account, expire_at=int(time.time()) + 1)
    time.sleep(2.1)
    assert_error(upload(stack, token, account.workspace_id), 401, "expired")


def test_bad_credentials_on_the_openapi_are_401(stack: RunningStack, account: Account) -> None:
    valid = create_token(account)
    token_id = valid.split("_")[1]
    wrong_secret = f"pat_{token_id}_{'A' * 43}"
    assert_error(upload(stack, "garbage", account.workspace_id), 401, "malformed")
    assert_error(upload(stack, wrong_secret, account.workspace_id), 401, "not valid")
    assert_error(upload(stack, "pat_12345_" + "B" * 43, account.workspace_id), 401, "not valid")
    no_header = httpx.post(f"{stack.base_url}/v1/loop/files/upload", data={"workspace_id": account.workspace_id})
    assert_error(no_header, 401, "Bearer")
    basic = httpx.post(f"{stack.base_url}/v1/loop/files/upload", headers={"Authorization": "Basic abc"})
    assert_error(basic, 401, "Bearer")
    # A browser cookie is not enough for the OpenAPI: only a bearer token is
    with_cookie = account.client.post("/v1/loop/files/upload", data={"workspace_id": account.workspace_id})
    assert_error(with_cookie, 401, "Bearer")


def test_other_users_tokens_are_invisible(stack: RunningStack, account: Account) -> None:
    token_id = account.client.post(TOKENS, json={"name": "mine"}).json()["personal_access_token"]["id"]
    stranger = register(stack.base_url)
    assert_error(stranger.client.get(f"{TOKENS}/{token_id}"), 404)
    assert_error(stranger.client.delete(f"{TOKENS}/{token_id}"), 404)
    assert stranger.client.post(f"{TOKENS}/list").json()["total"] == 0


def test_duration_day_takes_upstreams_strings_and_numbers(account: Account) -> None:
    for duration in ("90", 90):
        info = account.client.post(TOKENS, json={"name": "x", "duration_day": duration}).json()["personal_access_token"]
        assert 89 * 86400 < int(info["expire_at"]) - int(info["created_at"]) <= 90 * 86400


def test_list_tokens_pages_by_body_or_query(account: Account) -> None:
    for name in ("a", "b", "c"):
        account.client.post(TOKENS, json={"name": name})
    by_body = account.client.post(f"{TOKENS}/list", json={"page_size": 2, "page_number": 2}).json()
    by_query = account.client.post(f"{TOKENS}/list?page_size=2&page_number=2").json()
    assert by_body["total"] == by_query["total"] == 3
    assert [t["name"] for t in by_body["personal_access_tokens"]] == ["a"]
    assert by_query["personal_access_tokens"] == by_body["personal_access_tokens"]


def test_odd_credentials_are_401_not_500(stack: RunningStack, account: Account) -> None:
    url = f"{stack.base_url}/v1/loop/files/upload"
    for token in (
        "pat_\u00b9\u00b2\u00b3_" + "a" * 43,
        "pat_" + "9" * 45 + "_" + "a" * 43,
        "pat_99999999999999999999_" + "a" * 43,
    ):
        headers = {"Authorization": f"Bearer {token}".encode("latin-1")}
        assert_error(httpx.post(url, headers=headers, data={"workspace_id": account.workspace_id}), 401, "malformed")
    cookie = {"Cookie": "session_key=abc.\u00e9".encode()}
    assert_error(httpx.get(f"{stack.base_url}/api/foundation/v1/users/session", headers=cookie), 401)
    assert httpx.post(f"{stack.base_url}/api/foundation/v1/users/logout", headers=cookie).status_code == 200


def test_create_token_validates_expiry(account: Account) -> None:
    assert_error(account.client.post(TOKENS, json={"name": "x", "duration_day": 7}), 400, "duration_day")
    assert_error(account.client.post(TOKENS, json={"name": "x", "duration_day": "customize"}), 400, "duration_day")
    assert_error(account.client.post(TOKENS, json={"name": "x", "expire_at": 1}), 400, "future")
    both = {"name": "x", "expire_at": int(time.time()) + 999, "duration_day": 1}
    assert_error(account.client.post(TOKENS, json=both), 400, "either")
    assert_error(account.client.post(TOKENS, json={"name": ""}), 400, "name")
