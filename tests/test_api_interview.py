"""A whole interview through the HTTP API, in-process, with the offline examiner."""

from __future__ import annotations

import json

import re

import httpx
import pytest

from app.bank.loader import load_bank
from app.config import Settings
from app.main import create_app
from tests.conftest import FIXTURE_RUBRICS, auth

pytestmark = pytest.mark.anyio
BANK = load_bank(FIXTURE_RUBRICS)


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip())[0]


async def start(client: httpx.AsyncClient, **options: object) -> dict:
    r = await client.post("/api/interviews", json=options)
    assert r.status_code == 201, r.text
    return r.json()


async def test_good_partial_wrong_and_empty_answers_grade_in_that_order(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["optimisation", "regularisation"], questions_per_topic=2,
                          difficulty="easy", max_follow_ups=0)
    iid, headers = created["id"], auth(created["token"])
    assert created["state"] == "awaiting_answer"
    assert created["current"]["text"] in created["message"]  # greeting then the first question
    overall = []
    current = created["current"]
    for quality in ("good", "partial", "wrong", "empty"):
        model = BANK.question(current["topic_id"], current["question_id"]).model_answer
        text = {"good": model, "partial": first_sentence(model),
                "wrong": "It is mostly about buying faster GPUs and using a bigger monitor.", "empty": ""}[quality]
        r = await client.post(f"/api/interviews/{iid}/answers", json={"text": text}, headers=headers)
        assert r.status_code == 200, r.text
        reply = r.json()
        overall.append(reply["grade"]["overall"])
        current = reply["current"]
    assert reply["state"] == "completed" and current is None
    assert overall[0] > overall[1] > overall[2] >= overall[3] == 0, overall

    late = await client.post(f"/api/interviews/{iid}/answers", json={"text": "one more"}, headers=headers)
    assert late.status_code == 409 and late.json()["error"]["state"] == "completed"

    transcript = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    assert [q["score"] for q in transcript["questions"]] == overall
    assert transcript["examiner"] == "offline" and transcript["status"] == "completed"
    good = transcript["questions"][0]
    assert good["final_grade"]["covered"] and all(
        c["quote"] in good["exchanges"][0]["answer"] for c in good["final_grade"]["covered"]
    )
    assert {c["criterion_id"] for c in good["criteria"]} == {"correctness", "depth", "practical-insight", "clarity"}
    assert all(c["anchor"] for c in good["criteria"])
    assert [t["topic_id"] for t in transcript["topics"]] == ["optimisation", "regularisation"]
    assert transcript["summary"]["text"]
    markdown = await client.get(f"/api/interviews/{iid}/transcript.md", headers=headers)
    assert markdown.status_code == 200 and "## Scores by topic" in markdown.text


async def test_thin_answer_gets_a_follow_up_that_counts_for_the_question(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["regularisation"], questions_per_topic=1, difficulty="easy", max_follow_ups=1)
    iid, headers = created["id"], auth(created["token"])
    r = await client.post(f"/api/interviews/{iid}/answers", json={"text": "Dropout randomly drops units during training."}, headers=headers)
    reply = r.json()
    assert reply["state"] == "awaiting_follow_up"
    assert reply["current"]["kind"] == "follow_up" and reply["current"]["text"] in reply["message"]
    first = reply["grade"]["overall"]
    r = await client.post(
        f"/api/interviews/{iid}/answers",
        json={"text": "Units cannot co-adapt, so it works like an ensemble; at inference dropout is off and activations are scaled."},
        headers=headers,
    )
    reply = r.json()
    assert reply["state"] == "completed" and reply["grade"]["overall"] > first


async def test_feedback_at_end_hides_grades_until_the_transcript(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["optimisation"], questions_per_topic=1, feedback="at_end", max_follow_ups=0)
    r = await client.post(f"/api/interviews/{created['id']}/answers", json={"text": "step against the gradient"},
                          headers=auth(created["token"]))
    assert r.json()["grade"] is None and r.json()["state"] == "completed"


async def test_skip_and_finish(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["optimisation", "regularisation"], questions_per_topic=2)
    iid, headers = created["id"], auth(created["token"])
    skipped = (await client.post(f"/api/interviews/{iid}/skip", headers=headers)).json()
    assert skipped["state"] == "awaiting_answer" and skipped["progress"]["questions_done"] == 1
    assert skipped["current"]["question_id"] != created["current"]["question_id"]
    finished = (await client.post(f"/api/interviews/{iid}/finish", headers=headers)).json()
    assert finished["state"] == "completed"
    transcript = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    assert transcript["questions"][0]["score"] == 0 and transcript["questions"][0]["exchanges"][0]["skipped"]
    again = await client.post(f"/api/interviews/{iid}/skip", headers=headers)
    assert again.status_code == 409 and again.json()["error"]["state"] == "completed"


