"""PDF transcripts at a bounded cost: rendered in a pool of their own, one at a time per interview,
a few at a time in all, and kept per interview version so a repeated download costs a lookup.

Rendering is CPU-bound (seconds for the largest interview) and holds the interpreter while it runs,
so it runs in worker processes (``anyio.to_process``, at most ``concurrency`` at once): the server's
own event loop and threads keep answering, and a burst of PDF requests queues instead of exhausting
the database pool.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable

from anyio import CapacityLimiter, to_process, to_thread

from app.transcript.model import Transcript
from app.transcript.pdf import Paper, render_pdf


class PdfRenders:
    def __init__(self, concurrency: int = 2, cache_size: int = 64, *, processes: bool = True) -> None:
        self._workers = CapacityLimiter(concurrency)
        self._processes = processes  # False: render in threads (tests; a platform without processes)
        self._cache: OrderedDict[tuple[str, ...], tuple[Transcript, bytes]] = OrderedDict()
        self._cache_size = cache_size
        self._locks: dict[str, asyncio.Lock] = {}

    async def render(self, key: tuple[str, ...], build: Callable[[], Transcript], paper: Paper) -> tuple[Transcript, bytes]:
        """The transcript and PDF for ``key`` (interview id first, then what makes it current): from the
        cache, or built (``build``, in a thread) and rendered once while concurrent callers wait."""
        if (cached := self._hit(key)) is not None:
            return cached
        lock = self._locks.setdefault(key[0], asyncio.Lock())
        try:
            async with lock:  # one render per interview at a time; the others wait for its result
                if (cached := self._hit(key)) is not None:
                    return cached
                transcript = await to_thread.run_sync(build)
                if self._processes:
                    data = await to_process.run_sync(render_pdf, transcript, paper, limiter=self._workers)
                else:
                    data = await to_thread.run_sync(_render_here, transcript, paper, limiter=self._workers)
                self._store(key, (transcript, data))
                return transcript, data
        finally:
            if not lock.locked() and self._locks.get(key[0]) is lock:
                self._locks.pop(key[0], None)

    def _hit(self, key: tuple[str, ...]) -> tuple[Transcript, bytes] | None:
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
        return found

    def _store(self, key: tuple[str, ...], value: tuple[Transcript, bytes]) -> None:
        if self._cache_size <= 0:
            return
        self._cache[key] = value
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)


def _render_here(transcript: Transcript, paper: Paper) -> bytes:
    return render_pdf(transcript, paper)  # looked up at call time, so a test can replace it
