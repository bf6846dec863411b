"""Crash safety: SIGKILL the server while an answer is being graded, restart it, and find the answer
stored and the interview resumable with the grade completed (``recover()`` at start-up).

Grading is made slow with the documented test hook ``VIVA_GRADING_DELAY`` so that the kill lands
mid-grade every time. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.server_process import Server

pytestmark = pytest.mark.slow

ANSWER = "Momentum keeps an exponentially decaying running average of past gradients, which damps oscillation."


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_answer_survives_sigkill_mid_grading(tmp_path: Path, database_url: str) -> None:  # noqa: F811
    env = {"VIVA_DATABASE_URL": database_url}
    first = Server(tmp_path, {**env, "VIVA_GRADING_DELAY": "60"}, name="before-crash").start()
    try:
        created = httpx.post(f"{first.base_url}/api/interviews", timeout=10, json={
            "topics": ["optimisation"], "questions_per_topic": 2, "max_follow_ups": 0, "difficulty": "medium",
        }).json()
        iid, token = created["id"], created["token"]
        question = created["current"]["text"]

        outcome: dict[str, object] = {}

        def post_answer() -> None:
            try:
                outcome["response"] = httpx.post(f"{first.base_url}/api/interviews/{iid}/answers",
                                                 json={"text": ANSWER}, headers=auth(token), timeout=120)
            except httpx.HTTPError as exc:
                outcome["error"] = exc

        sender = threading.Thread(target=post_answer)
        sender.start()
        # wait until the answer is stored and grading has begun
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            state = httpx.get(f"{first.base_url}/api/interviews/{iid}", headers=auth(token), timeout=5).json()["state"]
            if state == "grading":
                break
            time.sleep(0.05)
        assert state == "grading", state
        first.kill()
        sender.join(timeout=30)
        assert "response" not in outcome and isinstance(outcome.get("error"), httpx.HTTPError)
    finally:
        first.stop()

    with Server(tmp_path, {**env, "VIVA_GRADING_DELAY": "0"}, name="after-restart") as second:
        view = httpx.get(f"{second.base_url}/api/interviews/{iid}", headers=auth(token), timeout=10).json()
        assert view["state"] == "awaiting_answer", view  # recovered at start-up, moved on
        assert view["progress"]["questions_done"] == 1
        assert view["current"]["text"] != question
        assert "recovered" in second.log()

        transcript = httpx.get(f"{second.base_url}/api/interviews/{iid}/transcript.json",
                               headers=auth(token), timeout=10).json()
        first_q = transcript["questions"][0]
        assert first_q["exchanges"][0]["answer"] == ANSWER  # the answer survived the kill
        assert first_q["final_grade"] is not None and first_q["score"] > 0  # and was graded after restart

        # resumable: answer the rest and finish normally
        r = httpx.post(f"{second.base_url}/api/interviews/{iid}/answers", json={"text": "Adam scales each step."},
                       headers=auth(token), timeout=10)
        assert r.status_code == 200 and r.json()["state"] == "completed", r.text
