/** The text of the "Connect the SDK" panel; pure so it can be unit tested. */
export const TOKEN_PLACEHOLDER = "<your personal access token>";

export function envSnippet(origin: string, workspaceId: string, token?: string): string {
  return [`COZELOOP_API_BASE_URL=${origin}`, `COZELOOP_WORKSPACE_ID=${workspaceId}`, `COZELOOP_API_TOKEN=${token ?? TOKEN_PLACEHOLDER}`].join("\n");
}

export const PYTHON_SNIPPET = [
  "import cozeloop  # pip install cozeloop",
  "client = cozeloop.new_client()  # reads the COZELOOP_* variables",
  'with client.start_span("hello", "custom") as span:',
  '    span.set_input("Hi"); span.set_output("Hello from Loop")',
  "client.close()  # sends pending spans (accepted once the Observation module lands)",
].join("\n");
