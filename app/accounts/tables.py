"""Tables of the optional accounts. Made whether accounts are on or not (empty when off), so turning them
on later needs no migration."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models import utcnow


class AccountRow(SQLModel, table=True):
    __tablename__ = "account"

    id: str = Field(primary_key=True, max_length=40)
    username: str = Field(unique=True, index=True, max_length=40)
    password_hash: str = Field(max_length=200)  # argon2id, with its parameters and salt
    profile_id: str = Field(index=True, max_length=40)  # the profile it owns (deleted with it)
    created_at: datetime = Field(default_factory=utcnow)


class SessionRow(SQLModel, table=True):
    """A signed-in browser: the cookie's token, stored as its SHA-256."""

    __tablename__ = "account_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    account_id: str = Field(foreign_key="account.id", index=True, max_length=40)
    expires_at: datetime
