import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PayloadView } from "./PayloadView";

describe("PayloadView", () => {
  it("renders a ModelInput as chat messages, with tool calls, and the raw JSON on demand", () => {
    const raw = JSON.stringify({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "What is the weather in Paris?" },
        { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
      ],
    });
    render(<PayloadView title="Input" raw={raw} />);
    const list = screen.getByRole("list", { name: "Input messages" });
    const messages = within(list).getAllByTestId("chat-message");
    expect(messages).toHaveLength(3);
    expect(messages[0]).toHaveTextContent("system");
    expect(messages[1]).toHaveTextContent("What is the weather in Paris?");
    expect(messages[1]).toHaveClass("loop-chat-role-user");
    expect(within(messages[2]!).getByText("get_weather")).toBeInTheDocument();
    expect(messages[2]!.querySelector("pre")!.textContent).toBe('{\n  "city": "Paris"\n}');

    fireEvent.click(screen.getByRole("checkbox", { name: "Raw" }));
    expect(screen.queryByRole("list", { name: "Input messages" })).not.toBeInTheDocument();
    expect(screen.getByText(raw)).toBeInTheDocument();
  });

  it("renders a ModelOutput's choice as an assistant message with its finish reason", () => {
    render(<PayloadView title="Output" raw={'{"choices":[{"finish_reason":"stop","index":0,"message":{"role":"assistant","content":"Sunny.","parts":[]}}]}'} />);
    const [message] = within(screen.getByRole("list", { name: "Output messages" })).getAllByTestId("chat-message");
    expect(message).toHaveTextContent("assistant");
    expect(message).toHaveTextContent("Sunny.");
    expect(message).toHaveTextContent("finish: stop");
  });

  it("pretty-prints other JSON and shows text as it is", () => {
    const { unmount } = render(<PayloadView title="Input" raw='{"question":"hi"}' />);
    expect(screen.getByRole("region", { name: "Input" }).querySelector("pre")!.textContent).toBe('{\n  "question": "hi"\n}');
    unmount();
    render(<PayloadView title="Output" raw="" />);
    expect(screen.getByText("Empty")).toBeInTheDocument();
  });
});
