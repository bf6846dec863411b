"""Dependencies for route handlers, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from app.api.ratelimit import RateLimits
from app.bank.loader import QuestionBank
from app.config import Settings
from app.profiles.service import PROFILE_HEADER, ProfileService
from app.profiles.tables import ProfileRow
from app.service import InterviewService
from app.speech.service import SpeechService

_bearer = HTTPBearer(auto_error=False, description="The interview's token, from POST /api/interviews")
_profile_key = APIKeyHeader(name=PROFILE_HEADER, auto_error=False,
                            description="A practice profile's key, from POST /api/profiles")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_service(request: Request) -> InterviewService:
    return request.app.state.service


def get_speech(request: Request) -> SpeechService:
    return request.app.state.speech


def get_bank(request: Request) -> QuestionBank:
    return request.app.state.service.bank


def get_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str | None:
    return credentials.credentials if credentials else None


def get_profiles(request: Request) -> ProfileService:
    return request.app.state.profiles


def get_profile_key(key: Annotated[str | None, Depends(_profile_key)]) -> str | None:
    return key


async def get_optional_profile(request: Request, profiles: Annotated[ProfileService, Depends(get_profiles)],
                               key: Annotated[str | None, Depends(get_profile_key)]) -> ProfileRow | None:
    """The profile the request's key opens (404 for a wrong key), else with accounts on the profile of
    the signed-in session (403 for a change without its CSRF token), else None."""
    if key:
        return await profiles.open(key)
    accounts = request.app.state.accounts
    if accounts is None:
        return None
    return await accounts.profile_for(request.cookies.get(accounts.cookie), request.headers.get(accounts.csrf_header),
                                      changes=request.method not in ("GET", "HEAD", "OPTIONS"))


async def get_profile(profiles: Annotated[ProfileService, Depends(get_profiles)],
                      profile: Annotated[ProfileRow | None, Depends(get_optional_profile)]) -> ProfileRow:
    """The profile of the request (401 without a key or session)."""
    return profile if profile is not None else await profiles.open(None)


SettingsDep = Annotated[Settings, Depends(get_settings)]
ProfilesDep = Annotated[ProfileService, Depends(get_profiles)]
OptionalProfileDep = Annotated[ProfileRow | None, Depends(get_optional_profile)]
ProfileDep = Annotated[ProfileRow, Depends(get_profile)]
ServiceDep = Annotated[InterviewService, Depends(get_service)]
BankDep = Annotated[QuestionBank, Depends(get_bank)]
SpeechDep = Annotated[SpeechService, Depends(get_speech)]
TokenDep = Annotated[str | None, Depends(get_token)]


def client_address(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with --proxy-headers so this is the real client)."""
    return request.client.host if request.client else "unknown"


async def limit_answers(request: Request, interview_id: str, token: TokenDep) -> None:
    """Rate limit for answers, skips and finishes: per interview (and token) and per client address."""
    limits: RateLimits = request.app.state.rate_limits
    await limits.answer(interview_id, token, client_address(request))


async def limit_reads(request: Request) -> None:
    """Rate limit for reads (views, transcripts, lookups), per client address; PDFs also count apart."""
    limits: RateLimits = request.app.state.rate_limits
    await limits.read(client_address(request), pdf=request.url.path.endswith(".pdf"))


async def limit_creation(request: Request) -> None:
    """Rate limit for new interviews, per client address."""
    limits: RateLimits = request.app.state.rate_limits
    await limits.create(client_address(request))
