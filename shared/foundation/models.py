"""DynamoDB items of the foundation module. Times are epoch milliseconds unless the name says seconds."""

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from shared.dynamo import IntegerAttribute, table_meta


class UserItem(Model):
    Meta = table_meta("users")

    user_id = IntegerAttribute(hash_key=True)
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    name = UnicodeAttribute()
    nick_name = UnicodeAttribute(default="")
    description = UnicodeAttribute(default="")
    avatar_uri = UnicodeAttribute(default="")
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()


class UserEmailItem(Model):
    """Claims an email for one user; written in the same transaction as the user so emails stay unique."""

    Meta = table_meta("user-emails")

    email = UnicodeAttribute(hash_key=True)
    user_id = IntegerAttribute()


class SessionItem(Model):
    """A console session; deleting it signs the cookie out everywhere. `expires_at` (seconds) is the TTL."""

    Meta = table_meta("sessions", ttl_attribute="expires_at")

    session_id = UnicodeAttribute(hash_key=True)
    user_id = IntegerAttribute()
    expires_at = IntegerAttribute()


class SpaceItem(Model):
    Meta = table_meta("spaces")

    space_id = IntegerAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    space_type = IntegerAttribute()
    owner_user_id = IntegerAttribute()
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()


class MembersByUserIndex(GlobalSecondaryIndex["SpaceMemberItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = IntegerAttribute(hash_key=True)
    space_id = IntegerAttribute(range_key=True)


class SpaceMemberItem(Model):
    Meta = table_meta("space-members")

    space_id = IntegerAttribute(hash_key=True)
    user_id = IntegerAttribute(range_key=True)
    role = IntegerAttribute()
    created_at = IntegerAttribute()
    by_user = MembersByUserIndex()


class TokensByUserIndex(GlobalSecondaryIndex["PersonalAccessTokenItem"]):  # type: ignore[no-untyped-call]
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_id = IntegerAttribute(hash_key=True)
    token_id = IntegerAttribute(range_key=True)


class PersonalAccessTokenItem(Model):
    """Only the SHA-256 of the token's random secret is stored; `expire_at` is in seconds (0 = never)."""

    Meta = table_meta("personal-access-tokens")

    token_id = IntegerAttribute(hash_key=True)
    user_id = IntegerAttribute()
    name = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    created_at = IntegerAttribute()
    updated_at = IntegerAttribute()
    last_used_at = IntegerAttribute(default=0)
    expire_at = IntegerAttribute(default=0)
    by_user = TokensByUserIndex()


FOUNDATION_TABLES: tuple[type[Model], ...] = (
    UserItem,
    UserEmailItem,
    SessionItem,
    SpaceItem,
    SpaceMemberItem,
    PersonalAccessTokenItem,
)
