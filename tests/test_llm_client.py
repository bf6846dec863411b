"""LLMClient at the HTTP boundary (respx): structured-output modes, faults, retries, streaming."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from pydantic import BaseModel

from app.errors import LLMBadOutput, LLMError, LLMRateLimited, LLMTimeout, LLMUnavailable
from app.llm.client import LLMClient
from app.llm.structured import StructuredMode, extract_json, strict_schema

pytestmark = pytest.mark.anyio

BASE = "http://llm.test/v1"
CHAT = f"{BASE}/chat/completions"
SECRET = "sk-test-very-secret-key"
MESSAGES = [{"role": "system", "content": "Grade."}, {"role": "user", "content": "Answer: 42"}]


class Verdict(BaseModel):
    score: int
    reason: str = ""


def make_client(**overrides: Any) -> tuple[LLMClient, list[float]]:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    kwargs: dict[str, Any] = dict(
        model="test-model", base_url=BASE, api_key=SECRET, http_client=httpx.AsyncClient(), sleep=sleep, max_retries=2
    )
    kwargs.update(overrides)
    return LLMClient(**kwargs), sleeps


def completion(content: str | None, *, finish_reason: str = "stop", refusal: str | None = None, usage: bool = True) -> httpx.Response:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal:
        message["refusal"] = refusal
    body: dict[str, Any] = {
        "id": "x", "object": "chat.completion", "created": 0, "model": "test-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
    }
    if usage:
        body["usage"] = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}
    return httpx.Response(200, json=body)


def refused(message: str = "response_format json_schema is not supported") -> httpx.Response:
    return httpx.Response(400, json={"error": {"message": message, "type": "invalid_request_error"}})


def sent(route: respx.Route, i: int = -1) -> dict[str, Any]:
    return json.loads(route.calls[i].request.content)


# --- structured-output modes ------------------------------------------------------------------


async def test_json_schema_accepted_sends_strict_schema_and_returns_usage() -> None:
    client, _ = make_client()
    with respx.mock(assert_all_called=True) as router:
        route = router.post(CHAT).mock(return_value=completion('{"score": 4, "reason": "ok"}'))
        verdict, usage = await client.complete_structured(MESSAGES, Verdict)
    assert verdict == Verdict(score=4, reason="ok")
    assert (usage.prompt_tokens, usage.completion_tokens) == (120, 30)
    fmt = sent(route)["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False and schema["required"] == ["score", "reason"]
    assert "default" not in json.dumps(schema)
    assert sent(route)["messages"] == MESSAGES  # no extra instruction needed in json_schema mode
    assert client.modes[client.endpoint] is StructuredMode.JSON_SCHEMA


async def test_refused_json_schema_falls_back_to_json_object_then_text_and_remembers() -> None:
    client, _ = make_client()
    with respx.mock() as router:
        route = router.post(CHAT).mock(
            side_effect=[refused(), refused("unknown field response_format"), completion('Sure! {"score": 2}')]
        )
        verdict, _ = await client.complete_structured(MESSAGES, Verdict)
        assert verdict.score == 2
        kinds = [json.loads(c.request.content).get("response_format", {}).get("type") for c in route.calls]
        assert kinds == ["json_schema", "json_object", None]
        assert "JSON Schema" in sent(route)["messages"][-1]["content"]  # the schema is told in text mode
        assert client.modes[client.endpoint] is StructuredMode.TEXT

        # Remembered: the next call goes straight to text mode.
        route.side_effect = [completion('{"score": 3}')]
        verdict, _ = await client.complete_structured(MESSAGES, Verdict)
        assert verdict.score == 3 and len(route.calls) == 4
        assert "response_format" not in sent(route)


async def test_json_object_mode_remembered_per_endpoint() -> None:
    client, _ = make_client()
    with respx.mock() as router:
        route = router.post(CHAT).mock(side_effect=[refused(), completion('{"score": 1}'), completion('{"score": 5}')])
        await client.complete_structured(MESSAGES, Verdict)
        await client.complete_structured(MESSAGES, Verdict)
    assert sent(route)["response_format"] == {"type": "json_object"}
    assert client.modes == {f"{BASE}|test-model": StructuredMode.JSON_OBJECT}


async def test_every_mode_refused_is_an_llm_error() -> None:
    client, _ = make_client()
    with respx.mock() as router:
        router.post(CHAT).mock(return_value=refused("context length exceeded"))
        with pytest.raises(LLMError, match="rejected"):
            await client.complete_structured(MESSAGES, Verdict)


# --- bad output ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "match"),
    [
        (completion("{not json at all"), "did not match"),
        (completion('{"reason": "no score"}'), "did not match"),
        (completion('{"score": 4, "rea', finish_reason="length"), "truncated"),
        (completion(None, refusal="I can't help with that."), "refused"),
        (completion("", finish_reason="content_filter"), "refused"),
        (completion("   "), "empty"),
    ],
    ids=["malformed", "schema-mismatch", "truncated", "refusal", "content-filter", "empty"],
)
async def test_bad_output_is_not_retried(response: httpx.Response, match: str) -> None:
    client, sleeps = make_client()
    with respx.mock() as router:
        route = router.post(CHAT).mock(return_value=response)
        with pytest.raises(LLMBadOutput, match=match):
            await client.complete_structured(MESSAGES, Verdict)
    assert route.call_count == 1 and sleeps == []


# --- transient faults and retries -------------------------------------------------------------


async def test_timeout_is_retried_then_raised_as_llm_timeout() -> None:
    client, sleeps = make_client()
    with respx.mock() as router:
        route = router.post(CHAT).mock(side_effect=httpx.ReadTimeout("slow"))
        with pytest.raises(LLMTimeout):
            await client.complete_structured(MESSAGES, Verdict)
    assert route.call_count == 3  # 1 + max_retries
    assert len(sleeps) == 2 and sleeps[0] <= 0.5 and sleeps[1] <= 1.0  # exponential backoff, jittered


async def test_connection_refused_is_llm_unavailable() -> None:
    client, sleeps = make_client(max_retries=1)
    with respx.mock() as router:
        route = router.post(CHAT).mock(side_effect=httpx.ConnectError("Connection refused"))
        with pytest.raises(LLMUnavailable) as info:
            await client.complete_structured(MESSAGES, Verdict)
    assert route.call_count == 2 and len(sleeps) == 1
    assert info.value.hint and "VIVA_LLM_BASE_URL" in info.value.hint


async def test_timeout_then_success_recovers() -> None:
    client, sleeps = make_client()
    with respx.mock() as router:
        router.post(CHAT).mock(side_effect=[httpx.ConnectTimeout("slow"), completion('{"score": 5}')])
        verdict, _ = await client.complete_structured(MESSAGES, Verdict)
    assert verdict.score == 5 and len(sleeps) == 1


async def test_429_honours_retry_after() -> None:
    client, sleeps = make_client()
    limited = httpx.Response(429, headers={"retry-after": "7"}, json={"error": {"message": "slow down"}})
    with respx.mock() as router:
        router.post(CHAT).mock(side_effect=[limited, completion('{"score": 3}')])
        verdict, _ = await client.complete_structured(MESSAGES, Verdict)
    assert verdict.score == 3
    assert len(sleeps) == 1 and 7.0 <= sleeps[0] <= 7.8


async def test_429_retry_after_ms_and_giving_up() -> None:
    client, sleeps = make_client(max_retries=1)
    limited = httpx.Response(429, headers={"retry-after-ms": "1500"}, json={"error": {"message": "slow down"}})
    with respx.mock() as router:
        router.post(CHAT).mock(return_value=limited)
        with pytest.raises(LLMRateLimited) as info:
            await client.complete_structured(MESSAGES, Verdict)
    assert info.value.retry_after == 1.5
    assert len(sleeps) == 1 and 1.5 <= sleeps[0] <= 1.8


async def test_429_with_a_retry_after_too_long_to_wait_fails_fast() -> None:
    client, sleeps = make_client(max_retry_after=30)
    with respx.mock() as router:
        route = router.post(CHAT).mock(return_value=httpx.Response(429, headers={"retry-after": "3600"}, json={}))
        with pytest.raises(LLMRateLimited):
            await client.complete_structured(MESSAGES, Verdict)
    assert route.call_count == 1 and sleeps == []


async def test_500_is_retried_then_llm_unavailable() -> None:
    client, sleeps = make_client()
    with respx.mock() as router:
        route = router.post(CHAT).mock(return_value=httpx.Response(500, json={"error": {"message": "boom"}}))
        with pytest.raises(LLMUnavailable, match="HTTP 500"):
            await client.complete_structured(MESSAGES, Verdict)
    assert route.call_count == 3 and len(sleeps) == 2


async def test_401_is_not_retried_and_never_shows_the_key() -> None:
    client, sleeps = make_client()
    body = {"error": {"message": f"Incorrect API key provided: {SECRET}"}}
    with respx.mock() as router:
        route = router.post(CHAT).mock(return_value=httpx.Response(401, json=body))
        with pytest.raises(LLMUnavailable) as info:
            await client.complete_structured(MESSAGES, Verdict)
    assert route.call_count == 1 and sleeps == []
    assert SECRET not in str(info.value) and SECRET not in repr(client)
    assert route.calls[0].request.headers["authorization"] == f"Bearer {SECRET}"  # sent, never shown


async def test_server_error_body_never_leaks_the_key() -> None:
    client, _ = make_client(max_retries=0)
    with respx.mock() as router:
        router.post(CHAT).mock(return_value=httpx.Response(503, json={"error": {"message": f"bad key {SECRET}"}}))
        with pytest.raises(LLMUnavailable) as info:
            await client.complete_structured(MESSAGES, Verdict)
    assert SECRET not in str(info.value) and "***" in str(info.value)


async def test_no_key_sends_a_placeholder() -> None:
    client, _ = make_client(api_key=None)
    with respx.mock() as router:
        route = router.post(CHAT).mock(return_value=completion('{"score": 1}'))
        await client.complete_structured(MESSAGES, Verdict)
    assert route.calls[0].request.headers["authorization"] == "Bearer not-needed"


# --- streaming -------------------------------------------------------------------------------


def sse(pieces: list[str], *, usage: bool = True) -> httpx.Response:
    def event(choices: list[dict[str, Any]], **extra: Any) -> str:
        data = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": choices, **extra}
        return f"data: {json.dumps(data)}\n\n"

    text = "".join(event([{"index": 0, "delta": {"content": p}, "finish_reason": None}]) for p in pieces)
    text += event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
    if usage:
        text += event([], usage={"prompt_tokens": 50, "completion_tokens": 6, "total_tokens": 56})
    text += "data: [DONE]\n\n"
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, text=text)


async def test_stream_yields_chunks_and_reported_usage() -> None:
    client, _ = make_client()
    with respx.mock() as router:
        route = router.post(CHAT).mock(return_value=sse(["Good ", "answer, ", "thanks."]))
        stream = client.stream_text(MESSAGES, max_tokens=60)
        chunks = [c async for c in stream]
    assert chunks == ["Good ", "answer, ", "thanks."]
    assert stream.usage is not None and stream.usage.prompt_tokens == 50 and stream.usage.completion_tokens == 6
    assert stream.finish_reason == "stop"
    body = sent(route)
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True} and body["max_tokens"] == 60


async def test_stream_without_stream_options_support_falls_back_and_counts_approximately() -> None:
    client, _ = make_client()
    with respx.mock() as router:
        route = router.post(CHAT).mock(side_effect=[refused("stream_options not supported"), sse(["Hello there"], usage=False)])
        stream = client.stream_text(MESSAGES)
        chunks = [c async for c in stream]
        assert chunks == ["Hello there"]
        assert "stream_options" not in sent(route)
        assert stream.usage is not None and stream.usage.completion_tokens >= 1 and stream.usage.prompt_tokens >= 1
        # remembered: the next stream does not ask for usage again
        route.side_effect = [sse(["Hi"], usage=False)]
        _ = [c async for c in client.stream_text(MESSAGES)]
        assert len(route.calls) == 3 and "stream_options" not in sent(route)


async def test_stream_connection_refused_raises_llm_error() -> None:
    client, _ = make_client(max_retries=0)
    with respx.mock() as router:
        router.post(CHAT).mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(LLMUnavailable):
            _ = [c async for c in client.stream_text(MESSAGES)]


# --- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('Here you go: {"a": {"b": "}"}} and more {"c": 2}', {"a": {"b": "}"}}),
        ('noise {broken} then {"a": "x\\"}"}', {"a": 'x"}'}),
    ],
)
def test_extract_json_is_tolerant(text: str, expected: dict[str, Any]) -> None:
    assert extract_json(text) == expected


def test_extract_json_without_object_raises() -> None:
    with pytest.raises(ValueError):
        extract_json("I cannot grade this.")


def test_strict_schema_closes_nested_objects() -> None:
    class Inner(BaseModel):
        x: int = 0

    class Outer(BaseModel):
        items: list[Inner] = []
        title: str = ""  # a property named like a keyword survives

    schema = strict_schema(Outer)
    assert schema["required"] == ["items", "title"] and "title" in schema["properties"]
    inner = schema["$defs"]["Inner"]
    assert inner["additionalProperties"] is False and inner["required"] == ["x"]
