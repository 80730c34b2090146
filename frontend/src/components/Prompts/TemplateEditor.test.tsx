import { fireEvent, screen, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { emptyDetail, type PromptDetail } from "../../api/prompts";
import { renderWithProviders } from "../../test/render";
import { jsonSchemaProblem, TemplateEditor } from "./TemplateEditor";

function Harness() {
  const [detail, setDetail] = useState<PromptDetail>(emptyDetail());
  return <TemplateEditor detail={detail} onChange={setDetail} models={{ data: [], isPending: false, isError: false, error: null, refetch: () => undefined }} />;
}

describe("TemplateEditor", () => {
  it("lists the variables written in the messages, with editable types", () => {
    renderWithProviders(<Harness />);
    expect(screen.getByText(/No variables/)).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Content of message 2 (user)"), { target: { value: "Weather in {{city}} on {{ day }}?" } });
    const list = screen.getByRole("list", { name: "Variables" });
    expect(within(list).getAllByRole("listitem").map((item) => item.querySelector("code")?.textContent)).toEqual(["city", "day"]);
    expect(screen.getByRole("combobox", { name: "Type of city" })).toBeInTheDocument();

    fireEvent.click(screen.getByRole("button", { name: "Add placeholder" }));
    expect(within(list).getAllByRole("listitem").map((item) => item.querySelector("code")?.textContent)).toEqual(["city", "day", "history"]);
  });

  it("checks a tool's parameters are a JSON object", () => {
    expect(jsonSchemaProblem('{"type":"object"}')).toBeNull();
    expect(jsonSchemaProblem("[1]")).toMatch(/JSON object/);
    expect(jsonSchemaProblem("{nope")).toMatch(/Not valid JSON/);
  });
});
