"""Drive concurrent interviews through the HTTP API of a real uvicorn server and print latency figures.

    python bench/bench_api.py [--interviews 100] [--per-topic 2] [--think 2.0]

Starts ``viva serve`` on a free port with a fresh SQLite database and the offline examiner and runs
every interview to completion at once, twice:
- paced: candidates start within the first 2x ``--think`` seconds and pause a random 0.5x-1.5x
  ``--think`` seconds before each answer
  (real candidates take tens of seconds; 2 s is a harsh stand-in) - per-turn latency p50/p99 here is
  what a candidate feels with that many interviews under way;
- flat out: no pauses, every interview posts its next answer the moment the last reply lands - this
  measures the server's capacity in turns per second (latency then is mostly queueing).
It prints latency, turns per second, and the server's peak resident memory (VmHWM).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
ANSWER = (
    "Gradient descent moves the weights against the gradient of the loss; the learning rate sets the step "
    "size, and mini-batches give a noisy estimate. Dropout randomly zeroes activations so units cannot co-adapt."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of the server and its worker processes, summed."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            total += int(line.split()[1]) / 1024
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += peak_rss_mb(int(child))
    return total


async def run_interview(client: httpx.AsyncClient, per_topic: int, latencies: list[float], think: float = 0.0,
                        rng: random.Random | None = None) -> int:
    if think and rng is not None:
        await asyncio.sleep(rng.uniform(0, 2 * think))  # candidates arrive over a while, not in one instant
    t0 = time.perf_counter()
    r = await client.post("/api/interviews", json={"questions_per_topic": per_topic, "max_follow_ups": 1})
    latencies.append(time.perf_counter() - t0)
    r.raise_for_status()
    created = r.json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    turns, state = 1, created["state"]
    while state not in ("completed", "abandoned"):
        if think and rng is not None:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        t0 = time.perf_counter()
        r = await client.post(f"/api/interviews/{created['id']}/answers", json={"text": ANSWER}, headers=headers)
        latencies.append(time.perf_counter() - t0)
        r.raise_for_status()
        state = r.json()["state"]
        turns += 1
    return turns


async def drive(base_url: str, interviews: int, per_topic: int, think: float, label: str) -> None:
    latencies: list[float] = []
    rng = random.Random(7)
    limits = httpx.Limits(max_connections=interviews, max_keepalive_connections=interviews)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        await run_interview(client, 1, [])  # warm-up
        t0 = time.perf_counter()
        turns = await asyncio.gather(
            *(run_interview(client, per_topic, latencies, think, rng) for _ in range(interviews))
        )
        elapsed = time.perf_counter() - t0
    q = statistics.quantiles(latencies, n=100)
    print(f"[{label}] {interviews} concurrent interviews, {sum(turns)} turns in {elapsed:.2f} s "
          f"({sum(turns) / elapsed:.0f} turns/s)")
    print(f"[{label}] per-turn latency: p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interviews", type=int, default=100)
    parser.add_argument("--per-topic", type=int, default=2)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds a candidate pauses per answer")
    parser.add_argument("--workers", type=int, default=1, help="server processes (viva serve --workers)")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VIVA_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "VIVA_LOG_LEVEL": "WARNING",
               "VIVA_RATE_LIMIT_ANSWERS_PER_MINUTE": "100000", "VIVA_RATE_LIMIT_INTERVIEWS_PER_MINUTE": "100000",
               "VIVA_RATE_LIMIT_ENABLED": "false"}
        for var in ("VIVA_LLM_BASE_URL", "VIVA_LLM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
            env.pop(var, None)
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", str(args.workers)], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    if httpx.get(f"{base}/api/topics").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            asyncio.run(drive(base, args.interviews, args.per_topic, args.think, f"paced, think {args.think:g} s"))
            asyncio.run(drive(base, args.interviews, args.per_topic, 0.0, "flat out"))
            print(f"server peak memory: {peak_rss_mb(server.pid):.0f} MB")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
