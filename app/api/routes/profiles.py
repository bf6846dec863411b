"""The profile API: practice profiles, their progress and review queue, export, device moves, deletion.

Every ``/api/profile`` route is opened by the profile key in the ``X-Viva-Profile`` header (never a
URL): 401 without it, 404 for a key that opens no profile.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from app.api.deps import ProfileDep, ProfilesDep, limit_creation, limit_reads
from app.api.errors import ERROR_RESPONSES
from app.profiles.progress import Progress
from app.profiles.views import DeletedProfile, DeviceCode, ProfileExport, ProfileKey, ProfileView, ReviewQueue

router = APIRouter(tags=["profiles"], responses=ERROR_RESPONSES)


class RedeemIn(BaseModel):
    code: str = Field(max_length=40, description="The one-time code shown on the device that holds the profile")


@router.post("/api/profiles", status_code=201, dependencies=[Depends(limit_creation)])
async def create_profile(profiles: ProfilesDep) -> ProfileKey:
    """A new practice profile; the reply carries its key (shown once)."""
    return await profiles.create()


@router.post("/api/profiles/redeem", dependencies=[Depends(limit_creation)])
async def redeem_device_code(body: RedeemIn, profiles: ProfilesDep) -> ProfileKey:
    """Exchange a one-time device code for a key of its profile (for this device)."""
    return await profiles.redeem(body.code)


@router.get("/api/profile", dependencies=[Depends(limit_reads)])
async def get_profile(profile: ProfileDep, profiles: ProfilesDep) -> ProfileView:
    """The profile: its id, when it was made and how many interviews it holds."""
    return await profiles.view(profile)


@router.get("/api/profile/progress", dependencies=[Depends(limit_reads)])
async def get_progress(profile: ProfileDep, profiles: ProfilesDep) -> Progress:
    """Score per topic over time, questions seen, key points mastered and still missed, streaks."""
    return await profiles.progress(profile)


@router.get("/api/profile/review", dependencies=[Depends(limit_reads)])
async def get_review_queue(profile: ProfileDep, profiles: ProfilesDep) -> ReviewQueue:
    """Review items: those due now and those scheduled later."""
    return await profiles.review_queue(profile)


@router.get("/api/profile/export", dependencies=[Depends(limit_reads)])
async def export_profile(profile: ProfileDep, profiles: ProfilesDep, response: Response) -> ProfileExport:
    """Everything the profile holds, as one JSON file."""
    exported = await profiles.export(profile)
    response.headers["Content-Disposition"] = f'attachment; filename="viva-profile-{exported.exported_at:%Y-%m-%d}.json"'
    return exported


@router.post("/api/profile/device-code", status_code=201, dependencies=[Depends(limit_reads)])
async def make_device_code(profile: ProfileDep, profiles: ProfilesDep) -> DeviceCode:
    """A one-time code (10 minutes) to open this profile on another device."""
    return await profiles.device_code(profile)


@router.delete("/api/profile", dependencies=[Depends(limit_reads)])
async def delete_profile(profile: ProfileDep, profiles: ProfilesDep) -> DeletedProfile:
    """Delete the profile and everything it holds: its interviews, answers, grades and review items."""
    return await profiles.delete(profile)
