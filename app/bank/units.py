"""Quantities in estimate answers: "about 112 GB", "1.1e11 bytes", "~110 gigs", "3.2 days", "$1.2M".

Both examiners grade an estimate's number with this module, so the value check is exact and the same
whatever grades the words. A unit maps to a dimension and a factor to that dimension's base unit; a
few spellings are ambiguous ("B" is bytes or billions, "TFLOPS" a count or a rate), so a quantity is
read for the dimension the question expects.

A hand-written table rather than a units library: the units of ML estimates (FLOP, tokens/s,
GPU-hours, "gigs", "7B params") are not in general-purpose unit registries, and this table is small.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

# Word multipliers that may stand between the number and the unit ("7 billion params", "1.2M tokens").
MULTIPLIERS: dict[str, float] = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9, "t": 1e12, "trillion": 1e12, "trillions": 1e12,
    "quadrillion": 1e15,
}
_SI = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15, "e": 1e18, "z": 1e21}
_SI_WORDS = {"": 1.0, "kilo": 1e3, "mega": 1e6, "giga": 1e9, "tera": 1e12, "peta": 1e15, "exa": 1e18, "zetta": 1e21}
_BINARY = {"ki": 2.0**10, "mi": 2.0**20, "gi": 2.0**30, "ti": 2.0**40, "pi": 2.0**50}


def _unit_table() -> dict[str, list[tuple[str, float]]]:
    table: dict[str, list[tuple[str, float]]] = {}

    def add(names: list[str], dimension: str, factor: float) -> None:
        for name in names:
            table.setdefault(name, []).append((dimension, factor))

    for prefix, f in _SI.items():
        add([f"{prefix}b", f"{prefix}byte", f"{prefix}bytes"], "bytes", f)
        add([f"{prefix}b/s", f"{prefix}bps", f"{prefix}b per second"], "bytes/s", f)
        add([f"{prefix}flop", f"{prefix}flops"] if prefix else ["flop", "flops"], "flop", f)
        add([f"{prefix}flop/s", f"{prefix}flops/s"], "flop/s", f)
        if prefix:
            add([f"{prefix}flops"], "flop/s", f)  # "989 TFLOPS" is usually a rate
    for word, f in _SI_WORDS.items():
        if word:
            add([f"{word}byte", f"{word}bytes"], "bytes", f)
            add([f"{word}flop", f"{word}flops"], "flop", f)
    for prefix, f in _BINARY.items():
        add([f"{prefix}b", f"{prefix}byte", f"{prefix}bytes"], "bytes", f)
        add([f"{prefix}b/s"], "bytes/s", f)
    add(["gig", "gigs"], "bytes", 1e9)
    add(["tb/s", "terabytes per second"], "bytes/s", 1e12)
    add(["gb/s", "gigabytes per second"], "bytes/s", 1e9)
    add(["ms", "millisecond", "milliseconds", "msec"], "seconds", 1e-3)
    add(["µs", "us", "microsecond", "microseconds"], "seconds", 1e-6)
    add(["s", "sec", "secs", "second", "seconds"], "seconds", 1.0)
    add(["min", "mins", "minute", "minutes"], "seconds", 60.0)
    add(["h", "hr", "hrs", "hour", "hours"], "seconds", 3600.0)
    add(["d", "day", "days"], "seconds", 86400.0)
    add(["week", "weeks", "wk"], "seconds", 7 * 86400.0)
    add(["month", "months"], "seconds", 30 * 86400.0)
    add(["year", "years", "yr"], "seconds", 365 * 86400.0)
    add(["tokens/s", "tok/s", "tokens per second", "token/s", "tps", "tokens/sec", "tokens a second"], "tokens/s", 1.0)
    add(["requests/s", "qps", "rps", "queries per second", "requests per second", "req/s"], "requests/s", 1.0)
    add(["params", "parameters", "weights", "param"], "params", 1.0)
    add(["tokens", "token"], "tokens", 1.0)
    add(["gpus", "gpu", "accelerators", "h100s", "a100s"], "gpus", 1.0)
    add(["gpu-hours", "gpu hours", "gpu-hour", "gpu hour", "h100-hours", "h100 hours"], "gpu-hours", 1.0)
    add(["gpu-days", "gpu days"], "gpu-hours", 24.0)
    add(["usd", "dollars", "dollar", "$"], "usd", 1.0)
    add(["examples", "example", "samples", "images", "documents", "rows", "records", "items", "labels", "annotations",
         "users", "people", "participants", "customers", "sessions", "queries", "questions", "prompts"], "examples", 1.0)
    # A factor ("3x") and a share ("18%") are different quantities: "10 times" never answers "what percentage".
    add(["x", "times", "×"], "factor", 1.0)
    add(["%", "percent", "per cent"], "share", 0.01)
    return table


UNITS = _unit_table()
# Units written "per X" are rates, never the plain quantity ("16 bytes per parameter" is not 16 bytes).
_RATE_TAIL = re.compile(r"\s*(?:/|per\s+|a\s+)(?!s\b|sec|second)([a-z]+)", re.IGNORECASE)


def dimension_of(unit: str) -> str | None:
    """The dimension of a unit spelling the table knows ("GB" -> "bytes"); None for an unknown one."""
    found = UNITS.get(unit.strip().lower())
    return found[0][0] if found else None


def to_base(value: float, unit: str) -> float:
    """``value`` in ``unit`` expressed in the base unit of its dimension (bytes, seconds, FLOP...)."""
    return value * UNITS[unit.strip().lower()][0][1]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in an answer, in the base unit of the dimension it was read for."""

    value: float
    text: str  # the exact characters of the answer, for quoting
    start: int
    rate: bool = False  # written "per X" ("16 bytes per parameter")


