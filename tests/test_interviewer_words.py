"""The interviewer speaks like one: a sentence or two, then the next prompt; the feedback card holds the
detail, so the reply never repeats it (nor cuts rubric text off mid-clause)."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import auth

pytestmark = pytest.mark.anyio


async def test_the_reply_is_short_and_does_not_repeat_the_feedback_card(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/interviews", json={"topics": ["optimisation"], "questions_per_topic": 2,
                                                           "difficulty": "easy", "max_follow_ups": 1})).json()
    headers = auth(created["token"])
    reply = (await client.post(f"/api/interviews/{created['id']}/answers", headers=headers, json={
        "text": "Gradient descent moves each weight a small step opposite to the gradient of the loss.",
        "turn": created["current"]["turn"]})).json()
    words = reply["message"].replace(reply["current"]["text"], "").strip()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", words) if s]
    assert 1 <= len(sentences) <= 3, words
    feedback = reply["grade"]["feedback"]
    assert feedback and feedback not in words
    for sentence in re.split(r"(?<=[.!?])\s+", feedback):
        assert len(sentence) < 25 or sentence not in words, sentence
    assert "…" not in words  # no rubric fragment cut off mid-clause
