"""All persistence of foundation items. Nothing above this module touches PynamoDB directly."""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shared.dynamo import connection, is_condition_failure, update_existing
from shared.errors import Conflict, NotFound
from shared.foundation.enums import SpaceRole
from shared.foundation.models import (
    PersonalAccessTokenItem,
    SessionItem,
    SpaceItem,
    SpaceMemberItem,
    UserEmailItem,
    UserItem,
)
from shared.settings import AuthSettings, get_settings
from shared.ttl_cache import TTLCache


def _set_fields(item: Model, values: Mapping[str, str | int], exists: Condition, missing: str) -> None:
    """Sets these attributes of an existing item (by attribute name) and loads the item's new state."""
    model = type(item)
    update_existing(item, [getattr(model, name).set(value) for name, value in values.items()], exists, missing)


class UserRepository:
    def create(self, user: UserItem, personal_space: SpaceItem, owner: SpaceMemberItem) -> None:
        """Claims the email and writes the user with their personal workspace, all or nothing.

        A taken email raises Conflict and leaves nothing behind.
        """
        claim = UserEmailItem(user.email, user_id=user.user_id)
        try:
            with TransactWrite(connection=connection()) as transaction:
                transaction.save(claim, condition=UserEmailItem.email.does_not_exist())
                transaction.save(user, condition=UserItem.user_id.does_not_exist())
                transaction.save(personal_space, condition=SpaceItem.space_id.does_not_exist())
                transaction.save(owner)
        except TransactWriteError as error:
            if is_condition_failure(error):
                raise Conflict(f"an account with the email {user.email} already exists; sign in instead") from error
            raise

    def get(self, user_id: int) -> UserItem:
        try:
            return UserItem.get(user_id)
        except DoesNotExist as error:
            raise NotFound(f"user {user_id} not found") from error

    def find_by_email(self, email: str) -> UserItem | None:
        try:
            claim = UserEmailItem.get(email)
        except DoesNotExist:
            return None
        try:
            return UserItem.get(claim.user_id)
        except DoesNotExist:
            return None

    def batch_get(self, user_ids: Iterable[int]) -> dict[int, UserItem]:
        return {user.user_id: user for user in UserItem.batch_get(set(user_ids))}

    def update(self, user_id: int, changes: dict[str, str], updated_at: int) -> UserItem:
        """Sets only the given profile fields, so concurrent edits of other fields are kept."""
        user = UserItem(user_id)
        _set_fields(user, {**changes, "updated_at": updated_at}, UserItem.user_id.exists(), f"user {user_id} not found")
        return user


class SessionRepository:
    def create(self, session: SessionItem) -> None:
        session.save(condition=SessionItem.session_id.does_not_exist())

    def find(self, session_id: str) -> SessionItem | None:
        try:
            return SessionItem.get(session_id)
        except DoesNotExist:
            return None

    def delete(self, session_id: str) -> None:
        SessionItem(session_id).delete()


class SpaceRepository:
    def create_with_owner(self, space: SpaceItem, owner: SpaceMemberItem) -> None:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(space, condition=SpaceItem.space_id.does_not_exist())
            transaction.save(owner)

    def get(self, space_id: int) -> SpaceItem:
        try:
            return SpaceItem.get(space_id)
        except DoesNotExist as error:
            raise NotFound(f"workspace {space_id} not found") from error

    def batch_get(self, space_ids: Iterable[int]) -> list[SpaceItem]:
        return list(SpaceItem.batch_get(set(space_ids)))

    def update(self, space_id: int, changes: dict[str, str], updated_at: int) -> SpaceItem:
        space = SpaceItem(space_id)
        missing = f"workspace {space_id} not found"
        _set_fields(space, {**changes, "updated_at": updated_at}, SpaceItem.space_id.exists(), missing)
        return space


@cache
def _member_cache() -> TTLCache[tuple[int, int], SpaceMemberItem]:
    return TTLCache(get_settings(AuthSettings).auth_cache_ttl_s)


@cache
def _token_cache() -> TTLCache[int, PersonalAccessTokenItem]:
    return TTLCache(get_settings(AuthSettings).auth_cache_ttl_s)


