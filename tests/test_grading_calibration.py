"""Grades on the shipped rubrics track how much of the rubric an answer makes, and `viva eval`
measures the very number a candidate is shown."""

from __future__ import annotations

import re
from pathlib import Path

from app.bank.loader import load_bank
from app.evaluation import predict, reference_topic
from app.examiners.base import Exchange, GradingRequest
from app.examiners.offline import OfflineExaminer

ROOT = Path(__file__).resolve().parent.parent
EXAMINER = OfflineExaminer()


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def test_more_of_the_model_answer_earns_more_on_every_shipped_topic() -> None:
    bank = load_bank(ROOT / "rubrics")
    for topic in bank.topics.values():
        full, half, first = [], [], []
        for q in topic.questions:
            sentences = re.split(r"(?<=[.!?])\s+", q.model_answer.strip())
            grade = lambda text: EXAMINER.grade(  # noqa: E731
                GradingRequest(topic=topic, question=q, thread=[Exchange(prompt=q.prompt, answer=text)])
            ).overall
            full.append(grade(q.model_answer))
            half.append(grade(" ".join(sentences[: len(sentences) // 2])))
            first.append(grade(sentences[0]))
        assert _mean(full) >= 4.5, topic.id
        # More of the claims earns more. (The first half of a model answer usually makes its core
        # claims, as a terse expert would, so it may score well; its first sentence alone may not.)
        assert _mean(full) > _mean(half) > _mean(first), topic.id
        assert _mean(full) - _mean(first) >= 1.0, topic.id


def test_an_answer_to_a_neighbouring_question_does_not_pass_for_this_one() -> None:
    bank = load_bank(ROOT / "rubrics")
    for topic in bank.topics.values():
        own, neighbours = [], []
        for q in topic.questions:
            grade = lambda text: EXAMINER.grade(  # noqa: E731
                GradingRequest(topic=topic, question=q, thread=[Exchange(prompt=q.prompt, answer=text)])
            ).overall
            own.append(grade(q.model_answer))
            neighbours += [grade(other.model_answer) for other in topic.questions if other is not q]
        # Topics share vocabulary, and some answers rightly overlap (Adam's bias correction says a lot
        # about Adam), but on average a neighbour's model answer must sit far below the question's own.
        assert _mean(neighbours) <= 2.5 and _mean(own) - _mean(neighbours) >= 2.5, topic.id


def test_eval_scores_the_overall_grade_the_candidate_sees() -> None:
    question_text, reference = "Why does TCP use a three-way handshake?", (
        "The handshake synchronises both sides' initial sequence numbers. It confirms both directions work "
        "before data is sent, and it protects against old duplicate connection requests."
    )
    topic = reference_topic([(question_text, reference)])
    question = topic.questions[0]
    answer = "Both sides agree on initial sequence numbers and check that each direction works."
    shown = EXAMINER.grade(GradingRequest(topic=topic, question=question, thread=[Exchange(prompt=question_text, answer=answer)]))
    assert 0 < shown.overall and predict(EXAMINER, topic, question, answer) == shown.overall / 5
