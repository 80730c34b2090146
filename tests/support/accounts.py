"""Acting as a user of the running platform: register, sign in, create tokens."""

import secrets
from dataclasses import dataclass

import httpx


@dataclass
class Account:
    client: httpx.Client  # carries the session cookie
    email: str
    password: str
    user_id: str
    workspace_id: str


def new_email() -> str:
    return f"user-{secrets.token_hex(6)}@example.com"


def register(base_url: str, email: str | None = None, password: str = "correct-horse-9") -> Account:
    client = httpx.Client(base_url=base_url, timeout=10)
    email = email or new_email()
    response = client.post("/api/foundation/v1/users/register", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    user_id = response.json()["user_info"]["user_id"]
    spaces = client.post("/api/foundation/v1/spaces/list", json={}).json()["spaces"]
    personal = next(space for space in spaces if space["space_type"] == 1)
    return Account(client, email, password, user_id, personal["id"])


def create_token(account: Account, name: str = "sdk", **fields: object) -> str:
    response = account.client.post("/api/auth/v1/personal_access_tokens", json={"name": name, **fields})
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def upload_file(base_url: str, token: str, workspace_id: str, name: str, body: bytes) -> httpx.Response:
    """`POST /v1/loop/files/upload` as the SDK sends it: multipart `workspace_id` and `file`."""
    return httpx.post(
        f"{base_url}/v1/loop/files/upload",
        headers=bearer(token),
        data={"workspace_id": workspace_id},
        files={"file": (name, body)},
        timeout=30,
    )
