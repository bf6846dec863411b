"""Accounts: register, sign in and out, and the profile a session opens.

Passwords are hashed with argon2id (argon2-cffi, in a worker thread: hashing is deliberately slow). A
session is a random token in an HttpOnly, SameSite=Strict cookie, stored as its SHA-256. Requests that
change something and are authenticated by that cookie must also carry the session's CSRF token in the
``X-Viva-CSRF`` header: a page of another site can make the browser send the cookie, but cannot read
the token (it is derived from the cookie and handed out only to this origin's own pages).
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
from dataclasses import dataclass

from anyio import to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.accounts.cookies import CSRF_HEADER, SESSION_COOKIE, SESSION_TTL, csrf_token
from app.accounts.store import AccountStore
from app.accounts.tables import AccountRow, SessionRow
from app.errors import Forbidden, InvalidAccount, Unauthorized
from app.profiles.service import Clock, new_profile_id
from app.profiles.tables import ProfileRow
from app.turns import hash_token

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,39}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256

log = logging.getLogger("viva.accounts")


@dataclass(frozen=True, slots=True)
class SignedIn:
    username: str
    profile_id: str
    session_token: str  # goes into the cookie, nowhere else

    @property
    def csrf(self) -> str:
        return csrf_token(self.session_token)


class AccountService:
    cookie = SESSION_COOKIE
    csrf_header = CSRF_HEADER

    def __init__(self, store: AccountStore, now: Clock) -> None:
        self.store = store
        self.now = now
        self.hasher = PasswordHasher()
        self._decoy = self.hasher.hash(secrets.token_urlsafe(16))  # verified for unknown names: same cost

    async def register(self, username: str, password: str, adopt: ProfileRow | None) -> SignedIn:
        """A new account owning ``adopt`` (this browser's profile) or a new profile; signed in."""
        name = username.strip().lower()
        if not USERNAME.match(name):
            raise InvalidAccount("the username must be 3-40 characters: letters, digits, '.', '_' or '-'",
                                 hint="start with a letter or digit")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise InvalidAccount(f"the password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                                 hint="a few words make a long password that is easy to remember")
        if adopt is not None and adopt.owned_by_account:
            raise Forbidden("this profile already belongs to an account", hint="sign in to that account instead")
        hashed = await to_thread.run_sync(self.hasher.hash, password)
        profile = None if adopt else ProfileRow(id=new_profile_id(), created_at=self.now())
        account = AccountRow(id=secrets.token_urlsafe(16), username=name, password_hash=hashed,
                             profile_id=adopt.id if adopt else profile.id, created_at=self.now())  # type: ignore[union-attr]
        await to_thread.run_sync(self.store.create, account, profile)
        log.info("account created", extra={"profile_id": account.profile_id})
        return await self._start_session(account)

    async def sign_in(self, username: str, password: str) -> SignedIn:
        account = await to_thread.run_sync(self.store.by_username, username.strip().lower())
        stored = account.password_hash if account else self._decoy
        try:
            ok = await to_thread.run_sync(self.hasher.verify, stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or account is None:
            raise Unauthorized("wrong username or password", hint="check both; usernames are not case-sensitive")
        return await self._start_session(account)

    async def sign_out(self, session_token: str) -> None:
        await to_thread.run_sync(self.store.end_session, hash_token(session_token))

    async def current(self, session_token: str | None) -> tuple[AccountRow, ProfileRow] | None:
        if not session_token:
            return None
        return await to_thread.run_sync(self.store.session_profile, hash_token(session_token), self.now())

    async def profile_for(self, session_token: str | None, csrf: str | None, *, changes: bool) -> ProfileRow | None:
        """The profile a session cookie opens (None without a live session). A request that ``changes``
        something needs the session's CSRF token too."""
        found = await self.current(session_token)
        if found is None:
            return None
        if changes and not (csrf and hmac.compare_digest(csrf, csrf_token(session_token or ""))):
            raise Forbidden("this request needs the session's CSRF token",
                            hint=f"send the 'csrf' of GET /api/session as the '{CSRF_HEADER}' header")
        return found[1]

    async def _start_session(self, account: AccountRow) -> SignedIn:
        token = secrets.token_urlsafe(32)
        row = SessionRow(token_hash=hash_token(token), account_id=account.id, expires_at=self.now() + SESSION_TTL)
        await to_thread.run_sync(self.store.add_session, row, self.now())
        return SignedIn(username=account.username, profile_id=account.profile_id, session_token=token)
