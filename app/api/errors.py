"""Every error becomes a JSON body ``{"error": {"code", "message", "hint", ...}}`` with the right status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.errors import InvalidTransition, RateLimited, VivaError

log = logging.getLogger("viva.api")


def error_body(code: str, message: str, hint: str | None = None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"code": code, "message": message}
    if hint:
        body["hint"] = hint
    body.update(extra)
    return {"error": body}


async def viva_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VivaError)
    extra: dict[str, object] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidTransition):
        extra["state"] = exc.state
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
        extra["retry_after"] = exc.retry_after
    if exc.status_code >= 500:
        log.error("server error: %s", exc.message)
    return JSONResponse(error_body(exc.code, exc.message, exc.hint, **extra), exc.status_code, headers=headers)


async def validation_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        if err.get("type") == "json_invalid":
            problems.append({"field": "body", "problem": "the request body is not valid JSON"})
        else:
            problems.append({"field": where, "problem": err.get("msg", "invalid")})
    message = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
    return JSONResponse(
        error_body("invalid_request", message, "fix the listed fields; /docs shows the expected shapes",
                   problems=problems),
        422,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(VivaError, viva_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
