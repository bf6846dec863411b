"""Schema of a topic file. Unknown fields are rejected so that a typo never passes silently.

A topic file (``rubrics/<topic-id>.yaml``) holds one topic: what it probes, the criteria its answers
are scored on (each with an anchor text for every score 0-5), and its questions. A question needs only
``id``, ``prompt`` and ``model_answer``; key points are derived from the model answer when absent.
"""

from __future__ import annotations

import re
import datetime
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.bank.types import PHASES, STAR_PARTS, Bug, Estimate, Phase, QuestionType, RedFlag, StarPart, Tags

SLUG = r"^[a-z0-9][a-z0-9-]*$"
SCORE_LEVELS = (0, 1, 2, 3, 4, 5)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    """One scoring dimension (e.g. correctness) with a written anchor for each score level."""

    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0)
    anchors: dict[int, str]

    @field_validator("anchors")
    @classmethod
    def _every_level_anchored(cls, anchors: dict[int, str]) -> dict[int, str]:
        missing = [level for level in SCORE_LEVELS if not anchors.get(level, "").strip()]
        extra = [level for level in anchors if level not in SCORE_LEVELS]
        if missing or extra:
            raise ValueError(f"anchors need a non-empty text for each score 0-5 (missing {missing}, unexpected {extra})")
        return anchors


class ClaimGroup(NamedTuple):
    """One group of a claim pattern: any of ``alternatives`` (or, when ``excluded``, none of them)."""

    alternatives: tuple[str, ...]
    excluded: bool = False


def parse_claim(pattern: str) -> tuple[ClaimGroup, ...]:
    """Parse a claim pattern: groups joined by ``+`` that must all occur in one clause of an answer, in
    any order; ``|`` separates alternatives within a group; a group starting with ``!`` must not occur;
    ``\\+`` is a plus sign inside a formula.

    ``"layer norm | layernorm + mean | statistics + each example | per example"`` is one claim: the
    three groups bound together in a clause. A pattern without ``+`` is one group (one term).
    """
    groups: list[ClaimGroup] = []
    # "\\+" is a literal plus inside a formula ("diag(s) \\+ ss^T"); a bare "+" joins groups.
    for raw in re.split(r"(?<!\\)\+", pattern):
        raw = raw.replace("\\+", "+").strip()
        excluded = raw.startswith("!")
        # "\\|" is a bar inside a formula ("KL(q \\|\\| p)", "p(z\\|x)"); a bare "|" separates alternatives.
        alternatives = tuple(a.strip().replace("\\|", "|") for a in re.split(r"(?<!\\)\|", raw.lstrip("!")))
        if not raw.lstrip("!").strip() or any(not a for a in alternatives):
            raise ValueError(f"claim pattern {pattern!r} has an empty group or alternative (check '+' and '|')")
        groups.append(ClaimGroup(alternatives, excluded))
    if all(g.excluded for g in groups):
        raise ValueError(f"claim pattern {pattern!r} needs at least one group that is not excluded with '!'")
    return tuple(groups)


def _check_patterns(patterns: tuple[str, ...]) -> tuple[str, ...]:
    for pattern in patterns:
        parse_claim(pattern)
    return patterns


class KeyPoint(_Strict):
    """A point a good answer makes. ``phrasings`` are claim patterns (see ``parse_claim``) that count
    as making it; a key point with none is matched by its own text (derived points, ``viva eval``)."""

    id: str = Field(pattern=SLUG)
    text: str = Field(min_length=1)
    weight: int = Field(default=2, ge=1, le=3)
    phrasings: tuple[str, ...] = ()
    probe: str | None = None  # follow-up question aimed at this point when it is missed
    phase: Phase | None = Field(default=None, description="design questions: the phase this point belongs to")
    star: StarPart | None = Field(default=None, description="behavioural questions: the STAR part it belongs to")

    _patterns = field_validator("phrasings")(_check_patterns)


class Misconception(_Strict):
    """A wrong claim that answers to this question make, as data: how to spot it, which key point it
    contradicts, and the correction the candidate is shown."""

    id: str = Field(pattern=SLUG)
    claim: str = Field(min_length=1, description="The wrong statement, in plain words")
    patterns: tuple[str, ...] = Field(min_length=1, description="Claim patterns (see parse_claim) that state it")
    contradicts: str | None = Field(default=None, description="Key point id whose credit it removes")
    correction: str = Field(min_length=1, description="What is true instead, shown in the feedback")
    probe: str | None = Field(default=None, description="Follow-up question asked after quoting the candidate")

    _patterns = field_validator("patterns")(_check_patterns)


ExemplarKind = Literal["excellent", "terse", "partial", "wrong", "buzzword", "neighbour"]


class Exemplar(_Strict):
    """A graded example answer: calibration for the examiners, never shown before answering."""

    kind: ExemplarKind
    grade: float = Field(ge=0, le=5)
    answer: str = Field(min_length=1)
    reason: str = Field(min_length=1, description="One line: why this grade")


