"""Reading a judge model's answer: the `eval(reason, score)` tool arguments, or text when the model wrote text.

Pure functions, no I/O. Text is read as upstream's prompt evaluator reads it (evaluator_source_prompt_impl.go,
parseContentOutput), strategies in this order, first success wins:

1. the whole answer is a JSON object {"score", "reason"};
2. the whole answer, repaired (code fences, single quotes, unquoted keys, trailing commas, Python literals,
   unescaped inner quotes, a cut-off end), is such an object;
3. the first flat `{...}` fragment holding both "score" and "reason", parsed as is or repaired;
4. a regex for `score ... <number>`, with the reason taken from a `"reason": "..."` field when there is one
   (unescaped quotes inside it included), else the whole answer. Upstream also tries a looser `reason..."x"`
   regex in between; it mostly catches the wrong quotes, so it is left out.

In strategies 1-3 an object counts only with a non-empty reason and a score that is a number or a numeric string
(upstream's rule, so a stray {"score": 1} in prose does not win over a real verdict). Keys match without regard to
case (Go's JSON decoding does the same); "reasoning" is accepted for "reason".

Scores are not clamped: upstream keeps whatever number the judge gave (its image template scores out of 10).
A tool schema may bound them (enum, minimum, maximum; see ScoreRule), as upstream's `score_enum` tool does.
"""

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_QUOTED = 500  # characters of the model's answer quoted back in an error message


class UnusableOutput(ValueError):
    """The judge answered, but no usable score could be read; the message says what was wrong."""


@dataclass(frozen=True)
class Verdict:
    score: float
    reasoning: str


