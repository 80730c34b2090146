"""Prompt template rendering, in parity with the cozeloop SDK's client-side `prompt_format`.

The server's execute/debug must give the same messages the SDK would give, so this mirrors
`cozeloop/internal/prompt/prompt.py`, quirks included:

- `normal`: a sandboxed Jinja2 env with `{{ }}`; every defined variable is passed (unsupplied ones as `""`); a
  name that is not defined prints back as `{{name}}`; a trailing newline is kept.
- `jinja2`: a plain sandboxed Jinja2 env; only defined *and* supplied variables are passed (others print `""`);
  Jinja2's default drops one trailing newline.
- placeholder messages are replaced by the supplied messages, unrendered, and dropped when none are supplied.
- multi-part: text parts are rendered, `multi_part_variable` parts are replaced by the supplied parts, then parts
  with no text and no image (or video) are dropped.
- `skip_render` messages (a console feature the SDK does not know) are passed through untouched.

Values arrive as the execute API carries them: strings in `value`, other types JSON-encoded in `value`,
messages in `placeholder_messages`, parts in `multi_part_values`. They are decoded per the variable's declared
type, so `{{ n + 1 }}` works and `True`/`3` print as Python's `str()` does, as on the client.

jinja2 is imported lazily (cold start).
"""

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from shared.errors import InvalidInput
from shared.prompt.entities import ContentPart, Message, PromptTemplate, VariableDef, VariableVal

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

MAX_RENDERED = 1_000_000  # characters per rendered message text
_MAX_POW_BITS = 100_000  # bound on `a ** b` for integers, so a template cannot burn CPU on huge numbers

_EXPECTED = {
    "boolean": "a boolean",
    "integer": "an integer",
    "float": "a float",
    "object": "an object",
    "array<string>": "an array of strings",
    "array<boolean>": "an array of booleans",
    "array<integer>": "an array of integers",
    "array<float>": "an array of floats",
    "array<object>": "an array of objects",
}


class _TooLarge(Exception):
    pass


def render_messages(
    template: PromptTemplate, values: list[VariableVal], extra_messages: list[Message] | None = None
) -> list[Message]:
    """Render `template` with `values` (as execute/debug receive them), then append `extra_messages` unrendered."""
    defs = {d.key: d for d in template.variable_defs}
    supplied: dict[str, Any] = {}
    loose_placeholders: dict[str, list[Message]] = {}  # the SDK expands placeholders even for undefined names
    for val in values:
        vdef = defs.get(val.key)
        if vdef is None:
            if val.placeholder_messages:
                loose_placeholders[val.key] = val.placeholder_messages
            continue
        present, converted = _convert(vdef, val)
        if present:
            supplied[val.key] = converted
        else:
            supplied.pop(val.key, None)

    results: list[Message] = []
    for i, message in enumerate(template.messages):
        where = f"prompt_template.messages[{i}]"
        if message.role == "placeholder":
            name = message.content or ""
            expansion = supplied.get(name) if name in defs else loose_placeholders.get(name)
            if isinstance(expansion, list):
                results.extend(m.model_copy(deep=True) for m in expansion if isinstance(m, Message))
            continue
        out = message.model_copy(deep=True)
        if not message.skip_render:
            if out.content:
                out.content = _render_text(template.template_type, out.content, defs, supplied, where)
            if out.parts:
                out.parts = _format_parts(template.template_type, out.parts, defs, supplied, where)
        results.append(out)

    results.extend(m.model_copy(deep=True) for m in extra_messages or [])
    return results


