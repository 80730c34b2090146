"""The template renderer: parity with the cozeloop SDK's own prompt_format, type decoding, checks, sandbox."""

import time
import tracemalloc
from typing import Any

import pytest
from cozeloop.entities.prompt import ContentPart as SdkPart
from cozeloop.entities.prompt import Message as SdkMessage
from cozeloop.entities.prompt import Prompt as SdkPrompt
from cozeloop.entities.prompt import PromptTemplate as SdkTemplate
from cozeloop.entities.prompt import VariableDef as SdkVarDef
from cozeloop.internal.prompt.prompt import PromptProvider

from shared.errors import InvalidInput
from shared.prompt import template as template_module
from shared.prompt.entities import ContentPart, ImageURL, Message, PromptTemplate, VariableDef, VariableVal
from shared.prompt.template import MAX_PRODUCED, MAX_RENDERED, check_template, render_messages

# --- parity harness -------------------------------------------------------------------------------------------


def _offline_provider() -> PromptProvider:
    """The SDK's PromptProvider without its HTTP client, cache or tracer: formatting is pure."""
    provider = object.__new__(PromptProvider)
    provider.workspace_id = "1"
    provider.prompt_trace = False
    provider.trace_provider = None  # type: ignore[assignment]
    return provider


def _ours_part(p: dict[str, Any]) -> dict[str, Any]:
    p = {k: v for k, v in p.items() if k != "base64_data"}
    if isinstance(p.get("image_url"), str):
        p["image_url"] = {"url": p["image_url"]}
    return p


def _ours_message(m: dict[str, Any]) -> dict[str, Any]:
    m = dict(m)
    if m.get("parts") is not None:
        m["parts"] = [_ours_part(p) for p in m["parts"]]
    return m


