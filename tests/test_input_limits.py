"""Bad input is answered clearly: body and field limits, malformed JSON, Unicode and control characters,
and the security headers that every response carries."""

from __future__ import annotations

import re

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import auth

pytestmark = pytest.mark.anyio


async def new_interview(client: httpx.AsyncClient, **options: object) -> dict:
    r = await client.post("/api/interviews", json={"questions_per_topic": 2, "max_follow_ups": 0, **options})
    assert r.status_code == 201, r.text
    return r.json()


def error_of(r: httpx.Response) -> dict:
    body = r.json()
    assert set(body) == {"error"} and body["error"]["message"], r.text
    return body["error"]


# Security headers ---------------------------------------------------------------------------------


async def test_security_headers_on_every_kind_of_response(client: httpx.AsyncClient) -> None:
    created = await new_interview(client)
    responses = {
        "api json": await client.get("/api/topics"),
        "api 404": await client.get("/api/interviews/nope", headers=auth("x")),
        "api 422": await client.post("/api/interviews", content=b"{", headers={"content-type": "application/json"}),
        "api 413": await client.post("/api/interviews", content=b"x" * 70_000),
        "transcript md": await client.get(f"/api/interviews/{created['id']}/transcript.md", headers=auth(created["token"])),
        "openapi": await client.get("/openapi.json"),
        "docs": await client.get("/docs"),
        "unknown path": await client.get("/no/such/page"),
    }
    for label, r in responses.items():
        h = r.headers
        assert h["x-content-type-options"] == "nosniff", label
        assert h["referrer-policy"] == "no-referrer", label
        assert h["x-frame-options"] == "DENY", label
        assert "frame-ancestors 'none'" in h["content-security-policy"], label
        assert len(h["x-request-id"]) >= 8, label
        if r.request.url.path.startswith("/api/"):
            assert h["cache-control"] == "no-store", label
            assert h["content-security-policy"].startswith("default-src 'none'"), label
    # /docs loads Swagger UI from this origin: no CDN and no inline script under the tokens' origin
    docs_csp = responses["docs"].headers["content-security-policy"]
    assert "http" not in docs_csp and "script-src 'self';" in docs_csp and "unsafe-inline'" not in docs_csp.split("style-src")[0]
    assert "<script>" not in responses["docs"].text
    assets = [a for a in re.findall(r'(?:src|href)="([^"]+)"', responses["docs"].text)]
    assert assets and all(a.startswith("/") for a in assets)
    for asset in assets:
        assert (await client.get(asset)).status_code == 200, asset


async def test_request_id_is_echoed_when_sane_and_replaced_when_not(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/topics", headers={"X-Request-ID": "abc-123.DEF_4"})
    assert r.headers["x-request-id"] == "abc-123.DEF_4"
    r = await client.get("/api/topics", headers={"X-Request-ID": "bad id\twith <html>"})
    assert r.headers["x-request-id"] != "bad id\twith <html>" and r.headers["x-request-id"].isalnum()


# Body and field limits ------------------------------------------------------------------------------


async def test_oversized_body_is_413_by_content_length(client: httpx.AsyncClient) -> None:
    created = await new_interview(client)
    big = json.dumps({"text": "a" * 70_000})
    r = await client.post(f"/api/interviews/{created['id']}/answers", content=big,
                          headers={**auth(created["token"]), "content-type": "application/json"})
    assert r.status_code == 413
    assert error_of(r)["code"] == "payload_too_large" and "65536 bytes" in error_of(r)["message"]


async def test_oversized_body_is_413_when_streamed_without_length(client: httpx.AsyncClient) -> None:
    created = await new_interview(client)

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    r = await client.post(f"/api/interviews/{created['id']}/answers", content=chunks(),
                          headers={**auth(created["token"]), "content-type": "application/json"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413, r.text
    assert error_of(r)["code"] == "payload_too_large"
    # nothing was stored: the interview still waits for its first answer
    view = (await client.get(f"/api/interviews/{created['id']}", headers=auth(created["token"]))).json()
    assert view["progress"]["questions_done"] == 0 and view["state"] == "awaiting_answer"


async def test_answer_over_the_character_limit_is_413_with_the_limit(client: httpx.AsyncClient) -> None:
    created = await new_interview(client)
    for path in ("/answers", "/answers/stream"):
        r = await client.post(f"/api/interviews/{created['id']}{path}", json={"text": "é" * 8001},
                              headers=auth(created["token"]))
        assert r.status_code == 413, (path, r.text)
        assert "8000" in error_of(r)["message"] and "VIVA_MAX_ANSWER_CHARS" in error_of(r)["hint"]
    ok = await client.post(f"/api/interviews/{created['id']}/answers", json={"text": "é" * 8000},
                           headers=auth(created["token"]))
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"questions_per_topic": 0}, "questions_per_topic"),
        ({"questions_per_topic": 11}, "questions_per_topic"),
        ({"max_follow_ups": 9}, "max_follow_ups"),
        ({"candidate_name": "n" * 81}, "candidate_name"),
        ({"topics": ["optimisation"] * 21}, "topics"),
        ({"difficulty": "impossible"}, "difficulty"),
        ({"surprise": 1}, "surprise"),
        ({"questions_per_topic": "two"}, "questions_per_topic"),
    ],
)
async def test_bad_options_are_422_naming_the_field(client: httpx.AsyncClient, body: dict, field: str) -> None:
    r = await client.post("/api/interviews", json=body)
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["code"] == "invalid_request" and any(p["field"].startswith(field) for p in err["problems"]), err


