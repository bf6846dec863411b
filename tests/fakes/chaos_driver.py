"""Many complete interviews at once through the real app (in-process ASGI), graded by the LLM examiner
against ``ChaosLLM``; then every stored turn is checked. Used by ``bench_chaos.py`` and the chaos test.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from app.config import Settings
from app.examiners.llm import LLMExaminer
from app.interviewer.llm import LLMInterviewer
from tests.fakes.chaos import ChaosLLM
from tests.fakes.fake_llm import FakeLLM
from app.main import create_app

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = [
    "Gradient descent moves each weight against the gradient of the loss; the learning rate sets the step size.",
    "Momentum keeps an exponentially decaying running average of past gradients, which damps oscillation.",
    "Dropout randomly zeroes activations during training so that units cannot co-adapt; it acts as a regulariser.",
    "I don't know",
    "",
    "It depends on the batch size and the data, I think, but mostly on the learning rate schedule.",
]


def app_with_llm(settings: Settings, fake: FakeLLM, *, max_retries: int = 2) -> FastAPI:
    """The app grading and speaking through ``fake`` (as an LLM endpoint would), with offline fallback."""
    client = fake.client(max_retries=max_retries)
    return create_app(settings, examiner=LLMExaminer(client), interviewer=LLMInterviewer(client))


async def _interview(client: httpx.AsyncClient, n: int, errors: Counter[str]) -> str:
    r = await client.post("/api/interviews", json={"questions_per_topic": 2, "max_follow_ups": 1})
    if r.status_code != 201:
        errors[f"create_{r.status_code}"] += 1
        return ""
    created = r.json()
    iid, headers, current = created["id"], {"Authorization": f"Bearer {created['token']}"}, created["current"]
    for step in range(40):
        if current is None:
            return iid
        text = ANSWERS[(n + step) % len(ANSWERS)]
        path = "answers/stream" if (n + step) % 3 == 0 else "answers"
        r = await client.post(f"/api/interviews/{iid}/{path}", json={"text": text, "turn": current["turn"]}, headers=headers)
        if r.status_code != 200:
            errors[f"answer_{r.status_code}"] += 1
        view = (await client.get(f"/api/interviews/{iid}", headers=headers)).json()
        current = view["current"]
    errors["too_many_steps"] += 1
    return iid


async def run_chaos(
    interviews: int = 40, shares: dict[str, float] | None = None, seed: int = 0,
    rubrics_dir: Path | None = None, workdir: Path | None = None,
) -> dict[str, Any]:
    workdir = workdir or Path(tempfile.mkdtemp(prefix="viva-chaos-"))
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{workdir / 'chaos.db'}", rubrics_dir=rubrics_dir or ROOT / "rubrics",
        llm_base_url=None, llm_api_key=None, rate_limit_enabled=False,
    )
    fake = ChaosLLM(shares, seed=seed)
    app = app_with_llm(settings, fake)
    errors: Counter[str] = Counter()
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://viva.test", timeout=60
    ) as client:
        ids = await asyncio.gather(*[_interview(client, n, errors) for n in range(interviews)])
    return {"served": dict(fake.counts), "errors": dict(errors), **audit(app, [i for i in ids if i])}


def audit(app: FastAPI, ids: list[str]) -> dict[str, Any]:
    """Read back every interview: answers stored, grades present, and who graded."""
    store = app.state.service.store
    out: Counter[str] = Counter()
    for iid in ids:
        row = store.get(iid)
        out[f"status_{row.status}"] += 1
        for turn in store.turns(iid):
            if turn.answer is None:
                out["unanswered_turns"] += 1
                continue
            if turn.skipped:
                out["skipped"] += 1
                continue
            out["answers_stored"] += 1
            grade = turn.grade or {}
            flags = grade.get("flags", [])
            if not turn.grade:
                out["ungraded"] += 1
            elif "no_answer" in flags:
                out["graded_pre_scored_empty"] += 1
            elif any(f.startswith("fallback:") for f in flags):
                out["graded_fallback"] += 1
                for f in flags:
                    if f.startswith("fallback:"):
                        out[f"fallback_{f.split(':', 1)[1]}"] += 1
            elif str(grade.get("examiner", "")).startswith("llm:"):
                out["graded_llm"] += 1
            else:
                out["graded_other"] += 1
    out["interviews"] = len(ids)
    out["stuck"] = len(ids) - out["status_completed"]
    return dict(sorted(out.items()))
