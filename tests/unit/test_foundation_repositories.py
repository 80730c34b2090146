"""Repository writes that race with other requests, against moto's in-process DynamoDB."""

from collections.abc import Iterator

import pytest
from moto import mock_aws

from shared.errors import Conflict, NotFound
from shared.foundation.enums import SpaceRole
from shared.foundation.models import PersonalAccessTokenItem, SpaceMemberItem
from shared.foundation.repositories import MemberRepository, TokenRepository
from shared.resources import TABLES


@pytest.fixture(autouse=True)
def tables() -> Iterator[None]:
    with mock_aws():
        for model in TABLES:
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        yield


def owners(space_id: int) -> list[int]:
    return [m.user_id for m in MemberRepository().list_for_space(space_id) if m.role == SpaceRole.OWNER]


def add_owner(space_id: int, user_id: int) -> SpaceMemberItem:
    member = SpaceMemberItem(space_id, user_id, role=int(SpaceRole.OWNER), created_at=1)
    MemberRepository().add(member)
    return member


def test_two_owners_demoting_each_other_at_once_leave_one_owner() -> None:
    # Given two owners, each of whose requests saw the other as the remaining owner
    alice, bob = add_owner(1, 10), add_owner(1, 20)
    stale_bob = SpaceMemberItem.get(1, 20)
    # When Alice's demotion of Bob commits first
    MemberRepository().change_role(bob, int(SpaceRole.MEMBER), other_owner=alice)
    # Then Bob's demotion of Alice, guarded by his stale view, is refused
    with pytest.raises(Conflict, match="owners changed"):
        MemberRepository().change_role(alice, int(SpaceRole.MEMBER), other_owner=stale_bob)
    assert owners(1) == [10]


def test_two_owners_leaving_at_once_leave_one_owner() -> None:
    alice, bob = add_owner(2, 10), add_owner(2, 20)
    MemberRepository().remove(alice, other_owner=bob)
    with pytest.raises(Conflict):
        MemberRepository().remove(bob, other_owner=alice)
    assert owners(2) == [20]


def test_changing_a_removed_member_does_not_bring_them_back() -> None:
    alice, bob = add_owner(3, 10), add_owner(3, 20)
    stale_bob = SpaceMemberItem.get(3, 20)
    MemberRepository().remove(bob, other_owner=alice)
    with pytest.raises(NotFound):
        MemberRepository().change_role(stale_bob, int(SpaceRole.ADMIN), other_owner=None)
    assert MemberRepository().find(3, 20) is None


def test_renaming_a_deleted_token_does_not_bring_it_back() -> None:
    token = PersonalAccessTokenItem(5, user_id=2, name="n", secret_hash="h", created_at=1, updated_at=1)
    TokenRepository().create(token)
    stale = TokenRepository().find(5)
    assert stale is not None
    TokenRepository().delete(token)
    with pytest.raises(NotFound):
        TokenRepository().rename(stale, "back", updated_at=2)
    assert TokenRepository().find(5) is None
