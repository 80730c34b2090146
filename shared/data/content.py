"""One cell of an evaluation-set item, as upstream's `evaluation/domain/common.thrift` Content.

Evaluation sets, evaluator inputs and target outputs all carry Content, so it lives with the data module
that everything above depends on.
"""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ContentType(StrEnum):
    TEXT = "Text"
    IMAGE = "Image"
    AUDIO = "Audio"
    VIDEO = "Video"
    MULTI_PART = "MultiPart"
    MULTI_PART_VARIABLE = "multi_part_variable"


class FieldDisplayFormat(StrEnum):
    """data/domain/dataset.thrift FieldDisplayFormat, sent as its number."""

    PLAIN_TEXT = "1"
    MARKDOWN = "2"
    JSON = "3"
    YAML = "4"
    CODE = "5"


class Media(BaseModel):
    """An attachment: `uri` is the object key in the files bucket, `url` a link to fetch it."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    url: str | None = None
    uri: str | None = None
    thumb_url: str | None = None


class Audio(Media):
    format: str | None = None


class ObjectStorage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    provider: int | None = None
    name: str | None = None
    uri: str | None = None
    url: str | None = None
    thumb_url: str | None = None


class Content(BaseModel):
    model_config = ConfigDict(extra="ignore")

    content_type: ContentType | None = None
    format: int | None = None
    text: str | None = None
    image: Media | None = None
    multi_part: list["Content"] | None = None
    audio: Audio | None = None
    video: Media | None = None
    content_omitted: bool | None = None
    full_content: ObjectStorage | None = None
    full_content_bytes: int | None = None

    @classmethod
    def of_text(cls, text: str) -> "Content":
        return cls(content_type=ContentType.TEXT, text=text)

    def as_text(self) -> str:
        """The text a model or a code evaluator reads: the text, or the texts of the parts joined."""
        if self.text is not None:
            return self.text
        if self.multi_part:
            return "\n".join(part.as_text() for part in self.multi_part if part.as_text())
        return ""
