"""The plan of a review interview: the questions whose review items are due, and their weak points.

Each question is its own step of the plan (one question per step), grouped by topic in the order their
items fell due, so the most urgent come first. The follow-ups of a review aim at the weak points
(``aim_at_weak_points``), not at whatever the answer happened to miss most.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.bank.loader import QuestionBank
from app.bank.schema import Question
from app.engine.plan import InterviewOptions, InterviewPlan, QuestionRef, TopicPlan
from app.errors import InvalidPlan
from app.examiners.base import Grade
from app.review.schedule import ReviewItem

# A review is a short session: the most urgent questions, at most this many.
MAX_REVIEW_QUESTIONS = 8


def review_plan(options: InterviewOptions, items: Sequence[ReviewItem], bank: QuestionBank, now: datetime) -> InterviewPlan:
    """Due items (or, when ``options.topics`` names topics, every weak item of them: the candidate asked to
    practise those now). Raises ``InvalidPlan`` when there is nothing to review."""
    unknown = [t for t in options.topics if t not in bank.topics]
    if unknown:
        raise InvalidPlan(f"unknown topic ids: {unknown}", hint=f"choose from: {sorted(bank.topics)}")
    if options.topics:
        chosen = [i for i in items if i.topic_id in options.topics and (i.weak or i.is_due(now))]
    else:
        chosen = [i for i in items if i.is_due(now)]
    chosen = [i for i in chosen if _exists(bank, i)]
    if not chosen:
        later = [i.due for i in items if i.due > now]
        when = f"; the next item is due {min(later).isoformat(timespec='minutes')}" if later else ""
        raise InvalidPlan(
            "nothing is due for review" + (f" in {options.topics}" if options.topics else ""),
            hint="practise a topic first (missed key points become review items), or come back later" + when,
        )
    weak: dict[str, list[str]] = {}
    for item in chosen:  # most urgent first
        weak.setdefault(item.question_key, []).append(item.point_id)
    keys = list(weak)[:MAX_REVIEW_QUESTIONS]
    # Grouped by topic, topics in order of their most urgent question.
    topic_order = list(dict.fromkeys(k.split("/", 1)[0] for k in keys))
    keys.sort(key=lambda k: topic_order.index(k.split("/", 1)[0]))
    steps = []
    for key in keys:
        topic_id, question_id = key.split("/", 1)
        question = bank.question(topic_id, question_id)
        steps.append(TopicPlan(topic_id=topic_id, candidates=[
            QuestionRef(topic_id=topic_id, question_id=question_id, difficulty=question.difficulty)]))
    fixed = options.model_copy(update={"questions_per_topic": 1, "topics": topic_order, "question_types": []})
    return InterviewPlan(options=fixed, topics=steps, weak_points={k: weak[k] for k in keys})


def _exists(bank: QuestionBank, item: ReviewItem) -> bool:
    try:
        bank.question(item.topic_id, item.question_id)
    except KeyError:
        return False
    return True


def aim_at_weak_points(grade: Grade, question: Question, weak_points: Sequence[str]) -> Grade:
    """In a review, the follow-up asks about a weak point the answer missed again (its rubric probe),
    unless the answer stated a misconception: that probe is kept, it is the weakest spot of all."""
    if not weak_points or grade.follow_up_point in weak_points:
        return grade
    if any(not m.corrected for m in grade.misconceptions):
        return grade
    missed = {m.key_point_id for m in grade.missed}
    probes = {kp.id: kp.probe for kp in question.key_points if kp.probe}
    target = next((p for p in weak_points if p in missed and p in probes), None)
    if target is None:
        return grade
    return grade.model_copy(update={"follow_up": probes[target], "follow_up_point": target})
