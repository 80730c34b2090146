"""Payloads the SDK offloaded through `/v1/loop/files/upload`: signed URLs in a span's `attr_tos`.

The SDK uploads a text over 1 MiB (with ultra_large_report) and every base64 image or file of a model
span, and names them in `object_storage` (reference/sdk-contract.md §8). Uploads are stored at
`<workspace_id>/<key>`, so a span can only point into its own workspace's files.
"""

import json
import re
from typing import Any

from functions.observability import schemas
from shared.data.storage import sign_get

_KEY = re.compile(r"^[A-Za-z0-9._-]{1,255}$")  # the upload route's own rule for file names


def _signed(workspace_id: int, key: Any) -> str | None:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return None
    return sign_get(f"{workspace_id}/{key}")


def attr_tos(workspace_id: int, object_storage: str) -> schemas.AttrTos | None:
    if not object_storage:
        return None
    try:
        stored = json.loads(object_storage)
    except ValueError:
        return None
    if not isinstance(stored, dict):
        return None
    attachments = stored.get("attachments") or stored.get("Attachments") or []  # the Go server's spelling too
    multimodal = {
        item["tos_key"]: url
        for item in attachments
        if isinstance(item, dict) and (url := _signed(workspace_id, item.get("tos_key"))) is not None
    }
    return schemas.AttrTos(
        input_data_url=_signed(workspace_id, stored.get("input_tos_key")),
        output_data_url=_signed(workspace_id, stored.get("output_tos_key")),
        multimodal_data=multimodal or None,
    )
