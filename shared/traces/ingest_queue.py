"""The trace-ingest queue's message: groups of normalised rows by workspace, or the S3 key of a payload too
big for SQS.

Ingest answers only after `publish` returns, so an accepted span is durable (in SQS, or in S3 and SQS).
Concurrent publishers in one process share a send (group commit): whoever finds no send in flight sends
everything pending at that moment, the others wait for it. An idle process sends at once, as before, and
a Lambda instance, which serves one request at a time, always does.
"""

import base64
import gzip
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from shared.queues import MAX_MESSAGE_BYTES, send
from shared.traces.store import get_raw_batch, put_raw_batch

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
QUEUE = "trace-ingest"
VERSION = 1
# Before compression; a message that still ends up over the SQS limit is split.
RAW_BYTES_PER_MESSAGE = 1 << 20


@dataclass
class _Pending:
    data: bytes  # the group's JSON in UTF-8, serialised and encoded once, before it joins a shared send
    done: bool = False
    error: BaseException | None = None


@dataclass
class _GroupCommit:
    condition: threading.Condition = field(default_factory=threading.Condition)
    pending: list[_Pending] = field(default_factory=list)
    sending: bool = False

    def publish(self, entry: _Pending) -> None:
        with self.condition:
            self.pending.append(entry)
            while self.sending and not entry.done:
                self.condition.wait()
            if not entry.done:
                self.sending = True
                batch, self.pending = self.pending, []
        if not entry.done:
            error: BaseException | None = None
            try:
                _send_groups(batch)
            except BaseException as failure:  # every waiter of this send gets the same error
                error = failure
            with self.condition:
                for member in batch:
                    member.done, member.error = True, error
                self.sending = False
                self.condition.notify_all()
        if entry.error is not None:
            raise entry.error


_commit = _GroupCommit()


def _groups_json(parts: list[bytes]) -> bytes:
    return b'{"v":%d,"groups":[' % VERSION + b",".join(parts) + b"]}"


def _encode(parts: list[bytes]) -> str:
    """The message body: the groups' JSON, gzipped and in base64 (spans compress about 6x, and SQS and its
    emulators cost by the byte)."""
    packed = base64.b64encode(gzip.compress(_groups_json(parts), compresslevel=1)).decode()
    return f'{{"v":{VERSION},"gz":"{packed}"}}'


def _send_parts(parts: list[bytes]) -> None:
    body = _encode(parts)
    if len(body) <= MAX_MESSAGE_BYTES:
        send(QUEUE, body)
    elif len(parts) > 1:
        half = len(parts) // 2
        _send_parts(parts[:half])
        _send_parts(parts[half:])
    else:  # one group too big for any message: it goes to S3, the message carries its key
        key = f"{secrets.token_hex(12)}.json.gz"
        put_raw_batch(key, _groups_json(parts))
        send(QUEUE, json.dumps({"v": VERSION, "s3_key": key}))


def _send_groups(batch: list[_Pending]) -> None:
    """As few messages as fit the SQS limit, filled up to RAW_BYTES_PER_MESSAGE of JSON before compression."""
    parts: list[bytes] = []
    size = 0
    for entry in batch:
        if parts and size + len(entry.data) > RAW_BYTES_PER_MESSAGE:
            _send_parts(parts)
            parts, size = [], 0
        parts.append(entry.data)
        size += len(entry.data)
    if parts:
        _send_parts(parts)


def publish(workspace_id: str, rows: list[dict[str, Any]]) -> None:
    text = json.dumps({"workspace_id": workspace_id, "rows": rows}, separators=(",", ":"), ensure_ascii=False)
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate (valid JSON escapes, not UTF-8): stored as U+FFFD
        data = _LONE_SURROGATE.sub("\ufffd", text).encode()
    _commit.publish(_Pending(data))


@dataclass(frozen=True)
class Message:
    groups: list[tuple[str, list[dict[str, Any]]]]  # (workspace id, rows)
    raw_key: str | None  # the S3 side object of a message too big for SQS; deleted once its rows are stored


def read(body: str) -> Message:
    """A message's groups; raises ValueError for a message this version cannot read."""
    message = json.loads(body)
    if not isinstance(message, dict) or message.get("v") != VERSION:
        raise ValueError("not a trace-ingest message of version 1")
    raw_key = message.get("s3_key")
    if "gz" in message:
        message = json.loads(gzip.decompress(base64.b64decode(message["gz"])))
    elif isinstance(raw_key, str):
        message = get_raw_batch(raw_key)
    groups = message.get("groups")
    if not isinstance(groups, list):
        raise ValueError("the message has no list of groups")
    result = []
    for group in groups:
        if not isinstance(group, dict) or not isinstance(group.get("rows"), list):
            raise ValueError("a group of the message has no list of rows")
        result.append((str(group["workspace_id"]), group["rows"]))
    return Message(result, raw_key if isinstance(raw_key, str) else None)
