"""Streaming a reply: the interviewer's words as events while the reply is written, then the reply.

The work runs as its own task, kept referenced here, so a client that leaves mid-stream cannot
cancel the grading and storing of its answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from app.errors import VivaError
from app.views import TurnReply

OnChunk = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ReplyEvent:
    """One event of a streamed reply: a chunk of the interviewer's words, the reply, or the error."""

    kind: str  # "delta", "reply" or "error"
    text: str = ""
    reply: TurnReply | None = None
    error: VivaError | None = None


class ReplyStreams:
    def __init__(self) -> None:
        self._in_flight: set[asyncio.Task[TurnReply]] = set()

    async def events(self, write_reply: Callable[[OnChunk], Awaitable[TurnReply]]) -> AsyncIterator[ReplyEvent]:
        """Run ``write_reply(on_chunk)`` as a task and yield its chunks, then its reply or error."""
        queue: asyncio.Queue[ReplyEvent] = asyncio.Queue()

        async def on_chunk(text: str) -> None:
            await queue.put(ReplyEvent("delta", text=text))

        async def work() -> TurnReply:
            try:
                reply = await write_reply(on_chunk)
            except VivaError as exc:
                await queue.put(ReplyEvent("error", error=exc))
                raise
            except Exception:
                await queue.put(ReplyEvent("error", error=VivaError("the reply failed; your answer is stored")))
                raise
            await queue.put(ReplyEvent("reply", reply=reply))
            return reply

        task = asyncio.create_task(work())
        self._in_flight.add(task)
        task.add_done_callback(lambda t: (self._in_flight.discard(t), t.cancelled() or t.exception()))
        while True:
            event = await queue.get()
            yield event
            if event.kind != "delta":
                return