async def test_unknown_topic_is_422_listing_the_choices(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/interviews", json={"topics": ["astrology"]})
    assert r.status_code == 422 and "astrology" in error_of(r)["message"] and "optimisation" in error_of(r)["hint"]


@pytest.mark.parametrize(
    "raw",
    [b"{", b"not json", b'{"text": }', b"\xff\xfe\x00", b"", b"[]", b'"just a string"', b'{"text": null}', b'{"text": 5}'],
)
async def test_malformed_answer_bodies_are_422_and_readable(client: httpx.AsyncClient, raw: bytes) -> None:
    created = await new_interview(client)
    r = await client.post(f"/api/interviews/{created['id']}/answers", content=raw,
                          headers={**auth(created["token"]), "content-type": "application/json"})
    assert r.status_code == 422, (raw, r.status_code, r.text)
    err = error_of(r)
    assert err["code"] == "invalid_request" and err["problems"], err


async def test_wrong_content_type_is_422_not_500(client: httpx.AsyncClient) -> None:
    created = await new_interview(client)
    r = await client.post(f"/api/interviews/{created['id']}/answers", content=b"text=hello",
                          headers={**auth(created["token"]), "content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422, r.text


# Unicode and control characters ---------------------------------------------------------------------


async def test_control_characters_are_dropped_and_unicode_kept(client: httpx.AsyncClient) -> None:
    created = await new_interview(client, candidate_name="  Zoë\u202e\x00 \u200bO'Brien\n ")
    assert "Zoë O'Brien" in created["message"]  # control and invisible characters gone, spaces collapsed
    persian = await new_interview(client, candidate_name="\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f469\u200d\U0001f4bb")
    assert "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \U0001f469\u200d\U0001f4bb" in persian["message"]  # joiners kept
    iid, headers = created["id"], auth(created["token"])
    text = "Mo\u0301mentum\x00 keeps a \x1b[31mrunning average\x07 of gradients 🚀 — 動量.\r\nSecond line\ud800."
    body = json.dumps({"text": text})  # ASCII-only JSON: a lone surrogate travels as an escape
    r = await client.post(f"/api/interviews/{iid}/answers", content=body,
                          headers={**headers, "content-type": "application/json"})
    assert r.status_code == 200, r.text
    transcript = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    stored = transcript["questions"][0]["exchanges"][0]["answer"]
    assert stored == "Mómentum keeps a [31mrunning average of gradients 🚀 — 動量.\nSecond line."
    md = await client.get(f"/api/interviews/{iid}/transcript.md", headers=headers)
    assert md.status_code == 200 and "動量" in md.text


async def test_blank_and_whitespace_answers_are_graded_zero_not_refused(client: httpx.AsyncClient) -> None:
    created = await new_interview(client)
    for text in ["", "   \n\t  ", "\x00\x01\x02"]:
        r = await client.post(f"/api/interviews/{created['id']}/answers", json={"text": text},
                              headers=auth(created["token"]))
        if r.status_code == 409:
            break  # interview over
        assert r.status_code == 200, r.text
        assert r.json()["grade"]["overall"] == 0
