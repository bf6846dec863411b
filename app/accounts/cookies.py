"""The session cookie and its CSRF token: names and lifetime (no argon2 needed to read them)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

SESSION_COOKIE = "viva_session"
CSRF_HEADER = "X-Viva-CSRF"
SESSION_TTL = timedelta(days=14)


def csrf_token(session_token: str) -> str:
    """The session's CSRF token: derived from the cookie's value, so nothing more is stored. Only this
    origin's pages can read it (from the sign-in reply or GET /api/session)."""
    return hashlib.sha256(b"viva-csrf\0" + session_token.encode()).hexdigest()