def check_template(template: PromptTemplate) -> None:
    """Raise InvalidInput if `template` could not be rendered: bad syntax, duplicate or mistyped variables."""
    types: dict[str, str] = {}
    for i, vdef in enumerate(template.variable_defs):
        if vdef.key in types:
            raise InvalidInput(f"prompt_template.variable_defs[{i}]: duplicate variable key '{vdef.key}'")
        types[vdef.key] = vdef.type

    for i, message in enumerate(template.messages):
        where = f"prompt_template.messages[{i}]"
        if message.role == "placeholder":
            if types.get(message.content or "") != "placeholder":
                raise InvalidInput(
                    f"{where}: placeholder names {message.content!r}, which is not a variable of type placeholder"
                )
            continue
        if message.skip_render:
            continue
        if message.content:
            _compile_checked(template.template_type, message.content, where)
        for j, part in enumerate(message.parts or []):
            part_where = f"{where}.parts[{j}]"
            if part.type == "text" and part.text:
                _compile_checked(template.template_type, part.text, part_where)
            elif part.type == "multi_part_variable" and types.get(part.text or "") != "multi_part":
                raise InvalidInput(
                    f"{part_where}: multi_part_variable names {part.text!r}, which is not a variable of type multi_part"
                )


# --- values ---------------------------------------------------------------------------------------------------


def _convert(vdef: VariableDef, val: VariableVal) -> tuple[bool, Any]:
    """Decode one supplied value per its declared type. Returns (supplied?, value)."""
    name = f"variable_vals.{vdef.key}"
    if vdef.type == "placeholder":
        if val.multi_part_values or (val.value is not None and not val.placeholder_messages):
            raise InvalidInput(f"{name}: expected messages (placeholder_messages), got {_got(val)}")
        return (val.placeholder_messages is not None, val.placeholder_messages)
    if vdef.type == "multi_part":
        if val.placeholder_messages or (val.value is not None and not val.multi_part_values):
            raise InvalidInput(f"{name}: expected content parts (multi_part_values), got {_got(val)}")
        return (val.multi_part_values is not None, val.multi_part_values)
    if val.placeholder_messages or val.multi_part_values:
        expected = "a string" if vdef.type == "string" else _EXPECTED[vdef.type]
        raise InvalidInput(f"{name}: expected {expected}, got {_got(val)}")
    if val.value is None:
        return (False, None)
    if vdef.type == "string":
        return (True, val.value)

    expected = _EXPECTED[vdef.type]
    try:
        parsed = json.loads(val.value)
    except ValueError:
        raise InvalidInput(f"{name}: expected {expected}, got {_short(val.value)}") from None
    if parsed is None:  # the SDK skips its type check for None and prints "None"
        return (True, None)
    ok, converted = _check_type(vdef.type, parsed)
    if not ok:
        raise InvalidInput(f"{name}: expected {expected}, got {_short(val.value)}")
    return (True, converted)


def _check_type(vtype: str, v: Any) -> tuple[bool, Any]:
    if vtype.startswith("array<"):
        if not isinstance(v, list):
            return (False, None)
        items = [_check_scalar(vtype[6:-1], item) for item in v]
        return (all(ok for ok, _ in items), [item for _, item in items])
    return _check_scalar(vtype, v)


def _check_scalar(vtype: str, v: Any) -> tuple[bool, Any]:
    if vtype == "boolean":
        return (isinstance(v, bool), v)
    if vtype == "integer":  # as the SDK's isinstance(v, int): a boolean passes
        return (isinstance(v, int), v)
    if vtype == "float":  # JSON does not keep 3.0 apart from 3; take integers and print them as floats
        return (isinstance(v, int | float) and not isinstance(v, bool), float(v) if isinstance(v, int) else v)
    if vtype == "object":
        return (isinstance(v, dict), v)
    if vtype == "string":
        return (isinstance(v, str), v)
    return (False, None)


def _got(val: VariableVal) -> str:
    if val.placeholder_messages:
        return "messages"
    if val.multi_part_values:
        return "content parts"
    return _short(val.value or "")


def _short(text: str) -> str:
    return repr(text if len(text) <= 50 else text[:50] + "...")


# --- rendering ------------------------------------------------------------------------------------------------


