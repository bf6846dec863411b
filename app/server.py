"""The front door of ``viva serve``: HTTP/1.1 parsing with limits a public server needs.

uvicorn's default parser accepts request heads of any size and waits forever for one to finish, so a
few connections holding huge or endless headers take memory and sockets. This protocol (h11, as
uvicorn ships it) answers 431 to a request head over ``max_header_bytes`` and drops a connection whose
head has not arrived within ``header_timeout`` seconds; idle keep-alive connections close after
``keep_alive_timeout``. In production, put a reverse proxy in front as well (README).
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from app.config import Settings

_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s"
)
_BODY = (b'{"error": {"code": "headers_too_large", "message": "the request head is larger than the server accepts",'
         b' "hint": "send fewer or smaller headers (cookies included)"}}')


@lru_cache(maxsize=1)
def _limits() -> tuple[int, float]:
    settings = Settings()
    return settings.max_header_bytes, settings.header_timeout


class GuardedH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head = bytearray()
        self._reading_head = True
        self._head_timer: asyncio.TimerHandle | None = None
        self._start_head_timer()

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            limit, _ = _limits()
            self._head += data
            end = self._head.find(b"\r\n\r\n")
            if (end == -1 and len(self._head) > limit) or end > limit:
                self._refuse_head()
                return
            if end != -1:
                self._reading_head = False
                self._head.clear()
                self._cancel_head_timer()
        super().data_received(data)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():  # keep-alive: the next request's head is read afresh
            self._reading_head = True
            self._head.clear()
            self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _refuse_head(self) -> None:
        self._cancel_head_timer()
        self._reading_head = False
        self.transport.write(_TOO_LARGE % (len(_BODY), _BODY))
        self.transport.close()

    def _start_head_timer(self) -> None:
        self._cancel_head_timer()
        _, timeout = _limits()
        self._head_timer = self.loop.call_later(timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()  # type: ignore[union-attr]
            self._head_timer = None

    def _head_timed_out(self) -> None:
        # A head started and never finished (a slow client), or a new connection that sent nothing. An
        # idle keep-alive connection between requests is left to uvicorn's keep-alive timeout.
        if self._reading_head and (self._head or self.cycle is None):
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The server settings ``viva serve`` runs uvicorn with."""
    return {
        "http": GuardedH11Protocol,
        "h11_max_incomplete_event_size": settings.max_header_bytes * 2,  # a second guard, inside h11
        "timeout_keep_alive": settings.keep_alive_timeout,
        "limit_concurrency": settings.max_connections,
        "proxy_headers": settings.proxy_headers,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "server_header": False,
    }
