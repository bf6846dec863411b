"""Skip and finish name the turn they act on, like answers: a burst or a stale tab changes one turn."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.config import Settings
from app.main import create_app

pytestmark = pytest.mark.anyio


async def test_parallel_skips_of_one_turn_skip_one_question(settings: Settings) -> None:
    """A burst of skips (a held key, a script) sent for the question on screen skips that question only."""
    app = create_app(settings.model_copy(update={"rate_limit_enabled": False}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        created = (await client.post("/api/interviews", json={"topics": ["optimisation", "regularisation"],
                                                             "questions_per_topic": 3})).json()
        headers = {"Authorization": f"Bearer {created['token']}"}
        turn = created["current"]["turn"]
        replies = await asyncio.gather(*(client.post(f"/api/interviews/{created['id']}/skip", json={"turn": turn},
                                                     headers=headers) for _ in range(20)))
        statuses = sorted(r.status_code for r in replies)
        assert statuses.count(200) == 1 and set(statuses) == {200, 409}, statuses
        view = (await client.get(f"/api/interviews/{created['id']}", headers=headers)).json()
        assert view["progress"]["questions_done"] == 1
        stale = await client.post(f"/api/interviews/{created['id']}/finish", json={"turn": turn}, headers=headers)
        assert stale.status_code == 409 and stale.json()["error"]["state"] == "awaiting_answer"
