"""ASGI middleware: request ids and access log, security headers, request body size limit.

Written as plain ASGI (not ``BaseHTTPMiddleware``) so that streamed responses (Server-Sent Events)
pass through untouched and a client disconnect cannot cancel the work behind them.

``RequestContextMiddleware`` is installed outermost, so even the 413 from the body limit and the
last-resort 500 carry a request id and the security headers.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import error_body
from app.logs import request_id_var

log = logging.getLogger("viva.http")

_GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# API responses are data, never documents: nothing may load, run or frame them.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Every HTML page: same-origin scripts, styles and connections only, no inline code, never framed.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# /docs: Swagger UI from this origin (app/api/routes/docs.py); it sets style attributes, no inline script.
DOCS_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS_PATHS = ("/docs",)

ALWAYS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
    b"permissions-policy": b"camera=(), geolocation=(), payment=()",
}


def _json_response(status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None) -> tuple[Message, Message]:
    payload = json.dumps(body).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()), *(headers or [])],
    }
    return start, {"type": "http.response.body", "body": payload}


class RequestContextMiddleware:
    """Request id (X-Request-ID in and out, and in every log record), access log, security headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _GOOD_REQUEST_ID.match(incoming) else secrets.token_hex(8)
        token = request_id_var.set(request_id)
        path: str = scope.get("path", "")
        started = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": self._headers(list(message.get("headers") or []), path, request_id)}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error", extra={"method": scope.get("method"), "path": path})
            if status == 0:
                status = 500
                for message in _json_response(500, error_body(
                    "internal_error", "something went wrong on our side; nothing you sent was lost",
                    "try again; if it keeps happening, report it with the request id", request_id=request_id,
                )):
                    await send_with_headers(message)
        finally:
            log.info("request", extra={
                "method": scope.get("method"), "path": path, "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            })
            request_id_var.reset(token)

    @staticmethod
    def _headers(headers: list[tuple[bytes, bytes]], path: str, request_id: str) -> list[tuple[bytes, bytes]]:
        present = {name.lower() for name, _ in headers}
        add = [(k, v) for k, v in ALWAYS.items() if k not in present]
        add.append((b"x-request-id", request_id.encode()))
        if b"content-security-policy" not in present:
            content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            if path in DOCS_PATHS:
                csp = DOCS_CSP
            elif content_type.startswith(b"text/html"):
                csp = PAGE_CSP
            else:
                csp = API_CSP
            add.append((b"content-security-policy", csp.encode()))
        if path.startswith("/api/"):
            headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
            add.append((b"cache-control", b"no-store"))
        return headers + add


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the limit. An ``HTTPException`` so that
    FastAPI's body parsing lets it through (it turns other errors into a 400)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


# Voice: recorded answers are larger than any typed one; they have their own limit (VIVA_STT_MAX_AUDIO_BYTES).
SPEECH_PATH = re.compile(r"^/api/interviews/[^/]+/speech(/answer)?$")


def too_large_body(max_bytes: int, audio: bool = False) -> dict[str, Any]:
    return error_body(
        "payload_too_large", f"the {'recording' if audio else 'request body'} is larger than {max_bytes} bytes",
        "record a shorter answer (VIVA_STT_MAX_AUDIO_BYTES sets the limit)" if audio
        else "send a smaller body; answers are limited to VIVA_MAX_ANSWER_CHARS characters",
    )


async def body_too_large_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyTooLarge)
    return JSONResponse(too_large_body(exc.max_bytes), 413, headers={"Connection": "close"})


class BodySizeLimitMiddleware:
    """Refuses request bodies over ``max_bytes`` with 413: by Content-Length up front, and by counting
    the bytes of a streamed (chunked) body as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int, audio_max_bytes: int | None = None) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.audio_max_bytes = audio_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        audio = self.audio_max_bytes is not None and bool(SPEECH_PATH.match(scope.get("path", "")))
        max_bytes = self.audio_max_bytes if audio and self.audio_max_bytes else self.default_max_bytes
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > max_bytes
            except ValueError:
                too_big = False  # the server rejects a malformed length itself
            if too_big:
                await self._refuse(send, max_bytes, audio)
                return

        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send, max_bytes, audio)

    @staticmethod
    async def _refuse(send: Send, max_bytes: int, audio: bool) -> None:
        for message in _json_response(413, too_large_body(max_bytes, audio), [(b"connection", b"close")]):
            await send(message)


def install(app: FastAPI, max_body_bytes: int, audio_max_bytes: int | None = None) -> None:
    """Body limit inside, request context outermost (Starlette wraps the last added around the rest)."""
    app.add_exception_handler(BodyTooLarge, body_too_large_handler)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes, audio_max_bytes=audio_max_bytes)
    app.add_middleware(RequestContextMiddleware)
