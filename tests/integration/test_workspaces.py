"""Personal and team workspaces, members and roles."""

from tests.integration.test_accounts import assert_error
from tests.support.accounts import Account, new_email, register
from tests.support.stack import RunningStack

SPACES = "/api/foundation/v1/spaces"


def create_team(owner: Account, name: str = "Agents team") -> str:
    response = owner.client.post(SPACES, json={"name": name, "description": "we ship agents"})
    assert response.status_code == 200, response.text
    space = response.json()["space"]
    assert space["space_type"] == 2 and space["role"] == 1
    space_id: str = space["id"]
    return space_id


def add(owner: Account, space_id: str, email: str, role: int = 3) -> None:
    response = owner.client.post(f"{SPACES}/{space_id}/members", json={"email": email, "role": role})
    assert response.status_code == 200, response.text


def test_team_workspace_lifecycle(stack: RunningStack, account: Account) -> None:
    # Given an owner with a team workspace and a colleague who registered
    space_id = create_team(account)
    colleague = register(stack.base_url)
    # When the owner adds the colleague as a member
    add(account, space_id, colleague.email.upper())
    # Then both see the workspace, and the members list shows both roles
    assert space_id in [s["id"] for s in colleague.client.post(f"{SPACES}/list", json={}).json()["spaces"]]
    members = account.client.post(f"{SPACES}/{space_id}/members/list").json()
    assert [(m["user"]["email"], m["role"]) for m in members["members"]] == [(account.email, 1), (colleague.email, 3)]
    # and the owner can rename it while the member cannot
    renamed = account.client.put(f"{SPACES}/{space_id}", json={"name": "Agents"})
    assert renamed.json()["space"]["name"] == "Agents"
    assert_error(colleague.client.put(f"{SPACES}/{space_id}", json={"name": "Mine"}), 403, "owners and admins")
    assert colleague.client.get(f"{SPACES}/{space_id}").json()["space"]["name"] == "Agents"


def test_a_workspace_you_are_not_in_is_404(stack: RunningStack, account: Account) -> None:
    space_id = create_team(account)
    stranger = register(stack.base_url)
    for response in (
        stranger.client.get(f"{SPACES}/{space_id}"),
        stranger.client.put(f"{SPACES}/{space_id}", json={"name": "mine"}),
        stranger.client.post(f"{SPACES}/{space_id}/members/list"),
        stranger.client.post(f"{SPACES}/{space_id}/members", json={"email": stranger.email}),
        stranger.client.put(f"{SPACES}/{space_id}/members/{account.user_id}", json={"role": 3}),
        stranger.client.delete(f"{SPACES}/{space_id}/members/{account.user_id}"),
    ):
        assert_error(response, 404, "not found")
    assert account.client.get(f"{SPACES}/{space_id}").json()["space"]["name"] == "Agents team"
    assert_error(stranger.client.get(f"{SPACES}/999999999999"), 404, "not found")
    assert_error(stranger.client.get(f"{SPACES}/not-a-number"), 400, "space_id")


def test_only_owners_and_admins_manage_members(stack: RunningStack, account: Account) -> None:
    space_id = create_team(account)
    admin, member, newcomer = (register(stack.base_url) for _ in range(3))
    add(account, space_id, admin.email, role=2)
    add(account, space_id, member.email, role=3)
    # A member cannot add anyone; an admin can add members but not owners
    assert_error(member.client.post(f"{SPACES}/{space_id}/members", json={"email": newcomer.email}), 403)
    owner_request = {"email": newcomer.email, "role": 1}
    assert_error(admin.client.post(f"{SPACES}/{space_id}/members", json=owner_request), 403, "only an owner")
    add(admin, space_id, newcomer.email)
    # An admin cannot demote the owner; the owner can promote someone
    assert_error(admin.client.put(f"{SPACES}/{space_id}/members/{account.user_id}", json={"role": 3}), 403)
    promoted = account.client.put(f"{SPACES}/{space_id}/members/{member.user_id}", json={"role": 2})
    assert promoted.json()["member"]["role"] == 2
    # An admin removes a member, who then no longer sees the workspace
    assert admin.client.delete(f"{SPACES}/{space_id}/members/{newcomer.user_id}").json()["code"] == 0
    assert_error(newcomer.client.get(f"{SPACES}/{space_id}"), 404)


def test_adding_bad_members_is_refused_clearly(stack: RunningStack, account: Account) -> None:
    space_id = create_team(account)
    colleague = register(stack.base_url)
    url = f"{SPACES}/{space_id}/members"
    assert_error(account.client.post(url, json={"email": new_email()}), 404, "register first")
    assert_error(account.client.post(url, json={"email": colleague.email, "role": 7}), 400, "role")
    add(account, space_id, colleague.email)
    assert_error(account.client.post(url, json={"email": colleague.email}), 409, "already a member")
    personal = f"{SPACES}/{account.workspace_id}/members"
    assert_error(account.client.post(personal, json={"email": colleague.email}), 400, "team workspace")


def test_the_last_owner_cannot_leave_but_a_member_can(stack: RunningStack, account: Account) -> None:
    space_id = create_team(account)
    member = register(stack.base_url)
    add(account, space_id, member.email)
    assert_error(account.client.delete(f"{SPACES}/{space_id}/members/{account.user_id}"), 409, "at least one owner")
    assert member.client.delete(f"{SPACES}/{space_id}/members/{member.user_id}").json()["code"] == 0
    assert_error(member.client.get(f"{SPACES}/{space_id}"), 404)


def test_create_workspace_validates_the_name(account: Account) -> None:
    assert_error(account.client.post(SPACES, json={"name": "   "}), 400, "name")
    assert_error(account.client.post(SPACES, json={"name": "x" * 101}), 400, "name")


def test_two_different_workspace_ids_in_one_request_are_refused(account: Account) -> None:
    space_id = create_team(account)
    response = account.client.get(f"{SPACES}/{space_id}", params={"workspace_id": account.workspace_id})
    assert_error(response, 400, "two different workspaces")
    same = account.client.get(f"{SPACES}/{space_id}", params={"workspace_id": space_id})
    assert same.json()["space"]["id"] == space_id
