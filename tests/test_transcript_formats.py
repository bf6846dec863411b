"""Each export format from a real interview stored through the API (offline examiner)."""

from __future__ import annotations

import io
import json
import re

import httpx
import pytest
from pypdf import PdfReader

from tests.conftest import auth
from tests.transcript_support import BANK, run_interview

pytestmark = pytest.mark.anyio
FILE_NAME = re.compile(r'attachment; filename="viva-\d{4}-\d{2}-\d{2}-[A-Za-z0-9_-]{1,8}\.(json|md|pdf)"')


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    return " ".join(text.split())


async def test_json_has_every_part_of_the_report(client: httpx.AsyncClient) -> None:
    iid, token = await run_interview(client, answers=["Weights move a little.", "Against the gradient, with a learning rate."],
                                     topics=["optimisation"], max_follow_ups=1)
    r = await client.get(f"/api/interviews/{iid}/transcript.json", headers=auth(token))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert FILE_NAME.fullmatch(r.headers["content-disposition"])
    t = r.json()
    assert t["options"]["topics"] == ["optimisation"] and t["options"]["max_follow_ups"] == 1
    q = t["questions"][0]
    assert q["topic_id"] == "optimisation" and q["difficulty"] == 1 and q["prompt"]
    assert [e["kind"] for e in q["exchanges"]] == ["question", "follow_up"]  # the follow-up and its answer
    assert q["exchanges"][1]["answer"].startswith("Against the gradient")
    assert q["criteria"] and all(c["anchor"] and 0 <= c["score"] <= 5 for c in q["criteria"])
    criteria = {c.id: c for c in BANK.topic("optimisation").criteria}
    assert all(c["anchor"] == criteria[c["criterion_id"]].anchors[c["score"]] for c in q["criteria"])
    grade = q["final_grade"]
    assert grade["covered"] and all(
        c["quote"] in " ".join(e["answer"] for e in q["exchanges"]) for c in grade["covered"])
    assert grade["missed"] and grade["feedback"]
    assert q["model_answer"] == BANK.question("optimisation", q["question_id"]).model_answer
    assert q["time_spent_seconds"] is not None and q["time_spent_seconds"] >= 0
    assert t["topics"][0]["score"] == q["score"] and t["overall"] == q["score"]
    assert t["summary"]["text"]
    rep = t["reproducibility"]
    assert rep["examiner"] == {"kind": "offline", "name": "offline", "model": None, "endpoint_host": None}
    assert rep["graded_by"] == ["offline"] and rep["prompt_templates"] == {}
    assert rep["rubric_files"] == {"optimisation": BANK.file_hashes["optimisation"]}
    assert rep["viva_version"] == t["viva_version"] and rep["token_usage"]["total_tokens"] == 0


async def test_markdown_export(client: httpx.AsyncClient) -> None:
    iid, token = await run_interview(client)
    r = await client.get(f"/api/interviews/{iid}/transcript.md", headers=auth(token))
    assert r.status_code == 200 and r.headers["content-type"] == "text/markdown; charset=utf-8"
    assert FILE_NAME.fullmatch(r.headers["content-disposition"])
    md = r.text
    t = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=auth(token))).json()
    for heading in ("## Options chosen", "## Scores by topic", "## Summary", "## Questions", "## Reproducibility"):
        assert heading in md
    for q in t["questions"]:
        assert q["prompt"].rstrip("?") in md
        assert all(c["anchor"].split(";")[0].rstrip(".") in md for c in q["criteria"])
    assert t["reproducibility"]["rubric_files"]["optimisation"] in md
    assert "Optimisation basics" in md and "Regularisation" in md


async def test_pdf_export_text_and_paper_sizes(client: httpx.AsyncClient) -> None:
    answer = "Gradient descent moves each weight opposite to the gradient; the learning rate sets the step size."
    iid, token = await run_interview(client, answers=[answer], topics=["optimisation"], max_follow_ups=0)
    r = await client.get(f"/api/interviews/{iid}/transcript.pdf", headers=auth(token))
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert FILE_NAME.fullmatch(r.headers["content-disposition"]) and r.content.startswith(b"%PDF")
    t = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=auth(token))).json()
    text = squash(pdf_text(r.content))
    assert squash(t["questions"][0]["prompt"]) in text
    assert squash(answer) in text
    assert "Scores by topic" in text and "Reproducibility" in text and "Model answer" in text
    a4 = PdfReader(io.BytesIO(r.content)).pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    letter = await client.get(f"/api/interviews/{iid}/transcript.pdf?paper=letter", headers=auth(token))
    box = PdfReader(io.BytesIO(letter.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert squash(answer) in squash(pdf_text(letter.content))
    bad = await client.get(f"/api/interviews/{iid}/transcript.pdf?paper=a3", headers=auth(token))
    assert bad.status_code == 422


async def test_every_format_needs_the_token(client: httpx.AsyncClient) -> None:
    iid, token = await run_interview(client, topics=["optimisation"], max_follow_ups=0)
    for ext in ("json", "md", "pdf"):
        assert (await client.get(f"/api/interviews/{iid}/transcript.{ext}")).status_code == 401
        wrong = await client.get(f"/api/interviews/{iid}/transcript.{ext}", headers=auth(token + "x"))
        assert wrong.status_code == 404 and "Scored" not in wrong.text


async def test_unfinished_interview_exports_without_model_answers(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/interviews", json={"topics": ["optimisation"], "questions_per_topic": 2})
    created = r.json()
    for ext in ("json", "md", "pdf"):
        got = await client.get(f"/api/interviews/{created['id']}/transcript.{ext}", headers=auth(created["token"]))
        assert got.status_code == 200, ext
    t = (await client.get(f"/api/interviews/{created['id']}/transcript.json", headers=auth(created["token"]))).json()
    assert t["questions"][0]["model_answer"] == "" and t["overall"] is None
    assert json.loads(json.dumps(t)) == t


def test_one_rounding_rule_for_every_overall_figure() -> None:
    from app.transcript.build import _mean

    assert _mean([3.2, 3.3]) == 3.3  # half up, not to even: the page, the files and the summary agree
    assert _mean([3.0, 3.5]) == 3.3 and _mean([2.5, 2.6, 2.6]) == 2.6 and _mean([]) is None


async def test_the_overall_in_json_and_markdown_is_the_same_figure(client: httpx.AsyncClient) -> None:
    iid, token = await run_interview(client, topics=["optimisation", "regularisation"], max_follow_ups=0)
    t = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=auth(token))).json()
    md = (await client.get(f"/api/interviews/{iid}/transcript.md", headers=auth(token))).text
    assert t["overall"] == round(t["overall"], 1)
    assert all(topic["score"] == round(topic["score"], 1) for topic in t["topics"] if topic["score"] is not None)
    assert f"{t['overall']:.1f}" in md
