"""The response envelope: every JSON body has an integer `code` (0 = ok) and a string `msg`."""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

DataT = TypeVar("DataT")


class Envelope(BaseModel):
    """Console responses: upstream adds `code` and `msg` beside the response's own fields."""

    model_config = ConfigDict(populate_by_name=True)

    code: int = 0
    msg: str = ""


class OpenAPIResponse(Envelope, Generic[DataT]):
    """OpenAPI (`/v1/loop/...`) responses carry their payload under `data`, as the SDK expects."""

    data: DataT


class ErrorBody(Envelope):
    """What every failure answers, with a non-zero code and a real HTTP status."""
