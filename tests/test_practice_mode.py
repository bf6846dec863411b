"""Practice mode: after a question's feedback the candidate tries it again or moves on; the transcript
keeps every attempt and says which one counts (the last)."""

from __future__ import annotations

import httpx
import pytest

from app.engine.machine import Answer, AskQuestion, Graded, InterviewState, Next, OfferRetry, Retry, Start, Status, transition
from app.engine.plan import InterviewOptions, InterviewPlan, QuestionRef, TopicPlan
from app.errors import InvalidTransition
from tests.conftest import auth

pytestmark = pytest.mark.anyio

WEAK = "Gradient descent is an optimizer."
GOOD = ("Gradient descent moves each weight a small step opposite to the gradient of the loss. The learning rate "
        "sets the step size: too large and it diverges, too small and it is slow. In practice the gradient is "
        "estimated on mini-batches.")


def _plan(practice: bool) -> InterviewPlan:
    refs = [QuestionRef(topic_id="t", question_id=f"q{i}", difficulty=2) for i in range(2)]
    return InterviewPlan(options=InterviewOptions(questions_per_topic=2, max_follow_ups=0, practice=practice),
                         topics=[TopicPlan(topic_id="t", candidates=refs)])


def test_the_machine_waits_after_feedback_in_practice_mode_and_asks_the_same_question_again() -> None:
    plan = _plan(practice=True)
    s, _ = transition(plan, InterviewState(), Start())
    first = s.current
    s, _ = transition(plan, s, Answer())
    s, actions = transition(plan, s, Graded(overall=1.0))
    assert s.status is Status.REVIEWING and actions == [OfferRetry(ref=first)] and s.questions_done == 1
    s, actions = transition(plan, s, Retry())
    assert s.status is Status.AWAITING_ANSWER and actions == [AskQuestion(ref=first, new_topic=False, attempt=2)]
    assert s.questions_done == 0 and s.used == [f"t/{first.question_id}"]  # the same question, not a new one
    s, _ = transition(plan, s, Answer())
    s, _ = transition(plan, s, Graded(overall=4.5))
    s, actions = transition(plan, s, Next())
    assert isinstance(actions[0], AskQuestion) and actions[0].ref != first and actions[0].attempt == 1
    with pytest.raises(InvalidTransition):
        transition(plan, s, Retry())  # only after feedback
    s, _ = transition(_plan(practice=False), InterviewState(), Start())
    s, _ = transition(_plan(practice=False), s, Answer())
    s, actions = transition(_plan(practice=False), s, Graded(overall=1.0))
    assert s.status is Status.AWAITING_ANSWER and isinstance(actions[0], AskQuestion)  # no pause without practice mode


async def test_a_retried_question_keeps_both_attempts_and_the_last_counts(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/interviews", json={"topics": ["optimisation"], "questions_per_topic": 1,
                                                           "difficulty": "easy", "max_follow_ups": 0, "practice": True})).json()
    iid, headers = created["id"], auth(created["token"])
    assert "try the question again" in created["message"] and "follow-up" not in created["message"]  # max_follow_ups=0
    first = (await client.post(f"/api/interviews/{iid}/answers", headers=headers, json={"text": WEAK, "turn": created["current"]["turn"]})).json()
    assert first["state"] == "reviewing" and first["current"] is None and first["grade"]["overall"] <= 2
    assert "try it again" in first["message"].lower()
    stale = await client.post(f"/api/interviews/{iid}/answers", headers=headers, json={"text": GOOD})
    assert stale.status_code == 409 and "retry" in stale.json()["error"]["hint"]
    again = (await client.post(f"/api/interviews/{iid}/retry", headers=headers, json={})).json()
    assert again["state"] == "awaiting_answer" and again["current"]["question_id"] == created["current"]["question_id"]
    second = (await client.post(f"/api/interviews/{iid}/answers", headers=headers, json={"text": GOOD, "turn": again["current"]["turn"]})).json()
    assert second["grade"]["overall"] >= 4.0 and second["state"] == "reviewing"
    done = (await client.post(f"/api/interviews/{iid}/next", headers=headers, json={})).json()
    assert done["state"] == "completed"
    transcript = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    attempts = [(q["attempt"], q["counts"], q["score"]) for q in transcript["questions"]]
    assert [(a, c) for a, c, _ in attempts] == [(1, False), (2, True)]
    assert transcript["overall"] == attempts[1][2] and transcript["topics"][0]["questions"] == 1
    markdown = (await client.get(f"/api/interviews/{iid}/transcript.md", headers=headers)).text
    assert "attempt 1, does not count (tried again later)" in markdown and "attempt 2, counts" in markdown
