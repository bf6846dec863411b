"""PDF transcripts at a bounded cost: rendered in a pool of their own, one at a time per interview,
a few at a time in all, and kept per transcript content so a repeated download costs nothing.

Rendering is CPU-bound (tens of seconds for the largest interview), so it runs in threads of its own
(an ``anyio`` limiter): PDFs never take the threads that database calls need, and a burst of PDF
requests queues instead of exhausting the database pool.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict

from anyio import CapacityLimiter, to_thread

from app.transcript.model import Transcript
from app.transcript.pdf import Paper, render_pdf


class PdfRenders:
    def __init__(self, concurrency: int = 2, cache_size: int = 64) -> None:
        self._threads = CapacityLimiter(concurrency)
        self._cache: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._locks: dict[str, asyncio.Lock] = {}

    async def render(self, transcript: Transcript, paper: Paper) -> bytes:
        # The content digest changes with any new answer, grade or summary: a cached PDF is never stale.
        key = (transcript.id, paper, hashlib.sha256(transcript.model_dump_json().encode()).hexdigest())
        if (cached := self._hit(key)) is not None:
            return cached
        lock = self._locks.setdefault(transcript.id, asyncio.Lock())
        try:
            async with lock:  # one render per interview at a time; the others wait for its result
                if (cached := self._hit(key)) is not None:
                    return cached
                data = await to_thread.run_sync(render_pdf, transcript, paper, limiter=self._threads)
                self._store(key, data)
                return data
        finally:
            if not lock.locked() and self._locks.get(transcript.id) is lock:
                self._locks.pop(transcript.id, None)

    def _hit(self, key: tuple[str, str, str]) -> bytes | None:
        data = self._cache.get(key)
        if data is not None:
            self._cache.move_to_end(key)
        return data

    def _store(self, key: tuple[str, str, str], data: bytes) -> None:
        if self._cache_size <= 0:
            return
        self._cache[key] = data
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
