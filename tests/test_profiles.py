"""Practice profiles through the API: created without sign-up, guarded by their secret like an
interview, and never opened by another profile's key."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.conftest import auth
from tests.profile_support import (  # noqa: F401  (client and clock are fixtures)
    MovableClock, client, clock, exemplar, new_profile, profile_headers, run_interview,
)

pytestmark = pytest.mark.anyio

BAD_DROPOUT = {"dropout": exemplar("dropout", "wrong")}
ONE_QUESTION = {"topics": ["regularisation"], "questions_per_topic": 1, "difficulty": "easy", "max_follow_ups": 0}




def profile_routes(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    """Every route opened by a profile key (read from the app's OpenAPI document, so a new one cannot be
    left out)."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [(method.upper(), path) for path, methods in paths.items()
            if path == "/api/profile" or path.startswith("/api/profile/") for method in methods]


async def test_a_profile_is_made_without_sign_up_and_its_interviews_belong_to_it(client: httpx.AsyncClient) -> None:
    key = await new_profile(client)
    profile_id, secret = key.split(".", 1)
    assert len(secret) >= 40
    await run_interview(client, key, ONE_QUESTION, BAD_DROPOUT)
    view = await client.get("/api/profile", headers=profile_headers(key))
    assert view.status_code == 200
    assert view.json() == {"id": profile_id, "created_at": view.json()["created_at"], "interviews": 1}
    # An interview made without a key belongs to nobody: the profile still holds one.
    await run_interview(client, None, ONE_QUESTION, BAD_DROPOUT)
    assert (await client.get("/api/profile", headers=profile_headers(key))).json()["interviews"] == 1


async def test_every_profile_endpoint_refuses_another_profiles_key_and_no_key(client: httpx.AsyncClient) -> None:
    mine, theirs = await new_profile(client), await new_profile(client)
    await run_interview(client, mine, ONE_QUESTION, BAD_DROPOUT)
    my_id = mine.split(".")[0]
    their_secret = theirs.split(".", 1)[1]
    routes = profile_routes(client)
    assert {("GET", "/api/profile/progress"), ("DELETE", "/api/profile"), ("GET", "/api/profile/export"),
            ("POST", "/api/profile/device-code"), ("GET", "/api/profile/review")} <= set(routes)
    # The routes take no id: a key names its profile. So another profile's key can only try my id
    # with its own secret (or pieces of keys); its whole key opens its own profile, never mine.
    wrong_keys = {
        "my id with another profile's secret": f"{my_id}.{their_secret}",
        "my id alone": my_id,
        "my id with a made-up secret": f"{my_id}.{'A' * 43}",
        "my id with my secret's first half": mine[: len(my_id) + 1 + 20],
    }
    for method, path in sorted(routes, key=lambda r: r[0] == "DELETE"):  # deleting theirs comes last
        missing = await client.request(method, path)
        assert missing.status_code == 401, (method, path, missing.text)
        assert missing.json()["error"]["hint"]
        for label, key in wrong_keys.items():
            reply = await client.request(method, path, headers=profile_headers(key))
            assert reply.status_code == 404, (method, path, label, reply.text)
            assert reply.json()["error"]["code"] == "not_found"
        their_view = await client.request(method, path, headers=profile_headers(theirs))
        assert their_view.status_code in (200, 201), (method, path, their_view.text)
        assert my_id not in their_view.text and BAD_DROPOUT["dropout"] not in their_view.text
    # Nothing of mine was deleted or read by any of that: my interview is still there.
    assert (await client.get("/api/profile", headers=profile_headers(mine))).json()["interviews"] == 1
    # And another profile's key cannot attach an interview to my profile, nor review my items.
    review = await client.post("/api/interviews", json={"review": True}, headers=profile_headers(f"{my_id}.{their_secret}"))
    assert review.status_code == 404


