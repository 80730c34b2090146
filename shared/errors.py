"""The one error hierarchy. Services raise these; `shared.app` turns them into the envelope."""

from typing import ClassVar


class LoopError(Exception):
    """An error a person can act on. `code` defaults to the HTTP status; modules may use upstream's codes."""

    status: ClassVar[int] = 500

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.status


class InvalidInput(LoopError):
    status = 400


class Unauthorized(LoopError):
    status = 401


class Forbidden(LoopError):
    status = 403


class NotFound(LoopError):
    status = 404


class Conflict(LoopError):
    status = 409


class PayloadTooLarge(LoopError):
    status = 413


class RateLimited(LoopError):
    status = 429


class InternalError(LoopError):
    status = 500


class UpstreamError(LoopError):
    status = 502