def _normal(messages: list[Message] | list[SdkMessage]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for m in messages:
        d = m.model_dump(mode="json")
        parts = None
        if d.get("parts") is not None:
            parts = []
            for p in d["parts"]:
                url = p.get("image_url")
                parts.append((p["type"], p.get("text"), url["url"] if isinstance(url, dict) else url))
        out.append((d["role"], d.get("content"), parts))
    return out


def _both(
    template_type: str, messages: list[dict[str, Any]], defs: list[tuple[str, str]], variables: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Render with the real SDK (prompt_format) and with ours, fed values as the SDK's execute sends them."""
    provider = _offline_provider()
    sdk_prompt = SdkPrompt(
        prompt_key="demo",
        version="0.0.1",
        prompt_template=SdkTemplate(
            template_type=template_type,
            messages=[SdkMessage(**m) for m in messages],
            variable_defs=[SdkVarDef(key=k, desc="", type=t) for k, t in defs],
        ),
    )
    sdk_out = provider.prompt_format(sdk_prompt, variables)

    request = provider._build_execute_request(prompt_key="demo", variable_vals=variables)
    wire = [v.model_dump(mode="json") for v in request.variable_vals or []]
    values = [
        VariableVal.model_validate(
            {
                **v,
                "placeholder_messages": [_ours_message(m) for m in v["placeholder_messages"] or []] or None,
                # Our ContentPart has no base64_data type (upload first); the SDK drops such parts anyway.
                "multi_part_values": [_ours_part(p) for p in v["multi_part_values"] or [] if p["type"] != "base64_data"]
                or None,
            }
        )
        for v in wire
    ]
    template = PromptTemplate.model_validate(
        {
            "template_type": template_type,
            "messages": [_ours_message(m) for m in messages],
            "variable_defs": [{"key": k, "type": t} for k, t in defs],
        }
    )
    check_template(template)
    return _normal(sdk_out), _normal(render_messages(template, values))


NORMAL_MESSAGES = [
    {"role": "system", "content": "You are a helpful {{persona}}. Undefined var stays: {{ not_defined }}."},
    {"role": "placeholder", "content": "history"},
    {"role": "user", "content": "Question: {{ question }} (n={{n}})"},
]
NORMAL_DEFS = [("persona", "string"), ("question", "string"), ("n", "integer"), ("history", "placeholder")]


def test_parity_captured_normal_case() -> None:
    sdk, ours = _both(
        "normal",
        NORMAL_MESSAGES,
        NORMAL_DEFS,
        {
            "persona": "bot",
            "question": "weather in Paris?",
            "n": 3,
            "history": [SdkMessage(role="user", content="hi"), SdkMessage(role="assistant", content="hello")],
            "not_in_defs": "ignored",
        },
    )
    assert ours == sdk
    assert ours == [
        ("system", "You are a helpful bot. Undefined var stays: {{not_defined}}.", None),
        ("user", "hi", None),
        ("assistant", "hello", None),
        ("user", "Question: weather in Paris? (n=3)", None),
    ]


def test_parity_unsupplied_defined_var_and_missing_placeholder() -> None:
    sdk, ours = _both("normal", NORMAL_MESSAGES, NORMAL_DEFS, {"persona": "bot", "question": "q"})
    assert ours == sdk
    assert ours == [
        ("system", "You are a helpful bot. Undefined var stays: {{not_defined}}.", None),
        ("user", "Question: q (n=)", None),
    ]


def test_parity_captured_jinja2_case() -> None:
    sdk, ours = _both(
        "jinja2",
        [{"role": "user", "content": "{% for i in items %}- {{ i }}\n{% endfor %}total={{ n + 1 }} flag={{ flag }}"}],
        [("items", "array<string>"), ("n", "integer"), ("flag", "boolean")],
        {"items": ["a", "b"], "n": 1, "flag": True},
    )
    assert ours == sdk
    assert ours == [("user", "- a\n- b\ntotal=2 flag=True", None)]


def test_parity_captured_multi_part_case() -> None:
    messages = [
        {
            "role": "user",
            "parts": [
                {"type": "text", "text": "Describe: {{ thing }}"},
                {"type": "multi_part_variable", "text": "media"},
                {"type": "multi_part_variable", "text": "unsupplied"},
            ],
        }
    ]
    sdk, ours = _both(
        "normal",
        messages,
        [("thing", "string"), ("media", "multi_part"), ("unsupplied", "multi_part")],
        {
            "thing": "a cat",
            "media": [
                SdkPart(type="image_url", image_url="https://example.com/cat.png"),
                SdkPart(type="base64_data", base64_data="aGk="),
                SdkPart(type="text", text="second part {{ thing }}"),
            ],
        },
    )
    assert ours == sdk
    assert ours == [
        (
            "user",
            None,
            [
                ("text", "Describe: a cat", None),
                ("image_url", None, "https://example.com/cat.png"),
                ("text", "second part {{ thing }}", None),  # supplied parts are not rendered
            ],
        )
    ]


@pytest.mark.parametrize(
    ("template_type", "content", "defs", "variables"),
    [
        (
            "normal",
            "{% if flag %}yes{% else %}no{% endif %} {{ name|upper }}\n",
            [("flag", "boolean"), ("name", "string")],
            {"flag": False, "name": "ann"},
        ),
        ("jinja2", "{{ name }}\n", [("name", "string")], {"name": "trailing newline dropped"}),
        ("jinja2", "[{{ missing }}] {{ undefined_name }}", [("missing", "string")], {}),
        (
            "normal",
            "{{ f }} {{ xs }} {{ obj }} {{ b }} {{ i }}",
            [("f", "float"), ("xs", "array<integer>"), ("obj", "object"), ("b", "boolean"), ("i", "integer")],
            {"f": 2.5, "xs": [1, 2], "obj": {"a": [1, None]}, "b": True, "i": 7},
        ),
        (
            "jinja2",
            "{{ obj.a[0] + xs|sum }} {{ fs|join(',') }} {{ objs[1].k }}",
            [("obj", "object"), ("xs", "array<integer>"), ("fs", "array<float>"), ("objs", "array<object>")],
            {"obj": {"a": [1]}, "xs": [1, 2], "fs": [1.5, 2.0], "objs": [{}, {"k": "v"}]},
        ),
        (
            "normal",
            "{{ nothing_here }} and {{nothing_here}} and {{ s }}",
            [("s", "string")],
            {"s": "{{ not rendered }}"},
        ),
        ("jinja2", "{{ i * 2 }} {{ bs }}", [("i", "integer"), ("bs", "array<boolean>")], {"i": True, "bs": [True]}),
    ],
)
def test_parity_more_templates(
    template_type: str, content: str, defs: list[tuple[str, str]], variables: dict[str, Any]
) -> None:
    sdk, ours = _both(template_type, [{"role": "user", "content": content}], defs, variables)
    assert ours == sdk


def test_normal_and_jinja2_trailing_newline_quirk() -> None:
    _, normal = _both("normal", [{"role": "user", "content": "{{ a }}\n"}], [("a", "string")], {"a": "x"})
    _, jinja = _both("jinja2", [{"role": "user", "content": "{{ a }}\n"}], [("a", "string")], {"a": "x"})
    assert normal[0][1] == "x\n"
    assert jinja[0][1] == "x"


# --- value decoding -------------------------------------------------------------------------------------------


def _one(template_type: str, content: str, defs: list[tuple[str, str]], values: list[VariableVal]) -> str | None:
    template = PromptTemplate(
        template_type=template_type,  # type: ignore[arg-type]
        messages=[Message(role="user", content=content)],
        variable_defs=[VariableDef(key=k, type=t) for k, t in defs],  # type: ignore[arg-type]
    )
    return render_messages(template, values)[0].content


@pytest.mark.parametrize(
    ("vtype", "raw", "expected"),
    [
        ("integer", "abc", "variable_vals.n: expected an integer, got 'abc'"),
        ("integer", "1.5", "variable_vals.n: expected an integer, got '1.5'"),
        ("boolean", "1", "variable_vals.n: expected a boolean, got '1'"),
        ("float", "true", "variable_vals.n: expected a float, got 'true'"),
        ("float", '"1.5"', "variable_vals.n: expected a float, got '\"1.5\"'"),
        ("object", "[1]", "variable_vals.n: expected an object, got '[1]'"),
        ("array<string>", '["a", 1]', "variable_vals.n: expected an array of strings, got '[\"a\", 1]'"),
        ("array<integer>", "{}", "variable_vals.n: expected an array of integers, got '{}'"),
        ("array<object>", "[1]", "variable_vals.n: expected an array of objects, got '[1]'"),
    ],
)
def test_type_errors(vtype: str, raw: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as err:
        _one("jinja2", "{{ n }}", [("n", vtype)], [VariableVal(key="n", value=raw)])
    assert err.value.message == expected
    assert err.value.status == 400


def test_long_bad_value_is_shortened_in_the_message() -> None:
    with pytest.raises(InvalidInput) as err:
        _one("normal", "{{ n }}", [("n", "integer")], [VariableVal(key="n", value="x" * 500)])
    assert len(err.value.message) < 120


def test_decoded_values_render_like_python() -> None:
    defs = [("n", "integer"), ("f", "float"), ("b", "boolean"), ("s", "string")]
    values = [
        VariableVal(key="n", value="3"),
        VariableVal(key="f", value="2"),  # an integer is accepted for a float and prints as one
        VariableVal(key="b", value="true"),
        VariableVal(key="s", value="3"),  # a string stays a string
    ]
    assert _one("jinja2", "{{ n + 1 }} {{ f }} {{ b }} {{ s ~ 1 }}", defs, values) == "4 2.0 True 31"
    assert _one("normal", "{{ n }}", [("n", "integer")], [VariableVal(key="n", value="null")]) == "None"
    assert _one("normal", "{{ n }}", [("n", "integer")], [VariableVal(key="n")]) == ""


def test_mismatched_value_kinds() -> None:
    with pytest.raises(InvalidInput, match=r"variable_vals.h: expected messages \(placeholder_messages\), got 'hi'"):
        _one("normal", "x", [("h", "placeholder")], [VariableVal(key="h", value="hi")])
    with pytest.raises(InvalidInput, match=r"variable_vals.m: expected content parts"):
        _one("normal", "x", [("m", "multi_part")], [VariableVal(key="m", value="hi")])
    with pytest.raises(InvalidInput, match="variable_vals.s: expected a string, got messages"):
        _one("normal", "x", [("s", "string")], [VariableVal(key="s", placeholder_messages=[Message(role="user")])])


def test_values_for_undefined_keys_are_ignored() -> None:
    assert _one("jinja2", "[{{ x }}]", [], [VariableVal(key="x", value="not valid json for anything")]) == "[]"
    assert _one("normal", "[{{ x }}]", [], [VariableVal(key="x", value="v")]) == "[{{x}}]"


# --- structure ------------------------------------------------------------------------------------------------


def test_skip_render_and_extra_messages_are_untouched() -> None:
    template = PromptTemplate(
        messages=[
            Message(role="system", content="code: {{ literally }} {% raw", skip_render=True),
            Message(role="user", content="{{ a }}"),
        ],
        variable_defs=[VariableDef(key="a")],
    )
    check_template(template)  # a skip_render message is not compiled, so its braces are fine
    extra = [Message(role="user", content="{{ a }} stays"), Message(role="assistant", content="ok")]
    out = render_messages(template, [VariableVal(key="a", value="A")], extra)
    assert [(m.role, m.content) for m in out] == [
        ("system", "code: {{ literally }} {% raw"),
        ("user", "A"),
        ("user", "{{ a }} stays"),
        ("assistant", "ok"),
    ]
    assert template.messages[1].content == "{{ a }}"  # the template itself is not mutated
    assert out[2] is not extra[0]


def test_multi_part_keeps_images_and_videos_and_drops_empty_parts() -> None:
    template = PromptTemplate(
        messages=[
            Message(
                role="user",
                parts=[
                    ContentPart(type="text", text="{{ a }}"),
                    ContentPart(type="image_url", image_url=ImageURL(url="https://x/1.png")),
                    ContentPart(type="video_url", video_url=ImageURL(url="https://x/1.mp4")),
                    ContentPart(type="image_url"),
                    ContentPart(type="multi_part_variable", text="m"),
                ],
            )
        ],
        variable_defs=[VariableDef(key="a"), VariableDef(key="m", type="multi_part")],
    )
    out = render_messages(
        template,
        [
            VariableVal(key="a", value="A"),
            VariableVal(key="m", multi_part_values=[ContentPart(type="image_url"), ContentPart(type="text", text="t")]),
        ],
    )
    parts = out[0].parts or []
    assert [(p.type, p.text) for p in parts] == [("text", "A"), ("image_url", None), ("video_url", None), ("text", "t")]


def test_placeholder_messages_are_not_rendered() -> None:
    template = PromptTemplate(
        messages=[Message(role="placeholder", content="h")],
        variable_defs=[VariableDef(key="h", type="placeholder"), VariableDef(key="a")],
    )
    out = render_messages(
        template,
        [
            VariableVal(key="a", value="A"),
            VariableVal(key="h", placeholder_messages=[Message(role="user", content="{{ a }}")]),
        ],
    )
    assert [(m.role, m.content) for m in out] == [("user", "{{ a }}")]


# --- check_template -------------------------------------------------------------------------------------------


def _template(messages: list[Message], defs: list[VariableDef] | None = None, tt: str = "normal") -> PromptTemplate:
    return PromptTemplate(template_type=tt, messages=messages, variable_defs=defs or [])  # type: ignore[arg-type]


@pytest.mark.parametrize("tt", ["normal", "jinja2"])
def test_check_template_syntax_error_names_the_message(tt: str) -> None:
    template = _template([Message(role="system", content="ok"), Message(role="user", content="{{ a }")], tt=tt)
    with pytest.raises(InvalidInput) as err:
        check_template(template)
    assert err.value.message == "prompt_template.messages[1]: invalid template syntax: unexpected '}' (line 1)"
    with pytest.raises(InvalidInput, match=r"prompt_template.messages\[1\]: invalid template syntax"):
        render_messages(template, [])


def test_check_template_part_syntax_error() -> None:
    template = _template([Message(role="user", parts=[ContentPart(type="text", text="{% if %}")])])
    with pytest.raises(InvalidInput, match=r"prompt_template.messages\[0\].parts\[0\]: invalid template syntax"):
        check_template(template)


def test_check_template_variable_errors() -> None:
    with pytest.raises(InvalidInput, match=r"variable_defs\[1\]: duplicate variable key 'a'"):
        check_template(_template([], [VariableDef(key="a"), VariableDef(key="a", type="integer")]))
    with pytest.raises(InvalidInput, match=r"messages\[0\]: placeholder names 'h', which is not a variable of type"):
        check_template(_template([Message(role="placeholder", content="h")], [VariableDef(key="h")]))
    with pytest.raises(InvalidInput, match=r"messages\[0\]: placeholder names 'nope'"):
        check_template(_template([Message(role="placeholder", content="nope")]))
    with pytest.raises(InvalidInput, match=r"messages\[0\].parts\[1\]: multi_part_variable names 'm'"):
        parts = [ContentPart(type="text", text="hi"), ContentPart(type="multi_part_variable", text="m")]
        check_template(_template([Message(role="user", parts=parts)], [VariableDef(key="m", type="placeholder")]))
    ok = _template(
        [
            Message(role="placeholder", content="h"),
            Message(role="user", parts=[ContentPart(type="multi_part_variable", text="m")]),
        ],
        [VariableDef(key="h", type="placeholder"), VariableDef(key="m", type="multi_part")],
    )
    check_template(ok)


# --- sandbox and limits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("tt", ["normal", "jinja2"])
@pytest.mark.parametrize(
    "content",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ a.__class__.__base__ }}",
    ],
)
def test_sandbox_escape_is_refused(tt: str, content: str) -> None:
    with pytest.raises(InvalidInput, match="unsafe template"):
        _one(tt, content, [("a", "string")], [VariableVal(key="a", value="x")])


