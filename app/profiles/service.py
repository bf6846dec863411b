"""The profile service: create and open profiles, their progress, review queue and review interviews,
export, moving to another device, and deletion.

A profile key is ``<id>.<secret>`` and travels only in the ``X-Viva-Profile`` header. Its secret is
stored as a SHA-256 hash (like an interview token); a missing key is 401, a key that opens nothing 404,
the same answer whether the id or the secret is wrong.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from anyio import to_thread

from app.bank.loader import QuestionBank
from app.engine.plan import InterviewOptions, InterviewPlan
from app.errors import Forbidden, InvalidPlan, NotFound, Unauthorized
from app.models import utcnow
from app.profiles.progress import Progress, progress_of
from app.profiles.store import OwnedInterview, ProfileStore
from app.profiles.tables import DeviceCodeRow, ProfileRow
from app.profiles.views import DeletedProfile, DeviceCode, ProfileExport, ProfileKey, ProfileView, ReviewQueue
from app.review.outcomes import outcomes_of
from app.review.plan import review_plan
from app.review.schedule import ReviewItem, schedule
from app.transcript.build import build_transcript
from app.turns import ID_SHAPE, hash_token

Clock = Callable[[], datetime]

PROFILE_HEADER = "X-Viva-Profile"
DEVICE_CODE_TTL = timedelta(minutes=10)
# Device codes: 12 characters of an alphabet without look-alikes (60 bits), shown as XXXX-XXXX-XXXX.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
_KEY_SHAPE = re.compile(r"^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{20,128})$")

log = logging.getLogger("viva.profiles")


class ProfileService:
    def __init__(self, store: ProfileStore, bank: QuestionBank, now: Clock = utcnow, prompts_dir: Path | None = None) -> None:
        self.store = store
        self.bank = bank
        self.now = now  # injected: tests move the clock a day ahead to see reviews fall due
        self.prompts_dir = prompts_dir

    async def create(self) -> ProfileKey:
        profile = ProfileRow(id=new_profile_id(), created_at=self.now())
        secret = secrets.token_urlsafe(32)
        await to_thread.run_sync(self.store.create, profile, hash_token(secret))
        log.info("profile created", extra={"profile_id": profile.id})
        return ProfileKey(id=profile.id, key=f"{profile.id}.{secret}", created_at=profile.created_at)

    async def open(self, key: str | None) -> ProfileRow:
        """The profile the key opens; ``Unauthorized`` without a key, ``NotFound`` for a wrong one."""
        if not key:
            raise Unauthorized("this needs a practice profile's key (or, with accounts, a signed-in session)",
                               hint=f"send the key from POST /api/profiles as the '{PROFILE_HEADER}' header")
        match = _KEY_SHAPE.match(key.strip())
        profile = None
        if match and ID_SHAPE.match(match.group(1)):
            profile = await to_thread.run_sync(self.store.find, match.group(1), hash_token(match.group(2)))
        if profile is None:
            raise NotFound("no profile with this key", hint="check the key; a deleted profile cannot be opened again")
        return profile

    async def owner_of_new_interview(self, profile: ProfileRow | None, options: InterviewOptions) -> tuple[str | None, InterviewPlan | None]:
        """For ``POST /api/interviews``: the profile the interview will belong to (None without one),
        and for a review interview its plan, built from the profile's due items."""
        if not options.review:
            return (profile.id if profile else None), None
        if profile is None:
            raise InvalidPlan("a review interview needs a practice profile",
                              hint=f"send the profile key as the '{PROFILE_HEADER}' header")
        _interviews, items = await self._replay(profile)
        return profile.id, review_plan(options, items, self.bank, self.now())

    async def view(self, profile: ProfileRow) -> ProfileView:
        interviews = await to_thread.run_sync(self.store.interviews, profile.id)
        return ProfileView(id=profile.id, created_at=profile.created_at, interviews=len(interviews))

    async def progress(self, profile: ProfileRow) -> Progress:
        interviews = await to_thread.run_sync(self.store.interviews, profile.id)
        return self._progress(interviews)

    async def review_queue(self, profile: ProfileRow) -> ReviewQueue:
        _interviews, items = await self._replay(profile)
        now = self.now()
        return ReviewQueue(due=[i for i in items if i.is_due(now)], later=[i for i in items if not i.is_due(now)])

    async def export(self, profile: ProfileRow) -> ProfileExport:
        interviews = await to_thread.run_sync(self.store.interviews, profile.id)
        outcomes = outcomes_of(interviews, self.bank)
        items = schedule(outcomes)
        transcripts = [build_transcript(o.row, o.turns, self.bank, prompts_dir=self.prompts_dir) for o in interviews]
        return ProfileExport(
            exported_at=self.now(), profile=ProfileView(id=profile.id, created_at=profile.created_at, interviews=len(interviews)),
            progress=progress_of(interviews, outcomes, items, self.bank, self.now()), review_items=items,
            interviews=transcripts,
        )

    async def device_code(self, profile: ProfileRow) -> DeviceCode:
        if profile.owned_by_account:
            raise Forbidden("this profile belongs to an account: it opens by signing in, not by a code",
                            hint="sign in to the account on the other device")
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires = self.now() + DEVICE_CODE_TTL
        row = DeviceCodeRow(code_hash=hash_token(code), profile_id=profile.id, expires_at=expires)
        await to_thread.run_sync(self.store.add_device_code, row, self.now())
        return DeviceCode(code="-".join(code[i:i + 4] for i in range(0, CODE_LENGTH, 4)), expires_at=expires)

    async def redeem(self, code: str) -> ProfileKey:
        """Exchange a device code (once, before it expires) for a new key of its profile."""
        plain = "".join(ch for ch in code.upper() if ch.isalnum())
        secret = secrets.token_urlsafe(32)
        profile_id = None
        if len(plain) == CODE_LENGTH:
            profile_id = await to_thread.run_sync(self.store.redeem_device_code, hash_token(plain), self.now(), hash_token(secret))
        if profile_id is None:
            raise NotFound("this code is unknown, already used or expired",
                           hint="make a new code on the device that holds the profile (codes last 10 minutes and work once)")
        log.info("profile moved to another device", extra={"profile_id": profile_id})
        return ProfileKey(id=profile_id, key=f"{profile_id}.{secret}", created_at=self.now())

    async def delete(self, profile: ProfileRow) -> DeletedProfile:
        interviews = await to_thread.run_sync(self.store.delete, profile.id)
        log.info("profile deleted", extra={"profile_id": profile.id, "interviews": interviews})
        return DeletedProfile(interviews=interviews)

    async def _replay(self, profile: ProfileRow) -> tuple[list[OwnedInterview], list[ReviewItem]]:
        interviews = await to_thread.run_sync(self.store.interviews, profile.id)
        return interviews, schedule(outcomes_of(interviews, self.bank))

    def _progress(self, interviews: list[OwnedInterview]) -> Progress:
        outcomes = outcomes_of(interviews, self.bank)
        return progress_of(interviews, outcomes, schedule(outcomes), self.bank, self.now())


def new_profile_id() -> str:
    while (profile_id := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return profile_id
