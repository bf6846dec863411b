"""Retention: interviews left idle are closed, and finished ones deleted after a set time.

An interview nobody has touched for ``expire_after_hours`` moves to ABANDONED through the state
machine's ``Expire`` event (so it shows as closed, with its answers kept); with ``retention_days`` set,
interviews that finished longer ago than that are deleted with their turns. Runs at start-up and then
hourly; every change is a compare-and-set, so an interview answered meanwhile is left alone.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from anyio import to_thread

from app.config import Settings
from app.engine.machine import Expire, Status, transition
from app.errors import InvalidTransition
from app.models import utcnow
from app.records import Step
from app.speech.audio import prune_recordings
from app.store import InterviewStore

log = logging.getLogger("viva.retention")

LIVE = (Status.CREATED.value, Status.AWAITING_ANSWER.value, Status.AWAITING_FOLLOW_UP.value)
EVERY_SECONDS = 3600


async def sweep(store: InterviewStore, settings: Settings) -> tuple[int, int]:
    """(interviews closed, interviews deleted) in one pass."""
    now = utcnow()
    closed = 0
    for interview_id in await to_thread.run_sync(store.idle_since, now - timedelta(hours=settings.expire_after_hours), LIVE):
        interview = await to_thread.run_sync(store.load, interview_id)
        if interview is None:
            continue
        try:
            state, _ = transition(interview.plan, interview.state, Expire())
            await to_thread.run_sync(store.save_step, interview.id, interview.version, Step(state))
            closed += 1
        except InvalidTransition:  # answered (or closed) meanwhile
            continue
    deleted = 0
    if settings.retention_days is not None:
        deleted = await to_thread.run_sync(store.delete_finished_before, now - timedelta(days=settings.retention_days))
    if deleted and settings.stt_audio_dir.is_dir():  # voice: kept recordings go with their interviews
        alive = lambda ids: {row.id for row in store.get_many(ids)}  # noqa: E731
        await to_thread.run_sync(prune_recordings, settings.stt_audio_dir, alive)
    if closed or deleted:
        log.info("retention: %d idle interview(s) closed, %d old interview(s) deleted", closed, deleted)
    return closed, deleted


async def run_forever(store: InterviewStore, settings: Settings) -> None:
    while True:
        try:
            await sweep(store, settings)
        except Exception:  # a failed sweep is retried next hour; it never stops the app
            log.exception("retention sweep failed")
        await asyncio.sleep(EVERY_SECONDS)
