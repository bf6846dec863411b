"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from anyio import to_thread
from sqlalchemy.engine import Engine
from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware

from app import retention
from app.api import errors, middleware
from app.api.ratelimit import RateLimits
from app.api.routes import accounts, code, docs, interviews, pages, plans, profiles, speech, topics
from app.bank.loader import load_bank
from app.config import Settings
from app.db import make_engine, pool_capacity
from app.examiners.base import Examiner
from app.examiners.factory import build_examiner_and_interviewer, grading_examiner
from app.examiners.offline import prepare as prepare_offline_examiner
from app.interviewer.base import Interviewer
from app.logs import configure_logging
from app.models import utcnow
from app.profiles.service import Clock, ProfileService
from app.profiles.store import ProfileStore
from app.service import InterviewService
from app.speech.service import SpeechService
from app.store import InterviewStore
from app.transcript.build import viva_version

if TYPE_CHECKING:
    from app.accounts.service import AccountService

log = logging.getLogger("viva")


def create_app(
    settings: Settings | None = None, *, examiner: Examiner | None = None, interviewer: Interviewer | None = None,
    clock: Clock | None = None,
) -> FastAPI:
    """Build the app from settings; nothing is read or connected at import time.

    This is the composition root: the examiner and interviewer come from settings unless given (tests
    and benches inject theirs here); either way grading runs through the one fallback policy. ``clock``:
    the profiles' notion of now (tests move it ahead to see review items fall due)."""
    settings = settings or Settings()
    bank = load_bank(settings.rubrics_dir)
    engine = make_engine(settings.database_url)
    if examiner is None or interviewer is None:
        configured_examiner, configured_interviewer = build_examiner_and_interviewer(settings)
        examiner, interviewer = examiner or configured_examiner, interviewer or configured_interviewer
    store = InterviewStore(engine, now=clock or utcnow)
    service = InterviewService(settings, bank, store, grading_examiner(settings, examiner), interviewer)
    profile_service = ProfileService(ProfileStore(engine), bank, now=clock or utcnow, prompts_dir=settings.prompts_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # No more request threads than database connections: a burst then queues for a thread instead of
        # timing out waiting for a connection (a 500).
        to_thread.current_default_thread_limiter().total_tokens = pool_capacity(engine)
        await to_thread.run_sync(prepare_offline_examiner, bank)
        await service.code_runner.check_available()  # probes the sandbox once (a subprocess)
        # The bank and its prepared data live as long as the process: keep them out of the cyclic
        # garbage collector's full passes, which otherwise scan them all and stall requests.
        gc.collect()
        gc.freeze()
        # Answers a crash left in grading are graded in the background: serving starts at once.
        recovery = asyncio.create_task(_recover(service))
        housekeeping = asyncio.create_task(retention.run_forever(service.store, settings))
        yield
        for task in (recovery, housekeeping):
            task.cancel()
        await asyncio.gather(recovery, housekeeping, return_exceptions=True)
        await service.aclose()
        engine.dispose()

    app = FastAPI(
        title="Viva",
        version=viva_version(),
        description="Mock interviews for deep-learning and AI jobs, graded against written rubrics.",
        lifespan=lifespan,
        docs_url=None,  # served by app.api.routes.docs, from this origin
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.service = service
    app.state.speech = SpeechService(settings, service)  # voice: loads no model until the first recording
    app.state.profiles = profile_service
    app.state.accounts = _accounts(settings, engine, clock or utcnow)
    app.state.rate_limits = RateLimits(settings)
    errors.install(app)
    middleware.install(app, settings.max_body_bytes, audio_max_bytes=settings.stt_max_audio_bytes)
    if settings.allowed_hosts != ["*"]:  # outermost: a request for another host is refused first
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)
    app.include_router(topics.router)
    app.include_router(interviews.router)
    app.include_router(code.router)
    app.include_router(speech.router)
    app.include_router(plans.router)  # issue 14: POST /api/plans/preview
    app.include_router(profiles.router)
    app.include_router(accounts.status_router)
    if app.state.accounts is not None:
        app.include_router(accounts.router)
    pages.install(app, settings)  # the browser pages and /static
    docs.install(app, app.state.assets_url)
    return app


def _accounts(settings: Settings, engine: Engine, clock: Clock) -> AccountService | None:
    """Accounts when VIVA_ACCOUNTS is on (argon2-cffi is then needed: the ``accounts`` extra)."""
    if not settings.accounts:
        return None
    try:
        from app.accounts.service import AccountService
        from app.accounts.store import AccountStore
    except ImportError as exc:
        raise RuntimeError("VIVA_ACCOUNTS=on needs argon2-cffi: pip install 'viva[accounts]'") from exc
    return AccountService(AccountStore(engine), clock)


async def _recover(service: InterviewService) -> None:
    try:
        recovered = await service.recover()
    except Exception:  # never let recovery take a worker down
        log.exception("recovery of interviews left in grading failed")
        return
    if recovered:
        log.info("recovered %d interview(s) left mid-grading", recovered)


def app_from_env() -> FastAPI:
    """Entry point for ``uvicorn --factory app.main:app_from_env`` (used by ``viva serve``)."""
    settings = Settings()
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    configure_logging(settings.log_level, secrets=[key] if key else None)
    return create_app(settings)
