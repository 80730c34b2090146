"""The prompt as `/v1/loop/prompts/mget` returns it to the SDK (reference/sdk-contract.md section 5).

The SDK rejects a whole batch on one enum value it does not know, so values it cannot take are mapped down
here: `specific` tool choice becomes `auto`, video parts are left out, image parts carry a plain URL.
"""

from typing import Any

from shared.prompt.entities import ContentPart, Message, PromptDetail
from shared.prompt.models import PromptItem


def _part(part: ContentPart) -> dict[str, Any] | None:
    if part.type in ("text", "multi_part_variable"):
        return {"type": part.type, "text": part.text}
    if part.type == "image_url":
        return {"type": "image_url", "image_url": part.image_url.url if part.image_url else None}
    return None


def _message(message: Message) -> dict[str, Any]:
    parts = [converted for part in message.parts or [] if (converted := _part(part))]
    return {
        "role": message.role,
        "content": message.content,
        "reasoning_content": message.reasoning_content,
        "parts": parts or None,
        "tool_call_id": message.tool_call_id,
        "tool_calls": [call.model_dump(exclude_none=True) for call in message.tool_calls]
        if message.tool_calls
        else None,
        "skip_render": message.skip_render,
    }


def sdk_prompt(prompt: PromptItem, version: str, detail: PromptDetail) -> dict[str, Any]:
    template = detail.prompt_template
    config = detail.model_config_
    tool_choice = detail.tool_call_config.tool_choice if detail.tool_call_config else None
    return {
        "id": str(prompt.prompt_id),
        "workspace_id": str(prompt.workspace_id),
        "prompt_key": prompt.prompt_key,
        "version": version,
        "display_name": prompt.display_name,
        "description": prompt.description,
        "prompt_type": prompt.prompt_type,
        "prompt_template": {
            "template_type": template.template_type,
            "messages": [_message(message) for message in template.messages],
            "variable_defs": [{"key": v.key, "desc": v.desc, "type": v.type} for v in template.variable_defs],
        },
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": tool.function.name,
                    "description": tool.function.description,
                    "parameters": tool.function.parameters,
                },
            }
            for tool in detail.tools
        ],
        "tool_call_config": {"tool_choice": "none" if tool_choice == "none" else "auto"} if tool_choice else None,
        "llm_config": {
            "id": str(config.model_id) if config.model_id is not None else None,
            "temperature": config.temperature,
            "max_tokens": config.max_tokens,
            "top_k": config.top_k,
            "top_p": config.top_p,
            "presence_penalty": config.presence_penalty,
            "frequency_penalty": config.frequency_penalty,
            "json_mode": bool(config.json_mode),
        }
        if config
        else None,
    }
