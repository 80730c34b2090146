import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, Link, RouterProvider } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { Providers } from "../../app/Providers";
import { createQueryClient } from "../../app/queryClient";
import { LeaveGuard } from "./PromptEditor";

function renderGuard(dirty: boolean) {
  const router = createMemoryRouter(
    [
      {
        path: "/edit",
        element: (
          <>
            <Link to="/list">Back</Link>
            <LeaveGuard dirty={dirty} />
          </>
        ),
      },
      { path: "/list", element: <p>The list</p> },
    ],
    { initialEntries: ["/edit"] },
  );
  render(
    <Providers queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return router;
}

describe("LeaveGuard", () => {
  it("asks before leaving with unsaved changes: Stay keeps the page, Leave goes", async () => {
    const router = renderGuard(true);
    await userEvent.click(screen.getByRole("link", { name: "Back" }));
    expect(await screen.findByText("Leave without saving?")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Stay" }));
    expect(router.state.location.pathname).toBe("/edit");
    await userEvent.click(screen.getByRole("link", { name: "Back" }));
    await userEvent.click(await screen.findByRole("button", { name: "Leave" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/list"));
  });

  it("lets a clean editor go without asking", async () => {
    const router = renderGuard(false);
    await userEvent.click(screen.getByRole("link", { name: "Back" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/list"));
    expect(screen.queryByText("Leave without saving?")).not.toBeInTheDocument();
  });
});
