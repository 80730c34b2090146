import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { CLIP_CHARS, CLIP_MESSAGES, PayloadView, UploadedMedia } from "./PayloadView";

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

  it("cuts a 1 MiB input to its start with Show all, in every view (text, pretty JSON, raw)", () => {
    const huge = `start ${"x".repeat(1024 * 1024)} end`;
    const { unmount } = render(<PayloadView title="Input" raw={huge} />);
    const pre = screen.getByRole("region", { name: "Input" }).querySelector("pre")!;
    expect(pre.textContent.length).toBe(CLIP_CHARS + 1);
    expect(pre.textContent).toMatch(/^start x+…$/);
    expect(screen.getByText(/Showing the first 20,000 of 1\.0 M characters/)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Show all" }));
    expect(screen.getByRole("region", { name: "Input" }).querySelector("pre")!.textContent).toBe(huge);
    expect(screen.queryByRole("button", { name: "Show all" })).not.toBeInTheDocument();
    unmount();

    const json = JSON.stringify({ blob: "y".repeat(1024 * 1024) });
    render(<PayloadView title="Output" raw={json} />);
    const region = screen.getByRole("region", { name: "Output" });
    expect(region.querySelector("pre")!.textContent.length).toBe(CLIP_CHARS + 1);
    fireEvent.click(within(region).getByRole("checkbox", { name: "Raw" }));
    expect(region.querySelector("pre")!.textContent).toBe(`${json.slice(0, CLIP_CHARS)}…`);
  });

  it("cuts a huge chat message and a long chat, each with its own Show all", () => {
    const long = "z".repeat(CLIP_CHARS * 3);
    const messages = [{ role: "user", content: long }, ...Array.from({ length: CLIP_MESSAGES + 20 }, (_, i) => ({ role: "assistant", content: `reply ${i}` }))];
    render(<PayloadView title="Input" raw={JSON.stringify({ messages })} />);
    const list = screen.getByRole("list", { name: "Input messages" });
    const items = within(list).getAllByTestId("chat-message");
    expect(items).toHaveLength(CLIP_MESSAGES);
    expect(items[0]!.textContent.length).toBeLessThan(CLIP_CHARS + 200);
    expect(screen.getByText(`Showing the first ${CLIP_MESSAGES} of ${CLIP_MESSAGES + 21} messages.`)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Show all messages" }));
    expect(within(list).getAllByTestId("chat-message")).toHaveLength(CLIP_MESSAGES + 21);
    fireEvent.click(within(items[0]!).getByRole("button", { name: "Show all" }));
    expect(items[0]).toHaveTextContent(long);
  });

  it("renders multimodal parts: images as thumbnails, files as links, never a javascript: URL", () => {
    const raw = JSON.stringify({
      messages: [
        {
          role: "user",
          content: "",
          parts: [
            { type: "text", text: "Compare these" },
            { type: "image_url", image_url: { name: "map.png", url: "https://example.com/map.png" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "file_url", file_url: { name: "report.pdf", url: "javascript:alert(document.cookie)" } },
          ],
        },
      ],
    });
    render(<PayloadView title="Input" raw={raw} />);
    const [message] = within(screen.getByRole("list", { name: "Input messages" })).getAllByTestId("chat-message");
    expect(message).toHaveTextContent("Compare these");
    const link = within(message!).getByRole("link", { name: "Image: map.png" });
    expect(link).toHaveAttribute("href", "https://example.com/map.png");
    expect(link).toHaveAttribute("rel", "noreferrer noopener");
    const images = message!.querySelectorAll("img");
    expect([...images].map((img) => img.getAttribute("src"))).toEqual(["https://example.com/map.png", "data:image/png;base64,iVBORw0KGgo="]);
    // A data: image shows, but is not a link; the javascript: file is named, not linked.
    expect(within(message!).getAllByRole("link")).toHaveLength(1);
    expect(message).toHaveTextContent("Image: data:image/png;base64,…");
    expect(message).toHaveTextContent("File: report.pdf");
    expect(message!.querySelector('[href^="javascript"]')).toBeNull();
  });

  it("shows tool calls (name, id, pretty arguments) and tool replies, and non-JSON arguments as they are", () => {
    const raw = JSON.stringify({
      messages: [
        { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "city=Paris" } }, { id: "call_2", function: {} }] },
        { role: "tool", tool_call_id: "call_1", content: "24C" },
      ],
    });
    render(<PayloadView title="Input" raw={raw} />);
    const [call, reply] = within(screen.getByRole("list", { name: "Input messages" })).getAllByTestId("chat-message");
    expect(call).toHaveTextContent("Tool call get_weather (call_1)");
    expect(call!.querySelector("pre")!.textContent).toBe("city=Paris");
    expect(call).toHaveTextContent("Tool call (unnamed) (call_2)");
    expect(reply).toHaveTextContent("reply to call_1");
    expect(reply).toHaveTextContent("24C");
  });

  it("starts clipped again for another payload (Show all does not carry over to the next span)", () => {
    const first = `first ${"a".repeat(CLIP_CHARS * 2)}`;
    const second = `second ${"b".repeat(CLIP_CHARS * 2)}`;
    const { rerender } = render(<PayloadView title="Input" raw={first} />);
    fireEvent.click(screen.getByRole("button", { name: "Show all" }));
    expect(screen.getByRole("region", { name: "Input" }).querySelector("pre")!.textContent).toBe(first);
    rerender(<PayloadView title="Input" raw={second} />);
    expect(screen.getByRole("region", { name: "Input" }).querySelector("pre")!.textContent).toBe(`${second.slice(0, CLIP_CHARS)}…`);
    expect(screen.getByRole("button", { name: "Show all" })).toBeInTheDocument();
  });

  it("shows an image the SDK uploaded through the URL the server signed for its key", () => {
    const key = "0123_abcd_input_image_3e4fb017d9259332";
    const raw = JSON.stringify({ messages: [{ role: "user", parts: [{ type: "image_url", image_url: { name: "cat.png", url: key } }] }] });
    render(
      <UploadedMedia.Provider value={{ [key]: "https://files.example.com/signed-cat" }}>
        <PayloadView title="Input" raw={raw} />
      </UploadedMedia.Provider>,
    );
    expect(screen.getByRole("link", { name: /cat\.png/ })).toHaveAttribute("href", "https://files.example.com/signed-cat");
  });
});
