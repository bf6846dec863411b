"""A transcript graded by the LLM examiner (a scripted fake endpoint): the reproducibility block names
the model and host, hashes the prompt templates and counts tokens, and no export carries the key."""

from __future__ import annotations

import io

import httpx
import pytest
from pypdf import PdfReader

from app.examiners.offline import OfflineExaminer
from tests.fakes.chaos import ChaosLLM
from app.transcript.model import Transcript
from app.transcript.regrade import regrade
from app.transcript.reproducibility import prompt_template_hashes
from tests.fakes.chaos_driver import app_with_llm
from tests.conftest import auth
from tests.transcript_support import BANK, run_interview

pytestmark = pytest.mark.anyio
SECRET = "sk-fake-secret"  # the key FakeLLM's client is built with


async def test_llm_transcript_reproducibility_and_no_secret(settings) -> None:  # type: ignore[no-untyped-def]
    app = app_with_llm(settings, ChaosLLM(shares={}, seed=3))  # every call answered well
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test") as client:
            iid, token = await run_interview(client, topics=["optimisation"], max_follow_ups=0)
            exports = {ext: await client.get(f"/api/interviews/{iid}/transcript.{ext}", headers=auth(token))
                       for ext in ("json", "md", "pdf")}
    t = Transcript.model_validate_json(exports["json"].content)
    rep = t.reproducibility
    assert rep is not None and rep.examiner.kind == "llm" and rep.examiner.endpoint_host == "fake-llm.test"
    assert rep.examiner.model and rep.examiner.name == t.examiner
    assert rep.prompt_templates and rep.prompt_templates == prompt_template_hashes(settings.prompts_dir)
    assert rep.token_usage.total_tokens > 0
    pdf_text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(exports["pdf"].content)).pages)
    for text in (exports["json"].text, exports["md"].text, pdf_text):
        assert SECRET not in text
    assert "fake-llm.test" in exports["md"].text and next(iter(rep.prompt_templates.values())) in exports["md"].text

    # Model swap: re-grade the LLM's transcript with the offline examiner; every question is compared.
    report = await regrade(t, BANK, OfflineExaminer())
    assert report.old_examiner == t.examiner and report.new_examiner == "offline"
    assert report.regraded == len(t.questions) and report.mean_absolute_change is not None
