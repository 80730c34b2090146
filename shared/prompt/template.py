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

Templates are user-written, so a render is bounded in time and memory (see "limits" below): the sandbox is
immutable (no `list.append`), `range()` draws on one budget of iterations per render, a render has a deadline,
no single operation may build a value larger than MAX_RENDERED, and all the text a render produces (output, and
the bodies of filter, set, macro and call blocks, which are buffered before they are joined) counts against one
budget of MAX_PRODUCED characters.
"""

import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, MappingView
from contextvars import ContextVar
from functools import lru_cache, wraps
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from shared.errors import InvalidInput
from shared.prompt.entities import ContentPart, Message, PromptTemplate, VariableDef, VariableVal

if TYPE_CHECKING:
    from jinja2 import Template
    from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_RENDERED = 1_000_000  # characters per rendered message text, and the size bound of any value a template builds
MAX_ITERATIONS = 100_000  # items all range() calls of one render_messages call may produce together
MAX_PRODUCED = 4 * MAX_RENDERED  # characters of text all the messages of one render_messages call may produce
RENDER_DEADLINE_S = 2.0  # wall clock per render_messages call
_MAX_POW_BITS = 100_000  # bound on the bits of `a ** b` and `a * b` for integers, so a template cannot burn CPU

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


class _TooSlow(Exception):
    pass


class _TooManyIterations(Exception):
    pass


class _TooMuchText(Exception):
    pass


class _Limits:
    """The budget of one render_messages call, shared by all its messages."""

    __slots__ = ("deadline", "iterations", "produced")

    def __init__(self) -> None:
        self.deadline = time.monotonic() + RENDER_DEADLINE_S
        self.iterations = 0
        self.produced = 0


_LIMITS: ContextVar[_Limits | None] = ContextVar("prompt_render_limits", default=None)


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

    token = _LIMITS.set(_Limits())
    try:
        results = _render_all(template, defs, supplied, loose_placeholders)
    finally:
        _LIMITS.reset(token)
    results.extend(m.model_copy(deep=True) for m in extra_messages or [])
    return results


def _render_all(
    template: PromptTemplate,
    defs: dict[str, VariableDef],
    supplied: dict[str, Any],
    loose_placeholders: dict[str, list[Message]],
) -> list[Message]:
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
            _tick()
            size += len(chunk)
            if size > MAX_RENDERED:
                raise _TooLarge
            chunks.append(chunk)
    except _TooLarge:
        raise InvalidInput(f"{where}: rendered text exceeds {MAX_RENDERED} characters") from None
    except _TooMuchText:
        raise InvalidInput(f"{where}: the template produces more than {MAX_PRODUCED} characters of text") from None
    except _TooSlow:
        raise InvalidInput(f"{where}: the template took too long to render (over {RENDER_DEADLINE_S:g} s)") from None
    except _TooManyIterations:
        raise InvalidInput(f"{where}: the template loops too much (over {MAX_ITERATIONS} iterations)") from None
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
def _env(template_type: str) -> "ImmutableSandboxedEnvironment":
    from jinja2 import BaseLoader, Undefined, nodes, pass_context
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.runtime import Context
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
    from jinja2.utils import generate_lorem_ipsum, missing, object_type_repr
    from jinja2.visitor import NodeTransformer
    from markupsafe import EscapeFormatter, Markup

    class _GuardNodes(NodeTransformer):
        """Route what the sandbox has no hook for through `environment.call` (which checks sizes and the deadline):
        `for` iterables (an empty-bodied loop over supplied lists runs no other hook), `~` (compiled to a plain
        join), and list/tuple/dict literals (`{% set a = [a, a] %}` repeated builds a value that prints as 2**n).
        Literal template text is made a constant expression, so that it goes through `finalize` (counted) too."""

        def _wrap(self, helper: str, args: list[Any], lineno: int) -> Any:
            call = nodes.Call(nodes.EnvironmentAttribute(helper), args, [], None, None)
            return call.set_lineno(lineno)

        def visit_Output(self, node: Any) -> Any:
            node = self.generic_visit(node)
            node.nodes = [
                nodes.Const(n.data).set_lineno(n.lineno) if isinstance(n, nodes.TemplateData) else n for n in node.nodes
            ]
            return node

        def visit_For(self, node: Any) -> Any:
            node = self.generic_visit(node)
            node.iter = self._wrap("loop_guard", [node.iter], node.lineno)
            return node

        def visit_Concat(self, node: Any) -> Any:
            node = self.generic_visit(node)
            return self._wrap("concat_guard", list(node.nodes), node.lineno)

        def visit_List(self, node: Any) -> Any:
            return self._wrap("value_guard", [self.generic_visit(node)], node.lineno)

        visit_Dict = visit_List

        def visit_Tuple(self, node: Any) -> Any:
            node = self.generic_visit(node)
            return self._wrap("value_guard", [node], node.lineno) if node.ctx == "load" else node

    class _CodeGenerator(CodeGenerator):
        """Count what filter blocks, call blocks and recursive loops write (their results are not `{{ }}` output,
        so `finalize` does not see them): `{% for %}{% filter center(999999) %}{% endfilter %}{% endfor %}`."""

        def start_write(self, frame: Frame, node: Any = None) -> None:
            super().start_write(frame, node)
            self.write("environment.produced(")

        def end_write(self, frame: Frame) -> None:
            self.write(")")
            super().end_write(frame)

    @pass_context  # a context-taking finalize is never run at compile time, so constants are counted when output
    def _finalize(context: Context, value: Any) -> str:
        text = str(value)
        _produced(text)
        return text

    class _Formatter(SandboxedFormatter):
        """`str.format`: no width or precision over MAX_RENDERED, and no more than MAX_RENDERED characters in all."""

        def __init__(self, env: Any, **kwargs: Any) -> None:
            super().__init__(env, **kwargs)
            self._total = 0

        def format_field(self, value: Any, format_spec: str) -> Any:
            _tick()
            if any(int(n) > MAX_RENDERED for n in re.findall(r"\d+", format_spec)):
                raise _TooLarge
            out = super().format_field(value, format_spec)
            self._total += len(out)
            if self._total > MAX_RENDERED:
                raise _TooLarge
            return out

    class _EscapeFormatter(_Formatter, EscapeFormatter):
        pass

    class _Sandbox(ImmutableSandboxedEnvironment):
        """The SDK's env, made immutable (no list.append / dict.update), plus bounds on time and size.

        Every operation that can build a value much larger than its inputs is checked *before* it runs (an
        output cap sees the result only after it was allocated): `*`, `+`, `%`, `**` here; str methods in `call`;
        width-taking filters in _FILTER_CHECKS. Every call, filter and built literal is checked after it runs as
        well, so no value a template holds is over MAX_RENDERED and printing or comparing one stays bounded.
        """

        intercepted_binops = frozenset({"*", "**", "+", "%"})
        code_generator_class = _CodeGenerator

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(finalize=_finalize, **kwargs)
            self.globals["range"] = _range
            self.globals["lipsum"] = _lipsum
            self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}

        def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
            tree = _GuardNodes().visit(super()._parse(source, name, filename))
            tree.set_environment(self)
            return tree

        def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
            _tick()
            _check_binop(operator, left, right)
            return _checked(super().call_binop(context, operator, left, right))

        def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            _tick()
            args = _check_call(__obj, args, kwargs)
            return _checked(super().call(__context, __obj, *args, **kwargs))

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            if super().wrap_str_format(value) is None:
                return None
            f_self = value.__self__
            is_format_map = value.__name__ == "format_map"

            def wrapper(*args: Any, **kwargs: Any) -> str:
                if is_format_map:
                    if kwargs or len(args) != 1:
                        raise TypeError("format_map() takes exactly one argument")
                    kwargs = args[0]
                    args = ()
                formatter = (
                    _EscapeFormatter(self, escape=f_self.escape) if isinstance(f_self, Markup) else _Formatter(self)
                )
                text: str = type(f_self)(formatter.vformat(f_self, args, kwargs))
                return text

            return wrapper

        @staticmethod
        def produced(value: Any) -> Any:
            return _produced(value)

        @staticmethod
        def loop_guard(iterable: Any) -> "_GuardedIter":
            return _GuardedIter(iterable)

        @staticmethod
        def concat_guard(*parts: Any) -> str:
            if sum(_size(p) for p in parts) > MAX_RENDERED:
                raise _TooLarge
            return "".join([str(p) for p in parts])

        @staticmethod
        def value_guard(value: Any) -> Any:
            return value  # checked by `call`

    def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002
        _spend(n * max if isinstance(n, int) and isinstance(max, int) else MAX_ITERATIONS + 1)
        return generate_lorem_ipsum(n, html, min, max)

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


# --- limits ---------------------------------------------------------------------------------------------------


def _tick() -> None:
    limits = _LIMITS.get()
    if limits is not None and time.monotonic() > limits.deadline:
        raise _TooSlow


def _spend(n: int) -> None:
    limits = _LIMITS.get()
    used = n + (limits.iterations if limits is not None else 0)
    if used > MAX_ITERATIONS:
        raise _TooManyIterations
    if limits is not None:
        limits.iterations = used


def _produced(value: Any) -> Any:
    """Charge text a template writes (anywhere: output or a block's buffer) to the render's MAX_PRODUCED budget."""
    limits = _LIMITS.get()
    if limits is not None:
        limits.produced += _size(value, MAX_PRODUCED)
        if limits.produced > MAX_PRODUCED:
            raise _TooMuchText
    return value


def _range(*args: int) -> range:
    """range() with one budget of MAX_ITERATIONS items per render, charged when the range is made."""
    rng = range(*args)
    try:
        n = len(rng)
    except OverflowError:
        n = MAX_ITERATIONS + 1
    _spend(n)
    return rng


class _GuardedIter:
    """A `for` loop's iterable, checking the deadline at each item (and keeping len() for `loop.length`)."""

    __slots__ = ("_it", "_len")

    def __init__(self, iterable: Iterable[Any]) -> None:
        try:
            self._len: int | None = len(iterable)  # type: ignore[arg-type]
        except TypeError:
            self._len = None
        self._it = iter(iterable)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        _tick()
        return next(self._it)

    def __len__(self) -> int:
        if self._len is None:
            raise TypeError("no len()")
        return self._len


def _size(value: Any, limit: int = MAX_RENDERED) -> int:
    """A value's size as printed, roughly (characters; 1 per container item), counting shared parts each time.
    Stops counting past `limit`, so it is cheap on a value built to be huge."""
    total = 0
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str | bytes | bytearray):
            total += len(v)
        elif isinstance(v, bool | float) or v is None:
            total += 1
        elif isinstance(v, int):
            total += v.bit_length() // 3 + 1
        elif isinstance(v, list | tuple | set | frozenset | dict | MappingProxyType):
            total += 1 + len(v)  # each item counts at least 1; bail out before stacking a huge container
            if total > limit:
                return total
            total -= len(v)
            stack.extend(v)
            if isinstance(v, dict | MappingProxyType):  # (a dict view's .mapping is a mappingproxy)
                stack.extend(v.values())
        elif isinstance(v, MappingView):
            stack.append(v.mapping)  # type: ignore[attr-defined]
        else:
            from jinja2.utils import Cycler, Namespace

            if isinstance(v, Namespace):
                stack.append(object.__getattribute__(v, "_Namespace__attrs"))
            elif isinstance(v, Cycler):
                stack.append(v.items)
            total += 1
        if total > limit:
            return total
    return total


