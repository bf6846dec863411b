"""Latency of one streamed answer against a slow LLM endpoint: what the app adds to what the model costs.

    python bench/bench_turn_latency.py [--turns 30] [--first-token 0.3] [--tokens-per-s 50]

Starts a real-HTTP fake OpenAI-compatible endpoint with a set time to first token and token rate
(tests/fakes/slow_endpoint.py) and the app under uvicorn (SQLite in a temporary folder, the LLM
examiner and interviewer pointed at the fake), then answers questions one at a time through
``POST /api/interviews/{id}/answers/stream``, the browser's path. For each turn it prints:
- time to first word: from sending the answer to the first streamed interviewer word;
- turn time: from sending the answer to the final ``reply`` event;
- app overhead: turn time minus the time the endpoint spent serving that turn's calls (grading,
  then the interviewer's words), i.e. what Viva itself costs per turn.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402
from tests.fakes.slow_endpoint import SlowEndpoint  # noqa: E402
from tests.server_process import free_port  # noqa: E402

ANSWER = ("Backpropagation applies the chain rule in reverse: the forward pass caches activations, and the "
          "backward pass multiplies each upstream gradient by the local derivative of every operation.")


def _serve(settings: Settings) -> tuple[uvicorn.Server, str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{port}"


def run(turns: int, first_token: float, tokens_per_s: float, precheck: bool = False) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"first_word": [], "turn": [], "overhead": []}
    with SlowEndpoint(first_token_s=first_token, tokens_per_s=tokens_per_s) as endpoint, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{tmp}/bench.db", llm_base_url=endpoint.base_url, llm_api_key="bench-key",
            llm_model="fake-model", rate_limit_enabled=False, log_level="WARNING",
        )
        server, base = _serve(settings)
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                interview = None
                while len(figures["turn"]) < turns:
                    if interview is None:
                        created = client.post("/api/interviews", json={"questions_per_topic": 3, "max_follow_ups": 0}).json()
                        interview, headers = created, {"Authorization": f"Bearer {created['token']}"}
                    busy_before = endpoint.busy_seconds
                    started = time.perf_counter()
                    if precheck:  # what the page did before this change: GET the interview, then POST
                        client.get(f"/api/interviews/{interview['id']}", headers=headers).raise_for_status()
                    first_word = None
                    reply = None
                    with client.stream("POST", f"/api/interviews/{interview['id']}/answers/stream",
                                       json={"text": ANSWER}, headers=headers) as response:
                        event = None
                        for line in response.iter_lines():
                            if line.startswith("event:"):
                                event = line.split(":", 1)[1].strip()
                            elif line.startswith("data:") and event == "delta" and first_word is None:
                                first_word = time.perf_counter() - started
                            elif line.startswith("data:") and event == "reply":
                                reply = json.loads(line.split(":", 1)[1])
                            elif line.startswith("data:") and event == "error":
                                raise SystemExit(f"the app answered with an error: {line}")
                    turn = time.perf_counter() - started
                    figures["first_word"].append(first_word if first_word is not None else turn)
                    figures["turn"].append(turn)
                    figures["overhead"].append(turn - (endpoint.busy_seconds - busy_before))
                    if reply is None or reply["state"] in ("completed", "abandoned"):
                        interview = None
        finally:
            server.should_exit = True
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--first-token", type=float, default=0.3, help="seconds to the endpoint's first token")
    parser.add_argument("--tokens-per-s", type=float, default=50.0)
    parser.add_argument("--precheck", action="store_true", help="GET the interview before each answer (the old page)")
    args = parser.parse_args()
    os.environ.setdefault("VIVA_LOG_LEVEL", "WARNING")
    figures = run(args.turns, args.first_token, args.tokens_per_s, args.precheck)
    print(f"{args.turns} streamed answers{' each after a GET' if args.precheck else ''}; endpoint: first token "
          f"{args.first_token * 1000:.0f} ms, {args.tokens_per_s:.0f} tokens/s")
    for name, label in (("first_word", "time to first interviewer word"), ("turn", "turn time"),
                        ("overhead", "app overhead per turn (turn - endpoint time)")):
        values = sorted(v * 1000 for v in figures[name])
        print(f"  {label}: median {statistics.median(values):.1f} ms, mean {statistics.fmean(values):.1f} ms, "
              f"max {values[-1]:.1f} ms")


if __name__ == "__main__":
    main()
