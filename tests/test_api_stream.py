"""The streamed answer endpoint: Server-Sent Events with reply chunks, then the stored reply."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.conftest import auth

pytestmark = pytest.mark.anyio


def parse_sse(body: str) -> list[tuple[str, dict]]:
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "event" in fields:
            events.append((fields["event"], json.loads(fields["data"])))
    return events


async def test_streamed_answer_sends_chunks_then_the_stored_reply(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/interviews", json={"topics": ["optimisation"], "questions_per_topic": 2, "max_follow_ups": 0})).json()
    iid, headers = created["id"], auth(created["token"])
    r = await client.post(f"/api/interviews/{iid}/answers/stream", json={"text": "Move against the gradient with a learning rate."}, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(r.text)
    kinds = [k for k, _ in events]
    assert kinds[-1] == "reply" and kinds.count("delta") >= 2
    reply = events[-1][1]
    streamed = "".join(d["text"] for k, d in events if k == "delta")
    assert streamed.strip() == reply["message"].strip()  # the chunks add up to the stored message
    assert reply["current"]["text"] in streamed
    view = (await client.get(f"/api/interviews/{iid}", headers=headers)).json()
    assert view["progress"]["questions_done"] == 1 and view["current"] == reply["current"]


async def test_streamed_answer_refused_before_the_stream_starts(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/interviews", json={"topics": ["optimisation"]})).json()
    await client.post(f"/api/interviews/{created['id']}/finish", headers=auth(created["token"]))
    r = await client.post(f"/api/interviews/{created['id']}/answers/stream", json={"text": "late"}, headers=auth(created["token"]))
    assert r.status_code == 409 and r.json()["error"]["state"] == "completed"
