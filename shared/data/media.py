"""Fetchable links for the media of items: each stored `uri` (a files-bucket key) gets a signed GET `url`."""

from shared.data import storage
from shared.data.content import Content
from shared.data.entities import EvalSetItem, Turn


def sign_content(workspace_id: int, content: Content) -> Content:
    updates: dict[str, object] = {}
    for attribute in ("image", "audio", "video"):
        media = getattr(content, attribute)
        if media is not None and media.uri and storage.owns_uri(workspace_id, media.uri):
            url = storage.sign_get(media.uri)
            updates[attribute] = media.model_copy(update={"url": url, "thumb_url": media.thumb_url or url})
    if content.multi_part:
        updates["multi_part"] = [sign_content(workspace_id, part) for part in content.multi_part]
    return content.model_copy(update=updates) if updates else content


def sign_turns(workspace_id: int, turns: list[Turn]) -> list[Turn]:
    return [
        turn.model_copy(
            update={
                "field_data_list": [
                    cell.model_copy(update={"content": sign_content(workspace_id, cell.content)})
                    if cell.content
                    else cell
                    for cell in turn.field_data_list
                ]
            }
        )
        for turn in turns
    ]


def sign_item(workspace_id: int, item: EvalSetItem) -> EvalSetItem:
    return item.model_copy(update={"turns": sign_turns(workspace_id, item.turns)})
