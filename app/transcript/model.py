"""The transcript's shape. ``SCHEMA_VERSION`` changes whenever a field changes meaning or goes away."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.examiners.base import Grade

SCHEMA_VERSION = 1


class ExchangeRecord(BaseModel):
    kind: str = Field(description="'question' or 'follow_up'")
    prompt: str
    message: str = Field(description="The interviewer's whole message that posed the prompt")
    answer: str | None
    skipped: bool
    asked_at: datetime
    answered_at: datetime | None
    graded_at: datetime | None
    grade: Grade | None
    examiner: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class CriterionResult(BaseModel):
    criterion_id: str
    title: str
    score: int
    anchor: str = Field(description="The rubric's description of this score level")


class QuestionRecord(BaseModel):
    topic_id: str
    topic_title: str
    question_id: str
    difficulty: int
    prompt: str
    model_answer: str
    exchanges: list[ExchangeRecord]
    score: float | None = Field(description="0-5: the thread's final grade; 0 when skipped; None if unanswered")
    criteria: list[CriterionResult] = []
    final_grade: Grade | None = None
    time_spent_seconds: float | None = None


class TopicScore(BaseModel):
    topic_id: str
    title: str
    score: float | None
    questions: int


class Transcript(BaseModel):
    schema_version: int = SCHEMA_VERSION
    viva_version: str
    id: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    options: dict[str, Any]
    examiner: str
    questions: list[QuestionRecord]
    topics: list[TopicScore]
    overall: float | None
    summary: dict[str, Any] | None
    usage: dict[str, int]
    rubric_hashes: dict[str, str]