async def test_the_secret_stays_out_of_urls_logs_and_the_database_in_clear(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    key = await new_profile(client)
    secret = key.split(".", 1)[1]
    await run_interview(client, key, ONE_QUESTION, BAD_DROPOUT)
    for path in ("/api/profile", "/api/profile/progress", "/api/profile/export"):
        reply = await client.get(path, headers=profile_headers(key))
        assert reply.status_code == 200
        assert secret not in reply.text
    assert secret not in caplog.text
    engine = client.app.state.profiles.store.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        dumped = " ".join(str(row) for table in ("profile", "profile_secret", "interview")
                          for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'))
    assert secret not in dumped


async def test_a_key_for_interview_creation_that_opens_nothing_is_refused_and_nothing_is_made(client: httpx.AsyncClient) -> None:
    reply = await client.post("/api/interviews", json=ONE_QUESTION, headers=profile_headers("nope.nope"))
    assert reply.status_code == 404
    assert reply.json()["error"]["code"] == "not_found"
    review = await client.post("/api/interviews", json={"review": True})
    assert review.status_code == 422
    assert "profile" in review.json()["error"]["message"]


async def test_export_holds_everything_and_delete_removes_everything(client: httpx.AsyncClient) -> None:
    key = await new_profile(client)
    interview = await run_interview(client, key, ONE_QUESTION, BAD_DROPOUT)
    exported = await client.get("/api/profile/export", headers=profile_headers(key))
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    body = exported.json()
    assert [t["id"] for t in body["interviews"]] == [interview["id"]]
    assert body["interviews"][0]["questions"][0]["exchanges"][0]["answer"] == BAD_DROPOUT["dropout"]
    assert body["progress"]["topics"][0]["topic_id"] == "regularisation"
    assert {i["point_id"] for i in body["review_items"]} >= {"inference", "random-zeroing"}
    assert key.split(".", 1)[1] not in exported.text

    deleted = await client.delete("/api/profile", headers=profile_headers(key))
    assert deleted.json() == {"deleted": True, "interviews": 1}
    assert (await client.get("/api/profile", headers=profile_headers(key))).status_code == 404
    # The interview went with it, even for the holder of its own token.
    assert (await client.get(f"/api/interviews/{interview['id']}", headers=auth(interview["token"]))).status_code == 404


async def test_a_device_code_moves_the_profile_once_and_only_while_fresh(client: httpx.AsyncClient, clock: MovableClock) -> None:
    key = await new_profile(client)
    await run_interview(client, key, ONE_QUESTION, BAD_DROPOUT)
    made = await client.post("/api/profile/device-code", headers=profile_headers(key))
    assert made.status_code == 201
    code = made.json()["code"]
    assert len(code.replace("-", "")) == 12

    moved = await client.post("/api/profiles/redeem", json={"code": code.lower().replace("-", " ")})
    assert moved.status_code == 200, moved.text
    new_key = moved.json()["key"]
    assert new_key != key and new_key.split(".")[0] == key.split(".")[0]
    # The new device sees the same progress; the old one keeps working.
    old = (await client.get("/api/profile/progress", headers=profile_headers(key))).json()
    new = (await client.get("/api/profile/progress", headers=profile_headers(new_key))).json()
    assert new == old and new["questions_answered"] == 1
    # Used once: a second exchange of the same code opens nothing.
    again = await client.post("/api/profiles/redeem", json={"code": code})
    assert again.status_code == 404 and "used" in again.json()["error"]["message"]
    # Expired: a code older than ten minutes opens nothing.
    stale = (await client.post("/api/profile/device-code", headers=profile_headers(key))).json()["code"]
    clock.move(minutes=11)
    assert (await client.post("/api/profiles/redeem", json={"code": stale})).status_code == 404
    # Deleting the profile on one device closes it on every device.
    await client.delete("/api/profile", headers=profile_headers(new_key))
    assert (await client.get("/api/profile", headers=profile_headers(key))).status_code == 404
