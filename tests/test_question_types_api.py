"""Every question type end to end through the API on the shipped bank: chosen with `question_types`,
asked (a code review with its snippet as code), graded its own way, and rendered in the transcripts."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.bank.loader import load_bank
from app.config import Settings
from app.engine.plan import Focus, InterviewOptions, build_plan
from app.main import create_app
from tests.conftest import auth

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent
BANK = load_bank(ROOT / "rubrics")
NEW_TYPES = ["derivation", "estimate", "code-review", "design", "behavioural"]


@pytest.fixture
async def shipped(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(_env_file=None, database_url=database_url, rubrics_dir=ROOT / "rubrics", llm_base_url=None, llm_api_key=None)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test") as client:
            yield client


def _topic_with(kind: str) -> str:
    return max(BANK.topics.values(), key=lambda t: sum(q.type == kind for q in t.questions)).id


@pytest.mark.parametrize("kind", NEW_TYPES)
async def test_each_type_is_asked_graded_and_transcribed_its_own_way(shipped: httpx.AsyncClient, kind: str) -> None:
    topic_id = _topic_with(kind)
    created = (await shipped.post("/api/interviews", json={
        "topics": [topic_id], "questions_per_topic": 1, "question_types": [kind], "max_follow_ups": 0})).json()
    current, headers = created["current"], auth(created["token"])
    question = BANK.question(topic_id, current["question_id"])
    assert question.type == kind == current["question_type"]
    limit = current["max_answer_chars"]
    assert limit == (16000 if kind == "design" else 8000)
    if kind == "code-review":
        assert question.code and f"```{question.language}\n" in current["text"] and question.code.strip() in current["text"]
    reply = (await shipped.post(f"/api/interviews/{created['id']}/answers", headers=headers,
                                json={"text": question.model_answer, "turn": current["turn"]})).json()
    grade = reply["grade"]
    assert grade["overall"] >= 4.0 and not grade["misconceptions"]
    if kind == "estimate":
        assert grade["estimate"]["verdict"] == "within-tolerance" and grade["estimate"]["found"] in question.model_answer
    elif kind in ("code-review", "design", "behavioural"):
        part_kind = {"code-review": "bug", "design": "phase", "behavioural": "star"}[kind]
        assert grade["parts"] and {p["kind"] for p in grade["parts"]} == {part_kind}
        assert sum(p["covered"] > 0 for p in grade["parts"]) >= len(grade["parts"]) - 1
    markdown = (await shipped.get(f"/api/interviews/{created['id']}/transcript.md", headers=headers)).text
    label = {"derivation": "Derivations", "estimate": "Estimates", "code-review": "Code review", "design": "System design",
             "behavioural": "Behavioural"}[kind]
    assert f"*{label} \u00b7 difficulty" in markdown
    if kind == "code-review":
        assert f"```{question.language}" in markdown  # the snippet is a code block in the transcript
    if kind == "estimate":
        assert "**Your figure**" in markdown and "**Expected figure**" in markdown
    transcript = (await shipped.get(f"/api/interviews/{created['id']}/transcript.json", headers=headers)).json()
    assert transcript["questions"][0]["question_type"] == kind
    pdf = await shipped.get(f"/api/interviews/{created['id']}/transcript.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_asking_for_a_type_a_topic_lacks_is_refused_with_topics_that_have_it(shipped: httpx.AsyncClient) -> None:
    lacking = min(BANK.topics.values(), key=lambda t: sum(q.type == "design" for q in t.questions))
    r = await shipped.post("/api/interviews", json={"topics": [lacking.id], "questions_per_topic": 1, "question_types": ["design"]})
    assert r.status_code == 422
    error = r.json()["error"]
    assert lacking.id in error["message"] and "design" in error["message"] and _topic_with("design") in error["hint"]
    r = await shipped.post("/api/interviews", json={"question_types": ["essay"]})
    assert r.status_code == 422 and "question_types" in r.text


async def test_a_design_answer_may_be_longer_than_other_answers(shipped: httpx.AsyncClient) -> None:
    for kind, accepted in (("design", 201), ("concept", 413)):
        created = (await shipped.post("/api/interviews", json={
            "topics": [_topic_with(kind)], "questions_per_topic": 1, "question_types": [kind]})).json()
        r = await shipped.post(f"/api/interviews/{created['id']}/answers", headers=auth(created["token"]),
                               json={"text": "word " * 2400, "turn": created["current"]["turn"]})
        assert (r.status_code in (200, 201)) == (accepted == 201), (kind, r.status_code, r.text[:200])


def test_the_default_plan_mixes_types_and_focus_prefers_tagged_questions() -> None:
    topics = sorted(BANK.topics)
    asked: dict[str, int] = {}
    for seed in range(40):
        plan = build_plan(InterviewOptions(topics=topics, questions_per_topic=2), BANK, seed)
        for tp in plan.topics:
            # What the adaptive interview asks first at its starting level: the closest difficulty, in plan order.
            for ref in sorted(tp.candidates, key=lambda r: abs(r.difficulty - 2))[:2]:
                kind = BANK.question(ref.topic_id, ref.question_id).type
                asked[kind] = asked.get(kind, 0) + 1
    assert asked.get("concept", 0) > max(v for k, v in asked.items() if k != "concept")
    assert all(asked.get(kind, 0) > 0 for kind in NEW_TYPES), asked
    focus = Focus(roles=["research"], seniority="senior")
    plan = build_plan(InterviewOptions(topics=topics, questions_per_topic=2, focus=focus), BANK, random.randrange(1000))
    for tp in plan.topics:
        matching = [q for q in BANK.topic(tp.topic_id).questions if focus.matches(q)]
        if len(matching) >= 2:
            assert all(focus.matches(BANK.question(r.topic_id, r.question_id)) for r in tp.candidates), tp.topic_id
