/** An error answered by the server (or a network failure, status 0). `msg` is meant for the user as-is. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: number;

  constructor(status: number, code: number, msg: string) {
    super(msg);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The sentence to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Please try again.";
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function readMsg(body: unknown): { code?: number; msg?: string } {
  if (typeof body === "object" && body !== null) {
    const { code, msg } = body as { code?: unknown; msg?: unknown };
    return {
      code: typeof code === "number" ? code : undefined,
      msg: typeof msg === "string" && msg ? msg : undefined,
    };
  }
  return {};
}

/** Turn an openapi-fetch result into its data, or throw an ApiError carrying the server's msg. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError(0, -1, "Could not reach the server. Check your connection and try again.");
  }
  const { data, error, response } = result;
  if (response.ok && data !== undefined) return data;
  const { code, msg } = readMsg(error ?? data);
  const status = response.ok ? 500 : response.status;
  throw new ApiError(status, code ?? status, msg ?? `The server answered ${response.status} ${response.statusText}`.trim());
}
