"""Review items scheduled with FSRS (the ``fsrs`` package), replayed from a profile's question outcomes.

Every missed or contradicted key point becomes an item; each later verdict on it is a review:
contradicted rates ``Again``, missed ``Hard``, covered ``Good``. A misconception therefore comes back
sooner than a point merely missed (12 h against 18 h for a new item), and a point met correctly
graduates: it leaves the weak spots, and FSRS brings it back days later to check it stayed. A point
missed again after it graduated was forgotten: that is ``Again`` (FSRS counts ``Hard`` as recalled).

The items are not stored apart: they are replayed from the stored grades (the source of truth) on
each read, which is deterministic (no fuzzing) and cannot drift from the interviews, their export or
their deletion.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State
from pydantic import BaseModel, Field

from app.review.outcomes import QuestionOutcome, Verdict

# Interviews are days apart, not minutes: one learning step of half a day, no fuzz (replays must agree).
SCHEDULER = Scheduler(learning_steps=(timedelta(hours=12),), relearning_steps=(timedelta(hours=12),),
                      enable_fuzzing=False)

RATING: dict[Verdict, Rating] = {"contradicted": Rating.Again, "missed": Rating.Hard, "covered": Rating.Good}


class ReviewItem(BaseModel):
    topic_id: str
    question_id: str
    point_id: str = Field(description="The key point (or, when it contradicts none, the misconception) id")
    text: str = Field(description="The key point, in the rubric's words")
    last_verdict: Verdict = Field(description="What the latest answer did with this point")
    weak: bool = Field(description="Still missed or contradicted at its latest review")
    due: datetime = Field(description="When FSRS brings it back")
    reviews: int = Field(description="Verdicts on it so far, the first miss included")
    lapses: int = Field(description="Times it was missed again after being met")
    stability: float | None = Field(default=None, description="FSRS stability in days")
    last_review: datetime

    @property
    def question_key(self) -> str:
        return f"{self.topic_id}/{self.question_id}"

    def is_due(self, now: datetime) -> bool:
        return self.due <= now


def schedule(outcomes: Sequence[QuestionOutcome]) -> list[ReviewItem]:
    """The review items that ``outcomes`` (oldest first) leave, most urgent first."""
    cards: dict[tuple[str, str, str], tuple[Card, ReviewItem]] = {}
    for outcome in outcomes:
        for point in outcome.points:
            key = (outcome.topic_id, outcome.question_id, point.point_id)
            held = cards.get(key)
            if held is None and point.verdict == "covered":
                continue  # met on first sight: nothing to review
            card = held[0] if held else Card(card_id=len(cards) + 1, due=outcome.at)
            rating = RATING[point.verdict]
            if rating is Rating.Hard and card.state is State.Review:
                rating = Rating.Again
            card, _log = SCHEDULER.review_card(card, rating, outcome.at)
            before = held[1] if held else None
            weak = point.verdict != "covered"
            cards[key] = (card, ReviewItem(
                topic_id=outcome.topic_id, question_id=outcome.question_id, point_id=point.point_id,
                text=point.text, last_verdict=point.verdict, weak=weak, due=card.due,
                reviews=(before.reviews if before else 0) + 1,
                lapses=(before.lapses if before else 0) + (1 if weak and before is not None and not before.weak else 0),
                stability=card.stability, last_review=outcome.at,
            ))
    return sorted((item for _card, item in cards.values()), key=lambda i: (i.due, i.topic_id, i.question_id))

