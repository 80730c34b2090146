import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/errors";
import { ErrorState, FormError } from "./QueryState";

describe("query states", () => {
  it("announces an error once", () => {
    render(<ErrorState title="Could not load members" error={new ApiError(500, 500, "boom")} />);
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    expect(screen.getByRole("alert")).toHaveTextContent("boom");
  });

  it("announces a form error once", () => {
    render(<FormError error={new ApiError(401, 401, "the email or password is incorrect")} />);
    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });
});
