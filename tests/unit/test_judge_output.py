"""Reading a judge's verdict: eval tool arguments, upstream's four text strategies, JSON repair and score rules."""

import json

import pytest

from shared.evaluation.judge_output import (
    MAX_QUOTED,
    ScoreRule,
    UnusableOutput,
    Verdict,
    as_score,
    parse_text_output,
    parse_tool_arguments,
    repair_json,
)

# --- tool arguments --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('{"reason": "on topic", "score": 0.75}', Verdict(0.75, "on topic")),
        ({"reason": "already decoded", "score": 1}, Verdict(1.0, "already decoded")),
        ('{"reason": "numeric text", "score": "0.5"}', Verdict(0.5, "numeric text")),
        ('{"reason": "padded", "score": " +1 "}', Verdict(1.0, "padded")),
        ('{"Reason": "keys in any case", "SCORE": 0.25}', Verdict(0.25, "keys in any case")),
        ('{"reasoning": "the other spelling", "score": 0}', Verdict(0.0, "the other spelling")),
        ('{"score": 0.4}', Verdict(0.4, "")),
        ("{'reason': 'repaired', 'score': 0.3,}", Verdict(0.3, "repaired")),
    ],
)
def test_tool_arguments_give_score_and_reason(arguments: str | dict[str, object], expected: Verdict) -> None:
    assert parse_tool_arguments(arguments) == expected


def test_tool_arguments_cut_off_mid_reason_are_repaired() -> None:
    assert parse_tool_arguments('{"score": 0.6, "reason": "the model ran out of tok') == Verdict(
        0.6, "the model ran out of tok"
    )


def test_a_structured_reason_is_kept_as_json_text() -> None:
    verdict = parse_tool_arguments({"score": 1, "reason": {"steps": ["a", "b"]}})
    assert json.loads(verdict.reasoning) == {"steps": ["a", "b"]}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("", "no arguments"),
        ("   ", "no arguments"),
        ("score is high", "not JSON"),
        ("[0.5]", "must be an object"),
        ('{"reason": "forgot it"}', "without a score"),
        ('{"reason": "x", "score": null}', "without a score"),
        ('{"reason": "x", "score": "high"}', "'high', which is not a number"),
        ('{"reason": "x", "score": true}', "True, which is not a number"),
        ('{"reason": "x", "score": "NaN"}', "not a number"),
        ('{"reason": "x", "score": NaN}', "not a number"),
        ('{"reason": "x", "score": "inf"}', "not a number"),
        ('{"reason": "x", "score": [1]}', "not a number"),
    ],
)
def test_tool_arguments_without_a_usable_score_are_refused(arguments: str, message: str) -> None:
    with pytest.raises(UnusableOutput, match=message):
        parse_tool_arguments(arguments)


def test_an_integer_too_large_for_a_float_is_not_a_score() -> None:
    assert as_score(10**400) is None
    with pytest.raises(UnusableOutput, match="not a number"):
        parse_tool_arguments({"score": 10**400})


# --- text answers: upstream's strategies ------------------------------------------------------------------------

REASON_WITH_QUOTES = (
    '{\n  "reason": "The opening names "Acme" and "Globex" directly, but compared with the reference\'s '
    '"no budget, no meeting" it filters clients less sharply.",\n  "score": 0.7\n}'
)


@pytest.mark.parametrize(
    ("text", "score", "reasoning"),
    [
        # 1. the whole answer is the JSON object
        ('{"score": 0.8, "reason": "A good reason."}', 0.8, "A good reason."),
        ('{"reason": "string score", "score": "0.75"}', 0.75, "string score"),
        ('{"score": "-0.3", "reason": "negative text"}', -0.3, "negative text"),
        ('{"score": 7, "reason": "out of ten"}', 7.0, "out of ten"),  # not clamped, as upstream
        ('{"score": 0.5, "reason": "a \\"quote\\" and a \\\\ backslash"}', 0.5, 'a "quote" and a \\ backslash'),
        # 2. repaired
        ('```json\n{"score": 0.9, "reason": "fenced"}\n```', 0.9, "fenced"),
        ("{score: 1.5, reason: 'unquoted keys'}", 1.5, "unquoted keys"),
        ("{'score': 0.4, 'reason': 'single quotes',}", 0.4, "single quotes"),
        ('{"score": 0.6, "reason": "cut off mid-sen', 0.6, "cut off mid-sen"),
        ('{"score": 0.7, "reason": "names "Acme" without escaping"}', 0.7, 'names "Acme" without escaping'),
        ('{"reason": "tabs\tand\nnewlines", "score": 1,\n}', 1.0, "tabs\tand\nnewlines"),
        # 3. a flat object inside prose
        ('Before. {"score": 1.0, "reason": "first"} and {"score": 0.1, "reason": "second"}', 1.0, "first"),
        ('### Steps\n1. read it\n{\n  "reason": "last line holds it",\n  "score": 0.0\n}', 0.0, "last line holds it"),
        ('Some text.\n```json\n{"score": 0.9, "reason": "fence in prose"}\n```\nMore.', 0.9, "fence in prose"),
        ('Verdict: {"reason": "repaired fragment", "score": "0.2",} done', 0.2, "repaired fragment"),
        # 4. the score word
        ("Score: 0.8", 0.8, "Score: 0.8"),
        ("The answer is fine overall.\nscore = 3 out of 10", 3.0, "The answer is fine overall.\nscore = 3 out of 10"),
        ('{"score": "+0.8", "reason": "plus sign"}', 0.8, "plus sign"),
        ('note "reason": "", "score": 1 end', 1.0, ""),
    ],
)
def test_text_answers_are_read_by_upstreams_strategies(text: str, score: float, reasoning: str) -> None:
    assert parse_text_output(text) == Verdict(score, reasoning)


