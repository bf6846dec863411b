"""Persistence of accounts and their sessions. Synchronous (run in a worker thread)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.accounts.tables import AccountRow, SessionRow
from app.errors import UsernameTaken
from app.profiles.tables import DeviceCodeRow, ProfileRow, ProfileSecretRow
from app.review.outcomes import aware

PROFILE = ProfileRow.__table__  # type: ignore[attr-defined]
SECRET = ProfileSecretRow.__table__  # type: ignore[attr-defined]
CODE = DeviceCodeRow.__table__  # type: ignore[attr-defined]
SESSION = SessionRow.__table__  # type: ignore[attr-defined]


class AccountStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, account: AccountRow, new_profile: ProfileRow | None) -> None:
        """Store the account with its profile: ``new_profile``, or an existing one it adopts (whose keys
        and device codes stop working: an account's profile opens by its session only)."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                if new_profile is not None:
                    session.add(new_profile)
                    session.flush()
                session.add(account)
                session.flush()  # a taken username fails here, before the adoption below
                conn = session.connection()
                conn.execute(PROFILE.update().where(PROFILE.c.id == account.profile_id).values(owned_by_account=True))
                conn.execute(SECRET.delete().where(SECRET.c.profile_id == account.profile_id))
                conn.execute(CODE.delete().where(CODE.c.profile_id == account.profile_id))
                session.commit()
        except IntegrityError:
            raise UsernameTaken("this username is taken", hint="choose another username, or sign in") from None

    def by_username(self, username: str) -> AccountRow | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.exec(select(AccountRow).where(AccountRow.username == username)).first()

    def add_session(self, row: SessionRow, now: datetime) -> None:
        """Store a new session, and drop every expired one on the way."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.connection().execute(SESSION.delete().where(SESSION.c.expires_at <= now))
            session.add(row)
            session.commit()

    def session_profile(self, token_hash: str, now: datetime) -> tuple[AccountRow, ProfileRow] | None:
        """The account and profile of a live session, else None."""
        with Session(self.engine, expire_on_commit=False) as session:
            found = session.get(SessionRow, token_hash)
            if found is None or aware(found.expires_at) <= now:
                return None
            account = session.get(AccountRow, found.account_id)
            profile = session.get(ProfileRow, account.profile_id) if account else None
            return (account, profile) if account and profile else None

    def end_session(self, token_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(SESSION.delete().where(SESSION.c.token_hash == token_hash))
