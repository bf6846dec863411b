"""Access: every interview endpoint, tried with no token, another interview's token and a made-up one.

The endpoints are read from the app's own routes, so an endpoint added later is covered without
editing this file. Refusals must reveal nothing: the same body whether or not the interview exists.
"""

from __future__ import annotations

import hmac
import re

import httpx
import pytest

from app import service as service_module
from app import turns as turns_module
from tests.conftest import auth

pytestmark = pytest.mark.anyio

BODIES = {"/answers": {"text": "Momentum keeps a running average of gradients."}, "/answers/stream": {"text": "x"},
          "/code/run": {"code": "print(open('/etc/passwd').read())"}, "/code/submit": {"code": "x = 1"}}


def interview_routes(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    app = client._transport.app  # type: ignore[attr-defined]
    return [
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items() if "{interview_id}" in path
        for method in operations
    ]


async def new_interview(client: httpx.AsyncClient) -> dict:
    r = await client.post("/api/interviews", json={"questions_per_topic": 1})
    assert r.status_code == 201, r.text
    return r.json()


async def call(client: httpx.AsyncClient, method: str, path: str, iid: str, headers: dict[str, str]) -> httpx.Response:
    url = path.replace("{interview_id}", iid)
    body = next((b for suffix, b in BODIES.items() if path.endswith(suffix)), None)
    return await client.request(method, url, json=body, headers=headers)


async def test_every_interview_endpoint_refuses_missing_and_wrong_tokens(client: httpx.AsyncClient) -> None:
    a, b = await new_interview(client), await new_interview(client)
    routes = interview_routes(client)
    assert len(routes) >= 7, routes  # read, answer, stream, skip, finish, two transcripts
    secrets_of_a = [a["id"], a["token"], a["current"]["text"], b["token"]]
    for method, path in routes:
        none = await call(client, method, path, a["id"], {})
        assert none.status_code == 401, (method, path, none.text)
        assert none.json()["error"]["code"] == "unauthorized"

        cases = {
            "other interview's token": auth(b["token"]),
            "made-up token": auth("x" * 43),
            "id's own text as token": auth(a["id"]),
            "not bearer": {"Authorization": f"Basic {a['token']}"},
        }
        bodies = set()
        for label, headers in cases.items():
            r = await call(client, method, path, a["id"], headers)
            expected = 401 if label == "not bearer" else 404
            assert r.status_code == expected, (method, path, label, r.text)
            if expected == 404:
                bodies.add(r.text)
            for secret in secrets_of_a:
                assert secret not in r.text, (method, path, label)
        # No oracle: a wrong token on a real interview reads exactly like an interview that does not exist.
        missing = await call(client, method, path, "does-not-exist-000000", auth(b["token"]))
        assert missing.status_code == 404
        assert bodies == {missing.text}, (method, path)

    # and A is untouched: still at its first question, readable with its own token
    r = await client.get(f"/api/interviews/{a['id']}", headers=auth(a["token"]))
    assert r.status_code == 200 and r.json()["current"]["text"] == a["current"]["text"]
    assert r.json()["progress"]["questions_done"] == 0


async def test_odd_interview_ids_are_404_not_500(client: httpx.AsyncClient) -> None:
    a = await new_interview(client)
    for iid in ["%00", "a%00b", "x" * 500, "%F0%9F%92%A9", "..%2F..%2Fetc", "'; drop table interview; --"]:
        r = await client.get(f"/api/interviews/{iid}", headers=auth(a["token"]))
        assert r.status_code == 404, (iid, r.status_code, r.text)


async def test_ids_and_tokens_are_unguessable(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = service_module.secrets.token_urlsafe

    def counting(n: int) -> str:
        calls.append(n)
        return real(n)

    monkeypatch.setattr(service_module.secrets, "token_urlsafe", counting)
    created = [await new_interview(client) for _ in range(5)]
    # 128-bit ids, 256-bit tokens from `secrets` (an id starting with "-" is drawn again: `viva export`
    # would read it as an option)
    assert calls.count(16) >= 5 and calls.count(32) == 5
    for c in created:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", c["id"]) and re.fullmatch(r"[A-Za-z0-9_-]{43}", c["token"])
        assert not c["id"].startswith("-")
    assert len({c["id"] for c in created}) == len({c["token"] for c in created}) == 5


async def test_tokens_are_compared_in_constant_time_and_stored_hashed(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = await new_interview(client)
    compared: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(x: str, y: str) -> bool:
        compared.append((x, y))
        return real(x, y)

    monkeypatch.setattr(turns_module.hmac, "compare_digest", spy)
    assert (await client.get(f"/api/interviews/{a['id']}", headers=auth(a["token"]))).status_code == 200
    assert (await client.get(f"/api/interviews/{a['id']}", headers=auth("wrong"))).status_code == 404
    assert len(compared) == 2
    # what is compared (and stored) is a SHA-256 of the token, never the token itself
    assert all(len(x) == len(y) == 64 and a["token"] not in (x, y) for x, y in compared)
    row = client._transport.app.state.service.store.get(a["id"])  # type: ignore[attr-defined]
    assert row.token_hash != a["token"] and a["token"] not in str(row.model_dump())


async def test_pages_need_no_token_and_set_no_cookies(client: httpx.AsyncClient) -> None:
    a = await new_interview(client)
    for path in ["/", f"/interview/{a['id']}", "/api/topics", "/api/info"]:
        r = await client.get(path)
        if r.status_code == 404:
            continue  # a page not built (yet)
        assert r.status_code == 200, (path, r.text)
        assert "set-cookie" not in r.headers, path  # the token lives in the browser, sent as a bearer header
        assert a["token"] not in r.text


def test_a_wrong_token_is_refused_before_any_turn_is_read(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Refusing a wrong token costs the same for a 1-turn and a 360-turn interview: turns are never read."""
    import asyncio

    import app.store as store_module
    from app.config import Settings
    from app.engine.plan import InterviewOptions
    from app.errors import NotFound
    from app.main import create_app
    from tests.conftest import FIXTURE_RUBRICS

    app = create_app(Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'v.db'}", rubrics_dir=FIXTURE_RUBRICS))
    service = app.state.service
    created = asyncio.run(service.create(InterviewOptions(topics=["optimisation"], questions_per_topic=1)))
    reads: list[object] = []
    real = store_module._turns_of
    monkeypatch.setattr(store_module, "_turns_of", lambda *a: (reads.append(a), real(*a))[1])
    try:
        asyncio.run(service.view(created.id, "not-the-token"))
    except NotFound:
        pass
    else:
        raise AssertionError("a wrong token must be refused")
    assert reads == []
    asyncio.run(service.view(created.id, created.token))
    assert len(reads) == 1
