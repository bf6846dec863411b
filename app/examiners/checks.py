"""Type-specific checks both examiners apply the same way: an estimate's number, and which parts of a
design (phases), a story (STAR parts) or a code review (bugs) the credited key points cover.

The estimate check is exact and deterministic: the LLM examiner's grade is capped by it just as the
offline one is, so a number off by an order of magnitude never passes on fluent reasoning.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from app.bank.schema import Question
from app.bank.types import PHASES, STAR_PARTS
from app.bank.units import asked_per, dimension_of, estimate_of, ratio, to_base

if TYPE_CHECKING:
    from app.examiners.offline.claims import Unit

# Credit of the value within 10x falls from this (just outside the tolerance) to the floor (at 10x).
NEAR_CREDIT = 0.6
FAR_CREDIT = 0.2
ORDER_OF_MAGNITUDE = 10.0
# Correctness (and the overall) when the figure is 10x or more off, or missing.
ESTIMATE_CAP = 2.0
# A figure off by less than that: a sound method with a slip. The overall is capped at
# NEAR_CAP_BASE + NEAR_CAP_SLOPE * credit (3.5 just outside the tolerance, 2.5 near 10x).
NEAR_CAP_BASE = 2.0
NEAR_CAP_SLOPE = 2.5
VALUE_WEIGHT = 3

Verdict = Literal["within-tolerance", "within-10x", "off-by-10x-or-more", "no-figure"]


class EstimateCheck(BaseModel):
    """How the figure an answer arrives at compares with the question's expected value."""

    expected: float | None = Field(description="The expected value, in `unit` (withheld while a follow-up is open)")
    unit: str
    tolerance: float
    found: str | None = Field(default=None, description="The answer's figure, exactly as written")
    value: float | None = Field(default=None, description="That figure converted to `unit`")
    ratio: float | None = Field(default=None, description="max(found/expected, expected/found)")
    credit: float = Field(ge=0, le=1)
    verdict: Verdict

    @property
    def caps(self) -> bool:
        """True when the figure caps correctness at 2 (an order of magnitude off, or none)."""
        return self.verdict in ("off-by-10x-or-more", "no-figure")

    @property
    def cap(self) -> float:
        """The highest overall grade this figure allows."""
        if self.verdict == "within-tolerance":
            return 5.0
        if self.caps:
            return ESTIMATE_CAP
        return round(NEAR_CAP_BASE + NEAR_CAP_SLOPE * self.credit, 1)

    def summary(self) -> str:
        """The figure against the expected value, for the transcript once the question is over (the
        expected value is withheld while a follow-up is open: ``expected`` is None then)."""
        said = f"\u201c{self.found}\u201d = {_figure(self.value or 0)} {self.unit}" if self.found else f"no figure in {self.unit}"
        if self.expected is None:
            return f"{said}: {self.verdict.replace('-', ' ')}."
        off = f", off by {self.ratio:.1f}x" if self.ratio and self.verdict != "within-tolerance" else ""
        verdict = f": {self.verdict.replace('-', ' ')}" if self.found else ""
        expected = f"expected about {_figure(self.expected)} {self.unit} (within {round(self.tolerance * 100)}%)"
        return f"{said[:1].upper()}{said[1:]}; {expected}{off}{verdict}."

    def describe(self) -> str:
        """One sentence for the feedback. It never states the expected value: a follow-up may ask the
        candidate to redo the arithmetic (the transcript shows the value once the question is over)."""
        if self.found is None:
            return f"No figure in {self.unit} was found in the answer, so correctness is capped at 2: give one number with its unit."
        said = f"Your figure \u201c{self.found}\u201d"
        if self.verdict == "within-tolerance":
            return f"{said} is within {round(self.tolerance * 100)}% of the expected value."
        if self.verdict == "within-10x":
            return f"{said} is outside the tolerance but within 10x of the expected value, so the grade is at most {self.cap}; check the arithmetic."
        return f"{said} is an order of magnitude or more off, so correctness is capped at 2."


