"""The official `cozeloop` SDK, unchanged, pointed at the local stack with a PAT from the console API."""

import secrets
from collections.abc import Iterator

import cozeloop
import pytest
from cozeloop.internal.trace.exporter import SpanExporter, UploadFile
from cozeloop.internal.trace.model.model import UploadType

from tests.support.accounts import Account, create_token
from tests.support.stack import RunningStack


def sdk_exporter(stack: RunningStack, workspace_id: str, token: str) -> Iterator[SpanExporter]:
    client = cozeloop.new_client(api_base_url=stack.base_url, workspace_id=workspace_id, api_token=token)
    try:
        exporter: SpanExporter = client._trace_provider.span_processor.exporter  # the SDK's own upload path
        yield exporter
    finally:
        client.close()


def offloaded_image(workspace_id: str) -> UploadFile:
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return UploadFile(
        tos_key=f"{trace_id}_{span_id}_input_image_{secrets.token_hex(8)}",
        data=b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(24),
        upload_type=UploadType.MULTI_MODALITY,
        tag_key="input",
        name="cat.png",
        file_type="image",
        space_id=workspace_id,
    )


def test_sdk_uploads_offloaded_files_with_a_pat(stack: RunningStack, account: Account) -> None:
    # Given the SDK configured as the README says, with a token made through the console API
    image = offloaded_image(account.workspace_id)
    # When its exporter uploads an offloaded image
    for exporter in sdk_exporter(stack, account.workspace_id, create_token(account)):
        exporter.export_files({}, [image])
    # Then the bytes are stored at <workspace_id>/<key>, where the trace read path will look
    key = f"{account.workspace_id}/{image.tos_key}"
    assert stack.boto3_client("s3").get_object(Bucket="loop-dev-files", Key=key)["Body"].read() == image.data


def test_sdk_sees_a_revoked_token_as_an_error(stack: RunningStack, account: Account) -> None:
    created = account.client.post("/api/auth/v1/personal_access_tokens", json={"name": "soon revoked"}).json()
    account.client.delete(f"/api/auth/v1/personal_access_tokens/{created['personal_access_token']['id']}")
    for exporter in sdk_exporter(stack, account.workspace_id, created["token"]):
        with pytest.raises(Exception, match="401"):
            exporter.export_files({}, [offloaded_image(account.workspace_id)])
