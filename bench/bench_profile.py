"""How long a practice profile's reads take as it grows: progress, review queue, export, and starting a
review interview, for a profile of N finished interviews (review items are replayed from the stored
grades on each read, so this is the cost that grows).

    python bench/bench_profile.py [--interviews 100] [--per-topic 2] [--repeat 5]

In process (httpx over ASGI), a fresh SQLite file, the shipped question bank, the offline examiner, no
rate limits. Each interview takes three balanced topics and answers every question with the same
half-right paragraph, so most key points are missed and become review items. Prints the median time of
each read and the profile's size.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402

ANSWER = ("Gradient descent moves the weights against the gradient of the loss; the learning rate sets the step "
          "size, and mini-batches give a noisy estimate. Dropout randomly zeroes activations so units cannot co-adapt.")


async def run(interviews: int, per_topic: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{Path(folder) / 'viva.db'}", llm_base_url=None,
                            llm_api_key=None, rate_limit_enabled=False, log_level="WARNING")
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
                key = (await client.post("/api/profiles")).json()["key"]
                headers = {"X-Viva-Profile": key}
                started = time.perf_counter()
                for _ in range(interviews):
                    made = (await client.post("/api/interviews", headers=headers, json={
                        "questions_per_topic": per_topic, "max_follow_ups": 0})).json()
                    current = made["current"]
                    while current is not None:
                        reply = await client.post(f"/api/interviews/{made['id']}/answers", json={"text": ANSWER},
                                                  headers={"Authorization": f"Bearer {made['token']}"})
                        current = reply.json()["current"]
                print(f"{interviews} interviews of {3 * per_topic} questions made in {time.perf_counter() - started:.1f} s")
                review = (await client.get("/api/profile/review", headers=headers)).json()
                progress = (await client.get("/api/profile/progress", headers=headers)).json()
                print(f"profile: {progress['questions_answered']} questions answered, "
                      f"{len(review['due']) + len(review['later'])} review items")
                for label, method, path, body in (
                    ("GET /api/profile/progress", "GET", "/api/profile/progress", None),
                    ("GET /api/profile/review", "GET", "/api/profile/review", None),
                    ("GET /api/profile/export", "GET", "/api/profile/export", None),
                    ("POST /api/interviews (review, weakest topic)", "POST", "/api/interviews",
                     {"review": True, "topics": [progress["weakest_topic"]["topic_id"]]}),
                ):
                    times = []
                    for _ in range(repeat):
                        t0 = time.perf_counter()
                        reply = await client.request(method, path, headers=headers, json=body)
                        times.append(time.perf_counter() - t0)
                        assert reply.status_code in (200, 201), reply.text
                    size = f", {len(reply.content) / 1e6:.1f} MB" if path.endswith("export") else ""
                    print(f"{label}: median {1000 * statistics.median(times):.0f} ms over {repeat}{size}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interviews", type=int, default=100)
    parser.add_argument("--per-topic", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.interviews, args.per_topic, args.repeat))


if __name__ == "__main__":
    main()
