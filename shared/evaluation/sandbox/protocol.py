"""What goes into the sandbox and what comes out, the same locally and through the sandbox Lambda."""

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.errors import InternalError
from shared.evaluation.entities import LanguageType


class SandboxUnavailable(InternalError):
    """A platform fault: the sandbox could not be set up or reached. User code never causes it."""


class SandboxLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout_s: float = Field(default=5.0, gt=0, le=60)  # upstream gives code evaluators 5 s
    memory_mb: int = Field(default=256, ge=64, le=4096)
    output_bytes: int = Field(default=64 * 1024, ge=1024, le=4 * 1024 * 1024)  # of stdout, and of stderr
    scratch_mb: int = Field(default=16, ge=1, le=512)  # the private /tmp (namespaces isolation)
    file_mb: int = Field(default=8, ge=1, le=512)  # the largest file the code may write
    open_files: int = Field(default=64, ge=16, le=1024)


class SandboxRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: LanguageType
    code: str
    turn: dict[str, Any] = Field(default_factory=dict)
    # "check" only compiles the code (the syntax check); "run" calls exec_evaluation(turn).
    mode: Literal["run", "check"] = "run"
    limits: SandboxLimits = Field(default_factory=SandboxLimits)


class ErrorKind(StrEnum):
    SYNTAX = "syntax"
    MISSING_FUNCTION = "missing_function"
    EXCEPTION = "exception"
    EXIT = "exit"  # the code called sys.exit / process.exit
    BAD_RETURN = "bad_return"  # not an EvalOutput, or no usable score
    TIMEOUT = "timeout"
    CPU = "cpu"
    MEMORY = "memory"
    CRASHED = "crashed"  # the process ended without a result
    UNAVAILABLE = "unavailable"  # the language has no runtime on this server
    TOO_LARGE = "too_large"  # the code and turn do not fit through the sandbox


class SandboxError(BaseModel):
    kind: ErrorKind
    message: str  # what went wrong and what to do, for a person
    traceback: str = ""  # the last lines of the user code's traceback, when it raised


class SandboxResult(BaseModel):
    score: float | None = None
    reason: str = ""
    valid: bool | None = None  # check mode: the code compiles
    stdout: str = ""
    stderr: str = ""
    error: SandboxError | None = None
    duration_ms: int = 0

    @property
    def failed(self) -> bool:
        return self.error is not None
