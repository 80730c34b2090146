import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { queryKeys } from "../../api/queryKeys";
import { STORAGE_KEYS } from "../../lib/storage";
import { calls, mockFetch, ok, PERSONAL_SPACE, TEAM_SPACE, USER } from "../../test/fetchMock";
import { renderApp } from "../../test/render";

const SETTINGS = "/console/enterprise/personal/space/300/workspace/settings";
const BOB = { ...USER, user_id: "101", name: "bob", email: "bob@example.com" };
const member = (user: typeof USER, role: number) => ({ user, role, joined_at: "1795653081753" });

/** A team workspace where the signed-in user (ada) has `myRole` and bob has `bobRole`; role changes and removals stick. */
function teamServer(myRole: number, bobRole: number) {
  const state = { myRole, left: false };
  const spy = mockFetch({
    "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
    "GET /api/foundation/v1/spaces/300": () => ok({ space: { ...TEAM_SPACE, role: state.myRole } }),
    "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
    "POST /api/foundation/v1/spaces/list": () => ok({ spaces: state.left ? [PERSONAL_SPACE] : [PERSONAL_SPACE, { ...TEAM_SPACE, role: state.myRole }], total: 1 }),
    "POST /api/foundation/v1/spaces/300/members/list": () => ok({ members: [member(USER, state.myRole), member(BOB, bobRole)] }),
    "PUT /api/foundation/v1/spaces/300/members/100": (body) => {
      state.myRole = (body as { role: number }).role;
      return ok({ member: member(USER, state.myRole) });
    },
    "DELETE /api/foundation/v1/spaces/300/members/100": () => {
      state.left = true;
      return ok({});
    },
  });
  return spy;
}

/** The labels of the open Select's options (Semi's options have no computed accessible name in jsdom). */
async function openRoleOptions(ofEmail: string): Promise<HTMLElement[]> {
  await userEvent.click(screen.getByRole("combobox", { name: `Role of ${ofEmail}` }));
  return waitFor(() => {
    const options = screen.getAllByRole("option");
    expect(options.length).toBeGreaterThan(0);
    return options;
  });
}

async function pickRole(ofEmail: string, role: string) {
  const option = (await openRoleOptions(ofEmail)).find((element) => element.textContent === role);
  if (!option) throw new Error(`no option ${role}`);
  await userEvent.click(option);
}

describe("MemberTable", () => {
  it("asks before you demote yourself, then drops your manager controls", async () => {
    // Given an owner on the settings page
    const fetchSpy = teamServer(1, 3);
    renderApp(SETTINGS);
    expect(await screen.findByRole("button", { name: "Invite member" })).toBeInTheDocument();
    await screen.findByRole("combobox", { name: "Role of ada@example.com" });

    // When they make themselves a plain member
    await pickRole("ada@example.com", "Member");

    // Then they are warned first, and nothing is sent until they confirm
    const dialog = await screen.findByRole("dialog", { name: "Make yourself Member?" });
    expect(dialog).toHaveTextContent("You will lose the right to manage members");
    expect(calls(fetchSpy)).not.toContain("PUT /api/foundation/v1/spaces/300/members/100");
    await userEvent.click(within(dialog).getByRole("button", { name: "Change role" }));

    // And after the change the workspace (holding their role) is reloaded, so the manager controls go away
    await waitFor(() => expect(screen.queryByRole("button", { name: "Invite member" })).not.toBeInTheDocument());
    expect(calls(fetchSpy).filter((call) => call === "PUT /api/foundation/v1/spaces/300/members/100")).toHaveLength(1);
    expect(calls(fetchSpy).filter((call) => call === "GET /api/foundation/v1/spaces/300").length).toBeGreaterThan(1);
    expect(screen.queryByRole("combobox", { name: "Role of bob@example.com" })).not.toBeInTheDocument();
  });

  it("offers Leave on your own row and takes you back to a workspace you still belong to", async () => {
    // Given a plain member of a team workspace
    const fetchSpy = teamServer(3, 1);
    const { router, queryClient } = renderApp(SETTINGS);
    const leave = await screen.findByRole("button", { name: "Leave Team" });
    await waitFor(() => expect(window.localStorage.getItem(STORAGE_KEYS.lastSpace)).toBe("300"));
    // Not a manager: nobody else can be removed
    expect(screen.queryByRole("button", { name: /^Remove/ })).not.toBeInTheDocument();

    // When they leave and confirm
    await userEvent.click(leave);
    const dialog = await screen.findByRole("dialog", { name: "Leave workspace?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Leave" }));

    // Then they land on their personal workspace, and the left one is forgotten
    await waitFor(() => expect(router.state.location.pathname).toBe("/console/enterprise/personal/space/200"));
    expect(calls(fetchSpy).filter((call) => call === "DELETE /api/foundation/v1/spaces/300/members/100")).toHaveLength(1);
    await waitFor(() => expect(window.localStorage.getItem(STORAGE_KEYS.lastSpace)).toBe("200"));
    expect(queryClient.getQueryData(queryKeys.space("300"))).toBeUndefined();
    expect(queryClient.getQueryData(queryKeys.members("300"))).toBeUndefined();
  });

  it("shows admins only the roles they can give, and owners read-only", async () => {
    // Given an admin, with bob an owner
    teamServer(2, 1);
    renderApp(SETTINGS);
    await screen.findByRole("combobox", { name: "Role of ada@example.com" });

    // Then bob's row cannot be changed or removed
    expect(screen.queryByRole("combobox", { name: "Role of bob@example.com" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Remove bob@example.com" })).not.toBeInTheDocument();

    // And their own role select does not offer Owner
    const options = await openRoleOptions("ada@example.com");
    expect(options.map((option) => option.textContent)).toEqual(["Admin", "Member"]);
  });
});
