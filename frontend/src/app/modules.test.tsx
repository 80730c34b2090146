import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SideNav } from "../components/Layout/SideNav";
import { mockFetch, ok, PERSONAL_SPACE, USER } from "../test/fetchMock";
import { renderApp, renderWithProviders } from "../test/render";
import { MODULE_GROUPS, MODULE_ITEMS } from "./modules";

describe("module registry", () => {
  it("declares the upstream groups and items", () => {
    expect(MODULE_GROUPS.map((g) => g.label)).toEqual(["Prompt engineering", "Evaluation", "Observation", "Tags"]);
    expect(MODULE_ITEMS.map((i) => i.label)).toEqual(["Prompts", "Playground", "Datasets", "Evaluators", "Experiments", "Traces", "Metrics", "Tags"]);
    for (const item of MODULE_ITEMS) if (item.status === "ready") expect(item.page).toBeDefined();
  });

  it("produces one nav link per item, planned ones marked Soon", () => {
    renderWithProviders(<SideNav spaceId="200" />);
    const nav = screen.getByRole("navigation", { name: "Main" });
    for (const item of MODULE_ITEMS) {
      const link = within(nav).getByRole("link", { name: item.label });
      expect(link).toHaveAttribute("href", `/console/enterprise/personal/space/200/${item.path}`);
      if (item.status === "planned") expect(link).toHaveAccessibleDescription("Soon");
    }
  });

  it("routes a planned item to a coming-soon page", async () => {
    mockFetch({
      "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
      "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
      "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    });
    renderApp("/console/enterprise/personal/space/200/tag/tag");
    expect(await screen.findByRole("heading", { name: "Tags", level: 1 })).toBeInTheDocument();
    expect(screen.getByText(/coming soon/)).toBeInTheDocument();
  });
});
