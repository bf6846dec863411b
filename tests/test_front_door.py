"""`viva serve` as it runs in production: limits on request heads and slow clients, one-line start-up
errors. Real server processes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.server_process import ROOT, Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    workdir = tmp_path_factory.mktemp("front-door")
    env = {"VIVA_DATABASE_URL": f"sqlite:///{workdir / 'viva.db'}", "VIVA_HEADER_TIMEOUT": "1",
           "VIVA_MAX_HEADER_BYTES": "8192"}
    with Server(workdir, env, name="front-door", workers=1) as s:
        yield s


def _raw(port: int, data: bytes, *, wait: float = 3.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait + 2) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_an_oversize_request_head_gets_431(server: Server) -> None:
    head = b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    reply = _raw(server.port, head)
    assert reply.startswith(b"HTTP/1.1 431"), reply[:80]
    assert b"headers_too_large" in reply
    # a normal request still works
    assert _raw(server.port, b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_a_never_ending_head_is_dropped(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        for _ in range(20):  # one byte now and then, never the end of the head
            try:
                sock.sendall(b"a")
                if sock.recv(1, socket.MSG_DONTWAIT) == b"":
                    break
            except BlockingIOError:
                pass
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(0.25)
        else:
            pytest.fail("the server kept a slow head open for 5 s")
        assert time.monotonic() - started < 4


def test_a_wrong_database_url_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    env = {"VIVA_DATABASE_URL": "postgresql+psycopg://nobody:secret@127.0.0.1:9/nowhere", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "app.cli", "serve", "--port", "9"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "error: cannot open the database at postgresql+psycopg://nobody:***@127.0.0.1:9/nowhere" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
