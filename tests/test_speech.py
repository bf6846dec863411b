"""Spoken answers through the API: espeak-ng speaks the fixture bank's model answers, the small
Whisper model transcribes them, and they are graded like typed ones; limits, bad audio and a dropped
upload get clear errors and change nothing stored."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.conftest import FIXTURE_RUBRICS, auth
from tests.speech_support import silence, speak, whisper_model_dir

pytestmark = [pytest.mark.speech, pytest.mark.anyio]

TOPICS = ["optimisation", "regularisation"]
WAV = {"Content-Type": "audio/wav"}


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return whisper_model_dir()


@pytest.fixture(scope="session")
def spoken_model_answers(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Question id -> espeak-ng reading its model answer (WAV), for every question of the fixture bank."""
    from app.bank.loader import load_bank

    folder = tmp_path_factory.mktemp("spoken")
    bank = load_bank(FIXTURE_RUBRICS)
    return {q.id: speak(q.model_answer, folder / f"{q.id}.wav").read_bytes()
            for t in bank.topics.values() for q in t.questions}


def speech_settings(tmp: Path, model_dir: Path | None, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        _env_file=None, database_url=f"sqlite:///{tmp / 'viva.db'}", rubrics_dir=FIXTURE_RUBRICS,
        llm_base_url=None, llm_api_key=None, rate_limit_enabled=False, stt_cpu_threads=1,
        stt_model=str(model_dir) if model_dir else "base", stt_audio_dir=tmp / "audio",
    )
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def open_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://viva.test", timeout=60) as c:
            c.app = app  # type: ignore[attr-defined]
            yield c


