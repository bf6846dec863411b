"""Rate limits on the calls that cost money (an LLM grades answers) or storage (new interviews).

Built on the ``limits`` library with a moving window. Counters live in memory by default (one
process); ``VIVA_RATE_LIMIT_STORAGE_URL=redis://host:6379`` shares them between processes.

Keys:
- answers (POST /answers, /answers/stream, /skip, /finish): per interview *and token* - so somebody
  guessing tokens for another's interview spends their own allowance, never the holder's - and per
  client address;
- interview creation: per client address;
- reads (an interview's view and transcripts, the history lookup): per client address, and PDF
  transcripts (each render costs CPU) separately and tighter.

If the counter store fails (Redis down), the request is let through and a warning logged: a broken
limiter must not take the interviews down with it.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from app.config import Settings
from app.errors import RateLimited

log = logging.getLogger("viva.ratelimit")


def _async_url(url: str) -> str:
    return url if url.startswith("async+") else f"async+{url}"


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limit_enabled
        url = _async_url(settings.rate_limit_storage_url)
        # redis:// uses the redis-py client (the ``redis`` package), not limits' default coredis.
        options = {"implementation": "redispy"} if url.startswith("async+redis") else {}
        self.storage = storage_from_string(url, **options)
        self.limiter = MovingWindowRateLimiter(self.storage)  # type: ignore[arg-type]
        # In-memory counters are per process: with N workers each allows 1/N, so together they allow
        # the configured limit (a client's requests spread over the workers); Redis counts exactly.
        share = settings.worker_count if url.startswith("async+memory") else 1

        def per_minute(amount: int) -> RateLimitItem:
            return RateLimitItemPerMinute(max(1, math.ceil(amount / share)))

        self.per_interview = per_minute(settings.rate_limit_answers_per_minute)
        self.per_client_answers = per_minute(settings.rate_limit_client_answers_per_minute)
        self.per_client_interviews = per_minute(settings.rate_limit_interviews_per_minute)
        self.per_client_reads = per_minute(settings.rate_limit_reads_per_minute)
        self.per_client_pdfs = per_minute(settings.rate_limit_pdf_per_minute)

    async def answer(self, interview_id: str, token: str | None, client: str) -> None:
        """Count one answer-like call; raise ``RateLimited`` when over a limit."""
        holder = hashlib.sha256((token or "").encode()).hexdigest()[:16]
        await self._hit(self.per_client_answers, "viva-answers-client", client,
                        what="answers from your address")
        await self._hit(self.per_interview, "viva-answers-interview", f"{interview_id}:{holder}",
                        what="answers to this interview")

    async def create(self, client: str) -> None:
        await self._hit(self.per_client_interviews, "viva-create-client", client,
                        what="new interviews from your address")

    async def read(self, client: str, *, pdf: bool = False) -> None:
        await self._hit(self.per_client_reads, "viva-reads-client", client, what="reads from your address")
        if pdf:
            await self._hit(self.per_client_pdfs, "viva-pdf-client", client, what="PDF transcripts from your address")

    async def reset(self) -> None:
        await self.storage.reset()

    async def _hit(self, item: RateLimitItem, namespace: str, key: str, *, what: str) -> None:
        if not self.enabled:
            return
        try:
            allowed = await self.limiter.hit(item, namespace, key)
            if allowed:
                return
            stats = await self.limiter.get_window_stats(item, namespace, key)
        except Exception as exc:  # counters unavailable: fail open, loudly
            log.warning("rate limiter unavailable (%s); request allowed", type(exc).__name__)
            return
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"too many {what}: the limit is {item.amount} per {item.multiples} {item.GRANULARITY.name}",
            retry_after=retry_after,
            hint=f"wait {retry_after} s and send it again",
        )