_NUMBER = (
    r"(?P<approx>~|≈|about\s+|around\s+|roughly\s+|approximately\s+|approx\.?\s+)?"
    r"(?P<dollar>\$\s?)?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s*(?:e|E)\s*(?P<exp>[+-]?\d+)|\s*(?:x|×|\*)\s*10\s*(?:\^|\*\*)\s*(?P<exp10>[+-]?\d+))?"
)
_UNIT_WORDS = sorted({u for u in UNITS} | set(MULTIPLIERS), key=len, reverse=True)
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in _UNIT_WORDS)
_QUANTITY = re.compile(
    r"(?<![\w.])" + _NUMBER
    + r"(?:\s*-?\s*(?P<mult>" + "|".join(re.escape(m) for m in sorted(MULTIPLIERS, key=len, reverse=True)) + r")(?![a-z]))?"
    + r"(?:\s*-?\s*(?P<unit>" + _UNIT_ALTERNATION + r")(?![a-z0-9]))?",
    re.IGNORECASE,
)
# Sentences that state the conclusion: the number they give is the answer's estimate.
_CONCLUSION = re.compile(
    r"\b(?:total|in total|in all|overall|altogether|so|therefore|thus|hence|answer|comes to|final|estimate|"
    r"roughly|about|approximately|around|that'?s|which is|≈|~)\b|[≈~]",
    re.IGNORECASE,
)


def quantities(text: str, dimension: str, asked_per: frozenset[str] = frozenset()) -> list[Quantity]:
    """Every quantity in ``text`` that can be read in ``dimension``, in order of appearance.
    ``asked_per``: the "per X" of the question ("cost per day"): a figure "per day" is then the answer
    itself, not a rate."""
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        number = float(match["number"].replace(",", ""))
        exponent = match["exp"] or match["exp10"]
        if exponent:
            number *= 10.0 ** int(exponent)
        mult, unit = (match["mult"] or "").lower(), (match["unit"] or "").lower()
        if match["dollar"]:
            unit, mult = unit or "$", mult
        if unit in MULTIPLIERS and not mult:
            # "7B params" has no unit in 'unit' when the multiplier was consumed there: look after it.
            mult, unit = unit, ""
            tail = re.match(r"\s*-?\s*(" + _UNIT_ALTERNATION + r")(?![a-z0-9])", text[match.end():], re.IGNORECASE)
            if tail:
                unit = tail.group(1).lower()
        tail = _RATE_TAIL.match(text, match.end())
        rate = bool(unit) and tail is not None and not unit.endswith("/s") and _singular(tail.group(1)) not in asked_per
        value = _read(number, mult, unit, dimension)
        if value is not None:
            found.append(Quantity(value, match.group(0).strip(), match.start(), rate))
    return found


def _read(number: float, mult: str, unit: str, dimension: str) -> float | None:
    factor = MULTIPLIERS.get(mult, 1.0) if mult else 1.0
    if mult in ("b", "m", "t") and unit == "" and dimension == "bytes":
        return None  # "7B" alone is a count, not bytes
    if not unit:
        # A bare number counts only for counts without a noun ("7 billion" for params).
        return number * factor if dimension in ("params", "tokens", "examples", "gpus", "usd") and mult else None
    for dim, unit_factor in UNITS.get(unit, []):
        if dim == dimension:
            return number * factor * unit_factor
    return None


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def asked_per(prompt: str) -> frozenset[str]:
    """The units a question asks a figure per ("memory per token", "cost per day")."""
    return frozenset(_singular(w) for w in re.findall(r"\bper\s+([a-z]+)", prompt.lower()))


def estimate_of(text: str, dimension: str, per: frozenset[str] = frozenset()) -> Quantity | None:
    """The value an answer arrives at: the last quantity of the dimension in the last sentence that
    states a conclusion ("total", "so", "about", "~"), else the last quantity of the dimension. A
    quantity written "per X" ("16 bytes per parameter") is a step of the arithmetic, read only when
    the answer has no other ("3.4 tokens per target pass" answers a question asked per pass)."""
    every = quantities(text, dimension, per)
    every = [q for q in every if not q.rate] or every
    if not every:
        return None
    # Sentences end at . ! ? (not a decimal point) or a blank line; a single line break is a wrapped
    # line (same length, so offsets still match ``every``).
    flowing = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    sentences = list(re.finditer(r"(?:[^.!?\n]|\.(?=\d))+(?:[.!?](?!\d)|\n|$)", flowing))
    for sentence in reversed(sentences):
        inside = [q for q in every if sentence.start() <= q.start < sentence.end()]
        if inside and _CONCLUSION.search(sentence.group(0)):
            return inside[-1]
    return every[-1]


def ratio(value: float, expected: float) -> float:
    """How far off: 1.0 exact, 10.0 an order of magnitude either way."""
    if value <= 0 or expected <= 0:
        return math.inf
    return max(value / expected, expected / value)
