"""The shipped bank graded offline against its own calibration: every question's graded exemplars,
and keyword salads built from every question's rubric. These are the figures the README reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.bank.loader import load_bank
from app.bank.schema import Question, Topic
from app.examiners.base import Exchange, GradingRequest
from app.examiners.offline import OfflineExaminer

ROOT = Path(__file__).resolve().parent.parent
BANK = load_bank(ROOT / "rubrics")
EXAMINER = OfflineExaminer()
QUESTIONS = [(t, q) for t in BANK.topics.values() for q in t.questions]


def overall(topic: Topic, question: Question, answer: str) -> float:
    return EXAMINER.grade(GradingRequest(topic=topic, question=question, thread=[Exchange(prompt=question.prompt, answer=answer)])).overall


def test_every_question_carries_five_kinds_of_graded_exemplar() -> None:
    for topic, q in QUESTIONS:
        kinds = {e.kind for e in q.exemplars}
        assert len(q.exemplars) >= 5 and {"excellent", "partial", "wrong", "buzzword", "neighbour"} <= kinds, (topic.id, q.id)


def test_exemplars_are_graded_close_to_their_grades_and_in_their_order() -> None:
    close = total = 0
    misordered: list[str] = []
    for topic, q in QUESTIONS:
        graded = [(e, overall(topic, q, e.answer)) for e in q.exemplars]
        for e, predicted in graded:
            total += 1
            close += abs(predicted - e.grade) <= 1.0
        # Answers an expert grades clearly apart (1.5 or more) are ordered the same way.
        for e1, p1 in graded:
            for e2, p2 in graded:
                if e1.grade - e2.grade >= 1.5 and not p1 > p2:
                    misordered.append(f"{topic.id}/{q.id}: {e1.kind} {p1} <= {e2.kind} {p2}")
    assert close / total >= 0.85, f"{close} of {total} within 1.0"
    assert not misordered, misordered


def _shortest_phrasings(q: Question) -> list[str]:
    terms = []
    for kp in q.key_points:
        words = sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9-]{3,}", kp.text)), key=len, reverse=True)
        terms.append(min(kp.phrasings, key=len) if kp.phrasings else " ".join(words[:3]))
    return [t for t in terms if t.strip()]


@pytest.mark.parametrize("form", ["list", "labels"])
def test_keyword_salads_of_every_question_earn_at_most_one(form: str) -> None:
    scores = []
    for topic, q in QUESTIONS:
        terms = _shortest_phrasings(q)
        half = max(1, len(terms) // 2)
        text = (". ".join(terms) + ".") if form == "list" else (
            f"You'd look at {', '.join(terms[:half])}. And also {', '.join(terms[half:]) or terms[0]}, basically.")
        scores.append((overall(topic, q, text), f"{topic.id}/{q.id}"))
    mean = sum(s for s, _ in scores) / len(scores)
    assert mean <= 1.0 and max(scores)[0] <= 2.0, (mean, sorted(scores, reverse=True)[:5])


def test_the_model_answer_of_every_question_is_graded_near_full_marks_and_states_no_misconception() -> None:
    for topic, q in QUESTIONS:
        grade = EXAMINER.grade(GradingRequest(topic=topic, question=q, thread=[Exchange(prompt=q.prompt, answer=q.model_answer)]))
        assert not grade.misconceptions, (topic.id, q.id, grade.misconceptions)
        assert grade.overall >= 4.0, (topic.id, q.id, grade.overall)