def test_the_quoted_reason_with_inner_quotes_is_kept_whole() -> None:
    verdict = parse_text_output(REASON_WITH_QUOTES)
    assert verdict.score == 0.7
    assert verdict.reasoning.startswith('The opening names "Acme"') and verdict.reasoning.endswith("less sharply.")


def test_an_object_without_a_reason_does_not_win_over_a_real_verdict() -> None:
    # a bare {"score": 1} is not a verdict in strategies 1-3 (upstream's rule); the score word still reads it
    assert parse_text_output('{"score": 1}') == Verdict(1.0, '{"score": 1}')
    text = 'Example shape: {"score": 1}. Mine: {"reason": "real one", "score": 0.25}'
    assert parse_text_output(text) == Verdict(0.25, "real one")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty text"),
        ("  \n ", "empty text"),
        ("This is just a plain string with no JSON.", "has no score"),
        ('{"score": "not-a-number", "reason": "bad score"}', "has no score"),
        ('{"reason": "no text in the picture", "score": "none"}', "has no score"),
        ("### Explanation\nThe output is good but I will not give a number.", "has no score"),
    ],
)
def test_text_without_a_score_is_unusable(text: str, message: str) -> None:
    with pytest.raises(UnusableOutput, match=message):
        parse_text_output(text)


def test_the_error_quotes_a_long_answer_cut_short() -> None:
    with pytest.raises(UnusableOutput) as caught:
        parse_text_output("no verdict here " * 200)
    assert str(caught.value).endswith("...") and len(str(caught.value)) < MAX_QUOTED + 200


# --- repair -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("{name: 'John'}", {"name": "John"}),
        ("{name: John", {"name": "John"}),
        ("{name: 'John', age: }", {"name": "John", "age": None}),
        ("{user: {name: 'John', age: 30}}", {"user": {"name": "John", "age": 30}}),
        ("[{name: 'John'}, {name: 'Jane'},]", [{"name": "John"}, {"name": "Jane"}]),
        ('{"a": True, "b": None, "c": false, "d": -2.5e1}', {"a": True, "b": None, "c": False, "d": -25.0}),
        ('{"a": "\\u00e9t\\u00e9", "b": "it\'s"}', {"a": "été", "b": "it's"}),
        ('```\n{"a": [1, 2, 3,]}\n```', {"a": [1, 2, 3]}),
        ('{"a": [1, [2, {"b": "c"', {"a": [1, [2, {"b": "c"}]]}),
    ],
)
def test_repair_reads_what_a_model_meant(text: str, value: object) -> None:
    assert repair_json(text) == value


@pytest.mark.parametrize(
    "text",
    ["", "plain words", "0.8", '"just a string"', '{"a": 1} trailing words', '{"a" 1}', "{" * 200 + "}" * 200],
)
def test_repair_gives_up_on_what_is_not_an_object_or_array(text: str) -> None:
    assert repair_json(text) is None


# --- score rules ---------------------------------------------------------------------------------------------


def test_score_rules_come_from_the_tool_schema() -> None:
    enum = ScoreRule.of_parameters({"properties": {"score": {"type": "number", "enum": [0, 1]}}})
    assert enum == ScoreRule(enum=(0.0, 1.0))
    enum.check(1.0)
    with pytest.raises(UnusableOutput, match="score 0.5, which is not one of the allowed 0, 1"):
        enum.check(0.5)

    bounded = ScoreRule.of_parameters({"properties": {"score": {"type": "number", "minimum": 0, "maximum": 10}}})
    bounded.check(10.0)
    with pytest.raises(UnusableOutput, match="above the maximum 10"):
        bounded.check(11.0)
    with pytest.raises(UnusableOutput, match="below the minimum 0"):
        bounded.check(-1.0)


@pytest.mark.parametrize(
    "parameters",
    [{}, {"properties": "odd"}, {"properties": {"score": {"type": "number"}}}, {"properties": {"score": True}}],
)
def test_an_unbounded_score_accepts_any_number(parameters: dict[str, object]) -> None:
    rule = ScoreRule.of_parameters(parameters)
    assert rule == ScoreRule()
    rule.check(-3.0)
    rule.check(42.0)


@pytest.mark.timeout(20)  # the same patterns with Python's backtracking took minutes on these; now milliseconds
@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("score " * 170_000, 0.5),  # the score word with no number after it
        ("{" + '"score": 1, ' * 20_000 + "}", 0.5),  # one huge flat object without a reason
        ('{"reason": "' + 'a " b ' * 30_000 + '", "score": 1}', 1.0),  # many unescaped inner quotes
    ],
)
def test_adversarial_answers_are_read_in_linear_time(text: str, score: float) -> None:
    assert parse_text_output(text + ' {"reason": "late", "score": 0.5}').score == score
