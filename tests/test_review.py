"""Weak-spot review through the API: a candidate answers badly on one topic, and the review interview a
day later (the clock injected) asks about exactly those points; progress shows the change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.review.outcomes import PointVerdict, QuestionOutcome
from app.review.schedule import schedule
from tests.conftest import auth
from tests.profile_support import (  # noqa: F401  (client and clock are fixtures)
    MovableClock, client, clock, exemplar, new_profile, profile_headers, run_interview,
)

pytestmark = pytest.mark.anyio

TWO_TOPICS = {"topics": ["optimisation", "regularisation"], "questions_per_topic": 1, "difficulty": "easy",
              "max_follow_ups": 0}
# Good on optimisation, bad on regularisation: a misconception stated (dropout kept at inference) and
# two key points missed.
GOOD_DESCENT = (exemplar("gradient-descent", "excellent")
                + " Each mini-batch gives a noisy estimate of the full gradient.")
FIRST_ANSWERS = {"gradient-descent": GOOD_DESCENT, "dropout": exemplar("dropout", "wrong")}




async def get(client: httpx.AsyncClient, key: str, path: str) -> dict:
    reply = await client.get(path, headers=profile_headers(key))
    assert reply.status_code == 200, reply.text
    return reply.json()


async def test_a_review_a_day_later_asks_exactly_the_missed_points_and_progress_shows_the_change(
    client: httpx.AsyncClient, clock: MovableClock,
) -> None:
    key = await new_profile(client)
    await run_interview(client, key, TWO_TOPICS, FIRST_ANSWERS)

    queue = await get(client, key, "/api/profile/review")
    assert queue["due"] == []  # nothing is due the same hour
    items = {(i["topic_id"], i["question_id"], i["point_id"]): i for i in queue["later"]}
    assert set(items) == {("regularisation", "dropout", p) for p in ("random-zeroing", "co-adaptation", "inference")}
    assert items[("regularisation", "dropout", "inference")]["last_verdict"] == "contradicted"
    # The misconception comes back sooner than the points merely missed.
    assert items[("regularisation", "dropout", "inference")]["due"] < items[("regularisation", "dropout", "random-zeroing")]["due"]
    too_soon = await client.post("/api/interviews", json={"review": True}, headers=profile_headers(key))
    assert too_soon.status_code == 422 and "nothing is due" in too_soon.json()["error"]["message"]
    before = await get(client, key, "/api/profile/progress")
    assert before["key_points"] == {"mastered": 0, "still_missed": 3, "met_first_time": before["key_points"]["met_first_time"]}
    assert before["weakest_topic"]["topic_id"] == "regularisation"

    clock.move(days=1)
    queue = await get(client, key, "/api/profile/review")
    assert {i["point_id"] for i in queue["due"]} == {"random-zeroing", "co-adaptation", "inference"}
    created = await client.post("/api/interviews", json={"review": True, "max_follow_ups": 1}, headers=profile_headers(key))
    assert created.status_code == 201, created.text
    review = created.json()
    # Exactly the question of those points, and only it.
    assert review["current"]["question_id"] == "dropout"
    assert review["progress"]["questions_total"] == 1
    assert review["options"]["review"] is True
    assert "welcome to your review" in review["message"]

    # A partial answer: the follow-up aims at a weak point the answer missed again, with its probe.
    partial = await client.post(f"/api/interviews/{review['id']}/answers", headers=auth(review["token"]),
                                json={"text": exemplar("dropout", "partial")})
    reply = partial.json()
    assert reply["current"]["kind"] == "follow_up"
    assert reply["current"]["text"] in {"Why would that make the network generalise better?",
                                        "What changes when the model is used for predictions?"}
    done = await client.post(f"/api/interviews/{review['id']}/answers", headers=auth(review["token"]),
                             json={"text": exemplar("dropout", "excellent")})
    assert done.json()["state"] == "completed"

    after = await get(client, key, "/api/profile/progress")
    assert after["key_points"]["mastered"] == 3 and after["key_points"]["still_missed"] == 0
    dropout_sessions = next(t for t in after["topics"] if t["topic_id"] == "regularisation")["sessions"]
    assert [s["score"] for s in dropout_sessions][0] < 2 < [s["score"] for s in dropout_sessions][-1]
    assert after["due_now"] == 0  # met correctly: out of the queue
    assert after["streaks"] | {"last_practised": None} == {"days_practised": 2, "current": 2, "longest": 2, "last_practised": None}
    assert after["questions_answered"] == 3 and after["questions_seen"] == 2


async def test_practise_weakest_topic_reviews_its_weak_points_before_they_are_due(client: httpx.AsyncClient) -> None:
    key = await new_profile(client)
    await run_interview(client, key, TWO_TOPICS, FIRST_ANSWERS)
    weakest = (await get(client, key, "/api/profile/progress"))["weakest_topic"]["topic_id"]
    created = await client.post("/api/interviews", json={"review": True, "topics": [weakest]}, headers=profile_headers(key))
    assert created.status_code == 201, created.text
    assert created.json()["current"]["question_id"] == "dropout"
    # A topic with no weak point has nothing to review.
    none = await client.post("/api/interviews", json={"review": True, "topics": ["optimisation"]}, headers=profile_headers(key))
    assert none.status_code == 422


def test_items_met_correctly_leave_the_weak_spots_and_a_miss_again_is_a_lapse() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def outcome(day: int, verdict: str) -> QuestionOutcome:
        return QuestionOutcome("i", "t", "q", start + timedelta(days=day), 1.0,
                               (PointVerdict("p", "A point.", verdict),))  # type: ignore[arg-type]

    assert schedule([outcome(0, "covered")]) == []  # met the first time: never an item
    missed = schedule([outcome(0, "missed")])[0]
    wrong = schedule([outcome(0, "contradicted")])[0]
    assert wrong.due < missed.due <= start + timedelta(days=1)
    met = schedule([outcome(0, "missed"), outcome(1, "covered")])[0]
    assert not met.weak and met.due >= start + timedelta(days=2)
    lapsed = schedule([outcome(0, "missed"), outcome(1, "covered"), outcome(5, "missed")])[0]
    assert lapsed.weak and lapsed.lapses == 1 and lapsed.reviews == 3
    assert lapsed.due < start + timedelta(days=6)


async def test_a_review_of_two_questions_of_one_topic_announces_the_topic_once(
    client: httpx.AsyncClient, clock: MovableClock,
) -> None:
    key = await new_profile(client)
    bad = {"gradient-descent": exemplar("gradient-descent", "wrong"), "momentum": "No idea, sorry."}
    await run_interview(client, key, {"topics": ["optimisation"], "questions_per_topic": 2, "difficulty": "easy",
                                      "max_follow_ups": 0}, bad)
    clock.move(days=1)
    created = await client.post("/api/interviews", json={"review": True, "max_follow_ups": 0}, headers=profile_headers(key))
    review = created.json()
    assert review["progress"]["questions_total"] == 2
    assert review["message"].count("Optimisation basics") == 1
    asked = [review["current"]["question_id"]]
    reply = (await client.post(f"/api/interviews/{review['id']}/answers", headers=auth(review["token"]),
                               json={"text": bad[asked[0]]})).json()
    asked.append(reply["current"]["question_id"])
    assert sorted(asked) == ["gradient-descent", "momentum"]
    assert "turn to" not in reply["message"]  # the same topic goes on: no new-topic line


async def test_two_racing_uses_of_one_device_code_open_the_profile_once(client: httpx.AsyncClient) -> None:
    import asyncio

    key = await new_profile(client)
    code = (await client.post("/api/profile/device-code", headers=profile_headers(key))).json()["code"]
    replies = await asyncio.gather(*(client.post("/api/profiles/redeem", json={"code": code}) for _ in range(4)))
    assert sorted(r.status_code for r in replies) == [200, 404, 404, 404]
