"""Rate limits: per interview (and token) and per client address, 429 with Retry-After; in memory by
default, shared through Redis when configured."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest

from app.api.ratelimit import RateLimits
from app.config import Settings
from app.errors import RateLimited
from app.main import create_app
from tests.conftest import auth

pytestmark = pytest.mark.anyio
REDIS_URL = os.environ.get("VIVA_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def client_for(app, address: str) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 1234)), base_url="http://viva.test")


@pytest.fixture
async def limited_app(settings: Settings) -> AsyncIterator:
    settings = settings.model_copy(update={
        "rate_limit_interviews_per_minute": 3, "rate_limit_answers_per_minute": 4,
        "rate_limit_client_answers_per_minute": 8,
    })
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def assert_429(r: httpx.Response) -> int:
    assert r.status_code == 429, r.text
    retry_after = int(r.headers["retry-after"])
    assert 1 <= retry_after <= 60
    err = r.json()["error"]
    assert err["code"] == "rate_limited" and err["retry_after"] == retry_after and "limit" in err["message"]
    return retry_after


async def test_interview_creation_is_limited_per_client_address(limited_app) -> None:  # type: ignore[no-untyped-def]
    async with client_for(limited_app, "10.0.0.1") as a, client_for(limited_app, "10.0.0.2") as b:
        for _ in range(3):
            assert (await a.post("/api/interviews", json={})).status_code == 201
        assert_429(await a.post("/api/interviews", json={}))
        assert (await b.post("/api/interviews", json={})).status_code == 201  # another address is unaffected


async def test_answers_are_limited_per_interview(limited_app) -> None:  # type: ignore[no-untyped-def]
    async with client_for(limited_app, "10.0.0.3") as c:
        one = (await c.post("/api/interviews", json={"questions_per_topic": 3, "max_follow_ups": 0,
                                                     "topics": ["optimisation"]})).json()
        two = (await c.post("/api/interviews", json={})).json()
        for _ in range(4):
            r = await c.post(f"/api/interviews/{one['id']}/skip", headers=auth(one["token"]))
            assert r.status_code in (200, 409), r.text
        assert_429(await c.post(f"/api/interviews/{one['id']}/answers", json={"text": "x"}, headers=auth(one["token"])))
        assert_429(await c.post(f"/api/interviews/{one['id']}/answers/stream", json={"text": "x"}, headers=auth(one["token"])))
        # the same address may still answer its other interview (address limit 8 not yet reached)
        assert (await c.post(f"/api/interviews/{two['id']}/answers", json={"text": "x"},
                             headers=auth(two["token"]))).status_code == 200


async def test_answers_are_limited_per_client_address(limited_app) -> None:  # type: ignore[no-untyped-def]
    async with client_for(limited_app, "10.0.0.4") as c, client_for(limited_app, "10.0.0.5") as other:
        interviews = [(await c.post("/api/interviews", json={"questions_per_topic": 3})).json() for _ in range(3)]
        sent = 0
        for iv, skips in zip(interviews, (3, 3, 2)):  # each under the per-interview limit of 4
            for _ in range(skips):
                r = await c.post(f"/api/interviews/{iv['id']}/skip", headers=auth(iv["token"]))
                assert r.status_code == 200, r.text
                sent += 1
        assert sent == 8
        assert_429(await c.post(f"/api/interviews/{interviews[0]['id']}/skip", headers=auth(interviews[0]["token"])))
        # the holder answering from another address is not blocked by this one
        iv = interviews[0]
        assert (await other.post(f"/api/interviews/{iv['id']}/skip", headers=auth(iv["token"]))).status_code == 200


async def test_guessing_tokens_spends_the_guessers_allowance_not_the_holders(limited_app) -> None:  # type: ignore[no-untyped-def]
    async with client_for(limited_app, "10.0.0.6") as holder, client_for(limited_app, "10.0.0.7") as attacker:
        iv = (await holder.post("/api/interviews", json={"questions_per_topic": 3})).json()
        codes = [(await attacker.post(f"/api/interviews/{iv['id']}/answers", json={"text": "x"},
                                      headers=auth(f"guess-{i}"))).status_code for i in range(10)]
        assert codes[:8] == [404] * 8 and codes[8:] == [429, 429]
        r = await holder.post(f"/api/interviews/{iv['id']}/answers", json={"text": "momentum"}, headers=auth(iv["token"]))
        assert r.status_code == 200, r.text


async def test_limits_can_be_switched_off(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_enabled": False, "rate_limit_interviews_per_minute": 1}))
    async with app.router.lifespan_context(app), client_for(app, "10.0.0.8") as c:
        assert all([(await c.post("/api/interviews", json={})).status_code == 201 for _ in range(3)])


def redis_reachable() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.redis
async def test_redis_storage_shares_counters_between_processes() -> None:
    if not redis_reachable():
        pytest.skip(f"no Redis at {REDIS_URL} (set VIVA_TEST_REDIS_URL)")
    settings = Settings(_env_file=None, rate_limit_storage_url=REDIS_URL, rate_limit_interviews_per_minute=2)
    first, second = RateLimits(settings), RateLimits(settings)  # as two app processes would have
    address = f"test-{uuid.uuid4()}"
    await first.create(address)
    await second.create(address)
    with pytest.raises(RateLimited) as refused:
        await first.create(address)
    assert 1 <= refused.value.retry_after <= 60


async def test_a_broken_counter_store_lets_requests_through() -> None:
    settings = Settings(_env_file=None, rate_limit_storage_url="redis://127.0.0.1:1", rate_limit_interviews_per_minute=1)
    limits = RateLimits(settings)
    for _ in range(3):
        await limits.create("10.0.0.9")  # fails open (logged), never raises


def test_in_memory_limits_are_split_between_workers() -> None:
    from app.api.ratelimit import RateLimits
    from app.config import Settings

    two = RateLimits(Settings(_env_file=None, worker_count=2, rate_limit_interviews_per_minute=10))
    assert two.per_client_interviews.amount == 5  # two workers together allow the configured 10
    shared = RateLimits(Settings(_env_file=None, worker_count=2, rate_limit_interviews_per_minute=10,
                                 rate_limit_storage_url="redis://127.0.0.1:6379"))
    assert shared.per_client_interviews.amount == 10  # shared counters are exact
