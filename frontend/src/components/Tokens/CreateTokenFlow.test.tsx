import { fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { calls, mockFetch, ok } from "../../test/fetchMock";
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

  it("sends one POST when Enter is pressed twice, and forgets the secret when the dialog closes", async () => {
    // Given a server that takes a while to answer
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    const fetchSpy = mockFetch({
      "POST /api/auth/v1/personal_access_tokens": async () => {
        await answered;
        return ok({ personal_access_token: PAT, token: SECRET });
      },
      "POST /api/auth/v1/personal_access_tokens/list": ok({ personal_access_tokens: [PAT], total: 1 }),
    });
    const { queryClient } = renderWithProviders(<CreateTokenFlow visible onClose={vi.fn()} />);

    // When the user presses Enter twice (and the form is submitted once more while the request is in flight)
    const nameInput = screen.getByLabelText("Token name");
    await userEvent.type(nameInput, "laptop{Enter}{Enter}");
    fireEvent.submit(nameInput.closest("form") as HTMLFormElement);
    await waitFor(() => expect(screen.getByRole("button", { name: "Create" })).toBeDisabled());
    release();

    // Then exactly one token was created
    expect(await screen.findByTestId("new-token-value")).toHaveTextContent(SECRET);
    expect(calls(fetchSpy).filter((call) => call === "POST /api/auth/v1/personal_access_tokens")).toHaveLength(1);

    // And once the dialog closes, the MutationCache no longer holds the secret
    await userEvent.click(screen.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(queryClient.getMutationCache().getAll()).toHaveLength(0));
  });
});
