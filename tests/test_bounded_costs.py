"""Costs a client can impose are bounded: PDFs are rendered once per transcript and a few at a time,
reads are rate limited, a lost database is an honest 503, and unknown hosts are refused."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlmodel import create_engine

from app.config import Settings
from app.main import create_app
from tests.conftest import auth
from tests.transcript_support import run_interview

pytestmark = pytest.mark.anyio


def _client(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test")


async def test_concurrent_pdf_requests_render_once_and_leave_the_api_answering(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.transcript.renders as renders

    calls: list[float] = []
    real = renders.render_pdf

    def slow_render(transcript, paper):  # type: ignore[no-untyped-def]
        calls.append(time.monotonic())
        time.sleep(0.3)  # as a large transcript would take
        return real(transcript, paper)

    monkeypatch.setattr(renders, "render_pdf", slow_render)
    app = create_app(settings.model_copy(update={"rate_limit_enabled": False}))
    app.state.service.pdfs = renders.PdfRenders(2, 8, processes=False)  # in threads, to count the renders
    async with app.router.lifespan_context(app), _client(app) as client:
        iid, token = await run_interview(client, topics=["optimisation"], max_follow_ups=0)
        pdfs = [client.get(f"/api/interviews/{iid}/transcript.pdf", headers=auth(token)) for _ in range(40)]
        started = time.monotonic()
        gathered = asyncio.gather(*pdfs)
        await asyncio.sleep(0.05)
        probe_started = time.monotonic()
        assert (await client.get("/api/topics")).status_code == 200
        probe = time.monotonic() - probe_started
        replies = await gathered
    assert [r.status_code for r in replies] == [200] * 40
    assert len({r.content for r in replies}) == 1
    assert len(calls) == 1, "one render per transcript; the others waited for it"
    assert probe < 1.0 and time.monotonic() - started < 30


async def test_pdfs_and_reads_are_rate_limited_per_client(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_pdf_per_minute": 2, "rate_limit_reads_per_minute": 5}))
    async with _client(app) as client:
        created = (await client.post("/api/interviews", json={"topics": ["optimisation"], "questions_per_topic": 1})).json()
        headers = auth(created["token"])
        codes = [(await client.get(f"/api/interviews/{created['id']}/transcript.pdf", headers=headers)).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        reads = [(await client.get(f"/api/interviews/{created['id']}", headers=headers)) for _ in range(3)]
        assert reads[-1].status_code == 429 and reads[-1].headers["retry-after"]
        assert "reads from your address" in reads[-1].json()["error"]["message"]


async def test_a_lost_database_is_an_honest_503(settings: Settings) -> None:
    app = create_app(settings)
    async with _client(app) as client:
        created = (await client.post("/api/interviews", json={"topics": ["optimisation"], "questions_per_topic": 1})).json()
        # the database goes away (nothing listens on port 9)
        app.state.service.store.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/gone",
                                                       connect_args={"connect_timeout": 2})
        r = await client.post(f"/api/interviews/{created['id']}/answers", json={"text": "against the gradient"},
                              headers=auth(created["token"]))
    assert r.status_code == 503 and r.headers["retry-after"]
    error = r.json()["error"]
    assert error["code"] == "database_unavailable" and "nothing of this request was stored" in error["message"]


async def test_requests_for_another_host_are_refused(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"allowed_hosts": ["viva.example.org"]}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://evil.test") as client:
        assert (await client.get("/api/topics")).status_code == 400
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.example.org") as client:
        assert (await client.get("/api/topics")).status_code == 200


async def test_pdfs_render_in_worker_processes(settings: Settings) -> None:
    """The default renderer works out of process (the server's interpreter stays free)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app), _client(app) as client:
        iid, token = await run_interview(client, topics=["optimisation"], max_follow_ups=0)
        r = await client.get(f"/api/interviews/{iid}/transcript.pdf", headers=auth(token))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