class Question(_Strict):
    id: str = Field(pattern=SLUG)
    type: QuestionType = "concept"
    prompt: str = Field(min_length=1)
    model_answer: str = Field(min_length=1)
    difficulty: int = Field(default=2, ge=1, le=3)
    last_reviewed: datetime.date | None = None
    sources: tuple[str, ...] = Field(default=(), description="A paper, docs page or book section a reader can check")
    tags: Tags | None = None
    key_points: tuple[KeyPoint, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    exemplars: tuple[Exemplar, ...] = ()
    code: str | None = Field(default=None, description="code-review: the snippet, shown formatted with line numbers")
    language: str = Field(default="python", pattern=SLUG)
    bugs: tuple[Bug, ...] = ()
    estimate: Estimate | None = None
    red_flags: tuple[RedFlag, ...] = ()

    @model_validator(mode="after")
    def _unique_key_points(self) -> "Question":
        for kind, ids in (("key point", [kp.id for kp in self.key_points]), ("misconception", [m.id for m in self.misconceptions]),
                          ("bug", [b.id for b in self.bugs]), ("red flag", [r.id for r in self.red_flags])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} ids: {dupes}")
        known = {kp.id for kp in self.key_points} | {b.id for b in self.bugs}
        unknown = [m.id for m in self.misconceptions if m.contradicts and known and m.contradicts not in known]
        if unknown:
            raise ValueError(f"misconceptions {unknown} contradict a key point id that this question does not have")
        return self

    @property
    def asked(self) -> str:
        """What the candidate is shown: the prompt, and a code review's snippet as a fenced code block."""
        if not self.code:
            return self.prompt
        return f"{self.prompt}\n\n```{self.language}\n{self.code.rstrip()}\n```"

    @model_validator(mode="after")
    def _fields_of_its_type(self) -> "Question":
        """Each type has its own required fields, and no other type's."""
        problems: list[str] = []
        own = {"code-review": {"code", "bugs"}, "estimate": {"estimate"}, "behavioural": {"red_flags"}}.get(self.type, set())
        for name in ("code", "bugs", "estimate", "red_flags"):
            present = bool(getattr(self, name))
            if name in own and not present:
                problems.append(f"a {self.type} question needs '{name}'")
            elif present and name not in own:
                problems.append(f"'{name}' belongs to another question type, not {self.type}")
        phases = {kp.phase for kp in self.key_points if kp.phase}
        stars = {kp.star for kp in self.key_points if kp.star}
        if self.type == "design" and self.key_points and set(PHASES) - phases:
            problems.append(f"a design question needs a key point in every phase; missing: {sorted(set(PHASES) - phases)}")
        if self.type != "design" and phases:
            problems.append("'phase' is for key points of design questions")
        if self.type == "behavioural" and self.key_points and set(STAR_PARTS) - stars:
            problems.append(f"a behavioural question needs a key point for every STAR part; missing: {sorted(set(STAR_PARTS) - stars)}")
        if self.type != "behavioural" and stars:
            problems.append("'star' is for key points of behavioural questions")
        if self.type == "derivation" and self.key_points and len(self.key_points) < 3:
            problems.append("a derivation needs at least three steps as key points")
        if self.code is not None:
            lines = self.code.rstrip("\n").count("\n") + 1
            beyond = [b.id for b in self.bugs if b.line > lines]
            if beyond:
                problems.append(f"bugs {beyond} name a line past the snippet's {lines} lines")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Topic(_Strict):
    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="One line shown on the start page")
    probes: str = Field(min_length=1, description="What interviewers probe in this topic")
    criteria: tuple[Criterion, ...] = ()
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Topic":
        for kind, ids in (("question", [q.id for q in self.questions]), ("criterion", [c.id for c in self.criteria])):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} ids: {dupes}")
        return self

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


# Sentence ends, line breaks, and list markers ("- ", "* ", "1.", "2)", "ii)") at the start of a line.
_SENTENCE = re.compile(
    r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?;])\s+|\n\s*(?:[-*•●○▪→]+|\(?\d{1,2}[.)]|\(?[ivx]{1,4}\)|[a-z]\))?\s*"
)
# A line break inside a sentence (a model answer wrapped in a YAML block) is a space, not a split:
# a break mid-sentence (no punctuation before it, a lower-case word after it) joins the two lines.
_SOFT_WRAP = re.compile(r"(?<![.!?:;\n])[ \t]*\n[ \t]*(?=[a-z(](?![).]))")
# Long sentences are cut into clauses at semicolons and contrastive links, so each clause can be matched.
_CLAUSE = re.compile(r"\s*;\s*|,\s+(?=whereas|while|but|which)\b")
_LONG_SENTENCE_WORDS = 30


def derive_key_points(model_answer: str, limit: int = 6) -> tuple[KeyPoint, ...]:
    """Key points for a question that lists none: one per sentence, list item or clause of a long sentence.

    List items are kept even when short ("- Sequence number"), since a list of fields or names is
    exactly what an answer is expected to reproduce; other fragments need three words.
    """
    items: list[str] = []
    for raw in _SENTENCE.split("\n" + _SOFT_WRAP.sub(" ", model_answer.strip())):
        sentence = raw.strip(" -*\t•●○▪")
        parts = _CLAUSE.split(sentence) if len(sentence.split()) > _LONG_SENTENCE_WORDS else [sentence]
        for part in parts:
            part = part.strip(" ,-*\t")
            words = re.findall(r"\w+", part)
            if len(words) >= 3 or (len(words) >= 1 and len(part) >= 3 and not part.endswith(":")):
                if part not in items:
                    items.append(part)
    return tuple(KeyPoint(id=f"point-{i + 1}", text=s, weight=2) for i, s in enumerate(items[:limit]))