def test_unsafe_attribute_alone_does_not_leak() -> None:
    # As in the SDK: the sandbox returns an undefined, which prints as a hint (normal) or nothing (jinja2).
    assert "class" not in (_one("jinja2", "{{ ''.__class__ }}", [], []) or "")
    assert "<class" not in (_one("normal", "{{ ''.__class__ }}", [], []) or "")


@pytest.mark.parametrize(
    "content",
    [
        "{{ 'x' * 2000000 }}",
        # within the range() budget (1,000 + 99,000 items), so it is the output cap that stops it
        "{% for i in range(1000) %}{% for j in range(99) %}{{ 'x' * 11 }}{% endfor %}{% endfor %}",
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ 1 }}",
        "{{ 2 ** 100000000 }}",
        "{{ a * 2 }}",
    ],
)
def test_output_and_value_size_caps(content: str) -> None:
    with pytest.raises(InvalidInput, match="exceeds 1000000 characters"):
        _one("jinja2", content, [("a", "string")], [VariableVal(key="a", value="y" * (MAX_RENDERED // 2 + 1))])


def test_render_errors_become_invalid_input() -> None:
    with pytest.raises(InvalidInput, match=r"messages\[0\]: template render failed"):
        _one("jinja2", "{{ a + 1 }}", [("a", "string")], [VariableVal(key="a", value="x")])
    with pytest.raises(InvalidInput, match="template render failed"):
        _one("normal", "{{ undefined_thing.attr }}", [], [])
    with pytest.raises(InvalidInput, match="template render failed"):
        _one("normal", "{% include 'x' %}", [], [])
    with pytest.raises(InvalidInput, match="template render failed"):
        _one("jinja2", "{{ 1 / 0 }}", [], [])


# --- resource exhaustion --------------------------------------------------------------------------------------

_BIG = VariableVal(key="a", value="y" * 200_000)


def _attack(tt: str, content: str, values: list[VariableVal] | None = None) -> str:
    """Render an abusive template: it must fail fast, with little memory; returns the error message."""
    defs = [("a", "string"), ("xs", "array<integer>")]
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(InvalidInput) as err:
            _one(tt, content, defs, values if values is not None else [_BIG])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5  # a generous bound: the limits are 2 s and a few MB, not a benchmark
    assert peak < 50_000_000
    return err.value.message


@pytest.mark.parametrize("tt", ["normal", "jinja2"])
def test_mutation_is_refused(tt: str) -> None:
    content = "{% set l=[] %}{% for i in range(100000) %}{{ l.append('a'*10000) or '' }}{% endfor %}{{ l|length }}"
    assert "unsafe template" in _attack(tt, content)
    assert "unsafe template" in _attack(tt, "{% set d={} %}{{ d.update(x=1) }}")


@pytest.mark.parametrize(
    "content",
    [
        "{% for i in range(100001) %}{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
        "{% for i in range(400) %}{% for j in range(400) %}{% for k in range(400) %}{% endfor %}{% endfor %}"
        "{% endfor %}",
        "{{ range(10**30)|length }}",
        "{{ [1]|slice(10**9)|list|length }}",
        "{{ [1]|batch(10**9, 0)|list|length }}",
        "{{ lipsum(10**6) }}",
    ],
)
def test_loop_budget(content: str) -> None:
    assert _attack("jinja2", content).endswith(": the template loops too much (over 100000 iterations)")


def test_loop_budget_is_shared_by_the_messages_of_a_render() -> None:
    loop = "{% for i in range(60000) %}{% endfor %}ok"
    template = PromptTemplate(messages=[Message(role="user", content=loop), Message(role="user", content=loop)])
    with pytest.raises(InvalidInput, match=r"messages\[1\]: the template loops too much"):
        render_messages(template, [])
    assert render_messages(PromptTemplate(messages=[Message(role="user", content=loop)]), [])[0].content == "ok"


@pytest.mark.parametrize(
    "content",
    [
        # loops over supplied values, with no range() and no output
        "{% for x in xs %}{% for y in xs %}{% for z in xs %}{% endfor %}{% endfor %}{% endfor %}",
        # a macro fan-out: 2**40 calls, no loop at all
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    ],
)
def test_render_deadline(content: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert template_module.RENDER_DEADLINE_S == 2
    monkeypatch.setattr(template_module, "RENDER_DEADLINE_S", 0.3)  # keep the suite fast
    xs = VariableVal(key="xs", value="[" + ",".join(["1"] * 2000) + "]")
    assert _attack("normal", content, [xs]).endswith(": the template took too long to render (over 0.3 s)")


@pytest.mark.parametrize("tt", ["normal", "jinja2"])
@pytest.mark.parametrize(
    "content",
    [
        "{{ 'a'|center(300000000) }}",
        "{{ 'a'.center(300000000) }}",
        "{{ 'a'.ljust(300000000) }}",
        "{{ 'a'.zfill(300000000) }}",
        "{{ ('\t' * 1000).expandtabs(1000000) }}",
        "{{ 'a'|indent(300000000) }}",
        "{{ ('x\n' * 100000)|indent(100) }}",
        "{{ ('x ' * 100000)|wordwrap(1, wrapstring=a) }}",
        "{{ '%300000000d'|format(1) }}",
        "{{ '%*d' % (300000000, 1) }}",
        "{{ '%.300000000f' % 1.0 }}",
        "{{ ('%(a)s' * 1000) % {'a': a} }}",
        "{{ '{:300000000}'.format(1) }}",
        "{{ '{:{w}}'.format(1, w=300000000) }}",
        "{{ ('{0}' * 1000).format(a) }}",
        "{{ ('{k}' * 1000).format_map({'k': a}) }}",
        "{{ a.replace('', a) }}",
        "{{ a|replace('y', a) }}",
        "{{ a.join([a] * 5) }}",
        "{{ ([a] * 1000)|join }}",
        "{{ range(10000)|join(a) }}",
        "{{ ['x' * 1000000] * 1000000 }}",
        "{{ 'x'.translate({120: a}) ~ ('x' * 1000).translate({120: a}) }}",
        "{% set ns = namespace(s=a) %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ 1 }}",
        "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = ns.l + ['a' * 10000] %}"
        "{% endfor %}{{ ns.l|length }}",
        "{% set ns = namespace(l=a) %}{% for i in range(64) %}{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ 1 }}",
        "{% set x = [a, a] %}{% set x = [x, x] %}{% set x = [x, x] %}{% set x = (x, x) %}{{ x == x }}",
        "{% macro f(x, n) %}{% if n %}{{ f({'k': [x, x]}, n - 1) }}{% endif %}{% endmacro %}{{ f(a, 64) }}",
        "{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
        "{% set ns = namespace(s=a) %}{{ [ns] * 100 }}",
        "{{ [{'k': a}.items()] * 100 }}",
        "{{ (a * 5)|list|length }}",
        "{{ ('a'.encode() * 3000000000)|length }}",
        "{{ a.encode() + a.encode() + a.encode() + a.encode() + a.encode() + a.encode() }}",
        "{{ '%300000000d'.encode() % 1 }}",
        "{{ a.encode().replace(b, a.encode())|length }}".replace("b", "'y'.encode()"),
    ],
)
def test_size_caps_before_allocating(tt: str, content: str) -> None:
    assert _attack(tt, content).endswith("exceeds 1000000 characters")


_LOOP = "{% for i in range(1500) %}{{ 'x' * 999999 }}{% endfor %}"


@pytest.mark.parametrize("tt", ["normal", "jinja2"])
@pytest.mark.parametrize(
    "content",
    [
        # block bodies are buffered and joined: no output reaches the top level until the block ends
        "{% filter upper %}" + _LOOP + "{% endfilter %}",
        "{% set b %}" + _LOOP + "{% endset %}{{ 1 }}",
        "{% macro m() %}" + _LOOP + "{% endmacro %}{{ m()|length }}",
        # what a filter block or a call block writes, with an empty body
        "{% filter upper %}{% for i in range(1500) %}{% filter center(999999) %}{% endfilter %}{% endfor %}"
        "{% endfilter %}",
        "{% set b %}{% for i in range(1500) %}{% call '{:999999}'.format(1) %}{% endcall %}{% endfor %}{% endset %}",
        # literal template text counts too
        "{% set b %}{% for i in range(10000) %}" + "x" * 1000 + "{% endfor %}{% endset %}",
    ],
)
def test_text_budget_counts_blocks_and_macros(tt: str, content: str) -> None:
    assert _attack(tt, content).endswith(f": the template produces more than {MAX_PRODUCED} characters of text")


def test_text_budget_is_shared_by_the_messages_of_a_render() -> None:
    big = Message(role="user", content="{{ 'x' * 999999 }}")
    assert len(render_messages(PromptTemplate(messages=[big] * 3), [])[2].content or "") == 999999
    with pytest.raises(InvalidInput, match=r"messages\[4\]: the template produces more than 4000000 characters"):
        render_messages(PromptTemplate(messages=[big] * 10), [])


@pytest.mark.parametrize("tt", ["normal", "jinja2"])
def test_blocks_and_macros_still_render(tt: str) -> None:
    content = (
        "{% set b %}ab{{ 1 }}{% endset %}{% filter upper %}{{ b }}c{% endfilter %}"
        "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(2) }}{% macro w() %}[{{ caller() }}]{% endmacro %}"
        "{% call w() %}in{% endcall %}"
        "{% for x in [[1, [2]]] recursive %}{% if x is iterable %}{{ loop(x) }}{% else %}{{ x }}{% endif %}{% endfor %}"
        " {{ 'é'.encode()|length }}"
    )
    assert _one(tt, content, [], []) == "AB1C<2>[in]12 2"


def test_sum_of_lists_is_refused() -> None:
    assert "template render failed: sum() adds numbers only" in _attack("jinja2", "{{ [[1]] * 10|sum(start=[]) }}")


def test_legit_templates_still_render() -> None:
    xs = ",".join(f'"item {i}"' for i in range(1000))
    values = [
        VariableVal(key="xs", value=f"[{xs}]"),
        VariableVal(key="n", value="41"),
        VariableVal(key="s", value="hi"),
    ]
    defs = [("xs", "array<string>"), ("n", "integer"), ("s", "string")]
    content = (
        "{% for x in xs %}{{ loop.index }}/{{ loop.length }} {{ x|upper }}{% if loop.last %}.{% else %}, {% endif %}"
        "{% endfor %}\n{{ n + 1 }} {{ xs|length }} {{ xs[:3]|join('|') }} {{ missing|default('d') }}"
        "{% set t = s ~ '!' %} {{ t }} {{ [1, 2] + [3] }} {{ {'k': s}.k }} {{ (1, 2)|list }}"
        "{% for a, b in [(1, 2)] %} {{ a }}{{ b }}{% endfor %}"
        "{% for i in range(10) %}{% for j in range(10) %}{{ i * j if i == j }}{% endfor %}{% endfor %}"
        " {{ '%s=%d' % ('k', 3) }} {{ '{}-{:>4}'.format('a', 'b') }} {{ 'x'|center(5) }}|"
        " {{ 'ab'.replace('a', 'c') }} {{ s|indent(2) }} {{ '%.2f'|format(1.5) }}"
        "{% set ns = namespace(total=0) %}{% for x in xs %}{% set ns.total = ns.total + 1 %}{% endfor %} {{ ns.total }}"
    )
    for tt in ("normal", "jinja2"):
        out = _one(tt, content, defs, values) or ""
        first, second = out.split("\n")
        assert first.startswith("1/1000 ITEM 0, 2/1000 ITEM 1, ") and first.endswith("1000/1000 ITEM 999.")
        assert second == (
            "42 1000 item 0|item 1|item 2 d hi! [1, 2, 3] hi [1, 2] 12"
            "0149162536496481 k=3 a-   b   x  | cb hi 1.50 1000"
        )
