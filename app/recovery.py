"""Recovery: grading answers a crash left in GRADING, so that none is lost.

At start-up ``recover()`` runs in the background (serving goes on), a few interviews at a time; a read
of an interview left in grading for longer than a grade can take re-grades it too. Either way the
interview is first claimed with a compare-and-set that leases it (``InterviewStore.claim``), so with
several workers each answer is graded once, and a worker that dies mid-grade only delays it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from anyio import to_thread

from app.engine.machine import GradeThread, Status
from app.errors import InvalidTransition
from app.records import LoadedInterview
from app.store import age_seconds

if TYPE_CHECKING:
    from app.config import Settings
    from app.store import InterviewStore
    from app.streaming import OnChunk
    from app.views import TurnReply

log = logging.getLogger("viva.service")


class Recovery:
    """The recovery half of ``InterviewService`` (it provides the store, settings and grading)."""

    settings: Settings
    store: InterviewStore
    _recovering: dict[str, asyncio.Future[TurnReply]]
    _started: datetime  # when this process's service was built

    async def _grade_thread(
        self, interview: LoadedInterview, version: int, action: GradeThread, on_chunk: OnChunk | None,
    ) -> TurnReply:
        raise NotImplementedError

    async def recover(self, concurrency: int = 4) -> int:
        """Finish grading for interviews a crash left in GRADING; how many this process finished.

        Runs in the background after start-up (serving goes on), a few at a time. Each interview is
        claimed with a compare-and-set first, so with several workers each is graded once; an interview
        another worker finished, or any fault, is logged and skipped - recovery never fails a worker."""
        ids = await to_thread.run_sync(self.store.ids_in_status, Status.GRADING.value)
        gate = asyncio.Semaphore(concurrency)

        async def one(interview_id: str) -> bool:
            async with gate:
                try:
                    interview = await to_thread.run_sync(self.store.load, interview_id)
                    return interview is not None and await self._resume(interview, force=True)
                except Exception:
                    log.exception("recovery of an interview failed; it stays in grading", extra={"interview_id": interview_id})
                    return False

        return sum(await asyncio.gather(*(one(i) for i in ids)))

    async def _resume(self, interview: LoadedInterview, force: bool = False) -> bool:
        """Re-run grading for an answer stored before a crash; True when it has been graded meanwhile
        (by this call, or by this process's recovery it waited for), so the caller reloads."""
        if interview.state.status is not Status.GRADING or interview.state.current is None:
            return False
        running = self._recovering.get(interview.id)
        if running is not None:  # this process is already re-grading it: wait for that
            await asyncio.wait({running})
            return True
        in_flight_for = self.settings.llm_timeout * (self.settings.llm_max_retries + 2)
        if not force and age_seconds(interview.row.updated_at) < in_flight_for:
            return False  # probably still being graded by the request that stored it
        # At start-up (force) only what a previous run left: never an answer this process is grading now.
        since = self._started if force else None
        version = await to_thread.run_sync(
            lambda: self.store.claim(interview.id, interview.version, in_flight_for, untouched_since=since)
        )
        if version is None:
            return False  # another request or worker claimed it first
        action = GradeThread(ref=interview.state.current)
        task = asyncio.ensure_future(self._grade_thread(interview, version, action, None))
        self._recovering[interview.id] = task
        try:
            await asyncio.shield(task)
        except InvalidTransition:  # changed under us after the claim: nothing to do
            return False
        finally:
            self._recovering.pop(interview.id, None)
        log.info("recovered interview left in grading", extra={"interview_id": interview.id})
        return True
