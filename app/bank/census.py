"""Counts of the question bank by topic, type and difficulty (``viva rubrics check [--json]``)."""

from __future__ import annotations

from typing import Any

from app.bank.loader import QuestionBank
from app.bank.types import QUESTION_TYPES

LEVELS = {1: "easy", 2: "medium", 3: "hard"}


def census(bank: QuestionBank) -> dict[str, Any]:
    """Questions per topic, type and difficulty, with totals and the difficulty shares."""
    topics: dict[str, Any] = {}
    for topic in bank.topics.values():
        topics[topic.id] = {
            "title": topic.title,
            "questions": len(topic.questions),
            "key_points": sum(len(q.key_points) for q in topic.questions),
            "types": {t: sum(q.type == t for q in topic.questions) for t in QUESTION_TYPES},
            "difficulty": {name: sum(q.difficulty == level for q in topic.questions) for level, name in LEVELS.items()},
        }
    questions = [q for t in bank.topics.values() for q in t.questions]
    total = len(questions)
    return {
        "topics": topics,
        "totals": {
            "topics": len(topics),
            "questions": total,
            "key_points": sum(len(q.key_points) for q in questions),
            "types": {t: sum(q.type == t for q in questions) for t in QUESTION_TYPES},
            "difficulty": {name: sum(q.difficulty == level for q in questions) for level, name in LEVELS.items()},
            "difficulty_share": {name: round(sum(q.difficulty == level for q in questions) / (total or 1), 3)
                                 for level, name in LEVELS.items()},
        },
    }
