"""Database tables. One row per interview, one row per exchange (a prompt and its answer), one row per
run of a candidate's code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class InterviewRow(SQLModel, table=True):
    __tablename__ = "interview"

    id: str = Field(primary_key=True, max_length=40)
    token_hash: str = Field(max_length=64)
    status: str = Field(index=True, max_length=32)
    version: int = 0  # bumped on every state change; a stale writer gets a conflict
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    # Profiles (issue 14): the practice profile this interview belongs to; None for interviews made
    # without one. Not a foreign key, so databases older than profiles gain it as a plain column.
    profile_id: str | None = Field(default=None, index=True, max_length=40)
    examiner: str = Field(max_length=200)
    options: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    plan: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    state: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    summary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    prompt_tokens: int = 0
    completion_tokens: int = 0


class TurnRow(SQLModel, table=True):
    """One prompt put to the candidate (a question or a follow-up) and what became of it."""

    __tablename__ = "turn"
    __table_args__ = (UniqueConstraint("interview_id", "seq", name="uq_turn_interview_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interview.id", index=True, max_length=40)
    seq: int
    topic_id: str = Field(max_length=100)
    question_id: str = Field(max_length=100)
    kind: str = Field(max_length=16)  # "question" | "follow_up"
    message: str  # the interviewer's whole message that posed the prompt
    prompt: str  # the question or follow-up itself
    asked_at: datetime = Field(default_factory=utcnow)
    answer: str | None = None
    answered_at: datetime | None = None
    skipped: bool = False
    # Voice: the answer was transcribed from a recording of this many seconds (the audio is not kept here).
    spoken: bool = False
    spoken_seconds: float | None = None
    grade: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    graded_at: datetime | None = None
    examiner: str | None = Field(default=None, max_length=200)
    prompt_tokens: int = 0
    completion_tokens: int = 0


class CodeRunRow(SQLModel, table=True):
    """One run of the candidate's code for a code question: the code as sent and what its tests did."""

    __tablename__ = "code_run"

    id: int | None = Field(default=None, primary_key=True)
    interview_id: str = Field(foreign_key="interview.id", index=True, max_length=40)
    seq: int  # the turn (question or follow-up) open when the code ran
    kind: str = Field(max_length=16)  # "examples" | "submission"
    code: str
    outcome: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # app.code_runs.CodeRunOutcome
    created_at: datetime = Field(default_factory=utcnow)
