import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { nextPatchVersion } from "../../api/prompts";
import { fail, mockFetch, ok } from "../../test/fetchMock";
import { renderWithProviders } from "../../test/render";
import { CommitModal } from "./CommitModal";

describe("CommitModal", () => {
  it("computes the next patch version", () => {
    expect(nextPatchVersion("")).toBe("0.0.1");
    expect(nextPatchVersion("1.2.9")).toBe("1.2.10");
    expect(nextPatchVersion("v1")).toBe("");
  });

  it("suggests the next version, saves unsaved changes first, and shows the server's 409 msg", async () => {
    const sent: unknown[] = [];
    const spy = mockFetch({
      "POST /api/prompt/v1/labels/list": ok({ labels: [{ key: "production" }, { key: "beta" }], has_more: false, next_page_token: "", prompt_version_mapping: {} }),
      "POST /api/prompt/v1/prompts/7/drafts/save": ok({ draft_info: { base_version: "1.4.2", is_modified: true, updated_at: "1", created_at: "1", user_id: "100" } }),
      "POST /api/prompt/v1/prompts/7/drafts/commit": (body) => {
        sent.push(body);
        return fail(409, "commit_version 1.4.3 must be higher than the latest version 1.4.3");
      },
    });
    const onCommitted = vi.fn();
    const onDraftSaved = vi.fn();
    renderWithProviders(
      <CommitModal spaceId="200" promptId="7" latestVersion="1.4.2" unsaved={{ tools: [] }} onDraftSaved={onDraftSaved} onClose={() => undefined} onCommitted={onCommitted} />,
    );

    const version = await screen.findByLabelText("Version");
    expect(version).toHaveValue("1.4.3");
    await userEvent.type(screen.getByLabelText("Description"), "tweak");
    await userEvent.click(screen.getByRole("button", { name: "Commit" }));

    expect(await screen.findByText("commit_version 1.4.3 must be higher than the latest version 1.4.3")).toBeInTheDocument();
    expect(onCommitted).not.toHaveBeenCalled();
    // The save went through before the commit failed: the editor marks its draft saved.
    expect(onDraftSaved).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([{ commit_version: "1.4.3", commit_description: "tweak", label_keys: [] }]);
    const paths = spy.mock.calls.map(([input]) => new URL((input as Request).url).pathname);
    expect(paths.indexOf("/api/prompt/v1/prompts/7/drafts/save")).toBeLessThan(paths.indexOf("/api/prompt/v1/prompts/7/drafts/commit"));
  });

  it("refuses a version that is not semver", async () => {
    mockFetch({ "POST /api/prompt/v1/labels/list": ok({ labels: [] }) });
    renderWithProviders(<CommitModal spaceId="200" promptId="7" latestVersion="" onClose={() => undefined} onCommitted={() => undefined} />);
    const version = await screen.findByLabelText("Version");
    expect(version).toHaveValue("0.0.1");
    await userEvent.clear(version);
    await userEvent.type(version, "one");
    await waitFor(() => expect(screen.getByRole("button", { name: "Commit" })).toBeDisabled());
    expect(screen.getByText(/major\.minor\.patch/)).toBeInTheDocument();
  });
});