class MemberRepository:
    """Every authenticated request checks membership, so `find_cached` keeps it briefly; writes drop it."""

    def find(self, space_id: int, user_id: int) -> SpaceMemberItem | None:
        try:
            return SpaceMemberItem.get(space_id, user_id)
        except DoesNotExist:
            return None

    def find_cached(self, space_id: int, user_id: int) -> SpaceMemberItem | None:
        return _member_cache().get_or_load((space_id, user_id), lambda: self.find(space_id, user_id))

    def add(self, member: SpaceMemberItem) -> None:
        try:
            member.save(condition=SpaceMemberItem.user_id.does_not_exist())
        except PutError as error:
            if is_condition_failure(error):
                raise Conflict("that person is already a member of this workspace") from error
            raise

    def change_role(self, member: SpaceMemberItem, role: int, *, other_owner: SpaceMemberItem | None) -> None:
        """Sets the role; with `other_owner`, only while that member is still an owner (see `_guarded`)."""
        with self._guarded(member, other_owner) as transaction:
            exists = SpaceMemberItem.user_id.exists()
            transaction.update(member, actions=[SpaceMemberItem.role.set(role)], condition=exists)
        member.role = role

    def remove(self, member: SpaceMemberItem, *, other_owner: SpaceMemberItem | None) -> None:
        with self._guarded(member, other_owner) as transaction:
            transaction.delete(member, condition=SpaceMemberItem.user_id.exists())

    @contextmanager
    def _guarded(self, member: SpaceMemberItem, other_owner: SpaceMemberItem | None) -> Iterator[TransactWrite]:
        """One transaction: the change to `member`, and a check that `other_owner` still owns the workspace.

        Two owners demoting each other at once would otherwise both see the other as the remaining owner.
        """
        _member_cache().discard((member.space_id, member.user_id))
        try:
            with TransactWrite(connection=connection()) as transaction:
                yield transaction
                if other_owner is not None:
                    still_owner = SpaceMemberItem.role == int(SpaceRole.OWNER)
                    transaction.condition_check(
                        SpaceMemberItem, other_owner.space_id, other_owner.user_id, condition=still_owner
                    )
        except TransactWriteError as error:
            if not is_condition_failure(error):
                raise
            if self.find(member.space_id, member.user_id) is None:
                raise NotFound("that person is not a member of this workspace") from error
            raise Conflict("the workspace's owners changed meanwhile; reload the members and try again") from error

    def list_for_space(self, space_id: int) -> list[SpaceMemberItem]:
        return list(SpaceMemberItem.query(space_id))

    def list_for_user(self, user_id: int) -> list[SpaceMemberItem]:
        return list(SpaceMemberItem.by_user.query(user_id))


class TokenRepository:
    """Every OpenAPI request verifies its token, so `find_cached` keeps it briefly; writes drop it."""

    def create(self, token: PersonalAccessTokenItem) -> None:
        token.save(condition=PersonalAccessTokenItem.token_id.does_not_exist())

    def find(self, token_id: int) -> PersonalAccessTokenItem | None:
        try:
            return PersonalAccessTokenItem.get(token_id)
        except DoesNotExist:
            return None

    def find_cached(self, token_id: int) -> PersonalAccessTokenItem | None:
        return _token_cache().get_or_load(token_id, lambda: self.find(token_id))

    def list_for_user(self, user_id: int) -> list[PersonalAccessTokenItem]:
        return list(PersonalAccessTokenItem.by_user.query(user_id, scan_index_forward=False))

    def rename(self, token: PersonalAccessTokenItem, name: str, updated_at: int) -> None:
        _token_cache().discard(token.token_id)
        exists = PersonalAccessTokenItem.token_id.exists()  # a rename must not bring back a deleted token
        missing = f"personal access token {token.token_id} not found"
        _set_fields(token, {"name": name, "updated_at": updated_at}, exists, missing)

    def touch(self, token: PersonalAccessTokenItem, used_at: int) -> None:
        """Records use without a read-modify-write, so concurrent requests cannot clobber other fields."""
        exists = PersonalAccessTokenItem.token_id.exists()  # never resurrect a token deleted meanwhile
        try:
            _set_fields(token, {"last_used_at": used_at}, exists, "deleted meanwhile")
        except NotFound:
            pass  # the token was deleted after this request read it: nothing to record

    def delete(self, token: PersonalAccessTokenItem) -> None:
        _token_cache().discard(token.token_id)
        token.delete()