def _figure(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 1e6 or abs(value) < 1e-2:
        return f"{value:.2g}"
    return f"{value:.3g}"


def check_estimate(question: Question, answers: list[str]) -> EstimateCheck | None:
    """The estimate of the thread: the figure of the latest answer that gives one (a follow-up may
    revise the number), graded against the question's expected value."""
    spec = question.estimate
    if spec is None:
        return None
    dimension = dimension_of(spec.unit)
    assert dimension is not None  # validated at load
    expected_base = to_base(spec.value, spec.unit)
    found = None
    per = asked_per(question.prompt)
    for answer in reversed(answers):
        found = estimate_of(answer, dimension, per)
        if found is not None:
            break
    base = dict(expected=spec.value, unit=spec.unit, tolerance=spec.tolerance)
    if found is None:
        return EstimateCheck(**base, credit=0.0, verdict="no-figure")
    off = ratio(found.value, expected_base)
    value = found.value / to_base(1.0, spec.unit)
    low, high = 1 - spec.tolerance, 1 + spec.tolerance
    relative = found.value / expected_base
    if low <= relative <= high:
        credit, verdict = 1.0, "within-tolerance"
    # Off by an order of magnitude from some acceptable value (one within the tolerance): capped.
    elif high / ORDER_OF_MAGNITUDE < relative < low * ORDER_OF_MAGNITUDE:
        edge, far = (high, low * ORDER_OF_MAGNITUDE) if relative > 1 else (1 / low, ORDER_OF_MAGNITUDE / high)
        share = (math.log(off) - math.log(edge)) / (math.log(far) - math.log(edge))
        credit, verdict = NEAR_CREDIT - (NEAR_CREDIT - FAR_CREDIT) * max(0.0, min(1.0, share)), "within-10x"
    else:
        credit, verdict = 0.0, "off-by-10x-or-more"
    return EstimateCheck(**base, found=found.text, value=value, ratio=round(off, 3), credit=round(credit, 3), verdict=verdict)


class GradedPart(BaseModel):
    """One part of a structured answer: a design phase, a STAR part, or a planted bug."""

    kind: Literal["phase", "star", "bug"]
    id: str
    title: str
    covered: int = Field(description="Key points of this part the answer made")
    total: int


def graded_parts(question: Question, credited: set[str]) -> list[GradedPart]:
    """Which phases (design), STAR parts (behavioural) or bugs (code review) the credited key points
    (ids in ``credited``) cover."""
    parts: list[GradedPart] = []
    if question.type == "design":
        for phase, title in PHASES.items():
            ids = [kp.id for kp in question.key_points if kp.phase == phase]
            parts.append(GradedPart(kind="phase", id=phase, title=title, covered=sum(i in credited for i in ids), total=len(ids)))
    elif question.type == "behavioural":
        for star, title in STAR_PARTS.items():
            ids = [kp.id for kp in question.key_points if kp.star == star]
            parts.append(GradedPart(kind="star", id=star, title=title, covered=sum(i in credited for i in ids), total=len(ids)))
    elif question.type == "code-review":
        for bug in question.bugs:
            ids = [f"{bug.id}-{part}" for part in ("where", "symptom", "fix")]
            parts.append(GradedPart(kind="bug", id=bug.id, title=f"Line {bug.line}: {bug.text}",
                                    covered=sum(i in credited for i in ids), total=3))
    return parts


def describe_parts(parts: list[GradedPart]) -> str:
    """One sentence for the feedback: which parts the answer covered."""
    if not parts:
        return ""
    kind = parts[0].kind
    if kind == "bug":
        found = [p for p in parts if p.covered]
        complete = [p for p in parts if p.covered == p.total]
        return (f"Bugs found: {len(found)} of {len(parts)}" + (f" ({len(complete)} with where, symptom and fix)" if found else "") + ".")
    missing = [p.title.lower() for p in parts if p.covered == 0]
    label = "Phases" if kind == "phase" else "STAR parts"
    covered = len(parts) - len(missing)
    return f"{label} covered: {covered} of {len(parts)}" + (f"; missing: {', '.join(missing)}." if missing else ".")


class StatedRedFlag(BaseModel):
    """A red flag of a behavioural question that the answer shows, in the candidate's own words."""

    red_flag_id: str
    claim: str
    quote: str
    advice: str
    cap: float


def red_flags_in(question: Question, units: list[Unit]) -> list[StatedRedFlag]:
    """The behavioural red flags shown by an answer's clauses (``units``), each with the clause."""
    # (imported here: the offline package imports this module through the examiner base)
    from app.examiners.offline.claims import find_claim

    shown: list[StatedRedFlag] = []
    for flag in question.red_flags:
        match, _ = find_claim(flag.patterns, units, lists_count=True)
        if match is not None:
            shown.append(StatedRedFlag(red_flag_id=flag.id, claim=flag.claim, quote=match.quote, advice=flag.advice.strip(), cap=flag.cap))
    return shown


def red_flags_shown(question: Question, answers: list[str]) -> list[StatedRedFlag]:
    """``red_flags_in`` over a thread's raw answers (for the LLM examiner, which has no clauses of its own)."""
    from app.examiners.offline.claims import units_of
    from app.examiners.offline.text import split_sentences

    if not question.red_flags:
        return []
    return red_flags_in(question, [u for i, answer in enumerate(answers) for u in units_of(split_sentences(answer), i)])
