"""Tables of practice profiles. A profile owns interviews through ``interview.profile_id`` (nullable:
interviews made without a profile, and those of databases older than profiles, belong to none)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models import utcnow


class ProfileRow(SQLModel, table=True):
    __tablename__ = "profile"

    id: str = Field(primary_key=True, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)
    # Owned by an account (VIVA_ACCOUNTS=on): opened by its session only, never by key or device code.
    owned_by_account: bool = False


class ProfileSecretRow(SQLModel, table=True):
    """A secret that opens a profile, stored as its SHA-256 (like an interview's token). A profile has
    one per device: moving it to another device adds a secret rather than sharing one."""

    __tablename__ = "profile_secret"

    secret_hash: str = Field(primary_key=True, max_length=64)
    profile_id: str = Field(foreign_key="profile.id", index=True, max_length=40)
    created_at: datetime = Field(default_factory=utcnow)


class DeviceCodeRow(SQLModel, table=True):
    """A one-time code that hands a profile to another device: short-lived, used at most once."""

    __tablename__ = "profile_device_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    profile_id: str = Field(foreign_key="profile.id", index=True, max_length=40)
    expires_at: datetime