def _format_parts(
    template_type: str, parts: list[ContentPart], defs: dict[str, VariableDef], supplied: dict[str, Any], where: str
) -> list[ContentPart]:
    formatted: list[ContentPart] = []
    for j, part in enumerate(parts):
        if part.type == "text" and part.text is not None:
            part.text = _render_text(template_type, part.text, defs, supplied, f"{where}.parts[{j}]")
            formatted.append(part)
        elif part.type == "multi_part_variable" and part.text is not None:
            vdef = defs.get(part.text)
            value = supplied.get(part.text)
            if vdef is not None and vdef.type == "multi_part" and isinstance(value, list):
                formatted.extend(p.model_copy(deep=True) for p in value if isinstance(p, ContentPart))
        else:
            formatted.append(part)
    # The SDK keeps parts with text or an image; video parts (which its entities lack) are kept as well.
    return [p for p in formatted if p.text is not None or p.image_url is not None or p.video_url is not None]


def _render_text(
    template_type: str, source: str, defs: dict[str, VariableDef], supplied: dict[str, Any], where: str
) -> str:
    from jinja2.exceptions import SecurityError, TemplateError

    template = _compile_checked(template_type, source, where)
    if template_type == "normal":
        render_vars = {k: supplied.get(k, "") for k in defs}
    else:
        render_vars = {k: supplied[k] for k in defs if k in supplied}
    chunks: list[str] = []
    size = 0
    try:
        for chunk in template.generate(**render_vars):
            size += len(chunk)
            if size > MAX_RENDERED:
                raise _TooLarge
            chunks.append(chunk)
    except _TooLarge:
        raise InvalidInput(f"{where}: rendered text exceeds {MAX_RENDERED} characters") from None
    except SecurityError as e:
        raise InvalidInput(f"{where}: unsafe template: {e}") from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError) as e:
        raise InvalidInput(f"{where}: template render failed: {e}") from None
    return "".join(chunks)


def _compile_checked(template_type: str, source: str, where: str) -> "Template":
    from jinja2.exceptions import TemplateSyntaxError

    try:
        return _compile(template_type, source)
    except TemplateSyntaxError as e:
        raise InvalidInput(f"{where}: invalid template syntax: {e.message} (line {e.lineno})") from None


@lru_cache(maxsize=512)
def _compile(template_type: str, source: str) -> "Template":
    return _env(template_type).from_string(source)


@lru_cache(maxsize=2)
def _env(template_type: str) -> "SandboxedEnvironment":
    from jinja2 import BaseLoader, Undefined
    from jinja2.runtime import Context
    from jinja2.sandbox import SandboxedEnvironment
    from jinja2.utils import missing, object_type_repr

    class _Sandbox(SandboxedEnvironment):
        # The SDK's env, plus caps on operators that can build huge values without printing them.
        intercepted_binops = frozenset({"*", "**", "+"})

        def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
            _check_binop(operator, left, right)
            return super().call_binop(context, operator, left, right)

    if template_type != "normal":
        return _Sandbox()

    class _KeepUndefined(Undefined):
        """The SDK's CustomUndefined: an undefined name prints back as `{{name}}`."""

        __slots__ = ()

        def __str__(self) -> str:
            if self._undefined_hint:
                message = f"undefined value printed: {self._undefined_hint}"
            elif self._undefined_obj is missing:
                message = str(self._undefined_name)
            else:
                message = f"no such element: {object_type_repr(self._undefined_obj)}[{self._undefined_name!r}]"
            return f"{{{{{message}}}}}"

    return _Sandbox(
        loader=BaseLoader(),
        undefined=_KeepUndefined,
        variable_start_string="{{",
        variable_end_string="}}",
        keep_trailing_newline=True,
    )


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_RENDERED:
                raise _TooLarge
    elif operator == "+":
        if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            if len(left) + len(right) > MAX_RENDERED:
                raise _TooLarge
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if left.bit_length() * right > _MAX_POW_BITS:
                raise _TooLarge
