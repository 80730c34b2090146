import { describe, expect, it } from "vitest";
import { contentText, imageUrl, previewText, textContent } from "./evalContent";

describe("contents", () => {
  it("reads text, images, parts and cut-off content as a person would", () => {
    expect(contentText(textContent("hi"))).toBe("hi");
    expect(contentText({ content_type: "Image", image: { name: "cat.png", url: "https://x/cat.png" } })).toBe("[image] cat.png");
    expect(contentText({ content_type: "MultiPart", multi_part: [textContent("a"), { content_type: "Image" }] })).toBe("a\n[image]");
    expect(contentText({ content_type: "Text", text: "long", content_omitted: true })).toBe("long…");
    expect(contentText(null)).toBe("");
  });

  it("only links http(s) images", () => {
    expect(imageUrl({ content_type: "Image", image: { url: "https://x/a.png" } })).toBe("https://x/a.png");
    expect(imageUrl({ content_type: "Image", image: { url: "javascript:alert(1)" } })).toBeNull();
    expect(imageUrl(textContent("https://x/a.png"))).toBeNull();
  });

  it("previews one line", () => {
    expect(previewText("a\n  b", 10)).toBe("a b");
    expect(previewText("abcdefghij", 5)).toBe("abcd…");
  });
});
