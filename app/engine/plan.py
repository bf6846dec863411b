"""Interview options and the plan built from them.

The plan fixes, per topic, an ordered list of candidate questions. Which candidate is asked next is
decided by the state machine (adaptive difficulty picks by level), so the plan itself stays data.
"""

from __future__ import annotations

import random
import unicodedata
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.bank.loader import QuestionBank
from app.bank.schema import Question
from app.bank.types import QuestionType, Role, Seniority
from app.errors import InvalidPlan
from app.jobs.explanation import PlanExplanation
from app.sanitize import clean_text

_JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: parts of how some names are written

DEFAULT_TOPIC_COUNT = 3
# A job posting is a page or two; the whole of a long one fits well under this (issue 14, app/jobs/).
MAX_JOB_DESCRIPTION_CHARS = 20_000


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    ADAPTIVE = "adaptive"

    @property
    def start_level(self) -> int:
        return {"easy": 1, "medium": 2, "hard": 3, "adaptive": 2}[self.value]


class FeedbackMode(StrEnum):
    PER_ANSWER = "per_answer"
    AT_END = "at_end"


# The default mix when the candidate picks no types: roughly how often each kind comes up in real
# deep-learning interviews (explanations most, then derivations and numbers, then the rest).
REALISTIC_MIX: dict[str, float] = {
    "concept": 0.45, "derivation": 0.15, "estimate": 0.15, "code-review": 0.1, "design": 0.1, "behavioural": 0.05,
    "code": 0.1,
}


class Focus(BaseModel):
    """Who the interview is for: questions tagged for these roles and levels are asked first."""

    model_config = ConfigDict(extra="forbid")

    roles: list[Role] = Field(default=[], description="mle, research, applied-scientist; empty: any")
    seniority: Seniority | None = Field(default=None, description="junior, mid or senior; none: any")

    def matches(self, question: Question) -> bool:
        tags = question.tags
        if tags is None:
            return not self.roles and self.seniority is None
        return (not self.roles or bool(set(self.roles) & set(tags.roles))) and (
            self.seniority is None or self.seniority in tags.seniority)


class InterviewOptions(BaseModel):
    """What the candidate chooses on the start page (or in ``POST /api/interviews``)."""

    model_config = ConfigDict(extra="forbid")

    topics: list[str] = Field(default=[], max_length=20, description="Topic ids; empty picks a balanced set")
    questions_per_topic: int = Field(default=2, ge=1, le=10)
    difficulty: Difficulty = Difficulty.ADAPTIVE
    max_follow_ups: int = Field(default=1, ge=0, le=3, description="Follow-up probes per question")
    feedback: FeedbackMode = FeedbackMode.PER_ANSWER
    candidate_name: str | None = Field(default=None, max_length=80)
    question_types: list[QuestionType] = Field(
        default=[], description="Only these question types; empty: a realistic mix of every type the topics have")
    focus: Focus = Field(default_factory=Focus, description="Role and seniority to prefer")
    practice: bool = Field(
        default=False,
        description="Practice mode: after a question's feedback, try it again or move on (every attempt is kept; the last counts)")
    time_limit_seconds: int | None = Field(
        default=None, ge=30, le=3600,
        description="A time per question: the page counts down and warns when it is up (answers are never cut off)")
    # Issue 14: a job description as the plan (app/jobs/). Untrusted text, cleaned like the name.
    job_description: str | None = Field(
        default=None, json_schema_extra={"maxLength": MAX_JOB_DESCRIPTION_CHARS},
        description="A job posting or a role title: topics, counts per topic, question types and focus are "
        "weighted by what it asks for (chosen topics, types and focus still win). POST /api/plans/preview shows "
        f"the plan and its reasons first. At most {MAX_JOB_DESCRIPTION_CHARS} characters")
    # Weak-spot review (issue 14): the plan comes from the profile's review items, not from the bank.
    review: bool = Field(
        default=False,
        description="A review interview: asks the questions whose review items are due (needs the X-Viva-Profile "
        "header); with topics, every weak point of those topics. questions_per_topic and question_types are ignored")

    @field_validator("question_types")
    @classmethod
    def _no_duplicate_types(cls, types: list[str]) -> list[str]:
        return list(dict.fromkeys(types))

    @field_validator("topics")
    @classmethod
    def _no_duplicates(cls, topics: list[str]) -> list[str]:
        return list(dict.fromkeys(topics))

    @field_validator("candidate_name")
    @classmethod
    def _clean_name(cls, name: str | None) -> str | None:
        """Cleaned like every untrusted text (``clean_text``), then on one line without invisible
        formatting characters (a name is shown in headings) - except the joiners (ZWJ, ZWNJ) that emoji
        and Persian or Indic names need; blank means none."""
        if name is None:
            return None
        visible = "".join(ch for ch in clean_text(name) if unicodedata.category(ch) != "Cf" or ch in _JOINERS)
        return " ".join(visible.split()) or None

    @field_validator("job_description")
    @classmethod
    def _clean_job_description(cls, text: str | None) -> str | None:
        """Cleaned like every untrusted text; blank means none; a posting past the limit is refused
        with what to do (pydantic's own message would not say)."""
        if text is None:
            return None
        text = clean_text(text).strip()
        if len(text) > MAX_JOB_DESCRIPTION_CHARS:
            raise ValueError(
                f"the job description has {len(text)} characters, over the limit of {MAX_JOB_DESCRIPTION_CHARS}: "
                "paste the role's summary, responsibilities and requirements (benefits and company history can go)")
        return text or None


class QuestionRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic_id: str
    question_id: str
    difficulty: int


class TopicPlan(BaseModel):
    topic_id: str
    candidates: list[QuestionRef]
    # A plan from a job description gives each topic its own count (issue 14); none: questions_per_topic.
    questions: int | None = Field(default=None, ge=1)


class InterviewPlan(BaseModel):
    options: InterviewOptions
    topics: list[TopicPlan]
    explanation: PlanExplanation | None = Field(
        default=None, description="A plan from a job description: the reason for each choice")

    def questions_in(self, topic_index: int) -> int:
        """How many questions the topic at ``topic_index`` asks."""
        if not 0 <= topic_index < len(self.topics):
            return self.options.questions_per_topic
        return self.topics[topic_index].questions or self.options.questions_per_topic
    # Review interviews (issue 14): "topic/question" -> the key point ids its follow-ups aim at.
    weak_points: dict[str, list[str]] = {}

    @property
    def total_questions(self) -> int:
        return sum(self.questions_in(i) for i in range(len(self.topics)))


def build_plan(options: InterviewOptions, bank: QuestionBank, seed: int) -> InterviewPlan:
    """Choose topics and order each topic's questions. ``seed`` makes the shuffle reproducible."""
    if options.job_description:  # issue 14: the posting weighs topics, counts, types and focus
        from app.jobs.planner import build_job_plan  # noqa: PLC0415 (it builds on this module)

        return build_job_plan(options, bank, seed)
    check_topics(options, bank)
    rng = random.Random(seed)
    topic_ids = options.topics or _balanced_topics(bank, rng)
    plans = []
    for topic_id in topic_ids:
        questions = [q for q in bank.topic(topic_id).questions if not options.question_types or q.type in options.question_types]
        if len(questions) < options.questions_per_topic:
            kinds = f" of types {options.question_types}" if options.question_types else ""
            having = [t for t in bank.topics if sum(not options.question_types or q.type in options.question_types
                                                    for q in bank.topic(t).questions) >= options.questions_per_topic]
            raise InvalidPlan(
                f"topic {topic_id!r} has {len(questions)} questions{kinds}, fewer than questions_per_topic="
                f"{options.questions_per_topic}",
                hint=f"lower questions_per_topic, allow more question types, or choose topics that have them: {having}",
            )
        focused = [q for q in questions if options.focus.matches(q)]
        # The focus narrows the pool when it leaves enough to choose from; otherwise it only goes first.
        if len(focused) >= options.questions_per_topic:
            questions = focused
        questions = _weighted_order(questions, rng, options.focus)
        # Easier first within a topic when not adaptive; adaptive picks by level at run time.
        questions.sort(key=lambda q: q.difficulty)
        refs = [QuestionRef(topic_id=topic_id, question_id=q.id, difficulty=q.difficulty) for q in questions]
        plans.append(TopicPlan(topic_id=topic_id, candidates=refs))
    return InterviewPlan(options=options, topics=plans)


def refuse_unavailable(options: InterviewOptions, unavailable: dict[str, str]) -> None:
    """Refuse an interview of only question types this server cannot ask now (code questions without a
    sandbox), saying why; a mix that includes them just leaves them out (the service plans from a bank
    without them)."""
    if options.question_types and all(t in unavailable for t in options.question_types):
        raise InvalidPlan(
            f"{', '.join(options.question_types)} questions cannot be asked on this server: "
            + "; ".join(unavailable[t] for t in options.question_types),
            hint="choose other question types",
        )


def check_topics(options: InterviewOptions, bank: QuestionBank) -> None:
    unknown = [t for t in options.topics if t not in bank.topics]
    if unknown:
        raise InvalidPlan(
            f"unknown topic ids: {unknown}",
            hint=f"choose from: {sorted(bank.topics)} (GET /api/topics lists them)",
        )


def _weighted_order(questions: list[Question], rng: random.Random, focus: Focus) -> list[Question]:
    """A shuffle weighted by the realistic mix of types (and the focus): a weighted random order
    (each question keyed by u ** (1 / weight)), so common types tend to come first without always
    doing so."""
    def key(q: Question) -> float:
        weight = REALISTIC_MIX.get(q.type, 0.1) * (3.0 if focus.matches(q) else 1.0)
        return rng.random() ** (1.0 / weight)
    return sorted(questions, key=key, reverse=True)


def _balanced_topics(bank: QuestionBank, rng: random.Random) -> list[str]:
    ids = sorted(bank.topics)
    return sorted(rng.sample(ids, min(DEFAULT_TOPIC_COUNT, len(ids))), key=ids.index)
