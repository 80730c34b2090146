"""Register, sign in, sessions and profiles, through HTTP against the local stack."""

import httpx

from tests.support.accounts import Account, new_email, register
from tests.support.stack import RunningStack

REGISTER = "/api/foundation/v1/users/register"
LOGIN = "/api/foundation/v1/users/login_by_password"
SESSION = "/api/foundation/v1/users/session"
LOGOUT = "/api/foundation/v1/users/logout"


def assert_error(response: httpx.Response, status: int, *words: str) -> None:
    body = response.json()
    assert response.status_code == status, response.text
    assert body["code"] != 0 and isinstance(body["code"], int)
    for word in words:
        assert word in body["msg"], body["msg"]


def test_register_sets_an_httponly_week_long_session_and_a_personal_workspace(stack: RunningStack) -> None:
    # Given a new email
    client = httpx.Client(base_url=stack.base_url)
    email = new_email()
    # When registering
    response = client.post(REGISTER, json={"email": email.upper(), "password": "correct-horse-9"})
    # Then the user is returned, the cookie is HttpOnly for 7 days, and a personal workspace exists
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == 0 and body["msg"] == ""
    assert body["user_info"]["email"] == email and isinstance(body["user_info"]["user_id"], str)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("session_key=") and "HttpOnly" in cookie and "Max-Age=604800" in cookie
    assert "SameSite=lax" in cookie
    assert client.get(SESSION).json()["user_info"]["user_id"] == body["user_info"]["user_id"]
    spaces = client.post("/api/foundation/v1/spaces/list", json={}).json()["spaces"]
    assert [(space["space_type"], space["role"]) for space in spaces] == [(1, 1)]
    assert spaces[0]["owner_user_id"] == body["user_info"]["user_id"]


def test_register_refuses_a_taken_email_in_any_case(stack: RunningStack, account: Account) -> None:
    response = httpx.post(
        f"{stack.base_url}{REGISTER}", json={"email": account.email.upper(), "password": "x-long-pass-1"}
    )
    assert_error(response, 409, "already exists")


def test_register_names_the_bad_field(stack: RunningStack) -> None:
    url = f"{stack.base_url}{REGISTER}"
    assert_error(httpx.post(url, json={"email": "not-an-email", "password": "correct-horse-9"}), 400, "email")
    assert_error(httpx.post(url, json={"email": new_email(), "password": "short1"}), 400, "password", "8")
    assert_error(httpx.post(url, json={"email": new_email(), "password": "onlyletters"}), 400, "password", "digit")
    assert_error(httpx.post(url, json={"email": new_email()}), 400, "password")


def test_malformed_json_is_a_400_that_says_so(stack: RunningStack) -> None:
    response = httpx.post(
        f"{stack.base_url}{REGISTER}", content=b'{"email": "a@b.c", ', headers={"content-type": "application/json"}
    )
    assert_error(response, 400, "not valid JSON")


def test_login_with_wrong_password_or_unknown_email_is_401_with_one_message(
    stack: RunningStack, account: Account
) -> None:
    url = f"{stack.base_url}{LOGIN}"
    wrong_password = httpx.post(url, json={"email": account.email, "password": "wrong-password-1"})
    unknown_user = httpx.post(url, json={"email": new_email(), "password": account.password})
    assert_error(wrong_password, 401, "email or password is incorrect")
    assert_error(unknown_user, 401, "email or password is incorrect")
    assert "set-cookie" not in wrong_password.headers


def test_login_then_logout_revokes_the_cookie(stack: RunningStack, account: Account) -> None:
    # Given a fresh sign-in
    client = httpx.Client(base_url=stack.base_url)
    assert client.post(LOGIN, json={"email": account.email, "password": account.password}).status_code == 200
    stolen_cookie = client.cookies["session_key"]
    # When signing out
    assert client.post(LOGOUT).json() == {"code": 0, "msg": ""}
    # Then the old cookie no longer works, even replayed by hand
    replay = httpx.get(f"{stack.base_url}{SESSION}", cookies={"session_key": stolen_cookie})
    assert_error(replay, 401, "signed out")
    # and the other session of the same account is untouched
    assert account.client.get(SESSION).status_code == 200


def test_a_tampered_or_missing_cookie_is_401(stack: RunningStack, account: Account) -> None:
    payload, _, signature = account.client.cookies["session_key"].partition(".")
    forged = httpx.get(f"{stack.base_url}{SESSION}", cookies={"session_key": payload + ".AAAA" + signature[4:]})
    assert_error(forged, 401, "not valid")
    assert_error(httpx.get(f"{stack.base_url}{SESSION}"), 401, "sign in")


def test_update_profile_only_for_yourself(stack: RunningStack, account: Account) -> None:
    url = f"/api/foundation/v1/users/{account.user_id}/update_profile"
    response = account.client.put(url, json={"nick_name": "Ada", "description": "builds agents"})
    assert response.status_code == 200
    assert response.json()["user_info"]["nick_name"] == "Ada"
    assert account.client.get(SESSION).json()["user_info"]["description"] == "builds agents"
    other = register(stack.base_url)
    assert_error(other.client.put(url, json={"nick_name": "Mallory"}), 403, "your own profile")
