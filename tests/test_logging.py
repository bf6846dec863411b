"""Logs: JSON lines with request ids; at INFO no candidate answer and no API key, even when the LLM
endpoint fails and the fallbacks log warnings."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from app.config import Settings
from tests.fakes.chaos import ChaosLLM
from app.logs import JsonFormatter, configure_logging
from tests.fakes.chaos_driver import app_with_llm
from tests.conftest import auth

pytestmark = pytest.mark.anyio

CANARY = "zebracanary"
API_KEY = "sk-fake-secret"  # what FakeLLM's client sends as its bearer key


@pytest.fixture
def log_stream():  # type: ignore[no-untyped-def]
    stream = io.StringIO()
    handler = configure_logging("INFO", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


async def test_a_full_interview_logs_no_answers_and_no_key(settings: Settings, log_stream: io.StringIO) -> None:
    settings = settings.model_copy(update={"llm_api_key": API_KEY})
    app = app_with_llm(settings, ChaosLLM({"timeout": 0.15, "server_error": 0.15, "rate_limited": 0.1, "garbage": 0.15}, seed=3))
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://viva.test"
    ) as client:
        created = (await client.post("/api/interviews", json={"questions_per_topic": 2, "candidate_name": "Ada"})).json()
        iid, headers = created["id"], auth(created["token"])
        current, n = created["current"], 0
        while current is not None:
            n += 1
            text = f"{CANARY} {n}: momentum keeps a running average of gradients, {CANARY} damping oscillation."
            path = "answers/stream" if n % 2 else "answers"
            r = await client.post(f"/api/interviews/{iid}/{path}", json={"text": text}, headers=headers)
            assert r.status_code == 200, r.text
            current = (await client.get(f"/api/interviews/{iid}", headers=headers)).json()["current"]
        await client.get(f"/api/interviews/{iid}/transcript.md", headers=headers)
        await client.get(f"/api/interviews/{iid}", headers=auth("wrong-token-" + "x" * 30))

    output = log_stream.getvalue()
    records = [json.loads(line) for line in output.splitlines()]
    assert len(records) > 10
    assert CANARY not in output.lower(), [r for r in records if CANARY in json.dumps(r).lower()][:3]
    assert API_KEY not in output and created["token"] not in output
    assert any(r["level"] == "WARNING" and r["logger"].startswith("app.") for r in records)  # the chaos was logged
    requests = [r for r in records if r["logger"] == "viva.http"]
    assert requests and all(r["request_id"] and r["status"] and r["path"] for r in requests)
    # every record written while serving a request carries that request's id
    created_log = next(r for r in records if r["msg"] == "interview created")
    assert created_log["request_id"] == next(r["request_id"] for r in requests if r["method"] == "POST")


def test_formatter_masks_configured_secrets_and_bearer_tokens() -> None:
    record = logging.makeLogRecord({
        "name": "x", "levelname": "INFO", "msg": "calling with key %s and header %s",
        "args": ("sk-live-abcdef123456", "Authorization: Bearer AbCdEf0123456789xyz"),
    })
    line = JsonFormatter(secrets=["sk-live-abcdef123456"]).format(record)
    assert "sk-live-abcdef123456" not in line and "AbCdEf0123456789xyz" not in line
    assert json.loads(line)["msg"] == "calling with key *** and header Authorization: Bearer ***"
