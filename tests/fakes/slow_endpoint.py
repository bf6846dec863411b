"""A real-HTTP OpenAI-compatible endpoint with a set time to first token and token rate.

For latency benchmarks: unlike the in-process fakes, it runs a uvicorn server on a loopback port, so
the SDK's connection handling and the network stack are part of what is measured. Every reply is
well formed (a grade quoting the candidate, or interviewer text); ``busy_seconds`` adds up the time
spent serving requests, so a caller can subtract time spent waiting on the endpoint from its own.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from tests.fakes.chaos import honest_grade, schema_name
from tests.server_process import free_port

INTERVIEWER_WORDS = "Thanks, that covers the main idea well. Let us move on to the next question now."


class SlowEndpoint:
    def __init__(self, *, first_token_s: float = 0.3, tokens_per_s: float = 50.0) -> None:
        self.first_token_s = first_token_s
        self.tokens_per_s = tokens_per_s
        self.busy_seconds = 0.0
        self.calls = 0
        self._lock = threading.Lock()
        self.port = free_port()
        self._server = uvicorn.Server(uvicorn.Config(self._app(), host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "SlowEndpoint":
        self._thread.start()
        while not self._server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(5)

    def _record(self, started: float) -> None:
        with self._lock:
            self.busy_seconds += time.perf_counter() - started
            self.calls += 1

    def _app(self) -> Starlette:
        async def models(_: Request) -> JSONResponse:
            return JSONResponse({"object": "list", "data": [{"id": "fake-model", "object": "model"}]})

        async def completions(request: Request) -> Any:
            started = time.perf_counter()
            body = await request.json()
            name = schema_name(body)
            if name == "GradingOutput":
                content = json.dumps(honest_grade(body))
            elif name == "SummaryOutput":
                content = json.dumps({"strengths": ["Clear"], "gaps": [], "study_next": ["Optimizers"], "text": "Solid."})
            else:
                content = INTERVIEWER_WORDS
            words = content.split(" ")
            if not body.get("stream"):
                await asyncio.sleep(self.first_token_s + len(words) / self.tokens_per_s)
                self._record(started)
                return JSONResponse(_completion(content))

            async def chunks() -> Any:
                await asyncio.sleep(self.first_token_s)
                for i, word in enumerate(words):
                    if i:
                        await asyncio.sleep(1 / self.tokens_per_s)
                    delta = {"choices": [{"index": 0, "delta": {"content": (" " if i else "") + word}, "finish_reason": None}]}
                    yield f"data: {json.dumps(delta)}\n\n"
                done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 100, "completion_tokens": len(words), "total_tokens": 100 + len(words)}}
                yield f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n"
                self._record(started)

            return StreamingResponse(chunks(), media_type="text/event-stream")

        return Starlette(routes=[Route("/v1/models", models), Route("/v1/chat/completions", completions, methods=["POST"])])


def _completion(content: str) -> dict[str, Any]:
    return {
        "id": "slow-1", "object": "chat.completion", "created": 0, "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 100, "completion_tokens": len(content.split()), "total_tokens": 100 + len(content.split())},
    }
