import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { fail, mockFetch, ok, PERSONAL_SPACE, USER } from "../test/fetchMock";
import { renderApp } from "../test/render";

const TRACES = "/console/enterprise/personal/space/200/observation/traces";

describe("auth guard", () => {
  it("sends a visitor without a session to sign-in, keeping where they were going", async () => {
    // Given no session
    mockFetch({ "GET /api/foundation/v1/users/session": fail(401, "sign in first") });

    // When they open an app URL
    const { router } = renderApp(TRACES);

    // Then they land on sign-in with ?redirect= back
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/console/auth/login");
    expect(new URLSearchParams(router.state.location.search).get("redirect")).toBe(TRACES);
  });

  it("sends the user to sign-in when any other call answers 401 (session expired)", async () => {
    mockFetch({
      "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
      "GET /api/foundation/v1/spaces/200": fail(401, "the session has expired"),
      "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    });
    const { router } = renderApp(TRACES);
    await waitFor(() => expect(router.state.location.pathname).toBe("/console/auth/login"));
    expect(new URLSearchParams(router.state.location.search).get("redirect")).toBe(TRACES);
  });

  it("shows a clear page for a workspace the user cannot see", async () => {
    mockFetch({
      "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
      "GET /api/foundation/v1/spaces/999": fail(404, "workspace 999 not found"),
      "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    });
    renderApp("/console/enterprise/personal/space/999");
    expect(await screen.findByText("Workspace not found or you are not a member")).toBeInTheDocument();
  });

  it("redirects / to the personal workspace", async () => {
    mockFetch({
      "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
      "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
      "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    });
    const { router } = renderApp("/");
    expect(await screen.findByRole("heading", { name: "Connect the SDK" })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe("/console/enterprise/personal/space/200");
    expect(screen.getByText(/COZELOOP_WORKSPACE_ID=200/)).toBeInTheDocument();
  });
});
