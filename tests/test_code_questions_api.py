"""Code questions through the API on the shipped bank: every reference solution scores at least 4.5
and every starter at most 1; example runs and submissions are stored with the turn and shown back; a
failing submission leads to a follow-up about the failing test; hostile code is contained, reported as
a failed run, stored, and leaves the server answering other interviews; ten runs at once complete."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from app.bank.loader import load_bank
from app.config import Settings
from app.main import create_app
from tests.conftest import auth, usable_sandbox
from app.sandbox import Limits

pytestmark = [pytest.mark.anyio, pytest.mark.sandbox]

ROOT = Path(__file__).resolve().parent.parent
BANK = load_bank(ROOT / "rubrics")
CODE_TOPICS = sorted({t.topic for t in BANK.code_tasks.values()})


def _settings(tmp_path: Path, **extra: object) -> Settings:
    usable_sandbox(Limits())  # skips (fails in CI) when bubblewrap cannot run here
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'viva.db'}", rubrics_dir=ROOT / "rubrics",
                    llm_base_url=None, llm_api_key=None, rate_limit_enabled=False, **extra)  # type: ignore[arg-type]


@pytest.fixture
async def shipped(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(_settings(tmp_path, code_run_cpu_seconds=20, code_run_wall_seconds=40))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test", timeout=120) as client:
            yield client


async def _code_interview(client: httpx.AsyncClient, topic_id: str, count: int = 1, follow_ups: int = 0) -> dict:
    response = await client.post("/api/interviews", json={
        "topics": [topic_id], "questions_per_topic": count, "question_types": ["code"], "max_follow_ups": follow_ups})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("topic_id", CODE_TOPICS)
async def test_every_reference_scores_high_and_every_starter_low(shipped: httpx.AsyncClient, topic_id: str) -> None:
    count = sum(t.topic == topic_id for t in BANK.code_tasks.values())
    for solution in ("reference", "starter"):
        created = await _code_interview(shipped, topic_id, count)
        interview_id, headers, current = created["id"], auth(created["token"]), created["current"]
        seen = set()
        while current is not None:
            task = BANK.code_tasks[current["question_id"]]
            assert current["question_type"] == "code" and current["code"]["starter"] == task.starter
            assert "hidden" not in current["code"] and task.hidden_tests not in str(current)  # hidden tests stay hidden
            explanation = "\n".join(task.explanation_points) if solution == "reference" else "I ran out of time on this one."
            reply = await shipped.post(f"/api/interviews/{interview_id}/answers", headers=headers, json={
                "text": explanation, "code": getattr(task, solution), "turn": current["turn"]})
            assert reply.status_code == 200, reply.text
            grade = reply.json()["grade"]
            if solution == "reference":
                assert grade["overall"] >= 4.5 and grade["tests"]["passed"] == grade["tests"]["total"], (task.id, grade["tests"])
            else:
                assert grade["overall"] <= 1.0 and grade["tests"]["passed"] < grade["tests"]["total"], (task.id, grade["tests"])
            seen.add(task.id)
            current = reply.json()["current"]
        assert len(seen) == count


async def test_examples_and_submissions_are_stored_shown_and_a_failure_is_followed_up(shipped: httpx.AsyncClient) -> None:
    task = BANK.code_tasks["softmax-cross-entropy"]
    created = await _code_interview(shipped, task.topic, sum(t.topic == task.topic for t in BANK.code_tasks.values()), follow_ups=1)
    interview_id, headers = created["id"], auth(created["token"])
    current = created["current"]
    task = BANK.code_tasks[current["question_id"]]
    # Run the examples with the starter: each visible test is reported, with what the code printed.
    noisy = "print('hello from the candidate')\n" + task.starter
    examples = (await shipped.post(f"/api/interviews/{interview_id}/code/run", headers=headers,
                                   json={"code": noisy, "turn": current["turn"]})).json()
    assert examples["kind"] == "examples" and examples["total"] >= 1 and examples["passed"] < examples["total"]
    assert all(t["message"] for t in examples["tests"] if not t["passed"])
    assert any("hello from the candidate" in t["output"] for t in examples["tests"])
    # A reload restores the last code and its run.
    view = (await shipped.get(f"/api/interviews/{interview_id}", headers=headers)).json()
    assert view["current"]["code"]["last_code"] == noisy and view["current"]["code"]["last_run"]["kind"] == "examples"
    # Submit code that is wrong on some hidden tests: names and messages come back.
    broken = task.reference + "".join(f"\n{name} = None\n" for name in _functions(task.reference)[:1])
    submitted = (await shipped.post(f"/api/interviews/{interview_id}/code/submit", headers=headers,
                                    json={"code": broken, "turn": current["turn"]})).json()
    assert submitted["kind"] == "submission" and submitted["passed"] < submitted["total"]
    failing = [t["name"] for t in submitted["tests"] if not t["passed"]]
    assert failing and all(t["message"] for t in submitted["tests"] if not t["passed"])
    # The explanation is graded with the submission's tests; the follow-up asks about a failing test.
    reply = (await shipped.post(f"/api/interviews/{interview_id}/answers", headers=headers,
                                json={"text": "\n".join(task.explanation_points), "turn": current["turn"]})).json()
    assert reply["grade"]["tests"]["failing"] == failing and reply["grade"]["overall"] < 4.5
    assert reply["state"] == "awaiting_follow_up" and failing[0] in reply["current"]["text"]
    # A fixed version submitted with the follow-up's answer lifts the grade.
    fixed = (await shipped.post(f"/api/interviews/{interview_id}/answers", headers=headers, json={
        "text": "I had replaced the function by mistake; the fixed version restores it.", "code": task.reference,
        "turn": reply["current"]["turn"]})).json()
    assert fixed["grade"]["tests"]["passed"] == fixed["grade"]["tests"]["total"] and fixed["grade"]["overall"] >= 4.5
    # The transcript holds the final code and its test table; every run is kept.
    transcript = (await shipped.get(f"/api/interviews/{interview_id}/transcript.json", headers=headers)).json()
    entry = transcript["questions"][0]
    assert entry["question_type"] == "code" and entry["submission"]["code"] == task.reference
    assert entry["submission"]["passed"] == entry["submission"]["total"] and entry["code_runs"] == 3
    markdown = (await shipped.get(f"/api/interviews/{interview_id}/transcript.md", headers=headers)).text
    assert "```python" in markdown and "| Test | Result |" in markdown
    pdf = await shipped.get(f"/api/interviews/{interview_id}/transcript.pdf", headers=headers)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"Code submitted: hidden tests {entry['submission']['total']} of {entry['submission']['total']} passed" in text
    assert all(t["name"] in text.replace(" ", "") or t["name"] in text for t in entry["submission"]["tests"])


def _functions(source: str) -> list[str]:
    return [line.split("(")[0][4:] for line in source.splitlines() if line.startswith("def ") and not line.startswith("def _")]


async def test_code_is_refused_clearly_where_it_does_not_belong(shipped: httpx.AsyncClient) -> None:
    created = (await shipped.post("/api/interviews", json={
        "topics": ["architectures"], "questions_per_topic": 1, "question_types": ["concept"]})).json()
    headers = auth(created["token"])
    refused = await shipped.post(f"/api/interviews/{created['id']}/code/run", headers=headers, json={"code": "x = 1"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "not_a_code_question"
    assert refused.json()["error"]["hint"]
    code = await _code_interview(shipped, "architectures")
    huge = await shipped.post(f"/api/interviews/{code['id']}/code/run", headers=auth(code["token"]), json={"code": "#" * 20_001})
    assert huge.status_code == 413
    stale = await shipped.post(f"/api/interviews/{code['id']}/code/submit", headers=auth(code["token"]),
                               json={"code": "x = 1", "turn": code["current"]["turn"] + 5})
    assert stale.status_code == 409
    stranger = await shipped.post(f"/api/interviews/{code['id']}/code/run", headers=auth(created["token"]), json={"code": "x = 1"})
    assert stranger.status_code == 404


HOSTILE = {
    "socket": "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=3)\n",
    "database": "print(open({db!r}, 'rb').read(100))\n",
    "passwd": "print(open('/etc/passwd').read())\n",
    "environment": "import os\nassert not os.environ.get('VIVA_LLM_API_KEY'), os.environ\nraise SystemExit(str(dict(os.environ)))\n",
    "fork_bomb": "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
    "memory": "hog = bytearray(10 * 1024 ** 3)\n",
    "forever": "while True:\n    pass\n",
    "print_1gb": "import os\nchunk = b'x' * (1 << 20)\nfor _ in range(1024):\n    os.write(1, chunk)\n",
    "subprocess": "import subprocess\nprint(subprocess.run(['cat', '/etc/passwd'], capture_output=True))\n",
}


async def test_hostile_code_is_contained_reported_stored_and_the_server_keeps_answering(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIVA_LLM_API_KEY", "sk-never-shown-123")  # in the server's environment, never the sandbox's
    settings = _settings(tmp_path, code_run_cpu_seconds=3, code_run_wall_seconds=6)
    db_file = str(tmp_path / "viva.db")
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test", timeout=120) as client:
            bystander = (await client.post("/api/interviews", json={"topics": ["architectures"], "question_types": ["concept"]})).json()
            created = await _code_interview(client, "architectures")
            interview_id, headers, turn = created["id"], auth(created["token"]), created["current"]["turn"]

            async def attack(name: str) -> tuple[str, dict]:
                code = HOSTILE[name].format(db=db_file)
                reply = await client.post(f"/api/interviews/{interview_id}/code/submit", headers=headers,
                                          json={"code": code, "turn": turn})
                assert reply.status_code == 200, (name, reply.text)
                return name, reply.json()

            attacks = asyncio.gather(*(attack(name) for name in HOSTILE))
            # Meanwhile another candidate's interview answers as usual.
            latencies = []
            while not attacks.done():
                started = time.perf_counter()
                seen = await client.get(f"/api/interviews/{bystander['id']}", headers=auth(bystander["token"]))
                latencies.append(time.perf_counter() - started)
                assert seen.status_code == 200
                await asyncio.sleep(0.2)
            results = dict(await attacks)
            assert latencies and max(latencies) < 2.0, latencies  # a read takes milliseconds; never seconds
            for name, outcome in results.items():
                assert outcome["passed"] == 0 and outcome["total"] >= 1, name
                shown = str(outcome)
                assert "root:x:0:0" not in shown and "sk-never-shown-123" not in shown and "SQLite format" not in shown, name
                assert outcome["problem"] or all(t["message"] for t in outcome["tests"]), name
            assert "too long" in results["forever"]["problem"] or "CPU" in results["forever"]["problem"]
            assert "printed too much" in results["print_1gb"]["problem"]
            # Every run is stored with the turn: the transcript counts them.
            transcript = (await client.get(f"/api/interviews/{interview_id}/transcript.json", headers=headers)).json()
            assert transcript["questions"][0]["code_runs"] == len(HOSTILE)


async def test_ten_runs_at_once_all_complete(shipped: httpx.AsyncClient) -> None:
    created = await _code_interview(shipped, "math-foundations")
    headers, current = auth(created["token"]), created["current"]
    task = BANK.code_tasks[current["question_id"]]

    async def run() -> dict:
        reply = await shipped.post(f"/api/interviews/{created['id']}/code/run", headers=headers, json={"code": task.reference})
        assert reply.status_code == 200, reply.text
        return reply.json()

    outcomes = await asyncio.gather(*(run() for _ in range(10)))
    assert all(o["passed"] == o["total"] >= 1 and not o["problem"] for o in outcomes)
