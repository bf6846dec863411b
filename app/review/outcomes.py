"""What each finished question of a profile's interviews says about each of its key points.

A question's thread (the question, its follow-ups) is read once it is closed: the interview moved on to
another question, or ended. Its last grade is the verdict: every key point is ``covered``, ``missed`` or
``contradicted`` (a misconception stated and not put right). A skipped question misses all its points.
While feedback is held to the end of an interview, nothing of it is read before that end: the progress
page would otherwise show the gaps the interview keeps back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from app.bank.loader import QuestionBank
from app.engine.machine import Status
from app.engine.plan import FeedbackMode
from app.examiners.base import Grade
from app.models import TurnRow
from app.profiles.store import OwnedInterview
from app.turns import threads_of

Verdict = Literal["covered", "missed", "contradicted"]


@dataclass(frozen=True, slots=True)
class PointVerdict:
    point_id: str  # a key point id, or a misconception id when it contradicts no key point
    text: str
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class QuestionOutcome:
    """One closed question thread: where and when it was asked, its final score and its points."""

    interview_id: str
    topic_id: str
    question_id: str
    at: datetime
    score: float
    points: tuple[PointVerdict, ...]

    @property
    def key(self) -> str:
        return f"{self.topic_id}/{self.question_id}"


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def outcomes_of(interviews: Sequence[OwnedInterview], bank: QuestionBank) -> list[QuestionOutcome]:
    """Every closed question of ``interviews``, oldest first."""
    found: list[QuestionOutcome] = []
    for owned in interviews:
        over = Status(owned.row.status).is_over
        if not over and (owned.row.options or {}).get("feedback") == FeedbackMode.AT_END.value:
            continue
        threads = threads_of(owned.turns)
        for thread in threads if over else threads[:-1]:
            outcome = _outcome(owned.row.id, thread, bank)
            if outcome is not None:
                found.append(outcome)
    return sorted(found, key=lambda o: o.at)




def _outcome(interview_id: str, thread: list[TurnRow], bank: QuestionBank) -> QuestionOutcome | None:
    head = thread[0]
    try:
        question = bank.question(head.topic_id, head.question_id)
    except KeyError:  # a question removed from the bank since: nothing to schedule it against
        return None
    graded = [t for t in thread if t.grade]
    if graded:
        last = graded[-1]
        grade = Grade.model_validate(last.grade)
        at, score, points = last.graded_at or last.asked_at, grade.overall, _points(grade)
    elif head.skipped:
        at, score = head.answered_at or head.asked_at, 0.0
        points = tuple(PointVerdict(kp.id, kp.text, "missed") for kp in question.key_points)
    else:  # never answered (the interview ended on it)
        return None
    return QuestionOutcome(interview_id, head.topic_id, head.question_id, aware(at), score, points)


def _points(grade: Grade) -> tuple[PointVerdict, ...]:
    verdicts: dict[str, PointVerdict] = {}
    for covered in grade.covered:
        verdicts[covered.key_point_id] = PointVerdict(covered.key_point_id, covered.text, "covered")
    for missed in grade.missed:
        verdicts[missed.key_point_id] = PointVerdict(missed.key_point_id, missed.text, "missed")
    for wrong in grade.misconceptions:
        if wrong.corrected:
            continue
        point = wrong.key_point_id or wrong.misconception_id
        text = verdicts[point].text if point in verdicts else wrong.claim
        verdicts[point] = PointVerdict(point, text, "contradicted")
    return tuple(verdicts.values())
