"""A profile's progress, from its question outcomes and review items. Pure: no I/O, ``now`` given."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from statistics import fmean

from pydantic import BaseModel, Field

from app.bank.loader import QuestionBank
from app.profiles.store import OwnedInterview
from app.review.outcomes import QuestionOutcome, aware
from app.review.schedule import ReviewItem


class TopicSession(BaseModel):
    interview_id: str
    at: datetime = Field(description="When the interview started")
    score: float = Field(description="0-5: mean of its closed questions of this topic")
    questions: int


class TopicProgress(BaseModel):
    topic_id: str
    title: str
    sessions: list[TopicSession] = Field(description="Oldest first: the score per topic over time")
    latest: float
    first: float
    questions_seen: int
    questions_in_bank: int
    weak_points: int = Field(description="Key points of this topic still missed")


class Streaks(BaseModel):
    days_practised: int
    current: int = Field(description="Days in a row up to today (or up to yesterday, when not yet today)")
    longest: int
    last_practised: date | None


class KeyPointCounts(BaseModel):
    mastered: int = Field(description="Once missed, met correctly at their latest review")
    still_missed: int = Field(description="Missed or contradicted at their latest review")
    met_first_time: int = Field(description="Covered the first time they were asked, never missed")


class WeakTopic(BaseModel):
    topic_id: str
    title: str
    score: float


class Progress(BaseModel):
    interviews: int
    questions_answered: int = Field(description="Closed questions, attempts and skips included")
    questions_seen: int = Field(description="Distinct questions asked at least once")
    questions_in_bank: int
    topics: list[TopicProgress]
    key_points: KeyPointCounts
    streaks: Streaks
    due_now: int = Field(description="Review items due now")
    next_due: datetime | None
    weakest_topic: WeakTopic | None = Field(description="The practised topic with the lowest latest score")


def progress_of(
    interviews: Sequence[OwnedInterview], outcomes: Sequence[QuestionOutcome], items: Sequence[ReviewItem],
    bank: QuestionBank, now: datetime,
) -> Progress:
    by_topic: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    started = {o.row.id: aware(o.row.created_at) for o in interviews}
    for outcome in outcomes:
        by_topic[outcome.topic_id][outcome.interview_id].append(outcome.score)
    seen: dict[str, set[str]] = defaultdict(set)
    for owned in interviews:
        for turn in owned.turns:
            if turn.kind == "question":
                seen[turn.topic_id].add(turn.question_id)
    weak_by_topic: dict[str, int] = defaultdict(int)
    for item in items:
        weak_by_topic[item.topic_id] += item.weak
    topics = []
    for topic_id, per_interview in by_topic.items():
        if topic_id not in bank.topics:
            continue
        sessions = sorted((TopicSession(interview_id=i, at=started[i], score=round(fmean(s), 2), questions=len(s))
                           for i, s in per_interview.items()), key=lambda s: s.at)
        topics.append(TopicProgress(
            topic_id=topic_id, title=bank.topic(topic_id).title, sessions=sessions, latest=sessions[-1].score,
            first=sessions[0].score, questions_seen=len(seen[topic_id]),
            questions_in_bank=len(bank.topic(topic_id).questions), weak_points=weak_by_topic[topic_id]))
    topics.sort(key=lambda t: t.title)
    ever_covered_first = _met_first_time(outcomes, items)
    weakest = min(topics, key=lambda t: (t.latest, -t.weak_points), default=None)
    due = [i for i in items if i.is_due(now)]
    later = [i.due for i in items if not i.is_due(now)]
    return Progress(
        interviews=len(interviews),
        questions_answered=len(outcomes),
        questions_seen=sum(len(q) for q in seen.values()),
        questions_in_bank=sum(len(t.questions) for t in bank.topics.values()),
        topics=topics,
        key_points=KeyPointCounts(mastered=sum(not i.weak for i in items), still_missed=sum(i.weak for i in items),
                                  met_first_time=ever_covered_first),
        streaks=streaks_of([aware(t.answered_at).date() for o in interviews for t in o.turns if t.answered_at], now.date()),
        due_now=len(due),
        next_due=min(later) if later else None,
        weakest_topic=WeakTopic(topic_id=weakest.topic_id, title=weakest.title, score=weakest.latest) if weakest else None,
    )


def _met_first_time(outcomes: Sequence[QuestionOutcome], items: Sequence[ReviewItem]) -> int:
    reviewed = {(i.topic_id, i.question_id, i.point_id) for i in items}
    covered = {(o.topic_id, o.question_id, p.point_id) for o in outcomes for p in o.points if p.verdict == "covered"}
    return len(covered - reviewed)


def streaks_of(days: Sequence[date], today: date) -> Streaks:
    """Runs of consecutive practice days. The current run ends today, or yesterday while today has no
    practice yet (a streak is not lost before the day is)."""
    practised = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in practised:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    if practised and practised[-1] >= today - timedelta(days=1):
        current, day = 0, practised[-1]
        held = set(practised)
        while day in held:
            current += 1
            day -= timedelta(days=1)
    return Streaks(days_practised=len(practised), current=current, longest=longest,
                   last_practised=practised[-1] if practised else None)
