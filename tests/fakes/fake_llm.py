"""A scripted fake OpenAI-compatible endpoint for tests and benchmarks.

It speaks the chat-completions protocol at the HTTP level (``httpx.MockTransport``), so the real
``openai`` SDK, our retries and our structured-output fallbacks all run against it::

    fake = FakeLLM()
    fake.enqueue({"scores": [...], ...})          # a JSON reply
    fake.enqueue(FakeReply(status=429, headers={"retry-after": "2"}))
    client = fake.client()                        # an LLMClient wired to the fake
    ...
    fake.history[-1]["messages"]                  # what the SDK sent

Replies are consumed in order; with the queue empty, ``default`` (a callable taking the request
body) answers, or the fake returns HTTP 500 naming the unscripted request. Not for production use:
it imports ``httpx``, a test dependency.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.llm.client import LLMClient
from app.llm.usage import approx_tokens

BASE_URL = "http://fake-llm.test/v1"


@dataclass
class FakeReply:
    content: str | None = ""
    finish_reason: str = "stop"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None  # JSON error body for non-200 replies
    refusal: str | None = None
    chunks: list[str] | None = None  # streaming: how to split the content
    raise_exc: Exception | None = None  # raised by the transport (httpx.ConnectError, httpx.ReadTimeout ...)
    fail_after_chunks: int | None = None  # streaming: raise httpx.ReadError after this many chunks
    usage: dict[str, int] | None = None  # override the counted usage


Reply = FakeReply | str | dict | Exception


class FakeLLM:
    def __init__(
        self,
        *,
        models: tuple[str, ...] = ("fake-model",),
        refuse_modes: set[str] | frozenset[str] = frozenset(),
        stream_usage: bool = True,
        report_usage: bool = True,
        default: Callable[[dict[str, Any]], Reply] | None = None,
    ) -> None:
        self.models = models
        self.refuse_modes = set(refuse_modes)  # response_format types answered with HTTP 400 (not consumed)
        self.stream_usage = stream_usage  # False: a server that rejects stream_options
        self.report_usage = report_usage
        self.default = default
        self.queue: deque[Reply] = deque()
        self.history: list[dict[str, Any]] = []  # request bodies, in order, including refused ones
        self.requests: list[httpx.Request] = []

    # ------------------------------------------------------------------ scripting

    def enqueue(self, *replies: Reply) -> "FakeLLM":
        self.queue.extend(replies)
        return self

    def http_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))

    def client(self, **overrides: Any) -> LLMClient:
        async def no_sleep(_: float) -> None:
            return None

        kwargs: dict[str, Any] = dict(
            model=self.models[0], base_url=BASE_URL, api_key="sk-fake-secret", http_client=self.http_client(), sleep=no_sleep
        )
        kwargs.update(overrides)
        return LLMClient(**kwargs)

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        return [body for body in self.history if "messages" in body]

    # ------------------------------------------------------------------ protocol

    async def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if request.method == "GET" and path.endswith("/models"):
            self.history.append({"path": path})
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models]
            return httpx.Response(200, json={"object": "list", "data": data})
        if not path.endswith("/chat/completions"):
            return httpx.Response(404, json={"error": {"message": f"no route {path}"}})
        body = json.loads(request.content or b"{}")
        self.history.append(body)
        fmt = (body.get("response_format") or {}).get("type")
        if fmt in self.refuse_modes:
            return _error(400, f"response_format {fmt} is not supported")
        if body.get("stream") and body.get("stream_options") and not self.stream_usage:
            return _error(400, "stream_options is not supported")
        reply = self._next(body)
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, dict):
            reply = FakeReply(content=json.dumps(reply))
        elif isinstance(reply, str):
            reply = FakeReply(content=reply)
        if reply.raise_exc is not None:
            raise reply.raise_exc
        if reply.status != 200:
            return httpx.Response(
                reply.status, headers=reply.headers, json={"error": reply.error or {"message": f"HTTP {reply.status}"}}
            )
        usage = reply.usage or self.count_usage(body, reply.content or "")
        if body.get("stream"):
            include = bool((body.get("stream_options") or {}).get("include_usage")) and self.report_usage
            return httpx.Response(
                200,
                headers={"content-type": "text/event-stream", **reply.headers},
                content=_sse(reply, usage if include else None),
            )
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if reply.refusal:
            message["refusal"] = reply.refusal
        payload: dict[str, Any] = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", self.models[0]),
            "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        }
        if self.report_usage:
            payload["usage"] = {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}
        return httpx.Response(200, headers=reply.headers, json=payload)

    def _next(self, body: dict[str, Any]) -> Reply:
        if self.queue:
            return self.queue.popleft()
        if self.default is not None:
            return self.default(body)
        return FakeReply(status=500, error={"message": "FakeLLM: no scripted reply for this request"})

    @staticmethod
    def count_usage(body: dict[str, Any], completion: str) -> dict[str, int]:
        """Token counts as a server would report them (about four characters a token)."""
        prompt = sum(approx_tokens(str(m.get("content", ""))) + 4 for m in body.get("messages", []))
        return {"prompt_tokens": prompt, "completion_tokens": approx_tokens(completion)}


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": {"message": message, "type": "invalid_request_error"}})


async def _sse(reply: FakeReply, usage: dict[str, int] | None) -> AsyncIterator[bytes]:
    content = reply.content or ""
    chunks = reply.chunks if reply.chunks is not None else _split_words(content)

    def event(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> bytes:
        data = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": "fake", "choices": choices}
        data.update(extra or {})
        return f"data: {json.dumps(data)}\n\n".encode()

    yield event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
    for i, piece in enumerate(chunks):
        if reply.fail_after_chunks is not None and i >= reply.fail_after_chunks:
            raise httpx.ReadError("connection reset mid-stream")
        yield event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
    yield event([{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}])
    if usage is not None:
        yield event([], {"usage": {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}})
    yield b"data: [DONE]\n\n"


def _split_words(text: str) -> list[str]:
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)] if text else []
