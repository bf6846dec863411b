"""Concurrency: requests answering the same question at once store one answer; the others get 409.

In one process (in-process ASGI, SQLite), and with several server processes sharing one database
(SQLite in WAL mode, and PostgreSQL).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.conftest import auth
from tests.server_process import Server

RACERS = 8


def check_one_winner(responses: list[httpx.Response], texts: list[str], transcript: dict) -> None:
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * (len(texts) - 1), [(r.status_code, r.text[:200]) for r in responses]
    for r in responses:
        if r.status_code == 409:
            assert r.json()["error"]["code"] == "invalid_transition" and r.json()["error"]["hint"]
    winner = texts[[r.status_code for r in responses].index(200)]
    exchanges = [e for q in transcript["questions"] for e in q["exchanges"]]
    assert [e["answer"] for e in exchanges if e["answer"]] == [winner]  # exactly one stored, the winner's


@pytest.mark.anyio
async def test_simultaneous_answers_in_one_process_store_one(settings: Settings) -> None:
    for round_ in range(5):
        app = create_app(settings.model_copy(update={"rate_limit_enabled": False, "grading_delay": 0.05 * (round_ % 2)}))
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://viva.test"
        ) as client:
            created = (await client.post("/api/interviews", json={"questions_per_topic": 2})).json()
            iid, headers = created["id"], auth(created["token"])
            texts = [f"answer number {i}: momentum averages gradients" for i in range(RACERS)]
            # Racers name the prompt they answer: without 'turn', one arriving after the winner's whole
            # reply has been stored (PostgreSQL is quick enough) rightly answers the next prompt.
            turn = created["current"]["turn"]
            responses = await asyncio.gather(*[
                client.post(f"/api/interviews/{iid}/answers", json={"text": t, "turn": turn}, headers=headers)
                for t in texts
            ])
            transcript = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
            check_one_winner(list(responses), texts, transcript)


@pytest.mark.slow
@pytest.mark.anyio
async def test_simultaneous_answers_across_processes_store_one(tmp_path: Path, database_url: str) -> None:  # noqa: F811
    env = {"VIVA_DATABASE_URL": database_url, "VIVA_RATE_LIMIT_ENABLED": "false"}
    servers = [Server(tmp_path, env, name=f"worker{i}").start() for i in range(3)]
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for _ in range(4):
                created = (await client.post(f"{servers[0].base_url}/api/interviews", json={"questions_per_topic": 2})).json()
                iid, headers = created["id"], auth(created["token"])
                texts = [f"answer {i} from a racing client" for i in range(RACERS)]
                # Each racer names the prompt it answers ('turn'), so one arriving after the winner's
                # reply cannot land on the follow-up or next question instead.
                turn = created["current"]["turn"]
                responses = await asyncio.gather(*[
                    client.post(f"{servers[i % len(servers)].base_url}/api/interviews/{iid}/answers",
                                json={"text": t, "turn": turn}, headers=headers)
                    for i, t in enumerate(texts)
                ])
                transcript = (await client.get(f"{servers[1].base_url}/api/interviews/{iid}/transcript.json",
                                               headers=headers)).json()
                check_one_winner(list(responses), texts, transcript)
                # and the interview carries on from any process
                r = await client.post(f"{servers[2].base_url}/api/interviews/{iid}/skip", headers=headers)
                assert r.status_code == 200, r.text
    finally:
        for s in servers:
            s.stop()
