import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockFetch, ok, PERSONAL_SPACE, USER } from "../test/fetchMock";
import { renderApp } from "../test/render";

describe("SpaceLayout", () => {
  it("keeps the header mounted while the workspace loads", async () => {
    // Given a workspace that answers only when released
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    mockFetch({
      "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
      "GET /api/foundation/v1/spaces/200": async () => {
        await answered;
        return ok({ space: PERSONAL_SPACE });
      },
      "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    });
    renderApp("/console/enterprise/personal/space/200");
    const menuButton = await screen.findByRole("button", { name: "Account menu" });
    expect(screen.getByText("Loading workspace…")).toBeInTheDocument();

    // When it loads
    release();
    expect(await screen.findByRole("heading", { name: "Connect the SDK" })).toBeInTheDocument();

    // Then the header is the same element (not remounted: open menus and focus survive)
    expect(screen.getByRole("button", { name: "Account menu" })).toBe(menuButton);
  });
});
