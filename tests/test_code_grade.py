"""The grade of a code question follows the hidden tests: explanations of every kind move it only within
the ceiling the tests set; no code, or code that fails, caps it low however fluent the words; the
follow-up asks about the first failing test; and an LLM examiner that scores everything 5 cannot lift
code that fails its tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from app.bank.loader import load_bank
from app.config import Settings
from app.examiners.base import Exchange, GradingRequest, Submission, SubmittedTest
from app.examiners.code_grade import EXPLANATION_LIFT, with_tests
from app.examiners.llm import LLMExaminer
from app.examiners.offline import OfflineExaminer
from app.main import create_app
from app.sandbox import Limits
from tests.conftest import auth, usable_sandbox
from tests.fakes.chaos import schema_name
from tests.fakes.fake_llm import FakeLLM

ROOT = Path(__file__).resolve().parent.parent
BANK = load_bank(ROOT / "rubrics")
TASK = BANK.code_tasks["softmax-cross-entropy"]
TOPIC = BANK.topic(TASK.topic)
QUESTION = TOPIC.question(TASK.id)
EXAMINER = OfflineExaminer()

EXPLANATIONS = {
    "excellent": "\n".join(TASK.explanation_points),
    "buzzwords": "softmax, cross-entropy, logits, gradient, numerical stability, log-sum-exp, overflow, one-hot.",
    "neighbour": "Cross-entropy measures how many extra bits we pay when coding samples from the true distribution "
                 "with a code built for the predicted one; minimising it is maximum likelihood.",
    "none": "I did not get to the explanation.",
}


def submission(passed: int, total: int = 6, problem: str = "") -> Submission:
    tests = [SubmittedTest(name=f"test_{i}", passed=i < passed, message="" if i < passed else f"AssertionError: case {i}")
             for i in range(total)]
    return Submission(code="def f(): ...", passed=passed, total=total, tests=tests, problem=problem)


def grade(explanation: str, sub: Submission | None):
    request = GradingRequest(topic=TOPIC, question=QUESTION, thread=[Exchange(prompt=QUESTION.prompt, answer=explanation)],
                             submission=sub)
    return with_tests(EXAMINER.grade(request), sub, TASK.follow_up)


def test_code_that_passes_every_test_scores_high_and_the_explanation_orders_within_it() -> None:
    scores = {kind: grade(text, submission(6)).overall for kind, text in EXPLANATIONS.items()}
    assert scores["excellent"] >= 4.5
    assert scores["excellent"] > scores["buzzwords"] and scores["excellent"] > scores["neighbour"]
    assert min(scores.values()) >= 4.0  # working code is most of the grade


@pytest.mark.parametrize("kind", list(EXPLANATIONS))
def test_failing_or_missing_code_caps_every_explanation(kind: str) -> None:
    text = EXPLANATIONS[kind]
    assert grade(text, submission(0)).overall <= EXPLANATION_LIFT
    assert grade(text, None).overall <= EXPLANATION_LIFT
    assert grade(text, submission(0, problem="the run took too long and was stopped")).overall <= EXPLANATION_LIFT
    half = grade(text, submission(3)).overall
    assert 1.5 <= half <= 2.5 + EXPLANATION_LIFT


def test_more_tests_passed_never_lowers_the_grade() -> None:
    scores = [grade(EXPLANATIONS["excellent"], submission(n)).overall for n in range(7)]
    assert scores == sorted(scores) and scores[0] < scores[-1]


def test_the_follow_up_asks_about_the_first_failing_test_or_the_task_when_all_pass() -> None:
    failing = grade(EXPLANATIONS["excellent"], submission(4))
    assert "test_4" in failing.follow_up and "AssertionError: case 4" in failing.follow_up
    assert failing.tests.failing == ["test_4", "test_5"] and "4 of 6 passed" in failing.feedback
    nothing = grade(EXPLANATIONS["excellent"], None)
    assert "No code was submitted" in nothing.follow_up and not nothing.tests.submitted
    thin = grade(EXPLANATIONS["none"], submission(6))
    assert thin.follow_up  # everything passed, the explanation did not: a probe or the task's own follow-up


# Through the API with an LLM examiner that gives top marks to anything -------------------------

def flattering(body: dict[str, Any]) -> dict[str, Any]:
    if schema_name(body) != "GradingOutput":
        return {"choices": [{"message": {"role": "assistant", "content": "Thank you."}}]}
    text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    criteria = sorted(set(c for c in ("correctness", "depth", "practical-insight", "clarity", "communication") if f"- {c} (" in text))
    return {"scores": [{"criterion_id": c, "score": 5} for c in criteria], "overall": 5, "covered": [],
            "missed": [], "feedback": "Flawless.", "follow_up_warranted": False, "follow_up": "", "follow_up_point": ""}


@pytest.mark.anyio
@pytest.mark.sandbox
async def test_an_llm_cannot_raise_code_that_fails_its_tests(tmp_path: Path) -> None:
    usable_sandbox(Limits())
    fake = FakeLLM(default=flattering)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'v.db'}", rubrics_dir=ROOT / "rubrics",
                        rate_limit_enabled=False, code_run_cpu_seconds=20, code_run_wall_seconds=40)
    app = create_app(settings, examiner=LLMExaminer(fake.client(max_retries=0)))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test", timeout=120) as client:
            created = (await client.post("/api/interviews", json={
                "topics": [TASK.topic], "questions_per_topic": 1, "question_types": ["code"], "max_follow_ups": 0})).json()
            task = BANK.code_tasks[created["current"]["question_id"]]
            reply = (await client.post(f"/api/interviews/{created['id']}/answers", headers=auth(created["token"]), json={
                "text": "\n".join(task.explanation_points), "code": task.starter})).json()
    grade_json = reply["grade"]
    graded_by_llm = grade_json["examiner"].startswith("llm")
    prompt = "\n".join(str(m.get("content", "")) for m in fake.chat_requests[0]["messages"])
    assert graded_by_llm and "<candidate_code" in prompt and "<hidden_tests" in prompt and "raise NotImplementedError" in prompt
    assert grade_json["overall"] <= EXPLANATION_LIFT and grade_json["tests"]["passed"] < grade_json["tests"]["total"]


@pytest.mark.anyio
async def test_where_code_cannot_run_the_start_page_says_why_and_code_questions_are_refused(tmp_path: Path) -> None:
    from tests.test_pages import parse

    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'v.db'}", rubrics_dir=ROOT / "rubrics",
                        llm_base_url=None, llm_api_key=None, code_runs_enabled=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test") as client:
            page = parse((await client.get("/")).text)
            box = next(a for a in page.all("input") if a.get("name") == "question_types" and a.get("value") == "code")
            assert "disabled" in box
            _, note = page.by_id(box["aria-describedby"])
            assert "Off on this server" in "".join(page.text) and "VIVA_CODE_RUNS_ENABLED" in "".join(page.text)
            refused = await client.post("/api/interviews", json={"topics": [TASK.topic], "question_types": ["code"]})
            assert refused.status_code == 422 and "cannot be asked on this server" in refused.json()["error"]["message"]
            # A default mix on a topic with code tasks leaves them out rather than failing.
            created = (await client.post("/api/interviews", json={"topics": [TASK.topic], "questions_per_topic": 3})).json()
            plan = app.state.service.store.get(created["id"]).plan
            kinds = {BANK.question(t["topic_id"], c["question_id"]).type for t in plan["topics"] for c in t["candidates"]}
            assert kinds and "code" not in kinds


def test_without_numpy_code_runs_are_off_and_say_how_to_turn_them_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from app.code_runs import CodeRunner

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "numpy" else real(name, *a))
    ok, why = CodeRunner(Settings(_env_file=None)).available()
    assert not ok and "numpy" in why and "pip install numpy" in why
