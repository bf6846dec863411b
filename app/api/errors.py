"""Every error becomes a JSON body ``{"error": {"code", "message", "hint", ...}}`` with the right status."""

from __future__ import annotations

import logging

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pydantic import BaseModel, Field
from sqlalchemy.exc import InterfaceError, OperationalError

from app.errors import DatabaseUnavailable, InvalidTransition, RateLimited, VivaError

log = logging.getLogger("viva.api")


class ErrorDetail(BaseModel):
    code: str = Field(description="Machine-readable, e.g. not_found, invalid_transition, rate_limited")
    message: str = Field(description="What was wrong")
    hint: str | None = Field(default=None, description="How to fix it")
    status: int | None = None
    state: str | None = Field(default=None, description="409: the interview's state")
    retry_after: int | None = Field(default=None, description="429: seconds to wait")


class ErrorOut(BaseModel):
    error: ErrorDetail


def _response(description: str) -> dict[str, Any]:
    # Errors are JSON even where the success is Markdown or PDF: name that media type explicitly.
    schema = {"$ref": "#/components/schemas/ErrorOut"}
    return {"model": ErrorOut, "description": description, "content": {"application/json": {"schema": schema}}}


error_response = _response  # for route modules that declare errors of their own (app/api/routes/speech.py)

# Every error an interview route can answer with, declared in the OpenAPI document.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _response("No bearer token"),
    404: _response("No interview with this id and token"),
    409: _response("The interview's state does not allow this (or it moved on); the body names the state"),
    413: _response("The answer or body is over its limit"),
    422: _response("Invalid input; the body lists the fields"),
    429: _response("Rate limited; see Retry-After"),
    503: _response("The database cannot be reached (nothing was stored), or code cannot run on this server"),
}


def error_body(code: str, message: str, hint: str | None = None, **extra: object) -> dict[str, object]:
    body: dict[str, object] = {"code": code, "message": message}
    if hint:
        body["hint"] = hint
    body.update(extra)
    return {"error": body}


def error_of(exc: VivaError) -> tuple[dict[str, object], dict[str, str]]:
    """The JSON body and headers of an application error: the one mapping, for JSON replies and for
    the ``error`` event of a stream alike (the body carries ``status`` too, since a stream has none)."""
    extra: dict[str, object] = {"status": exc.status_code}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidTransition):
        extra["state"] = exc.state
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
        extra["retry_after"] = exc.retry_after
    if isinstance(exc, DatabaseUnavailable):
        headers["Retry-After"] = "5"
    if exc.status_code >= 500:
        log.error("server error: %s", exc.message)
    return error_body(exc.code, exc.message, exc.hint, **extra), headers


async def viva_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VivaError)
    body, headers = error_of(exc)
    return JSONResponse(body, exc.status_code, headers=headers)


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


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


async def http_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (unknown path, wrong method, unparseable body) in the same JSON shape."""
    assert isinstance(exc, StarletteHTTPException)
    status, message = exc.status_code, str(exc.detail)
    if status == 400 and "parsing the body" in message:  # e.g. a body that is not UTF-8
        return JSONResponse(error_body("invalid_request", "the request body is not valid JSON (UTF-8)",
                                       problems=[{"field": "body", "problem": "not valid JSON"}]), 422)
    return JSONResponse(error_body(_HTTP_CODES.get(status, f"http_{status}"), message), status, headers=exc.headers)


async def database_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """The database went away mid-request: an honest 503. The write was not made (each step is one
    transaction), so the client can send the same request again."""
    log.error("database unavailable: %s", type(exc).__name__)
    error = DatabaseUnavailable(
        "the database cannot be reached right now; nothing of this request was stored",
        hint="send the same request again in a few seconds",
    )
    body, _ = error_of(error)
    return JSONResponse(body, 503, headers={"Retry-After": "5"})


def install(app: FastAPI) -> None:
    app.add_exception_handler(VivaError, viva_error_handler)
    app.add_exception_handler(OperationalError, database_error_handler)
    app.add_exception_handler(InterfaceError, database_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
