"""Response shapes of the profile API (pydantic). No I/O here."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.profiles.progress import Progress
from app.review.schedule import ReviewItem
from app.transcript.model import Transcript


class ProfileKey(BaseModel):
    id: str
    key: str = Field(description="Secret: send it as the 'X-Viva-Profile' header. Shown once; never in a URL")
    created_at: datetime


class ProfileView(BaseModel):
    id: str
    created_at: datetime
    interviews: int


class ReviewQueue(BaseModel):
    due: list[ReviewItem] = Field(description="Items due now, most urgent first")
    later: list[ReviewItem] = Field(description="Items not due yet, soonest first")


class DeviceCode(BaseModel):
    code: str = Field(description="Enter it on the other device (POST /api/profiles/redeem); works once")
    expires_at: datetime


class DeletedProfile(BaseModel):
    deleted: bool = True
    interviews: int = Field(description="Interviews deleted with the profile")


class ProfileExport(BaseModel):
    """Everything a profile holds (never its secrets)."""

    format: str = "viva-profile-export/1"
    exported_at: datetime
    profile: ProfileView
    progress: Progress
    review_items: list[ReviewItem]
    interviews: list[Transcript]
