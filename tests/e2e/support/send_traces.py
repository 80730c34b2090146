"""Sends two traces through the real `cozeloop` SDK for the browser tests (tests/e2e/traces.e2e.ts).

Reads COZELOOP_API_BASE_URL, COZELOOP_WORKSPACE_ID and COZELOOP_API_TOKEN like any SDK user, and prints one
JSON line: {"ok": <trace_id>, "failed": <trace_id>}.

- "ok": root span `handle_request` (tag tenant=acme) with a child model span `llm_call` (model_name, tokens,
  ModelInput / ModelOutput payloads).
- "failed": root span `failing_request` (tag tenant=globex) whose error is set with `span.set_error(...)`.

With `--big N` it sends one trace of N spans instead (root `big_request`, N - 1 `step <i>` children, every
tenth with a grandchild) and prints {"big": <trace_id>}.
"""

import json
import sys

import cozeloop
from cozeloop.spec.tracespec import ModelChoice, ModelInput, ModelMessage, ModelOutput


def big(size: int) -> None:
    client = cozeloop.new_client()
    try:
        with client.start_span("big_request", "custom", start_new_trace=True) as root:
            sent = 1
            flushed = 0
            while sent < size:
                with client.start_span(f"step {sent}", "tool", child_of=root) as step:
                    sent += 1
                    if sent % 10 == 0 and sent < size:
                        with client.start_span(f"detail {sent}", "tool", child_of=step):
                            sent += 1
                # The SDK's queue holds 1024 spans and drops new ones when full.
                if sent - flushed >= 500:
                    client.flush()
                    flushed = sent
            trace_id = root.trace_id
        client.flush()
    finally:
        client.close()
    print(json.dumps({"big": trace_id}))  # noqa: T201 - the test reads this line


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        big(int(sys.argv[2]))
        return
    client = cozeloop.new_client()  # configured from the COZELOOP_* environment variables
    try:
        with client.start_span("handle_request", "custom", start_new_trace=True) as root:
            root.set_tags({"tenant": "acme"})
            root.set_input({"question": "What is the weather in Paris?"})
            with client.start_span("llm_call", "model", child_of=root) as llm:
                llm.set_model_provider("openai")
                llm.set_model_name("gpt-4o-mini")
                llm.set_input(
                    ModelInput(
                        messages=[
                            ModelMessage(role="system", content="You are a weather assistant."),
                            ModelMessage(role="user", content="What is the weather in Paris?"),
                        ]
                    )
                )
                llm.set_output(
                    ModelOutput(
                        choices=[
                            ModelChoice(
                                finish_reason="stop",
                                index=0,
                                message=ModelMessage(role="assistant", content="Sunny and 24 degrees.", parts=[]),
                            )
                        ]
                    )
                )
                llm.set_input_tokens(12)
                llm.set_output_tokens(6)
            root.set_output("Sunny and 24 degrees.")
            ok = root.trace_id

        with client.start_span("failing_request", "custom", start_new_trace=True) as failing:
            failing.set_tags({"tenant": "globex"})
            failing.set_input("charge card 4242")
            failing.set_error(RuntimeError("payment service unavailable"))
            failed = failing.trace_id

        client.flush()
    finally:
        client.close()
    print(json.dumps({"ok": ok, "failed": failed}))  # noqa: T201 - the test reads this line


if __name__ == "__main__":
    main()
