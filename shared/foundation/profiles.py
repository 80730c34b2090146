"""How any module shows a user: upstream's UserInfoDetail, and a batch lookup for lists (`created_by`)."""

from pydantic import BaseModel

from shared.foundation.models import UserItem
from shared.ids import Int64


class UserInfoDetail(BaseModel):
    user_id: Int64
    name: str
    nick_name: str
    avatar_url: str
    email: str
    mobile: str = ""
    description: str = ""


def user_info(user: UserItem) -> UserInfoDetail:
    return UserInfoDetail(
        user_id=user.user_id,
        name=user.name,
        nick_name=user.nick_name,
        avatar_url=user.avatar_uri,
        email=user.email,
        description=user.description,
    )


def user_infos(user_ids: set[int]) -> list[UserInfoDetail]:
    """The users among `user_ids` that exist, in id order."""
    if not user_ids:
        return []
    from shared.foundation.repositories import UserRepository

    users = UserRepository().batch_get(user_ids)
    return [user_info(users[user_id]) for user_id in sorted(users)]