@pytest.fixture
async def voice(tmp_path: Path, model_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for c in open_client(speech_settings(tmp_path, model_dir)):
        yield c


async def new_interview(client: httpx.AsyncClient, per_topic: int = 3) -> tuple[str, dict[str, str], dict]:
    created = (await client.post("/api/interviews", json={
        "topics": TOPICS, "questions_per_topic": per_topic, "max_follow_ups": 0})).json()
    return created["id"], auth(created["token"]), created["current"]


async def test_spoken_model_answers_grade_within_one_point_of_typed(
    voice: httpx.AsyncClient, spoken_model_answers: dict[str, bytes],
) -> None:
    """Hands-free: each recording is transcribed and submitted in one step, then graded like the same
    answer typed; the transcript marks the spoken answers, with their length."""
    from app.bank.loader import load_bank

    bank = load_bank(FIXTURE_RUBRICS)
    model_answer = {q.id: q.model_answer for t in bank.topics.values() for q in t.questions}
    spoken_id, spoken_auth, current = await new_interview(voice)
    spoken: dict[str, float] = {}
    heard: dict[str, str] = {}
    while current:
        reply = await voice.post(f"/api/interviews/{spoken_id}/speech/answer", params={"turn": current["turn"]},
                                 content=spoken_model_answers[current["question_id"]], headers={**spoken_auth, **WAV})
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["transcript"]["language"] == "en" and body["transcript"]["duration_seconds"] > 5
        spoken[current["question_id"]] = body["grade"]["overall"]
        heard[current["question_id"]] = body["transcript"]["text"]
        current = body["current"]
    typed_id, typed_auth, current = await new_interview(voice)
    typed: dict[str, float] = {}
    while current:
        body = (await voice.post(f"/api/interviews/{typed_id}/answers", headers=typed_auth,
                                 json={"text": model_answer[current["question_id"]], "turn": current["turn"]})).json()
        typed[current["question_id"]] = body["grade"]["overall"]
        current = body["current"]

    assert set(spoken) == set(typed) == set(model_answer)  # every question of the bank, spoken and typed
    gaps = {q: (typed[q], spoken[q], heard[q]) for q in typed if abs(typed[q] - spoken[q]) > 1}
    assert not gaps, gaps
    assert min(typed.values()) >= 3.5  # the model answers earn real credit, so "within 1" says something

    exported = (await voice.get(f"/api/interviews/{spoken_id}/transcript.json", headers=spoken_auth)).json()
    exchanges = [ex for q in exported["questions"] for ex in q["exchanges"]]
    assert all(ex["spoken"] and ex["spoken_seconds"] > 5 and ex["answer"] for ex in exchanges)
    typed_export = (await voice.get(f"/api/interviews/{typed_id}/transcript.json", headers=typed_auth)).json()
    assert not any(ex["spoken"] for q in typed_export["questions"] for ex in q["exchanges"])
    markdown = (await voice.get(f"/api/interviews/{spoken_id}/transcript.md", headers=spoken_auth)).text
    assert markdown.count("**Answer (spoken, ") == len(exchanges)


async def test_a_transcript_to_review_is_not_stored_until_sent(
    voice: httpx.AsyncClient, spoken_model_answers: dict[str, bytes],
) -> None:
    iid, headers, current = await new_interview(voice, per_topic=1)
    audio = spoken_model_answers[current["question_id"]]
    got = await voice.post(f"/api/interviews/{iid}/speech", params={"turn": current["turn"]}, content=audio,
                           headers={**headers, **WAV})
    assert got.status_code == 200, got.text
    heard = got.json()
    assert heard["turn"] == current["turn"] and heard["language"] == "en" and heard["duration_seconds"] > 5
    assert len(heard["text"].split()) > 15
    view = (await voice.get(f"/api/interviews/{iid}", headers=headers)).json()
    assert view["current"]["turn"] == current["turn"] and view["state"] == "awaiting_answer"  # nothing was submitted

    edited = heard["text"] + " (edited after listening back)"
    sent = await voice.post(f"/api/interviews/{iid}/answers", headers=headers, json={
        "text": edited, "turn": current["turn"], "spoken": {"seconds": heard["duration_seconds"]}})
    assert sent.status_code == 200, sent.text
    exported = (await voice.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
    first = exported["questions"][0]["exchanges"][0]
    assert first["answer"] == edited and first["spoken"] and first["spoken_seconds"] == heard["duration_seconds"]


async def test_limits_and_bad_audio_get_clear_errors_and_keep_the_turn(
    tmp_path: Path, model_dir: Path, spoken_model_answers: dict[str, bytes],
) -> None:
    settings = speech_settings(tmp_path, model_dir, stt_max_audio_bytes=400_000, stt_max_audio_seconds=6)
    long_answer = max(spoken_model_answers.values(), key=len)[:390_000]  # under the byte limit, ~8.8 s of speech
    async for client in open_client(settings):
        iid, headers, current = await new_interview(client, per_topic=1)
        url = f"/api/interviews/{iid}/speech"

        async def refused(content: bytes, status: int, code: str, kind: str = "audio/wav", **extra: str) -> dict:
            response = await client.post(url, content=content, headers={**headers, "Content-Type": kind, **extra})
            assert response.status_code == status, response.text
            error = response.json()["error"]
            assert error["code"] == code and error["hint"], error
            return error

        too_big = await refused(b"\0" * 500_000, 413, "payload_too_large")
        assert "400000 bytes" in too_big["message"]
        too_long = await refused(long_answer, 413, "payload_too_large")
        assert "6 seconds" in too_long["message"]
        not_audio = await refused(b'{"text": "not a recording"}' * 40, 422, "invalid_audio", "application/json")
        assert "WebM/Opus, OGG or WAV" in not_audio["hint"]
        await refused(b"", 422, "invalid_audio")
        quiet = await refused(silence(tmp_path / "quiet.wav", 3).read_bytes(), 422, "no_speech")
        assert "record again" in quiet["hint"] and "type" in quiet["hint"]
        stale = await client.post(url, params={"turn": current["turn"] + 1}, content=long_answer, headers={**headers, **WAV})
        assert stale.status_code == 409, stale.text
        stranger = await client.post(url, content=long_answer, headers={**auth("not-the-token"), **WAV})
        assert stranger.status_code == 404

        # Nothing of that was stored: the same prompt is open, and typing still works.
        view = (await client.get(f"/api/interviews/{iid}", headers=headers)).json()
        assert view["current"]["turn"] == current["turn"] and view["state"] == "awaiting_answer"
        typed = await client.post(f"/api/interviews/{iid}/answers", headers=headers,
                                  json={"text": "Typed after all that.", "turn": current["turn"]})
        assert typed.status_code == 200 and not list((tmp_path / "audio").glob("**/*"))  # recordings discarded


async def test_a_dropped_upload_changes_nothing(tmp_path: Path, model_dir: Path, spoken_model_answers: dict[str, bytes]) -> None:
    """The client goes away halfway through sending a hands-free answer: nothing is transcribed or stored."""
    async for client in open_client(speech_settings(tmp_path, model_dir)):
        iid, headers, current = await new_interview(client, per_topic=1)
        audio = next(iter(spoken_model_answers.values()))
        messages = [{"type": "http.request", "body": audio[: len(audio) // 2], "more_body": True},
                    {"type": "http.disconnect"}]
        sent: list[dict] = []

        async def receive() -> dict:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
            "path": f"/api/interviews/{iid}/speech/answer", "raw_path": f"/api/interviews/{iid}/speech/answer".encode(),
            "query_string": b"", "root_path": "", "server": ("viva.test", 80), "client": ("127.0.0.1", 1),
            "headers": [(b"host", b"viva.test"), (b"content-type", b"audio/wav"),
                        (b"authorization", headers["Authorization"].encode()), (b"content-length", str(len(audio)).encode())],
        }
        await client.app(scope, receive, send)  # type: ignore[attr-defined]
        assert sent[0]["status"] == 422  # said to nobody: the client has gone
        view = (await client.get(f"/api/interviews/{iid}", headers=headers)).json()
        assert view["current"]["turn"] == current["turn"] and view["state"] == "awaiting_answer"
        exported = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=headers)).json()
        assert exported["questions"][0]["exchanges"][0]["answer"] is None


async def test_transcriptions_run_off_the_event_loop_a_bounded_few_at_once(
    tmp_path: Path, model_dir: Path, spoken_model_answers: dict[str, bytes],
) -> None:
    """Three candidates record at once with VIVA_STT_CONCURRENCY=1: one transcription runs at a time,
    all three are transcribed, and meanwhile the server keeps answering other requests."""
    async for client in open_client(speech_settings(tmp_path, model_dir, stt_concurrency=1)):
        transcriber = client.app.state.speech.transcriber  # type: ignore[attr-defined]
        running, peak, guard = 0, 0, threading.Lock()
        transcribe_in_thread = transcriber._transcribe

        def counted(data: bytes, prompt: str | None) -> object:
            nonlocal running, peak
            with guard:
                running += 1
                peak = max(peak, running)
            try:
                return transcribe_in_thread(data, prompt)
            finally:
                with guard:
                    running -= 1

        transcriber._transcribe = counted
        interviews = [await new_interview(client, per_topic=1) for _ in range(3)]
        finished: list[str] = []

        async def record(iid: str, headers: dict[str, str], current: dict) -> None:
            response = await client.post(f"/api/interviews/{iid}/speech", content=spoken_model_answers[current["question_id"]],
                                         headers={**headers, **WAV})
            assert response.status_code == 200, response.text
            finished.append("transcript")

        async def read_meanwhile(iid: str, headers: dict[str, str]) -> None:
            await anyio.sleep(0.3)  # the transcriptions are under way
            assert (await client.get(f"/api/interviews/{iid}", headers=headers)).status_code == 200
            finished.append("read")

        async with anyio.create_task_group() as tasks:
            for iid, headers, current in interviews:
                tasks.start_soon(record, iid, headers, current)
            tasks.start_soon(read_meanwhile, interviews[0][0], interviews[0][1])
        assert peak == 1 and finished.count("transcript") == 3
        assert finished.index("read") < 2, finished  # answered while transcriptions were queued and running


async def test_kept_recordings_are_deleted_with_their_interview(
    tmp_path: Path, model_dir: Path, spoken_model_answers: dict[str, bytes],
) -> None:
    """VIVA_STT_KEEP_AUDIO keeps each recording beside its interview; retention deletes both together."""
    from app import retention

    settings = speech_settings(tmp_path, model_dir, stt_keep_audio=True, retention_days=1e-5)  # about 0.9 s
    async for client in open_client(settings):
        kept_id, kept_auth, current = await new_interview(client, per_topic=1)
        recording = spoken_model_answers[current["question_id"]]
        assert (await client.post(f"/api/interviews/{kept_id}/speech", content=recording, headers={**kept_auth, **WAV})).status_code == 200
        live_id, live_auth, current = await new_interview(client, per_topic=1)
        assert (await client.post(f"/api/interviews/{live_id}/speech", content=recording, headers={**live_auth, **WAV})).status_code == 200
        kept = list((tmp_path / "audio" / kept_id).iterdir())
        assert len(kept) == 1 and kept[0].read_bytes() == recording and kept[0].suffix == ".wav"
        await client.post(f"/api/interviews/{kept_id}/finish", headers=kept_auth)
        await anyio.sleep(1.2)
        _, deleted = await retention.sweep(client.app.state.service.store, settings)  # type: ignore[attr-defined]
        assert deleted == 1
        assert not (tmp_path / "audio" / kept_id).exists() and (tmp_path / "audio" / live_id).is_dir()


async def test_with_voice_off_the_page_is_told_and_recordings_are_refused(tmp_path: Path) -> None:
    async for client in open_client(speech_settings(tmp_path, None, stt_enabled=False)):
        status = (await client.get("/api/speech")).json()
        assert status["available"] is False and "VIVA_STT_ENABLED" in status["detail"]
        iid, headers, _ = await new_interview(client, per_topic=1)
        refused = await client.post(f"/api/interviews/{iid}/speech", content=b"RIFF" + b"\0" * 100, headers={**headers, **WAV})
        assert refused.status_code == 503
        assert refused.json()["error"]["code"] == "speech_unavailable" and "type" in refused.json()["error"]["hint"]


def test_doctor_says_whether_speech_to_text_is_ready(tmp_path: Path, model_dir: Path) -> None:
    from app.cli import describe_speech

    assert describe_speech(speech_settings(tmp_path, model_dir)) == f"speech-to-text: ready (model folder {model_dir})"
    assert "off (VIVA_STT_ENABLED=false)" in describe_speech(speech_settings(tmp_path, model_dir, stt_enabled=False))
    empty = tmp_path / "empty-model"
    empty.mkdir()
    assert "model.bin missing" in describe_speech(speech_settings(tmp_path, None, stt_model=str(empty)))
    assert "neither a Whisper size" in describe_speech(speech_settings(tmp_path, None, stt_model="huge-v9"))


async def test_without_faster_whisper_the_page_is_told_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make run` installs no voice extra: the app serves, says voice is missing and how to add it."""
    from app.speech import transcriber

    monkeypatch.setattr(transcriber, "installed", lambda: False)
    async for client in open_client(speech_settings(tmp_path, None)):
        status = (await client.get("/api/speech")).json()
        assert status["available"] is False and "pip install -e '.[voice]'" in status["detail"]
        iid, headers, _ = await new_interview(client, per_topic=1)
        refused = await client.post(f"/api/interviews/{iid}/speech", content=b"RIFF" + b"\0" * 100, headers={**headers, **WAV})
        assert refused.status_code == 503 and "faster-whisper is not installed" in refused.json()["error"]["message"]