async def test_restart_resumes_at_the_same_question(settings: Settings) -> None:
    first_app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first_app), base_url="http://t") as c:
        created = await start(c, topics=["optimisation"], questions_per_topic=2, max_follow_ups=0)
        await c.post(f"/api/interviews/{created['id']}/answers", json={"text": "negative gradient"}, headers=auth(created["token"]))
        before = (await c.get(f"/api/interviews/{created['id']}", headers=auth(created["token"]))).json()
    second_app = create_app(settings)  # a new process on the same database
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second_app), base_url="http://t") as c:
        after = (await c.get(f"/api/interviews/{created['id']}", headers=auth(created["token"]))).json()
    assert after["current"] == before["current"] and after["progress"]["questions_done"] == 1


async def test_wrong_or_missing_token_reveals_nothing(client: httpx.AsyncClient) -> None:
    a = await start(client)
    b = await start(client)
    url = f"/api/interviews/{a['id']}"
    missing = await client.get(url)
    assert missing.status_code == 401 and a["current"]["text"] not in missing.text
    wrong = await client.get(url, headers=auth(b["token"]))
    assert wrong.status_code == 404 and a["current"]["text"] not in wrong.text
    unknown = await client.get("/api/interviews/nope", headers=auth(a["token"]))
    assert unknown.status_code == 404 and unknown.json()["error"]["message"] == wrong.json()["error"]["message"]


async def test_bad_input_gets_clear_errors_and_loses_nothing(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["optimisation"])
    iid, headers = created["id"], auth(created["token"])
    too_long = await client.post(f"/api/interviews/{iid}/answers", json={"text": "x" * 8001}, headers=headers)
    assert too_long.status_code == 413 and "8000" in too_long.json()["error"]["message"]
    malformed = await client.post(f"/api/interviews/{iid}/answers", content=b'{"text": ', headers={**headers, "Content-Type": "application/json"})
    assert malformed.status_code == 422 and "not valid JSON" in malformed.json()["error"]["message"]
    missing_field = await client.post(f"/api/interviews/{iid}/answers", json={"answer": "hi"}, headers=headers)
    assert missing_field.status_code == 422 and "text" in missing_field.json()["error"]["message"]
    bad_topic = await client.post("/api/interviews", json={"topics": ["astrology"]})
    assert bad_topic.status_code == 422 and "astrology" in bad_topic.json()["error"]["message"]
    view = (await client.get(f"/api/interviews/{iid}", headers=headers)).json()
    assert view["state"] == "awaiting_answer" and view["current"] == created["current"]


async def test_topics_and_examiner_info(client: httpx.AsyncClient) -> None:
    topics = (await client.get("/api/topics")).json()
    assert {t["id"] for t in topics} == {"optimisation", "regularisation"} and all(t["summary"] for t in topics)
    info = (await client.get("/api/info")).json()
    assert info["examiner"]["kind"] == "offline" and info["max_answer_chars"] == 8000


async def test_answer_for_a_stale_turn_is_refused_and_not_stored(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["optimisation"], questions_per_topic=2, max_follow_ups=0)
    iid, headers, turn = created["id"], auth(created["token"]), created["current"]["turn"]
    first = await client.post(f"/api/interviews/{iid}/answers", json={"text": "negative gradient", "turn": turn}, headers=headers)
    assert first.status_code == 200
    stale = await client.post(f"/api/interviews/{iid}/answers", json={"text": "from an old tab", "turn": turn}, headers=headers)
    assert stale.status_code == 409 and "already answered" in stale.json()["error"]["message"]
    transcript = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    assert all(ex["answer"] != "from an old tab" for q in transcript["questions"] for ex in q["exchanges"])


async def test_lookup_returns_only_interviews_whose_token_matches(client: httpx.AsyncClient) -> None:
    a, b = await start(client), await start(client)
    r = await client.post("/api/interviews/lookup", json={"interviews": [
        {"id": a["id"], "token": a["token"]}, {"id": b["id"], "token": a["token"]}, {"id": "nope", "token": "x"},
    ]})
    assert r.status_code == 200 and [v["id"] for v in r.json()] == [a["id"]]


