"""The transcript's shape. ``SCHEMA_VERSION`` changes whenever a field changes meaning or goes away.

Adding an optional field does not bump it. ``schemas/transcript.v<N>.schema.json`` is generated from
these models (``python -m app.transcript.schema``) and docs/transcript.md describes every field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from app.jobs.explanation import PlanExplanation
from pydantic import BaseModel, ConfigDict, Field

from app.examiners.base import Grade
from app.llm.usage import TokenUsage

SCHEMA_VERSION = 1


class ExchangeRecord(BaseModel):
    kind: str = Field(description="'question' or 'follow_up'")
    prompt: str
    message: str = Field(description="The interviewer's whole message that posed the prompt")
    answer: str | None
    skipped: bool
    spoken: bool = Field(default=False, description="The answer was spoken: transcribed from a recording (the audio is not kept here)")
    spoken_seconds: float | None = Field(default=None, description="A spoken answer: the recording's length in seconds")
    asked_at: datetime
    answered_at: datetime | None
    graded_at: datetime | None
    grade: Grade | None
    examiner: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class TestRecord(BaseModel):
    name: str
    passed: bool
    message: str = Field(default="", description="Why it failed")
    seconds: float = 0.0


class SubmissionRecord(BaseModel):
    """Code questions: the last code submitted and what the hidden tests made of it."""

    code: str
    passed: int
    total: int
    tests: list[TestRecord]
    problem: str = Field(default="", description="Why the run failed as a whole (timeout, crash, output cap), if it did")
    seconds: float = Field(description="How long the run took")
    submitted_at: datetime


class CriterionResult(BaseModel):
    criterion_id: str
    title: str
    score: int = Field(ge=0, le=5)
    anchor: str = Field(description="The rubric's description of this score level")
    weight: float = Field(default=1.0, description="The criterion's weight in the question's overall score")


class QuestionRecord(BaseModel):
    topic_id: str
    topic_title: str
    question_id: str
    difficulty: int
    question_type: str = Field(default="concept", description="concept, derivation, estimate, code-review, design, behavioural or code")
    prompt: str
    code: str | None = Field(default=None, description="code-review questions: the snippet the candidate reviewed")
    submission: SubmissionRecord | None = Field(default=None, description="code questions: the last code submitted and its hidden tests")
    code_runs: int = Field(default=0, description="code questions: how many times the code was run (examples and submissions)")
    expected: str | None = Field(default=None, description="estimate questions, once behind the candidate: the expected value and its assumptions")
    model_answer: str
    exchanges: list[ExchangeRecord]
    score: float | None = Field(description="0-5: the thread's final grade; 0 when skipped; None if unanswered")
    criteria: list[CriterionResult] = []
    final_grade: Grade | None = None
    time_spent_seconds: float | None = None
    attempt: int = Field(default=1, description="Practice mode: which attempt at this question (1 for the first)")
    counts: bool = Field(default=True, description="Whether this attempt counts for the scores (the last attempt of a question does)")


class TopicScore(BaseModel):
    topic_id: str
    title: str
    score: float | None
    questions: int


class TranscriptSummary(BaseModel):
    """The interviewer's closing summary (offline template or LLM)."""

    model_config = ConfigDict(extra="allow")

    text: str = ""
    strengths: list[str] = []
    gaps: dict[str, list[str]] = Field(default={}, description="Topic title -> key points missed")
    study_next: list[str] = []
    examiner: str = "offline"
    usage: TokenUsage | None = None


class ExaminerInfo(BaseModel):
    kind: Literal["offline", "llm"]
    name: str = Field(description="'offline' or 'llm:<model>@<host>', as recorded on the interview")
    model: str | None = Field(default=None, description="LLM model name; None when offline")
    endpoint_host: str | None = Field(default=None, description="Host of the LLM endpoint (never a key or credentials)")


class TokenTotals(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Reproducibility(BaseModel):
    """What is needed to tell whether two transcripts were graded the same way."""

    viva_version: str
    schema_version: int = SCHEMA_VERSION
    examiner: ExaminerInfo = Field(description="The examiner the interview was configured with")
    graded_by: list[str] = Field(description="Every examiner that produced a grade (a failed LLM call falls back to 'offline')")
    rubric_files: dict[str, str] = Field(description="Topic id -> sha256 of its rubric file")
    prompt_templates: dict[str, str] = Field(
        description="Template file name -> sha256; every prompts/*.j2 file when an LLM took part, else empty")
    token_usage: TokenTotals
    hashed_at: Literal["export"] = Field(
        default="export", description="Hashes are of the files present when the transcript was exported")


class Transcript(BaseModel):
    schema_version: int = SCHEMA_VERSION
    viva_version: str
    id: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    options: dict[str, Any] = Field(description="What the candidate chose: topics, questions_per_topic, difficulty, ...")
    examiner: str
    questions: list[QuestionRecord]
    questions_planned: int | None = Field(default=None, description="How many questions the plan held (an interview ended early asked fewer)")
    topics: list[TopicScore]
    overall: float | None
    summary: TranscriptSummary | None
    usage: dict[str, int] = Field(description="Tokens used by the interview: prompt_tokens, completion_tokens")
    rubric_hashes: dict[str, str] = Field(description="Topic id -> sha256 of its rubric file (as in reproducibility)")
    duration_seconds: float | None = Field(default=None, description="From the start to the last answer")
    reproducibility: Reproducibility | None = None
    plan_explanation: PlanExplanation | None = Field(
        default=None, description="A plan built from a job description: the reason for each choice, quoting the posting")
