import { describe, expect, it } from "vitest";
import { cellValue, missingRequired, newItem, turnCount, withCell, withContent } from "./evalSetItems";

const columns = [
  { key: "k1", name: "input", content_type: "Text", isRequired: true },
  { key: "k2", name: "image", content_type: "Image" },
  { key: "k3", name: "notes", content_type: "Text" },
];

const item = {
  item_id: "9",
  turns: [
    {
      id: "t1",
      field_data_list: [
        { key: "k1", name: "input", content: { content_type: "Text" as const, text: "hello" } },
        { key: "k2", name: "image", content: { content_type: "Image" as const, image: { url: "https://x/cat.png", uri: "1/evaluation/cat.png" } } },
      ],
    },
  ],
};

describe("new items", () => {
  it("makes one turn with a cell per filled column; an Image column takes a URL", () => {
    expect(newItem(columns, { input: "hi", image: " https://x/a.png ", notes: "" })).toEqual({
      turns: [
        {
          field_data_list: [
            { key: "k1", name: "input", content: { content_type: "Text", format: 1, text: "hi" } },
            { key: "k2", name: "image", content: { content_type: "Image", image: { url: "https://x/a.png" } } },
          ],
        },
      ],
    });
  });

  it("names the required columns still empty", () => {
    expect(missingRequired(columns, { input: "  " })).toEqual(["input"]);
    expect(missingRequired(columns, { input: "x" })).toEqual([]);
  });

  it("stores an uploaded image by its key, in place of a typed URL", () => {
    const required = [{ ...columns[1]!, isRequired: true }];
    expect(missingRequired(required, {}, { image: { name: "cat.png", uri: "1/evaluation/2/cat.png" } })).toEqual([]);
    expect(newItem(columns, { input: "hi", image: "" }, { image: { name: "cat.png", uri: "1/evaluation/2/cat.png" } }).turns[0]!.field_data_list[1]).toEqual({
      key: "k2",
      name: "image",
      content: { content_type: "Image", image: { name: "cat.png", uri: "1/evaluation/2/cat.png" } },
    });
  });
});

describe("editing a cell", () => {
  it("reads a cell's text or image URL", () => {
    expect(cellValue(item, columns[0]!)).toBe("hello");
    expect(cellValue(item, columns[1]!)).toBe("https://x/cat.png");
    expect(cellValue(item, columns[2]!)).toBe("");
  });

  it("changes one cell and keeps the others (and the turn id) as they were", () => {
    const turns = withCell(item, columns[0]!, "bye");
    expect(turns).toHaveLength(1);
    expect(turns[0]!.id).toBe("t1");
    expect(turns[0]!.field_data_list).toEqual([
      { key: "k1", name: "input", content: { content_type: "Text", format: 1, text: "bye" } },
      { key: "k2", name: "image", content: { content_type: "Image", image: { url: "https://x/cat.png", uri: "1/evaluation/cat.png" } } },
    ]);
  });

  it("adds a cell the item did not have, and works on an item without turns", () => {
    expect(withCell(item, columns[2]!, "n")[0]!.field_data_list.map((cell) => cell.name)).toEqual(["input", "image", "notes"]);
    expect(withCell({ item_id: "1", turns: [] }, columns[0]!, "x")).toEqual([{ field_data_list: [{ key: "k1", name: "input", content: { content_type: "Text", format: 1, text: "x" } }] }]);
  });
});

describe("a multi-turn item", () => {
  const chat = {
    item_id: "7",
    turns: [
      { id: "a", field_data_list: [{ key: "k1", name: "input", content: { content_type: "Text" as const, text: "hi" } }] },
      { id: "b", field_data_list: [{ key: "k1", name: "input", content: { content_type: "Text" as const, text: "and then?" } }] },
    ],
  };

  it("counts its turns and reads a cell of any turn", () => {
    expect(turnCount(chat)).toBe(2);
    expect(turnCount({ turns: [] })).toBe(1);
    expect(cellValue(chat, columns[0]!, 1)).toBe("and then?");
  });

  it("changes a cell of one turn only", () => {
    const turns = withContent(chat, columns[0]!, { content_type: "Text", format: 1, text: "bye" }, 1);
    expect(turns.map((turn) => [turn.id, turn.field_data_list[0]!.content.text])).toEqual([
      ["a", "hi"],
      ["b", "bye"],
    ]);
  });
});