@dataclass(frozen=True)
class ScoreRule:
    """What the eval tool's schema allows for `score`."""

    enum: tuple[float, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None

    @classmethod
    def of_parameters(cls, parameters: Mapping[str, Any]) -> "ScoreRule":
        properties = parameters.get("properties")
        score = properties.get("score") if isinstance(properties, Mapping) else None
        if not isinstance(score, Mapping):
            return cls()
        enum = score.get("enum")
        values = tuple(number for v in enum if (number := _finite(v)) is not None) if isinstance(enum, list) else ()
        return cls(enum=values or None, minimum=_finite(score.get("minimum")), maximum=_finite(score.get("maximum")))

    def check(self, score: float) -> None:
        if self.enum is not None and score not in self.enum:
            allowed = ", ".join(_show(value) for value in self.enum)
            raise UnusableOutput(f"the judge gave score {_show(score)}, which is not one of the allowed {allowed}")
        if self.minimum is not None and score < self.minimum:
            raise UnusableOutput(f"the judge gave score {_show(score)}, below the minimum {_show(self.minimum)}")
        if self.maximum is not None and score > self.maximum:
            raise UnusableOutput(f"the judge gave score {_show(score)}, above the maximum {_show(self.maximum)}")


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


def _finite(value: object) -> float | None:
    """A JSON number (not a boolean) that is finite, as a float; else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) else None


_NUMERIC_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def as_score(value: object) -> float | None:
    """A finite number, or a string holding one ("0.8", " +1 "); anything else is None."""
    number = _finite(value)
    if number is not None:
        return number
    if isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()):
        parsed = float(value.strip())
        return parsed if math.isfinite(parsed) else None
    return None


def quoted(text: str) -> str:
    """The model's answer as an error message quotes it: cut to MAX_QUOTED characters."""
    text = text.strip()
    return text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "..."


def _field(obj: Mapping[str, Any], *names: str) -> Any:
    lowered = {key.lower(): value for key, value in obj.items() if isinstance(key, str)}
    return next((lowered[name] for name in names if name in lowered), None)


# --- tool arguments --------------------------------------------------------------------------------------------


def parse_tool_arguments(arguments: str | Mapping[str, Any]) -> Verdict:
    """The verdict in an `eval` call's arguments (JSON text, repaired if need be, or an object already decoded).

    `score` must be a number or a numeric string; `reason` may be missing (the reasoning is then empty).
    """
    if isinstance(arguments, str):
        text = arguments.strip()
        if not text:
            raise UnusableOutput("the judge called eval with no arguments; it must pass a score and a reason")
        decoded = _loads(text)
        if decoded is None:
            decoded = repair_json(text)
        if decoded is None:
            raise UnusableOutput(f"the judge's eval arguments are not JSON: {quoted(text)}")
    else:
        decoded = arguments
    if not isinstance(decoded, Mapping):
        raise UnusableOutput(f"the judge's eval arguments must be an object with score and reason, got {decoded!r}")
    raw_score = _field(decoded, "score")
    if raw_score is None:
        raise UnusableOutput("the judge called eval without a score")
    score = as_score(raw_score)
    if score is None:
        raise UnusableOutput(f"the judge called eval with score {raw_score!r}, which is not a number")
    reason = _field(decoded, "reason", "reasoning")
    reasoning = "" if reason is None else reason if isinstance(reason, str) else json.dumps(reason, ensure_ascii=False)
    return Verdict(score=score, reasoning=reasoning)


# --- text answers ----------------------------------------------------------------------------------------------


def _loads(text: str) -> Any:
    """Strict JSON (no NaN or Infinity), or None."""

    def refuse(constant: str) -> Any:
        raise ValueError(constant)

    try:
        return json.loads(text, parse_constant=refuse)
    except ValueError:
        return None


def _verdict_of(obj: Any) -> Verdict | None:
    if not isinstance(obj, Mapping):
        return None
    reason = _field(obj, "reason", "reasoning")
    score = as_score(_field(obj, "score"))
    if not isinstance(reason, str) or not reason or score is None:
        return None
    return Verdict(score=score, reasoning=reason)


def _direct(text: str) -> Verdict | None:
    return _verdict_of(_loads(text))


def _repaired(text: str) -> Verdict | None:
    return _verdict_of(repair_json(text))


# upstream's jsonRe matches a flat `{...}` holding "score" (a number or numeric string) and "reason" (a string).
# Python's regex engine backtracks where Go's does not, so the same test is made in linear steps: each flat object,
# then the two fields searched for separately.
_FLAT_OBJECT = re.compile(r"\{[^{}]*\}")
_SCORE_KEY = re.compile(r'"score"\s*:\s*(?:"[\d.]+"|\d+(?:\.\d+)?)')
_REASON_KEY = re.compile(r'"reason"\s*:\s*"(?:[^"\\]|\\.)*"')


def _fragment(text: str) -> Verdict | None:
    for match in _FLAT_OBJECT.finditer(text):
        candidate = match.group(0)
        if _SCORE_KEY.search(candidate) and _REASON_KEY.search(candidate):
            verdict = _direct(candidate) or _repaired(candidate)
            if verdict is not None:
                return verdict
    return None


# upstream's `(?i)score[^0-9]*([0-9]+(?:\.[0-9]+)?)`, in linear steps: the first number after the first "score"
_SCORE = re.compile(r"(?i)score")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_REASON_START = re.compile(r'(?i)"reason"\s*:\s*"')
_NEXT_FIELD = re.compile(r'",\s*"[^"]+"\s*:')


def _reason_field(text: str) -> str | None:
    """The value of a `"reason": "..."` field even when it holds unescaped quotes (upstream's strategy 4)."""
    start_match = _REASON_START.search(text)
    if start_match is None:
        return None
    start = start_match.end()
    if start < len(text) and text[start] == '"':
        return ""
    next_field = _NEXT_FIELD.search(text, start)
    if next_field is not None:
        # the value ends at the last unescaped quote before the next field's `", "key":`
        for end in range(next_field.start(), start - 1, -1):
            if text[end] == '"' and text[end - 1] != "\\":
                return text[start:end]
        return None
    for end in range(start, len(text)):
        if text[end] == '"' and text[end - 1] != "\\" and (end + 1 == len(text) or text[end + 1] in ",} \n\r"):
            return text[start:end]
    return None


def _score_word(text: str) -> Verdict | None:
    word = _SCORE.search(text)
    number = _NUMBER.search(text, word.end()) if word else None
    if number is None:
        return None
    score = float(number.group(0))
    reason = _reason_field(text)
    return Verdict(score=score, reasoning=text.strip() if reason is None else reason)


def parse_text_output(text: str) -> Verdict:
    """The verdict in a text answer, by upstream's four strategies in order; UnusableOutput when none applies."""
    for strategy in (_direct, _repaired, _fragment, _score_word):
        verdict = strategy(text)
        if verdict is not None:
            return verdict
    if not text.strip():
        raise UnusableOutput("the judge answered with empty text and no eval call; there is no score to read")
    raise UnusableOutput(
        'the judge\'s answer has no score: expected an eval call or a JSON object {"score": <number>, "reason": '
        f'"..."}}, got: {quoted(text)}'
    )


# --- JSON repair -----------------------------------------------------------------------------------------------

_FENCE = re.compile(r"```[A-Za-z0-9_-]*[ \t]*\n?(.*?)(?:```|\Z)", re.S)
_BARE_KEY = re.compile(r"[A-Za-z_$][\w$-]*")
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_MAX_DEPTH = 64


class _Broken(Exception):
    pass


class _Reader:
    """A forgiving JSON reader: what a model writes when it means JSON."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def _peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def _blank(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def document(self) -> Any:
        self._blank()
        value = self._value(0)
        self._blank()
        if self.at < len(self.text):
            raise _Broken(f"unexpected text at {self.at}")
        return value

    def _value(self, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            raise _Broken("nested too deeply")
        self._blank()
        char = self._peek()
        if char == "{":
            return self._object(depth)
        if char == "[":
            return self._array(depth)
        if char in "\"'":
            return self._string()
        if char == "":
            raise _Broken("a value is missing at the end")
        return self._bare()

    def _object(self, depth: int) -> dict[str, Any]:
        self.at += 1
        result: dict[str, Any] = {}
        while True:
            self._blank()
            char = self._peek()
            if char in ("}", ""):  # "" : cut off at the end, close it
                self.at += 1 if char else 0
                return result
            if char == ",":  # a stray or trailing comma
                self.at += 1
                continue
            key = self._key()
            self._blank()
            if self._peek() != ":":
                raise _Broken(f"expected ':' after key {key!r}")
            self.at += 1
            self._blank()
            result[key] = None if self._peek() in ("", ",", "}") else self._value(depth + 1)
            self._blank()
            if self._peek() not in (",", "}", ""):
                raise _Broken(f"expected ',' or '}}' at {self.at}")

    def _key(self) -> str:
        if self._peek() in "\"'":
            return self._string()
        match = _BARE_KEY.match(self.text, self.at)
        if match is None:
            raise _Broken(f"expected a key at {self.at}")
        self.at = match.end()
        return match.group(0)

    def _array(self, depth: int) -> list[Any]:
        self.at += 1
        result: list[Any] = []
        while True:
            self._blank()
            char = self._peek()
            if char in ("]", ""):
                self.at += 1 if char else 0
                return result
            if char == ",":
                self.at += 1
                continue
            result.append(self._value(depth + 1))
            self._blank()
            if self._peek() not in (",", "]", ""):
                raise _Broken(f"expected ',' or ']' at {self.at}")

    def _closes(self, position: int) -> bool:
        """Whether a quote at `position` ends the string: only if a delimiter (or the end) follows it."""
        after = position + 1
        while after < len(self.text) and self.text[after].isspace():
            after += 1
        return after == len(self.text) or self.text[after] in ",:}]"

    def _string(self) -> str:
        quote = self.text[self.at]
        self.at += 1
        out: list[str] = []
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "\\" and self.at + 1 < len(self.text):
                escaped = self.text[self.at + 1]
                if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", self.text[self.at + 2 : self.at + 6]):
                    out.append(chr(int(self.text[self.at + 2 : self.at + 6], 16)))
                    self.at += 6
                    continue
                out.append(_ESCAPES.get(escaped, escaped))
                self.at += 2
                continue
            if char == quote and self._closes(self.at):
                self.at += 1
                return "".join(out)
            out.append(char)  # an unescaped inner quote stays part of the text
            self.at += 1
        return "".join(out)  # cut off inside the string: close it

    def _bare(self) -> Any:
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in ",}]\n":
            self.at += 1
        token = self.text[start : self.at].strip()
        if not token:
            raise _Broken(f"expected a value at {start}")
        if token in _LITERALS:
            return _LITERALS[token]
        if _NUMERIC_TEXT.fullmatch(token):
            number = float(token)
            return int(token) if re.fullmatch(r"[+-]?\d+", token) else number
        return token  # an unquoted word: read as text


def repair_json(text: str) -> Any:
    """The JSON value a model meant, or None when even a forgiving read fails.

    Takes the inside of a ```json fence when there is one; accepts single quotes, unquoted keys and words,
    trailing commas, True/False/None, raw newlines and unescaped quotes inside strings, and closes what a
    cut-off answer left open. Only an object or an array counts as repaired JSON.
    """
    fenced = _FENCE.search(text)
    candidate = (fenced.group(1) if fenced else text).strip()
    if not candidate or candidate[0] not in "{[":
        return None
    try:
        return _Reader(candidate).document()
    except (_Broken, ValueError, RecursionError):
        return None