def _checked(value: Any) -> Any:
    if _size(value) > MAX_RENDERED:
        raise _TooLarge
    return value


_SEQUENCES = (str, bytes, bytearray, list, tuple)  # the types whose `*` and `+` build a value as large as the result


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > _MAX_POW_BITS:
                raise _TooLarge
            return
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, _SEQUENCES) and isinstance(n, int) and n > 0 and _size(seq) * n > MAX_RENDERED:
                raise _TooLarge
    elif operator == "+":
        if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            if _size(left) + _size(right) > MAX_RENDERED:
                raise _TooLarge
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if left.bit_length() * right > _MAX_POW_BITS:
                raise _TooLarge
    elif operator == "%" and isinstance(left, str | bytes | bytearray):
        _check_percent(left if isinstance(left, str) else left.decode("latin-1"), right)


_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def _check_percent(fmt: str, args: Any) -> None:
    """`fmt % args`: bound widths, precisions and the result (a mapping can be printed by many conversions)."""
    values = list(args.values()) if isinstance(args, dict) else list(args) if isinstance(args, tuple) else [args]
    largest = max((_size(v) for v in values), default=0) + 400  # 400: a float printed with %f
    estimate = len(fmt)
    for match in _PERCENT_SPEC.finditer(fmt):
        numbers = [g for g in match.groups() if g]
        if "*" in numbers:
            numbers += [str(v) for v in values if isinstance(v, int)]
        widths = [int(n) for n in numbers if n != "*"]
        if any(w > MAX_RENDERED for w in widths):
            raise _TooLarge
        estimate += largest + sum(widths)
        if estimate > MAX_RENDERED:
            raise _TooLarge


