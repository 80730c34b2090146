"""What every provider implements: one call, whole or streamed. The gateway picks the provider by protocol."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from shared.llm.catalog import ModelEntry
from shared.llm.types import CallOptions, ChatChunk, ChatMessage, ChatResult, Tool


@dataclass(frozen=True)
class ModelCall:
    model: ModelEntry
    messages: list[ChatMessage]
    tools: list[Tool] = field(default_factory=list)
    options: CallOptions = field(default_factory=CallOptions)
    api_key: str | None = None  # resolved from the catalog's reference; never logged


class ChatProvider(Protocol):
    """Raises shared.errors.UpstreamError (502) when the model fails, RateLimited (429) when the provider
    throttles, and InvalidInput (400) when the provider rejects the request as malformed."""

    def complete(self, call: ModelCall) -> ChatResult: ...

    def stream(self, call: ModelCall) -> Iterator[ChatChunk]: ...
