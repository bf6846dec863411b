"""The costs an attacker or a burst can impose on `viva serve`, measured against a real server.

    .venv/bin/python bench/bench_front_door.py [--pdf-requests 40] [--slow 300]

Starts `viva serve` (one worker, SQLite, offline examiner, rate limits off) and prints:
- oversize heads: 40 connections each sending a 32 MB request head - replies, and the server's peak memory;
- slow heads: N connections sending a request head one byte a second - how many are still open after
  12 s (VIVA_HEADER_TIMEOUT is 10 s);
- PDFs: a maximum-size interview (every topic, 10 questions each, follow-ups), then 40 concurrent PDF
  requests - their statuses and time, and how long GET /api/info takes meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.server_process import Server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of the server and its children (VmHWM), in MB."""
    total = 0
    for path in Path("/proc").glob("[0-9]*/status"):
        try:
            text = path.read_text()
        except OSError:
            continue
        ppid = next((line.split()[1] for line in text.splitlines() if line.startswith("PPid:")), "")
        if path.parent.name == str(pid) or ppid == str(pid):
            hwm = next((line.split()[1] for line in text.splitlines() if line.startswith("VmHWM:")), "0")
            total += int(hwm)
    return total / 1024


def oversize_heads(port: int, n: int = 40, size: int = 32 * 1024 * 1024) -> dict[str, int]:
    replies: dict[str, int] = {}

    def one() -> None:
        status = "closed"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET /api/info HTTP/1.1\r\nHost: x\r\nX-Big: ")
                chunk = b"a" * 65536
                for _ in range(size // len(chunk)):
                    sock.sendall(chunk)
        except OSError:
            pass
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET /api/info HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000)
                status = sock.recv(12).decode(errors="replace")[9:12] or "closed"
        except OSError:
            pass
        replies[status] = replies.get(status, 0) + 1

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return replies


def slow_heads(port: int, n: int, wait: float = 12.0) -> int:
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /api/info HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            socks.append(s)
        except OSError:
            break
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for s in socks:
            try:
                s.sendall(b"a")
            except OSError:
                pass
        time.sleep(1)
    still_open = 0
    for s in socks:
        try:
            s.setblocking(False)
            data = s.recv(1)
            still_open += data != b""
        except BlockingIOError:
            still_open += 1
        except OSError:
            pass
        s.close()
    return still_open


async def pdf_load(base: str, requests: int) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        topics = [t["id"] for t in (await client.get("/api/topics")).json()]
        created = (await client.post("/api/interviews", json={"topics": topics, "questions_per_topic": 10,
                                                             "max_follow_ups": 3})).json()
        headers = {"Authorization": f"Bearer {created['token']}"}
        answer = "It depends on the trade-off between bias and variance, so I would measure it first."
        turns = 0
        while True:
            r = (await client.post(f"/api/interviews/{created['id']}/answers", json={"text": answer}, headers=headers)).json()
            turns += 1
            if r["state"] == "completed":
                break
        started = time.monotonic()
        pdfs = asyncio.gather(*(client.get(f"/api/interviews/{created['id']}/transcript.pdf", headers=headers)
                                for _ in range(requests)))
        await asyncio.sleep(0.5)
        probes = []
        for _ in range(5):
            t = time.monotonic()
            await client.get("/api/info")
            probes.append(time.monotonic() - t)
            await asyncio.sleep(0.5)
        replies = await pdfs
        took = time.monotonic() - started
        codes: dict[int, int] = {}
        for reply in replies:
            codes[reply.status_code] = codes.get(reply.status_code, 0) + 1
        return (f"{turns} answers; {requests} concurrent PDF requests ({len(replies[0].content) // 1024} KB): "
                f"statuses {codes}, all done in {took:.1f} s; GET /api/info meanwhile: max {1000 * max(probes):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf-requests", type=int, default=40)
    parser.add_argument("--slow", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"VIVA_DATABASE_URL": f"sqlite:///{tmp}/viva.db", "VIVA_RUBRICS_DIR": str(ROOT / "rubrics"),
               "VIVA_RATE_LIMIT_ENABLED": "false", "VIVA_LOG_LEVEL": "WARNING"}
        with Server(Path(tmp), env, name="front-door", workers=1) as server:
            assert server.proc is not None
            print("oversize heads (40 x 32 MB):", oversize_heads(server.port),
                  f"server peak memory {peak_rss_mb(server.proc.pid):.0f} MB")
            print(f"slow heads: {slow_heads(server.port, args.slow)} of {args.slow} still open after 12 s")
            print(asyncio.run(pdf_load(server.base_url, args.pdf_requests)))


if __name__ == "__main__":
    main()
