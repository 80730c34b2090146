import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { mockFetch, ok } from "../../test/fetchMock";
import { renderWithProviders } from "../../test/render";
import { CreateTokenFlow } from "./CreateTokenFlow";

const PAT = { id: "1", name: "laptop", created_at: "1795653082", updated_at: "1795653082", last_used_at: "-1", expire_at: "1798245082" };
const SECRET = "pat_1_supersecret";

describe("CreateTokenFlow", () => {
  it("creates a token with the default 30-day expiry and shows the secret once", async () => {
    // Given
    let sent: unknown;
    mockFetch({
      "POST /api/auth/v1/personal_access_tokens": (body) => {
        sent = body;
        return ok({ personal_access_token: PAT, token: SECRET });
      },
      "POST /api/auth/v1/personal_access_tokens/list": ok({ personal_access_tokens: [PAT], total: 1 }),
    });
    const onClose = vi.fn();
    renderWithProviders(<CreateTokenFlow visible onClose={onClose} />);

    // When
    expect(screen.getByLabelText("Expires in")).toHaveTextContent("30 days");
    await userEvent.type(screen.getByLabelText("Token name"), "laptop");
    await userEvent.click(screen.getByRole("button", { name: "Create" }));

    // Then the secret is shown with a copy button
    expect(await screen.findByTestId("new-token-value")).toHaveTextContent(SECRET);
    expect(sent).toEqual({ name: "laptop", duration_day: "30" });
    expect(screen.getByRole("button", { name: "Copy" })).toBeInTheDocument();
    expect(screen.getByText(/will not be able to see it again/)).toBeInTheDocument();

    // And after Done it is gone for good
    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByText(SECRET)).not.toBeInTheDocument());
    expect(onClose).toHaveBeenCalled();
  });
});
