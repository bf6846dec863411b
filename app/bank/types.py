"""Question types and their type-specific fields, validated at load.

Every question is one of six types, and each type is graded its own way (``docs/rubrics.md``):

- ``concept``: explain an idea in words; key points are claims.
- ``derivation``: the intermediate results are the key points (any notation); sign and term errors
  are misconceptions.
- ``estimate``: a number with a unit (``estimate``); the decomposition is the key points; the value
  the answer arrives at is parsed and graded against ``estimate.value`` within ``estimate.tolerance``.
- ``code-review``: a snippet (``code``) with planted ``bugs``; each bug is scored on naming its line
  or construct, its symptom and its fix.
- ``design``: a system-design question; every key point belongs to one of six ``phase``s.
- ``behavioural``: a story told STAR-style; every key point belongs to one ``star`` part and
  ``red_flags`` cap the grade.
- ``code``: implement a function (``rubrics/code/``, ``app/bank/code_tasks.py``); the code runs
  against hidden tests in the sandbox, and the explanation of the approach is graded on its key points.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG = r"^[a-z0-9][a-z0-9-]*$"

QuestionType = Literal["concept", "derivation", "estimate", "code-review", "design", "behavioural", "code"]
QUESTION_TYPES: tuple[str, ...] = ("concept", "derivation", "estimate", "code-review", "design", "behavioural", "code")
TYPE_LABELS: dict[str, tuple[str, str]] = {
    "concept": ("Concepts", "Explain an idea and why it works"),
    "derivation": ("Derivations", "Work the maths step by step"),
    "estimate": ("Estimates", "Back-of-envelope numbers with units"),
    "code-review": ("Code review", "Find the bugs in a snippet"),
    "design": ("System design", "Design an ML system end to end"),
    "behavioural": ("Behavioural", "Tell a story from your own work"),
    "code": ("Implement", "Write code that runs against hidden tests"),
}

Phase = Literal["requirements", "data", "baseline", "evaluation", "serving", "monitoring"]
PHASES: dict[str, str] = {
    "requirements": "Requirements and metrics",
    "data": "Data and labels",
    "baseline": "Baseline, then model",
    "evaluation": "Offline evaluation",
    "serving": "Serving under constraints",
    "monitoring": "Monitoring and feedback",
}
StarPart = Literal["situation", "actions", "result", "reflection"]
STAR_PARTS: dict[str, str] = {
    "situation": "Situation and stakes",
    "actions": "Your own actions",
    "result": "A quantified result",
    "reflection": "Reflection",
}

Role = Literal["mle", "research", "applied-scientist"]
Seniority = Literal["junior", "mid", "senior"]
ROLES: dict[str, str] = {"mle": "ML engineer", "research": "Research scientist", "applied-scientist": "Applied scientist"}
SENIORITY: dict[str, str] = {"junior": "Junior", "mid": "Mid-level", "senior": "Senior and above"}
# The areas of the seed guide (docs/rubrics.md): a question names the one(s) it covers.
SEED_AREAS = (
    "architectures", "math-foundations", "architecture-design", "training-at-scale", "production",
    "industry-applications", "hands-on", "communication", "staying-current",
)
SeedArea = Literal[
    "architectures", "math-foundations", "architecture-design", "training-at-scale", "production",
    "industry-applications", "hands-on", "communication", "staying-current",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tags(_Strict):
    """Who the question is for: the seed guide's area(s), roles, and seniority levels."""

    areas: tuple[SeedArea, ...] = Field(min_length=1)
    roles: tuple[Role, ...] = Field(min_length=1)
    seniority: tuple[Seniority, ...] = Field(min_length=1)


class Estimate(_Strict):
    """The expected value of an estimate question. ``unit`` is one the parser knows (``units.py``):
    bytes (B, KB, MB, GB, TB, KiB...), FLOP, seconds/minutes/hours/days, tokens/s, params, GPUs, USD."""

    value: float = Field(gt=0)
    unit: str = Field(min_length=1)
    tolerance: float = Field(default=0.3, gt=0, le=1.0, description="Relative: 0.3 accepts value x [0.7, 1.3]")
    assumptions: str = Field(min_length=1, description="What the expected value assumes, shown after grading")

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        from app.bank.units import dimension_of  # the unit table lives beside the parser

        if dimension_of(unit) is None:
            raise ValueError(f"unknown unit {unit!r}: use one of the units listed in docs/rubrics.md")
        return unit


def _claim_patterns(patterns: tuple[str, ...]) -> tuple[str, ...]:
    from app.bank.schema import parse_claim

    for pattern in patterns:
        parse_claim(pattern)
    return patterns


class Bug(_Strict):
    """A planted bug of a code-review question. Each of its three parts is credited on its own:
    ``where`` (the line or construct; "line N" always counts), ``symptom`` and ``fix``, as claim patterns."""

    id: str = Field(pattern=SLUG)
    line: int = Field(ge=1, description="Line of the snippet (1-based) where the bug is")
    text: str = Field(min_length=1, description="The bug, its symptom and its fix, in one or two sentences")
    weight: int = Field(default=2, ge=1, le=3)
    where: tuple[str, ...] = Field(min_length=1, description="Claim patterns naming the construct")
    symptom: tuple[str, ...] = Field(min_length=1, description="Claim patterns stating what goes wrong")
    fix: tuple[str, ...] = Field(min_length=1, description="Claim patterns stating the fix")
    probe: str | None = None

    _patterns = field_validator("where", "symptom", "fix")(_claim_patterns)


class RedFlag(_Strict):
    """Something in a behavioural answer that caps its grade (blame, no own role, a made-up result)."""

    id: str = Field(pattern=SLUG)
    claim: str = Field(min_length=1, description="What the answer does, in plain words")
    patterns: tuple[str, ...] = Field(min_length=1)
    cap: float = Field(default=2.0, ge=0, le=4)
    advice: str = Field(min_length=1, description="What to do instead, shown in the feedback")

    _patterns = field_validator("patterns")(_claim_patterns)
