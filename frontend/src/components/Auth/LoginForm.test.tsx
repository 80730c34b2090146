import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { fail, mockFetch, ok, USER } from "../../test/fetchMock";
import { renderWithProviders } from "../../test/render";
import { LoginForm } from "./LoginForm";

describe("LoginForm", () => {
  it("shows the server's message when the password is wrong, and submits with Enter", async () => {
    // Given a server that rejects the credentials
    const fetchSpy = mockFetch({ "POST /api/foundation/v1/users/login_by_password": fail(401, "the email or password is incorrect") });
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm mode="login" onSuccess={onSuccess} />);

    // When the user types and presses Enter
    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "wrong-password{Enter}");

    // Then the server's sentence is shown as an alert and nobody is signed in
    expect(await screen.findByRole("alert")).toHaveTextContent("the email or password is incorrect");
    expect(onSuccess).not.toHaveBeenCalled();
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it("creates an account in register mode and reports a taken email", async () => {
    mockFetch({ "POST /api/foundation/v1/users/register": fail(409, "an account with the email ada@example.com already exists; sign in instead") });
    renderWithProviders(<LoginForm mode="register" onSuccess={vi.fn()} />);

    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "passw0rd!");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("already exists; sign in instead");
  });

  it("calls onSuccess with the user after signing in", async () => {
    mockFetch({ "POST /api/foundation/v1/users/login_by_password": ok({ user_info: USER }) });
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm mode="login" onSuccess={onSuccess} />);

    await userEvent.type(screen.getByLabelText("Email"), "ada@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "passw0rd!");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));

    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalledTimes(1));
    expect(onSuccess.mock.calls[0]?.[0]).toEqual(USER);
  });
});
