"""Typed records that cross the seam between the service and the store.

``LoadedInterview`` is what one read of an interview returns, validated once; ``Step`` is one atomic
write (the new state and whatever else changed with it). Nothing crosses as positional tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.engine.machine import InterviewState
from app.engine.plan import InterviewPlan
from app.examiners.base import Grade
from app.llm.usage import TokenUsage
from app.models import CodeRunRow, InterviewRow, TurnRow


@dataclass(frozen=True, slots=True)
class LoadedInterview:
    """An interview as read in one session: its row, plan and state (validated), and its turns in order."""

    row: InterviewRow
    plan: InterviewPlan
    state: InterviewState
    turns: list[TurnRow]
    code_runs: list[CodeRunRow] = field(default_factory=list)  # runs of the candidate's code, oldest first

    @classmethod
    def of(cls, row: InterviewRow, turns: list[TurnRow], code_runs: list[CodeRunRow] | None = None) -> "LoadedInterview":
        return cls(row, InterviewPlan.model_validate(row.plan), InterviewState.model_validate(row.state), turns,
                   code_runs or [])

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def version(self) -> int:
        return self.row.version

    @property
    def tokens_spent(self) -> int:
        return self.row.prompt_tokens + self.row.completion_tokens

    @property
    def next_seq(self) -> int:
        return self.turns[-1].seq + 1 if self.turns else 1


@dataclass(frozen=True, slots=True)
class SpokenAnswer:
    """Voice (app/speech): the answer was transcribed from a recording this many seconds long."""

    seconds: float


@dataclass(frozen=True, slots=True)
class AnswerWritten:
    """The candidate's answer to turn ``seq`` (empty and ``skipped`` for a skip); ``spoken`` when it
    came from a recording."""

    seq: int
    text: str
    skipped: bool = False
    spoken: SpokenAnswer | None = None


@dataclass(frozen=True, slots=True)
class GradeWritten:
    """The grade of the thread whose last answer is turn ``seq``, with who graded it and what it cost."""

    seq: int
    grade: Grade

    @property
    def usage(self) -> TokenUsage:
        return self.grade.usage or TokenUsage()


@dataclass(frozen=True, slots=True)
class Step:
    """One atomic change of an interview: the new state, and what was written with it."""

    state: InterviewState
    answer: AnswerWritten | None = None
    grade: GradeWritten | None = None
    new_turn: TurnRow | None = None
    summary: dict[str, Any] | None = None
    interviewer_usage: TokenUsage = field(default_factory=TokenUsage)

    @property
    def usage(self) -> TokenUsage:
        return self.interviewer_usage + (self.grade.usage if self.grade else TokenUsage())

    def applied_to(self, turns: list[TurnRow]) -> list[TurnRow]:
        """``turns`` as they will be once this step is stored (the final summary reads them)."""
        out = [t.model_copy() for t in turns]
        for t in out:
            if self.grade is not None and t.seq == self.grade.seq:
                t.grade, t.examiner = self.grade.grade.model_dump(mode="json"), self.grade.grade.examiner
            if self.answer is not None and t.seq == self.answer.seq:
                t.answer, t.skipped = self.answer.text, self.answer.skipped
                t.spoken = self.answer.spoken is not None  # voice
                t.spoken_seconds = self.answer.spoken.seconds if self.answer.spoken else None
        return out
