"""Optional accounts (``VIVA_ACCOUNTS=on``): register, sign in, who is signed in, sign out.

``GET /api/session`` always exists (``status_router``): it tells the pages whether accounts are on and
who is signed in, with a 200 either way. The other routes exist only with accounts on (``router``).

The session is an HttpOnly, SameSite=Strict cookie (Secure over HTTPS); the reply's ``csrf`` goes into
the ``X-Viva-CSRF`` header of every request that changes something. Registering and signing in are
refused from another origin (the Origin header) and take JSON only, so no other site can sign a
browser in or out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from app.accounts.cookies import SESSION_COOKIE, SESSION_TTL, csrf_token
from app.api.deps import OptionalProfileDep, limit_creation, limit_reads
from app.api.errors import ERROR_RESPONSES
from app.errors import Forbidden

if TYPE_CHECKING:  # argon2 is imported only when accounts are on
    from app.accounts.service import AccountService, SignedIn

router = APIRouter(prefix="/api", tags=["accounts"], responses=ERROR_RESPONSES)
status_router = APIRouter(prefix="/api", tags=["accounts"], responses=ERROR_RESPONSES)


class Credentials(BaseModel):
    username: str = Field(max_length=40)
    password: str = Field(max_length=256)


class SessionOut(BaseModel):
    username: str
    profile_id: str
    csrf: str = Field(description="Send it as the 'X-Viva-CSRF' header with every request that changes something")


class SessionState(BaseModel):
    accounts: bool = Field(description="Whether this server has accounts (VIVA_ACCOUNTS=on)")
    signed_in: bool
    username: str | None = None
    profile_id: str | None = None
    csrf: str | None = Field(default=None, description="When signed in: the 'X-Viva-CSRF' header's value")


def _accounts(request: Request) -> "AccountService":
    return request.app.state.accounts


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise Forbidden("accounts are signed in from this site's own pages only", hint="open Viva's own page")


def _signed_in(request: Request, response: Response, signed: "SignedIn") -> SessionOut:
    response.set_cookie(SESSION_COOKIE, signed.session_token, max_age=int(SESSION_TTL.total_seconds()), path="/",
                        httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return SessionOut(username=signed.username, profile_id=signed.profile_id, csrf=signed.csrf)


@router.post("/accounts", status_code=201, dependencies=[Depends(limit_creation), Depends(_same_origin)])
async def register(body: Credentials, request: Request, response: Response, profile: OptionalProfileDep) -> SessionOut:
    """Make an account and sign in. With this browser's profile key (``X-Viva-Profile``) the account takes
    that profile over (its keys and codes stop working); otherwise it gets a new profile."""
    return _signed_in(request, response, await _accounts(request).register(body.username, body.password, profile))


@router.post("/session", dependencies=[Depends(limit_creation), Depends(_same_origin)])
async def sign_in(body: Credentials, request: Request, response: Response) -> SessionOut:
    """Sign in: sets the session cookie."""
    return _signed_in(request, response, await _accounts(request).sign_in(body.username, body.password))


@status_router.get("/session", dependencies=[Depends(limit_reads)])
async def current_session(request: Request) -> SessionState:
    """Whether accounts are on, and who is signed in (with the session's CSRF token)."""
    accounts = request.app.state.accounts
    if accounts is None:
        return SessionState(accounts=False, signed_in=False)
    token = request.cookies.get(SESSION_COOKIE)
    found = await accounts.current(token)
    if found is None or token is None:
        return SessionState(accounts=True, signed_in=False)
    account, profile = found
    return SessionState(accounts=True, signed_in=True, username=account.username, profile_id=profile.id,
                        csrf=csrf_token(token))


@router.delete("/session", status_code=204, dependencies=[Depends(limit_reads)])
async def sign_out(request: Request, response: Response, profile: OptionalProfileDep) -> Response:
    """Sign out (needs the CSRF token): the session ends on the server and its cookie is cleared."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and profile is not None:
        await _accounts(request).sign_out(token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response
