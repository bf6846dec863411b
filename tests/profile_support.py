"""Helpers for the profile tests: a clock the test moves, exemplar answers of the fixture bank, and an
interview driven through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import pytest
import yaml

from app.config import Settings
from app.main import create_app
from app.models import utcnow
from tests.conftest import FIXTURE_RUBRICS, auth

PROFILE_HEADER = "X-Viva-Profile"


class MovableClock:
    """``now()`` is the real time plus however far the test moved it ahead."""

    def __init__(self) -> None:
        self.ahead = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.ahead

    def move(self, **delta: float) -> None:
        self.ahead += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
async def client(settings: Settings, clock: MovableClock) -> AsyncIterator[httpx.AsyncClient]:
    """The app on the fixture bank with ``clock`` as its time, over ASGI (``client.app`` is the app)."""
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test") as c:
            c.app = app  # type: ignore[attr-defined]
            yield c


def exemplar(question_id: str, kind: str) -> str:
    for path in FIXTURE_RUBRICS.glob("*.yaml"):
        for question in (yaml.safe_load(path.read_text()) or {}).get("questions", []):
            if question["id"] == question_id:
                return next(e["answer"] for e in question["exemplars"] if e["kind"] == kind)
    raise KeyError(question_id)


def profile_headers(key: str) -> dict[str, str]:
    return {PROFILE_HEADER: key}


async def new_profile(client: httpx.AsyncClient) -> str:
    reply = await client.post("/api/profiles")
    assert reply.status_code == 201, reply.text
    return str(reply.json()["key"])


async def run_interview(client: httpx.AsyncClient, key: str | None, options: dict, answers: dict[str, str]) -> dict:
    """Start an interview (for the profile ``key``), answer every prompt from ``answers`` (question id ->
    text; follow-ups get the same text), and return the created interview."""
    headers = profile_headers(key) if key else {}
    created = await client.post("/api/interviews", json=options, headers=headers)
    assert created.status_code == 201, created.text
    interview = created.json()
    current = interview["current"]
    while current is not None:
        reply = await client.post(f"/api/interviews/{interview['id']}/answers", headers=auth(interview["token"]),
                                  json={"text": answers[current["question_id"]], "turn": current["turn"]})
        assert reply.status_code == 200, reply.text
        current = reply.json()["current"]
    return interview
