import { describe, expect, it } from "vitest";
import { ApiError, unwrap } from "./errors";

const response = (status: number) => new Response(null, { status });

describe("unwrap", () => {
  it("returns data on success", async () => {
    await expect(unwrap(Promise.resolve({ data: { code: 0, msg: "", x: 1 }, response: response(200) }))).resolves.toEqual({ code: 0, msg: "", x: 1 });
  });

  it("throws ApiError with the server's status, code and msg", async () => {
    const call = unwrap(Promise.resolve({ error: { code: 409, msg: "taken" }, response: response(409) }));
    await expect(call).rejects.toEqual(new ApiError(409, 409, "taken"));
    await expect(call).rejects.toMatchObject({ status: 409, message: "taken" });
  });

  it("turns a network failure into a readable ApiError", async () => {
    await expect(unwrap(Promise.reject(new TypeError("fetch failed")))).rejects.toMatchObject({ status: 0, message: expect.stringContaining("Could not reach the server") as unknown });
  });
});
