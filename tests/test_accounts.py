"""Optional accounts (VIVA_ACCOUNTS=on): off by default; on, a username and password own a profile through
an HttpOnly SameSite cookie, changes need the CSRF token, and two users cannot see each other's data."""

from __future__ import annotations

from collections.abc import AsyncIterator

import secrets

import httpx
import pytest
from sqlalchemy import text

from app.config import Settings
from app.main import create_app
from tests.profile_support import exemplar, new_profile, profile_headers, run_interview

pytestmark = pytest.mark.anyio

ONE_QUESTION = {"topics": ["regularisation"], "questions_per_topic": 1, "difficulty": "easy", "max_follow_ups": 0}
BAD = {"dropout": exemplar("dropout", "wrong")}
GOOD = {"gradient-descent": exemplar("gradient-descent", "excellent")}


@pytest.fixture
async def app_on(settings: Settings) -> AsyncIterator[object]:
    app = create_app(settings.model_copy(update={"accounts": True}))
    async with app.router.lifespan_context(app):
        yield app


def name(base: str) -> str:
    """A username no other test uses (the PostgreSQL database is shared by the session's tests)."""
    return f"{base}-{secrets.token_hex(4)}"


def browser(app: object) -> httpx.AsyncClient:
    """A client that keeps cookies, like one browser."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test")  # type: ignore[arg-type]


async def register(client: httpx.AsyncClient, username: str, password: str = "correct horse battery", **kw: object) -> dict:
    reply = await client.post("/api/accounts", json={"username": username, "password": password}, **kw)  # type: ignore[arg-type]
    assert reply.status_code == 201, reply.text
    return reply.json()


async def test_accounts_are_off_by_default(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/accounts", json={"username": "ada", "password": "x" * 12})).status_code == 404
    assert (await client.get("/api/session")).json() == {"accounts": False, "signed_in": False, "username": None,
                                                          "profile_id": None, "csrf": None}


async def test_the_session_cookie_is_httponly_samesite_and_holds_no_password(app_on: object) -> None:
    async with browser(app_on) as ada:
        ada_name = name("Ada")
        reply = await ada.post("/api/accounts", json={"username": ada_name, "password": "correct horse battery"})
        cookie = reply.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert "correct horse" not in cookie and "correct horse" not in reply.text
        session = (await ada.get("/api/session")).json()
        assert session["signed_in"] and session["username"] == ada_name.lower() and session["csrf"] == reply.json()["csrf"]
    engine = app_on.state.profiles.store.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM account WHERE username = :name"), {"name": ada_name.lower()}).scalar()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


async def test_two_users_cannot_see_each_others_data(app_on: object) -> None:
    async with browser(app_on) as ada, browser(app_on) as bob:
        ada_name = name("ada")
        ada_session = await register(ada, ada_name)
        bob_session = await register(bob, name("bob"))
        for client, session, answers, topic in ((ada, ada_session, BAD, "regularisation"), (bob, bob_session, GOOD, "optimisation")):
            created = await client.post("/api/interviews", json=ONE_QUESTION | {"topics": [topic]},
                                        headers={"X-Viva-CSRF": session["csrf"]})
            assert created.status_code == 201, created.text
            interview = created.json()
            answer = answers[interview["current"]["question_id"]]
            reply = await client.post(f"/api/interviews/{interview['id']}/answers", json={"text": answer},
                                      headers={"Authorization": f"Bearer {interview['token']}"})
            assert reply.json()["state"] == "completed"
        ada_progress = (await ada.get("/api/profile/progress")).json()
        bob_progress = (await bob.get("/api/profile/progress")).json()
        assert [t["topic_id"] for t in ada_progress["topics"]] == ["regularisation"]
        assert [t["topic_id"] for t in bob_progress["topics"]] == ["optimisation"]
        ada_export = (await ada.get("/api/profile/export")).text
        assert BAD["dropout"] in ada_export and GOOD["gradient-descent"] not in ada_export
        bob_export = (await bob.get("/api/profile/export")).text
        assert BAD["dropout"] not in bob_export and ada_session["profile_id"] not in bob_export

        # Bob with Ada's CSRF token changes nothing of Ada's, nor of his own.
        forged = await bob.delete("/api/profile", headers={"X-Viva-CSRF": ada_session["csrf"]})
        assert forged.status_code == 403
        no_token = await ada.delete("/api/profile")
        assert no_token.status_code == 403 and "CSRF" in no_token.json()["error"]["message"]
        assert (await ada.get("/api/profile")).json()["interviews"] == 1
        # An account's profile opens by its session only: no device code hands it out.
        code = await ada.post("/api/profile/device-code", headers={"X-Viva-CSRF": ada_session["csrf"]})
        assert code.status_code == 403

        # Signing out ends the session on the server: the old cookie opens nothing.
        cookie = ada.cookies.get("viva_session")
        assert (await ada.delete("/api/session", headers={"X-Viva-CSRF": ada_session["csrf"]})).status_code == 204
        assert (await ada.get("/api/profile")).status_code == 401
        assert (await ada.get("/api/session")).json()["signed_in"] is False
        async with browser(app_on) as thief:
            thief.cookies.set("viva_session", cookie or "")
            assert (await thief.get("/api/profile/progress")).status_code == 401
        # Signing in again reaches the same data; a wrong password does not.
        assert (await ada.post("/api/session", json={"username": ada_name, "password": "wrong password!"})).status_code == 401
        again = await ada.post("/api/session", json={"username": ada_name.upper(), "password": "correct horse battery"})
        assert again.status_code == 200 and again.json()["profile_id"] == ada_session["profile_id"]
        assert (await ada.get("/api/profile")).json()["interviews"] == 1


async def test_registering_adopts_this_browsers_profile_and_its_key_stops_working(app_on: object) -> None:
    async with browser(app_on) as client:
        key = await new_profile(client)
        await run_interview(client, key, ONE_QUESTION, BAD)
        cleo = name("cleo")
        session = await register(client, cleo, headers=profile_headers(key))
        assert session["profile_id"] == key.split(".")[0]
        assert (await client.get("/api/profile/progress")).json()["questions_answered"] == 1
        async with browser(app_on) as other:
            assert (await other.get("/api/profile", headers=profile_headers(key))).status_code == 404
        async with browser(app_on) as other:
            taken = await other.post("/api/accounts", json={"username": cleo, "password": "another long one"})
            assert taken.status_code == 409 and taken.json()["error"]["code"] == "username_taken"
            short = await other.post("/api/accounts", json={"username": name("dan"), "password": "short"})
            assert short.status_code == 422 and "password" in short.json()["error"]["message"]
        # Another site's page cannot sign a browser in.
        cross = await client.post("/api/session", json={"username": cleo, "password": "correct horse battery"},
                                  headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403
        # Deleting the profile deletes the account with it.
        await client.delete("/api/profile", headers={"X-Viva-CSRF": session["csrf"]})
        assert (await client.post("/api/session", json={"username": cleo, "password": "correct horse battery"})).status_code == 401