async def test_missed_points_are_not_named_while_a_follow_up_probes_them(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["regularisation"], questions_per_topic=1, difficulty="easy", max_follow_ups=1)
    r = await client.post(f"/api/interviews/{created['id']}/answers", json={"text": "Dropout randomly drops units."},
                          headers=auth(created["token"]))
    reply = r.json()
    assert reply["state"] == "awaiting_follow_up" and reply["grade"]["missed"]
    missed_texts = {kp.text for kp in BANK.question("regularisation", "dropout").key_points}
    assert not missed_texts & {m["text"] for m in reply["grade"]["missed"]}
    probed = reply["grade"]["follow_up_point"]
    assert probed and probed.replace("-", " ") not in reply["message"] + reply["grade"]["feedback"]


async def test_a_stated_misconception_is_probed_and_its_correction_held_back_until_answered(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["optimisation"], questions_per_topic=1, difficulty="easy", max_follow_ups=1)
    iid, headers = created["id"], auth(created["token"])
    wrong = "Gradient descent moves each weight along the gradient, in the same direction, to train faster."
    reply = (await client.post(f"/api/interviews/{iid}/answers", json={"text": wrong}, headers=headers)).json()
    assert reply["state"] == "awaiting_follow_up"
    assert reply["current"]["text"].startswith("You said \u201cGradient descent moves each weight along the gradient")
    stated = reply["grade"]["misconceptions"]
    assert [m["misconception_id"] for m in stated] == ["along-the-gradient"] and stated[0]["quote"] in wrong
    correction = BANK.question("optimisation", "gradient-descent").misconceptions[0].correction.strip()
    assert correction not in r_text(reply), "the correction would hand over the follow-up's answer"
    assert reply["grade"]["scores"]["correctness"] <= 2
    r = await client.post(f"/api/interviews/{iid}/answers", headers=headers,
                          json={"text": "Sorry - it steps against the gradient, the direction in which the loss falls."})
    final = r.json()["grade"]
    assert correction in " ".join(m["correction"] for m in final["misconceptions"])  # shown once answered
    assert final["misconceptions"][0]["corrected"] and "put it right" in final["feedback"]
    assert reply["grade"]["overall"] < final["overall"] <= 3.5  # putting it right earns back some, not all
    transcript = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    assert correction in json.dumps(transcript)


def r_text(reply: dict) -> str:
    return json.dumps(reply)


async def test_lookup_carries_the_overall_score_of_a_finished_interview(client: httpx.AsyncClient) -> None:
    created = await start(client, topics=["optimisation"], questions_per_topic=1, max_follow_ups=0)
    await client.post(f"/api/interviews/{created['id']}/answers", json={"text": "Step against the gradient."},
                      headers=auth(created["token"]))
    entry = (await client.post("/api/interviews/lookup", json={"interviews": [{"id": created["id"], "token": created["token"]}]})).json()[0]
    transcript = (await client.get(f"/api/interviews/{created['id']}/transcript.json", headers=auth(created["token"]))).json()
    assert entry["state"] == "completed" and entry["overall"] == transcript["overall"] is not None


async def test_reading_an_interview_left_in_grading_finishes_its_grade(settings: Settings) -> None:
    """An answer stored by a worker that died before grading is graded by the next read."""
    from datetime import timedelta

    from sqlalchemy import update

    from app.engine.machine import Answer, transition
    from app.models import InterviewRow
    from app.records import AnswerWritten, Step

    app = create_app(settings)
    service = app.state.service
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        created = await start(c, topics=["optimisation"], questions_per_topic=2, max_follow_ups=0)
        loaded = service.store.load(created["id"])
        row = loaded.row
        grading, _ = transition(loaded.plan, loaded.state, Answer())
        service.store.save_step(row.id, row.version, Step(grading, answer=AnswerWritten(loaded.turns[-1].seq, "Move against the gradient.")))
        with service.store.engine.begin() as conn:  # the worker died long ago
            conn.execute(update(InterviewRow).where(InterviewRow.id == row.id)
                         .values(updated_at=row.updated_at - timedelta(hours=1)))
        view = (await c.get(f"/api/interviews/{created['id']}", headers=auth(created["token"]))).json()
        transcript = (await c.get(f"/api/interviews/{created['id']}/transcript.json", headers=auth(created["token"]))).json()
    assert view["state"] == "awaiting_answer" and view["progress"]["questions_done"] == 1
    first = transcript["questions"][0]["exchanges"][0]
    assert first["answer"] == "Move against the gradient." and first["grade"] is not None
