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

export type { MockReply };
