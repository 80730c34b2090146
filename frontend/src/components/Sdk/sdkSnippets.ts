/** The text of the "Connect the SDK" panel; pure so it can be unit tested. */
export const TOKEN_PLACEHOLDER = "<your personal access token>";

export function envSnippet(origin: string, workspaceId: string, token?: string): string {
  return [`COZELOOP_API_BASE_URL=${origin}`, `COZELOOP_WORKSPACE_ID=${workspaceId}`, `COZELOOP_API_TOKEN=${token ?? TOKEN_PLACEHOLDER}`].join("\n");
}

export const PYTHON_SNIPPET = [
  "import cozeloop  # pip install cozeloop",
  "client = cozeloop.new_client()  # reads the COZELOOP_* variables",
  'prompt = client.get_prompt("my.prompt", label="production")  # one you committed under Prompts',
  'print(client.execute_prompt("my.prompt", variable_vals={"question": "Hi"}).message.content)',
  "",
  "# Traces: each span shows up under Observation > Traces about a second after it is sent",
  'with client.start_span("handle_request", "custom") as span:',
  '    span.set_input("Hi")',
  '    span.set_tags({"tenant": "acme"})',
  '    span.set_output("Hello!")',
  "client.flush()  # spans are sent in the background; flush (or close) before exiting",
  "client.close()",
].join("\n");
