"""Structured logging: one JSON object per line, carrying the request id of the request being served.

``configure_logging`` installs a single handler on the root logger (idempotent), so Viva's loggers,
uvicorn's and the libraries' all come out in the same shape::

    {"ts": "2025-01-01T12:00:00.123Z", "level": "INFO", "logger": "viva.http", "msg": "request",
     "request_id": "3f2a...", "method": "POST", "path": "/api/interviews", "status": 201, "ms": 12.5}

What is logged at INFO is chosen so that no secret and no candidate answer reaches the log: ids,
counts, statuses and timings only. As a last line of defence, configured secrets (the LLM API key)
and bearer tokens are masked in every record.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

request_id_var: ContextVar[str | None] = ContextVar("viva_request_id", default=None)

_HANDLER_MARK = "_viva_handler"
_BEARER = re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
# Attributes every LogRecord has; anything else was passed with ``extra=`` and goes into the JSON.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request being served (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line; masks secrets and bearer tokens."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s and len(s) >= 4]

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return self.mask(json.dumps(entry, default=str, ensure_ascii=False))

    def mask(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _BEARER.sub(r"\1***", text)


def configure_logging(level: str = "INFO", *, secrets: list[str] | None = None, stream: IO[str] | None = None) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) as JSON lines at ``level``. Safe to call again."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.setFormatter(JsonFormatter(secrets))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's loggers keep their own handlers unless told otherwise: route them through ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # The access log would repeat our own request line (and log query strings); ours is enough.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # Libraries that log request bodies or headers at INFO/DEBUG stay at WARNING.
    for name in ("httpx", "httpcore", "openai", "hpack"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler
