"""With an LLM configured: the role's priorities, read from the posting, shown to the candidate.

The posting is untrusted text: it reaches the model inside ``<candidate_job_posting>`` tags through
the ``untrusted`` filter (``app/llm/prompts.py``), and what comes back is held to it: a priority is
kept only when its ``evidence`` is found in the posting. Any fault (timeout, refusal, garbage, no
endpoint) gives no priorities and a note saying why; the plan, built offline, never waits on it for
longer than ``wait_seconds``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass

from pydantic import BaseModel

from app.bank.loader import QuestionBank
from app.jobs.explanation import RolePriority
from app.jobs.matcher import analyse
from app.jobs.text import fold
from app.llm.client import LLMClient
from app.llm.prompts import Prompts
from app.sanitize import clean_text

log = logging.getLogger(__name__)

TEMPLATE = "job_priorities.md.j2"
MAX_PRIORITIES = 5
MAX_PRIORITY_CHARS = 120
# The model reads the head of a very long posting: the role and its requirements come first.
MAX_POSTING_CHARS = 12_000
WAIT_SECONDS = 10.0
CACHE_SIZE = 256

NO_LLM_NOTE = "No LLM is configured: the plan is read offline from the posting's words."


class PriorityOut(BaseModel):
    priority: str
    evidence: str


class PrioritiesOut(BaseModel):
    priorities: list[PriorityOut] = []


@dataclass(frozen=True, slots=True)
class PrioritiesRead:
    priorities: list[RolePriority]
    note: str | None = None


class PriorityReader:
    """Asks the LLM for the role's priorities; remembers the answer per posting (the preview and the
    interview started from it then show the same list, for one call)."""

    def __init__(self, client: LLMClient, bank: QuestionBank, *, prompts: Prompts | None = None,
                 wait_seconds: float = WAIT_SECONDS, max_tokens: int = 400) -> None:
        self.client = client
        self.bank = bank
        self.prompts = prompts or Prompts()
        self.wait_seconds = wait_seconds
        self.max_tokens = max_tokens
        self._cache: OrderedDict[str, list[RolePriority]] = OrderedDict()

    async def read(self, posting: str) -> PrioritiesRead:
        key = hashlib.sha256(posting.encode()).hexdigest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return PrioritiesRead(self._cache[key])
        try:
            priorities = await asyncio.wait_for(self._ask(posting), timeout=self.wait_seconds)
        except Exception as exc:  # noqa: BLE001 - the plan goes on offline whatever the endpoint does
            reason = "did not answer in time" if isinstance(exc, TimeoutError) else "failed"
            log.warning("role priorities: the LLM %s (%s); offline plan only", reason, getattr(exc, "code", type(exc).__name__))
            return PrioritiesRead([], f"The LLM {reason}, so the role's priorities are missing; the plan is read offline.")
        self._cache[key] = priorities
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return PrioritiesRead(priorities, None if priorities else "The LLM named no priorities this posting shows.")

    async def _ask(self, posting: str) -> list[RolePriority]:
        messages = self.prompts.render(TEMPLATE, posting=posting[:MAX_POSTING_CHARS], limit=MAX_PRIORITIES)
        out, _usage = await self.client.complete_structured(messages, PrioritiesOut, max_tokens=self.max_tokens)
        return self.checked(out, posting)

    def checked(self, out: PrioritiesOut, posting: str) -> list[RolePriority]:
        """The priorities whose evidence is the posting's own words, cleaned, at most five, no repeats."""
        haystack = fold(posting)
        kept: list[RolePriority] = []
        for item in out.priorities:
            text = " ".join(clean_text(item.priority).split())[:MAX_PRIORITY_CHARS]
            evidence = " ".join(clean_text(item.evidence).split())
            folded = fold(evidence)
            if not text or len(folded) < 3 or folded not in haystack or any(p.text.lower() == text.lower() for p in kept):
                continue
            analysis = analyse(f"{text}. {evidence}", self.bank)
            technical = sorted(analysis.curated.items(), key=lambda tw: (-tw[1], tw[0]))
            kept.append(RolePriority(text=text, evidence=evidence[:MAX_PRIORITY_CHARS],
                                     topic_id=technical[0][0] if technical else None))
            if len(kept) == MAX_PRIORITIES:
                break
        return kept
