"""The examiner interface and the grade it returns.

An examiner grades one question's thread: the candidate's first answer plus any answers to follow-up
probes. The grade is cumulative - a key point covered in a follow-up answer counts for the question.
Every quote in ``covered`` is an exact substring of one of the thread's answers, so the evidence shown
to the candidate is always their own words.
"""

from __future__ import annotations

import abc

from pydantic import BaseModel, ConfigDict, Field

from app.bank.schema import Question, Topic
from app.examiners.checks import EstimateCheck, GradedPart, StatedRedFlag  # noqa: F401  (part of the Grade API)
from app.llm.usage import TokenUsage


class CoveredPoint(BaseModel):
    key_point_id: str
    text: str
    quote: str = Field(description="Exact words from the candidate's answer that cover the point")


class MissedPoint(BaseModel):
    key_point_id: str
    text: str
    weight: int = 2


class StatedMisconception(BaseModel):
    """A misconception of the rubric that the answer states, in the candidate's own words."""

    misconception_id: str
    claim: str = Field(description="The wrong statement, in the rubric's words")
    quote: str = Field(description="Exact words from the candidate's answer that state it")
    correction: str = Field(description="What is true instead")
    key_point_id: str | None = Field(default=None, description="The key point it contradicts")
    corrected: bool = Field(default=False, description="Put right in a later answer of the same question")


class TestsCheck(BaseModel):
    """Code questions: the hidden tests of the last submission, which fix how high the grade can go."""

    submitted: bool = Field(description="Whether any code was submitted for the question")
    passed: int = 0
    total: int = 0
    failing: list[str] = Field(default=[], description="Names of the hidden tests that failed")
    problem: str = Field(default="", description="Why the run failed as a whole (timeout, crash, output cap), if it did")
    ceiling: float = Field(description="The highest grade the tests allow (the explanation cannot lift it past this)")


class Grade(BaseModel):
    scores: dict[str, int] = Field(description="Criterion id -> score 0-5")
    overall: float = Field(
        ge=0, le=5,
        description="0-5. LLM: the rubric-weighted mean of the criterion scores. Offline: the validated "
        "continuous score on the 0-5 scale, which the criterion levels are anchored on",
    )
    covered: list[CoveredPoint] = []
    missed: list[MissedPoint] = []
    misconceptions: list[StatedMisconception] = Field(default=[], description="Wrong claims the answer states")
    feedback: str = ""
    follow_up: str | None = Field(default=None, description="A probe aimed at the most important gap")
    follow_up_point: str | None = Field(default=None, description="Key point id the follow-up targets")
    examiner: str = Field(description="'offline' or 'llm:<model>@<host>'")
    flags: list[str] = Field(default=[], description="e.g. quote_not_found, fallback:llm_timeout")
    estimate: EstimateCheck | None = Field(default=None, description="estimate questions: the figure found and how far off it is")
    parts: list[GradedPart] = Field(default=[], description="design phases, STAR parts or bugs, and how many of their key points were made")
    red_flags: list[StatedRedFlag] = Field(default=[], description="behavioural red flags the answer shows (each caps the grade)")
    tests: TestsCheck | None = Field(default=None, description="code questions: the hidden tests the submitted code passed")
    usage: TokenUsage | None = None


class Exchange(BaseModel):
    """One prompt put to the candidate and what they answered."""

    prompt: str
    answer: str


class SubmittedTest(BaseModel):
    name: str
    passed: bool
    message: str = ""


class Submission(BaseModel):
    """Code questions: the candidate's last submitted code, and the hidden tests it passed."""

    code: str
    passed: int
    total: int
    tests: list[SubmittedTest] = Field(description="Each hidden test and whether it passed")
    problem: str = ""


class GradingRequest(BaseModel):
    """What an examiner needs to grade one question: only the rubric and this question's thread."""

    model_config = ConfigDict(extra="forbid")  # a stale field is an error, never silently dropped

    topic: Topic
    question: Question
    thread: list[Exchange] = Field(min_length=1, description="First the question, then follow-ups")
    submission: "Submission | None" = Field(default=None, description="code questions: the last code submitted and its tests")

    @property
    def answers(self) -> list[str]:
        return [ex.answer for ex in self.thread]

    @property
    def latest_answer(self) -> str:
        return self.thread[-1].answer


def weighted_overall(topic: Topic, scores: dict[str, int]) -> float:
    """Weighted mean of criterion scores, rounded to one decimal."""
    total = sum(c.weight for c in topic.criteria)
    value = sum(c.weight * scores.get(c.id, 0) for c in topic.criteria) / total if total else 0.0
    return round(max(0.0, min(5.0, value)), 1)


class Examiner(abc.ABC):
    """Grades a question's thread. Implementations must not raise for any candidate text."""

    name: str

    @abc.abstractmethod
    async def grade_answer(self, request: GradingRequest) -> Grade: ...

    async def aclose(self) -> None:
        """Release connections at shutdown (nothing to do for an examiner that holds none)."""
