"""File upload (OpenAPI, as the SDK sends it) and presigned uploads (console)."""

import base64
import json

import httpx

from tests.integration.test_accounts import assert_error
from tests.support.accounts import Account, bearer, create_token, register
from tests.support.stack import RunningStack

UPLOAD = "/v1/loop/files/upload"
FILES_BUCKET = "loop-dev-files"


def test_upload_stores_the_file_under_its_workspace(stack: RunningStack, account: Account) -> None:
    # Given a token and a file named as the SDK names offloaded payloads
    token = create_token(account)
    name = "0123456789abcdef0123456789abcdef_0123456789abcdef_input_image_3e4fb017d9259332"
    payload = bytes(range(256)) * 10
    # When uploading it
    response = httpx.post(
        f"{stack.base_url}{UPLOAD}",
        headers=bearer(token),
        data={"workspace_id": account.workspace_id},
        files={"file": (name, payload, "application/octet-stream")},
    )
    # Then the answer is the SDK's envelope and S3 holds the bytes at <workspace>/<name>
    key = f"{account.workspace_id}/{name}"
    assert response.status_code == 200
    assert response.json() == {"code": 0, "msg": "", "data": {"bytes": len(payload), "file_name": key}}
    stored = stack.boto3_client("s3").get_object(Bucket=FILES_BUCKET, Key=key)["Body"].read()
    assert stored == payload


def test_oversize_upload_is_413_and_nothing_is_stored(stack: RunningStack, account: Account) -> None:
    token = create_token(account)
    response = httpx.post(
        f"{stack.base_url}{UPLOAD}",
        headers=bearer(token),
        data={"workspace_id": account.workspace_id},
        files={"file": ("too-big.bin", b"x" * (4 * 1024 * 1024 + 1))},
        timeout=30,
    )
    assert_error(response, 413, "limit")
    listed = stack.boto3_client("s3").list_objects_v2(Bucket=FILES_BUCKET, Prefix=f"{account.workspace_id}/too-big")
    assert listed.get("KeyCount", 0) == 0


def test_upload_rejects_bad_requests_with_the_reason(stack: RunningStack, account: Account) -> None:
    headers = bearer(create_token(account))
    url = f"{stack.base_url}{UPLOAD}"
    workspace = {"workspace_id": account.workspace_id}
    assert_error(httpx.post(url, headers=headers, files={"file": ("a.txt", b"a")}), 400, "workspace_id")
    assert_error(httpx.post(url, headers=headers, data=workspace, files={"other": ("a", b"a")}), 400, "file")
    assert_error(httpx.post(url, headers=headers, data=workspace, files={"file": ("../a", b"a")}), 400, "file name")
    not_multipart = httpx.post(url, headers=headers, json={"workspace_id": account.workspace_id})
    assert_error(not_multipart, 400, "multipart")
    assert_error(httpx.post(url, headers=headers, data={"workspace_id": "abc"}, files={"file": ("a", b"a")}), 400)


def test_presigned_upload_forms_accept_a_browser_upload(stack: RunningStack, account: Account) -> None:
    # Given presigned upload forms for two files
    response = account.client.post(
        "/api/foundation/v1/sign_upload_files",
        json={"workspace_id": account.workspace_id, "keys": ["cat.png", "notes/a b.txt"], "business_type": "data"},
    )
    body = response.json()
    assert body["code"] == 0 and len(body["uris"]) == len(body["uploads"]) == 2
    assert all(uri.startswith(f"{account.workspace_id}/data/") for uri in body["uris"])
    assert body["uris"][1].endswith("/a-b.txt")
    # Then each form's signed policy pins its key and bounds the size
    form = body["uploads"][0]
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    assert ["content-length-range", 0, body["max_bytes"]] in policy["conditions"]
    assert form["fields"]["key"] == body["uris"][0]
    # When the browser posts the file with the form
    upload = httpx.post(form["url"], data=form["fields"], files={"file": ("cat.png", b"\x89PNG")})
    # Then the object is in the files bucket under the returned key
    assert upload.status_code in (200, 204), upload.text
    stored = stack.boto3_client("s3").get_object(Bucket=FILES_BUCKET, Key=body["uris"][0])["Body"].read()
    assert stored == b"\x89PNG"


def test_presigned_upload_is_scoped_and_validated(stack: RunningStack, account: Account) -> None:
    url = "/api/foundation/v1/sign_upload_files"
    stranger = register(stack.base_url)
    assert_error(account.client.post(url, json={"workspace_id": stranger.workspace_id, "keys": ["a"]}), 404)
    long_lived = {"workspace_id": account.workspace_id, "keys": ["a"], "option": {"ttl": 86400}}
    assert_error(account.client.post(url, json=long_lived), 400, "ttl")
    assert_error(account.client.post(url, json={"workspace_id": account.workspace_id, "keys": []}), 400, "keys")
    bad_type = {"workspace_id": account.workspace_id, "keys": ["a"], "business_type": "nope"}
    assert_error(account.client.post(url, json=bad_type), 400, "business_type")
