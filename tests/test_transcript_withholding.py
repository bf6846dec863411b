"""Nothing of an open question's rubric leaves the server while the candidate can still answer it."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import auth
from tests.transcript_support import BANK

pytestmark = pytest.mark.anyio


async def _start(client: httpx.AsyncClient, **options: object) -> tuple[str, dict[str, str], dict]:
    r = await client.post("/api/interviews", json={"topics": ["regularisation"], "questions_per_topic": 1,
                                                    "difficulty": "easy", **options})
    created = r.json()
    return created["id"], auth(created["token"]), created


async def test_a_pending_follow_up_withholds_the_model_answer_and_missed_points_in_every_format(client: httpx.AsyncClient) -> None:
    iid, headers, _ = await _start(client, max_follow_ups=1)
    reply = (await client.post(f"/api/interviews/{iid}/answers", json={"text": "Dropout randomly drops units."},
                               headers=headers)).json()
    assert reply["state"] == "awaiting_follow_up"
    question = BANK.question("regularisation", "dropout")
    secrets = [question.model_answer.split(".")[0], *(kp.text for kp in question.key_points[1:])]
    for ext in ("json", "md", "pdf"):
        body = (await client.get(f"/api/interviews/{iid}/transcript.{ext}", headers=headers))
        assert body.status_code == 200
        text = body.text if ext != "pdf" else _pdf_text(body.content)
        leaked = [s for s in secrets if " ".join(s.split()) in " ".join(text.split())]
        assert not leaked, (ext, leaked)
    # once the follow-up is answered the question is behind the candidate: all of it is shown
    await client.post(f"/api/interviews/{iid}/answers", json={"text": "At test time it is switched off."}, headers=headers)
    done = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    assert done["questions"][0]["model_answer"] == question.model_answer
    assert any(m["text"] == question.key_points[1].text for m in done["questions"][0]["final_grade"]["missed"])


async def test_feedback_at_the_end_shows_no_grade_before_the_end(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/interviews", json={"topics": ["regularisation"], "questions_per_topic": 2,
                                                    "max_follow_ups": 0, "feedback": "at_end"})
    created = r.json()
    iid, headers = created["id"], auth(created["token"])
    await client.post(f"/api/interviews/{iid}/answers", json={"text": "Dropout randomly zeroes units in training."},
                      headers=headers)
    live = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    assert live["status"] != "completed"
    assert all(q["final_grade"] is None and q["score"] is None for q in live["questions"])
    assert all(ex["grade"] is None for q in live["questions"] for ex in q["exchanges"])
    assert live["overall"] is None
    await client.post(f"/api/interviews/{iid}/finish", headers=headers)
    final = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    assert final["questions"][0]["final_grade"] is not None and final["overall"] is not None
    assert final["summary"]["text"]
    assert "shown after the follow-up" not in json.dumps(final)


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