def _check_call(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Before calling a str method that can build a result much larger than its inputs, estimate the result.
    Returns the args to call with (a generator given to join() is read into a list first, to measure it)."""
    owner = getattr(obj, "__self__", None)
    if not isinstance(owner, str | bytes | bytearray):
        return args
    name = getattr(obj, "__name__", "")
    if name in ("center", "ljust", "rjust", "zfill"):
        if any(isinstance(a, int) and a > MAX_RENDERED for a in (*args, *kwargs.values())):
            raise _TooLarge
    elif name == "expandtabs":
        size = next(iter((*args, *kwargs.values())), 8)
        tabs = owner.count("\t") if isinstance(owner, str) else owner.count(b"\t")
        if isinstance(size, int) and len(owner) + tabs * size > MAX_RENDERED:
            raise _TooLarge
    elif name == "join" and len(args) == 1:
        items = args[0] if isinstance(args[0], list | tuple | str | bytes | bytearray) else list(args[0])
        if _size(items) + len(owner) * len(items) > MAX_RENDERED:
            raise _TooLarge
        args = (items,)
    elif name == "replace" and len(args) >= 2:
        _check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else None)
    elif name == "translate" and args and isinstance(args[0], dict):
        widest = max((_size(v) for v in args[0].values()), default=1)
        if len(owner) * widest > MAX_RENDERED:
            raise _TooLarge
    return args


def _check_replace(s: Any, old: Any, new: Any, count: Any) -> None:
    if not all(isinstance(x, str) for x in (s, old, new)) and not all(
        isinstance(x, bytes | bytearray) for x in (s, old, new)
    ):
        return
    hits = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(s) + hits * max(0, len(new) - len(old)) > MAX_RENDERED:
        raise _TooLarge


def _check_join_filter(a: dict[str, Any]) -> None:
    value = a["value"]
    if not isinstance(value, list | tuple | str | dict):
        a["value"] = value = list(value)
    if _size(value) + len(str(a.get("d", ""))) * len(value) > MAX_RENDERED:
        raise _TooLarge


def _check_center_filter(a: dict[str, Any]) -> None:
    if isinstance(a.get("width"), int) and a["width"] > MAX_RENDERED:
        raise _TooLarge


def _check_indent_filter(a: dict[str, Any]) -> None:
    width = a.get("width", 4)
    if isinstance(width, int) and width > MAX_RENDERED:
        raise _TooLarge
    pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    s = a["s"]
    lines = s.count("\n") + 1 if isinstance(s, str) else _size(s)
    if _size(s) + lines * pad > MAX_RENDERED:
        raise _TooLarge


def _check_wordwrap_filter(a: dict[str, Any]) -> None:
    s = str(a["s"])
    width = a.get("width", 79)
    wrap = a.get("wrapstring")
    lines = len(s) // max(width, 1) + s.count(" ") + s.count("\n") + 1 if isinstance(width, int) else len(s)
    if len(s) + lines * len(str(wrap) if wrap is not None else "\n") > MAX_RENDERED:
        raise _TooLarge


def _check_replace_filter(a: dict[str, Any]) -> None:
    _check_replace(str(a["s"]), str(a["old"]), str(a["new"]), a.get("count"))


def _check_format_filter(a: dict[str, Any]) -> None:
    _check_percent(str(a["value"]), a.get("kwargs") or a.get("args", ()))


def _check_batch_filter(a: dict[str, Any]) -> None:
    if a.get("fill_with") is not None and isinstance(a.get("linecount"), int):
        _spend(a["linecount"])


def _check_slice_filter(a: dict[str, Any]) -> None:
    if isinstance(a.get("slices"), int):
        _spend(a["slices"])


def _check_sum_filter(a: dict[str, Any]) -> None:
    if not isinstance(a.get("start", 0), int | float):  # summing lists copies them over and over
        raise TypeError("sum() adds numbers only")


_FILTER_CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "join": _check_join_filter,
    "center": _check_center_filter,
    "indent": _check_indent_filter,
    "wordwrap": _check_wordwrap_filter,
    "replace": _check_replace_filter,
    "format": _check_format_filter,
    "batch": _check_batch_filter,
    "slice": _check_slice_filter,
    "sum": _check_sum_filter,
}


def _guard_filter(name: str, f: Callable[..., Any]) -> Callable[..., Any]:
    """A filter with the deadline, a size check of its result, and for the amplifying ones a check of its args."""
    import inspect

    check = _FILTER_CHECKS.get(name)
    signature = inspect.signature(f) if check is not None else None
    # jinja's async-variant filters take a context argument that their signature does not show
    params = list(signature.parameters) if signature is not None else []
    skip = int(hasattr(f, "jinja_pass_arg") and params[:1] not in (["context"], ["eval_ctx"], ["environment"]))

    @wraps(f)  # keeps jinja's pass_context / pass_eval_context marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        if check is not None and signature is not None:
            bound = signature.bind(*args[skip:], **kwargs)
            bound.apply_defaults()
            check(bound.arguments)
            args, kwargs = (*args[:skip], *bound.args), bound.kwargs
        return _checked(f(*args, **kwargs))

    return guarded
