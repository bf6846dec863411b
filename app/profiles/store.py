"""Persistence of profiles, their secrets and device codes. Synchronous (run in a worker thread)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.accounts.tables import AccountRow, SessionRow
from app.models import InterviewRow, TurnRow
from app.profiles.tables import DeviceCodeRow, ProfileRow, ProfileSecretRow

INTERVIEW = InterviewRow.__table__  # type: ignore[attr-defined]
TURN = TurnRow.__table__  # type: ignore[attr-defined]
PROFILE = ProfileRow.__table__  # type: ignore[attr-defined]
SECRET = ProfileSecretRow.__table__  # type: ignore[attr-defined]
CODE = DeviceCodeRow.__table__  # type: ignore[attr-defined]
ACCOUNT = AccountRow.__table__  # type: ignore[attr-defined]
SESSION = SessionRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class OwnedInterview:
    """One interview of a profile with its turns in order."""

    row: InterviewRow
    turns: list[TurnRow]


class ProfileStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, profile: ProfileRow, secret_hash: str) -> None:
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(profile)
            session.flush()  # the profile must exist before its secret (foreign key)
            session.add(ProfileSecretRow(secret_hash=secret_hash, profile_id=profile.id))
            session.commit()

    def find(self, profile_id: str, secret_hash: str) -> ProfileRow | None:
        """The profile when ``secret_hash`` is one of its secrets' hashes, else None."""
        with Session(self.engine, expire_on_commit=False) as session:
            secret = session.get(ProfileSecretRow, secret_hash)
            if secret is None or secret.profile_id != profile_id:
                return None
            return session.get(ProfileRow, profile_id)

    def interviews(self, profile_id: str) -> list[OwnedInterview]:
        """The profile's interviews, oldest first, each with its turns (two queries in all)."""
        with Session(self.engine, expire_on_commit=False) as session:
            rows = list(session.exec(select(InterviewRow).where(InterviewRow.profile_id == profile_id)
                                     .order_by(col(InterviewRow.created_at))).all())
            found: dict[str, list[TurnRow]] = {r.id: [] for r in rows}
            if rows:
                turns = select(TurnRow).where(col(TurnRow.interview_id).in_(list(found))).order_by(col(TurnRow.seq))
                for turn in session.exec(turns):
                    found[turn.interview_id].append(turn)
            return [OwnedInterview(r, found[r.id]) for r in rows]

    def add_device_code(self, code: DeviceCodeRow, now: datetime) -> None:
        """Store a new code, and drop every expired one (of any profile) on the way."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.connection().execute(CODE.delete().where(CODE.c.expires_at <= now))
            session.add(code)
            session.commit()

    def redeem_device_code(self, code_hash: str, now: datetime, new_secret_hash: str) -> str | None:
        """Use a device code once: delete it and give its profile ``new_secret_hash``, in one
        transaction. The profile id, or None when the code is unknown, used or expired."""
        with self.engine.begin() as conn:
            profile_id = conn.execute(select(CODE.c.profile_id).where(CODE.c.code_hash == code_hash,
                                                                      CODE.c.expires_at > now)).scalar()
            # Deleting is the use: of two requests racing with one code, one deletes the row.
            deleted = conn.execute(CODE.delete().where(CODE.c.code_hash == code_hash)).rowcount
            if profile_id is None or deleted != 1:
                return None
            conn.execute(SECRET.insert().values(secret_hash=new_secret_hash, profile_id=profile_id, created_at=now))
            return str(profile_id)

    def delete(self, profile_id: str) -> int:
        """Delete the profile and everything it holds (interviews and their turns, secrets, device
        codes, and the account that owns it with its sessions) in one transaction; how many interviews
        went with it."""
        with self.engine.begin() as conn:
            owned = select(INTERVIEW.c.id).where(INTERVIEW.c.profile_id == profile_id)
            conn.execute(TURN.delete().where(TURN.c.interview_id.in_(owned)))
            interviews = conn.execute(INTERVIEW.delete().where(INTERVIEW.c.profile_id == profile_id)).rowcount
            conn.execute(CODE.delete().where(CODE.c.profile_id == profile_id))
            conn.execute(SECRET.delete().where(SECRET.c.profile_id == profile_id))
            owners = select(ACCOUNT.c.id).where(ACCOUNT.c.profile_id == profile_id)
            conn.execute(SESSION.delete().where(SESSION.c.account_id.in_(owners)))
            conn.execute(ACCOUNT.delete().where(ACCOUNT.c.profile_id == profile_id))
            conn.execute(PROFILE.delete().where(PROFILE.c.id == profile_id))
            return interviews
