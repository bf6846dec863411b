"""Mapping the openai SDK's exceptions onto ``app.errors``, and what is worth retrying.

Timeouts, refused connections, 429 and 5xx are transient (retried with backoff); 401/403/404 are
not. A 400/422 most often means the server does not accept the request's ``response_format`` or
``stream_options``: the client then tries the next mode (``ModeRefused``). Messages never carry the
API key (``scrub`` removes it from server error bodies).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import Any

import openai

from app.errors import LLMBadOutput, LLMError, LLMRateLimited, LLMTimeout, LLMUnavailable


class ModeRefused(Exception):
    """The server answered 400/422 to a request: most likely it does not accept that response_format."""


def map_sdk_error(exc: BaseException, *, host: str, scrub: Callable[[str], str] = lambda text: text) -> LLMError | ModeRefused:
    """The app error for an SDK (or transport) exception."""
    if isinstance(exc, (LLMError, ModeRefused)):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeout(f"the LLM endpoint at {host} timed out")
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable(
            f"cannot connect to the LLM endpoint at {host}", hint="is the server running and VIVA_LLM_BASE_URL right?"
        )
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        detail = scrub(_error_detail(exc))
        if status == 429:
            return LLMRateLimited(f"the LLM endpoint is rate limiting: {detail}", retry_after=_retry_after(exc.response))
        if status >= 500:
            return LLMUnavailable(f"the LLM endpoint returned HTTP {status}: {detail}")
        if status in (400, 422):
            return ModeRefused(f"HTTP {status}: {detail}")
        if status in (401, 403):
            return LLMUnavailable(
                f"the LLM endpoint rejected the API key (HTTP {status})", hint="check VIVA_LLM_API_KEY", retryable=False
            )
        if status == 404:
            return LLMUnavailable(
                f"not found at the LLM endpoint (HTTP 404): {detail}",
                hint="check VIVA_LLM_BASE_URL (usually ends in /v1) and VIVA_LLM_MODEL", retryable=False,
            )
        return LLMError(f"the LLM endpoint returned HTTP {status}: {detail}")
    if isinstance(exc, openai.APIResponseValidationError):
        return LLMBadOutput("the LLM endpoint sent a response the SDK could not read")
    if isinstance(exc, openai.OpenAIError):
        return LLMBadOutput(scrub(str(exc))[:200])
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return LLMBadOutput(f"unreadable reply from the LLM endpoint ({type(exc).__name__})")
    return LLMError(f"LLM call failed ({type(exc).__name__})")


def transient(error: BaseException) -> bool:
    return isinstance(error, (LLMTimeout, LLMRateLimited, LLMUnavailable)) and error.retryable


def _error_detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return str(message)[:200]
    return str(getattr(exc, "message", "") or exc)[:200]


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None) or {}
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None
