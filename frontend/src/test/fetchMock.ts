import { vi } from "vitest";

export interface MockReply {
  status?: number;
  body: unknown;
}

type Route = `${"GET" | "POST" | "PUT" | "DELETE"} ${string}`;

/** Stub global fetch with a table of "METHOD /path" → reply; unknown calls answer 404. Returns the spy. */
export function mockFetch(routes: Partial<Record<Route, MockReply | ((body: unknown) => MockReply | Promise<MockReply>)>>) {
  const spy = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const key = `${request.method} ${new URL(request.url).pathname}` as Route;
    const text = await request.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    const entry = routes[key];
    const reply = typeof entry === "function" ? await entry(body) : (entry ?? { status: 404, body: { code: 404, msg: `no mock for ${key}` } });
    return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers: { "content-type": "application/json" } });
  });
  vi.stubGlobal("fetch", spy);
  return spy;
}

export const USER = {
  user_id: "100",
  name: "ada",
  nick_name: "",
  avatar_url: "",
  email: "ada@example.com",
  mobile: "",
  description: "",
};

export const PERSONAL_SPACE = {
  id: "200",
  name: "ada's workspace",
  description: "",
  space_type: 1,
  owner_user_id: "100",
  role: 1,
  create_at: "1795653081753",
  update_at: "1795653081753",
  enterprise_id: "",
  organization_id: "",
};

export const TEAM_SPACE = {
  ...PERSONAL_SPACE,
  id: "300",
  name: "Team",
  space_type: 2,
  owner_user_id: "100",
};

export const ok = (fields: Record<string, unknown>): MockReply => ({ body: { code: 0, msg: "", ...fields } });
export const fail = (status: number, msg: string): MockReply => ({ status, body: { code: status, msg } });

/** Calls the spy received as "METHOD /path" (in order), to assert on what was sent. */
export function calls(spy: ReturnType<typeof mockFetch>): string[] {
  return spy.mock.calls.map(([input]) => {
    const request = input instanceof Request ? input : new Request(input);
    return `${request.method} ${new URL(request.url).pathname}`;
  });
}
