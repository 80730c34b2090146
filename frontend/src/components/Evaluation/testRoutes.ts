// Shared by the evaluation pages' tests: the signed-in user's workspace routes, plus each test's own.
import { ok, PERSONAL_SPACE, USER, type mockFetch, type MockReply } from "../../test/fetchMock";

type Routes = Parameters<typeof mockFetch>[0];

export const SPACE_PATH = "/console/enterprise/personal/space/200";

/** Any method: the evaluation API also answers PATCH (the mock matches "METHOD /path" whatever the method). */
type AnyRoutes = Record<string, MockReply | ((body: unknown) => MockReply | Promise<MockReply>)>;

export function withWorkspace(extra: AnyRoutes): Routes {
  return {
    "GET /api/foundation/v1/users/session": ok({ user_info: USER }),
    "GET /api/foundation/v1/spaces/200": ok({ space: PERSONAL_SPACE }),
    "POST /api/foundation/v1/spaces/list": ok({ spaces: [PERSONAL_SPACE], total: 1 }),
    ...extra,
  };
}

/** An evaluation set (id 500 in workspace 200) as the server returns it, with `fields` as its draft's columns. */
export function evalSet(fields: unknown[], overrides: { item_count?: string; latest_version?: string; next_version_num?: string; name?: string; description?: string; change_uncommitted?: boolean } = {}) {
  const itemCount = overrides.item_count ?? "2";
  return {
    id: "500",
    workspace_id: "200",
    name: "QA basics",
    description: "",
    status: 1,
    spec: {},
    features: {},
    item_count: itemCount,
    change_uncommitted: false,
    latest_version: "",
    next_version_num: "1",
    base_info: {},
    ...overrides,
    evaluation_set_version: { id: "500", workspace_id: "200", evaluation_set_id: "500", item_count: itemCount, evaluation_set_schema: { field_schemas: fields } },
  };
}

export type { MockReply };
