"""Speech to text with faster-whisper (CTranslate2), on this machine.

The model is loaded once, lazily, on the first recording (or by ``warm_up``), in a worker thread: a
Whisper size is downloaded once into the Hugging Face cache (the log says so and shows progress), a
folder is loaded as it is. Transcriptions run in worker threads, at most ``stt_concurrency`` at once
(each is CPU-bound; more would only slow all of them), so the event loop never waits on one.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyio import to_thread

from app.config import Settings
from app.errors import InvalidAudio, SpeechUnavailable
from app.speech.audio import DecodedAudio, decode_recording

log = logging.getLogger("viva.speech")

INSTALL_HINT = "install the voice extra: pip install -e '.[voice]' (faster-whisper), then restart"
# Sizes faster-whisper knows by name (it downloads them from its Hugging Face mirrors).
WHISPER_SIZES = ("tiny", "tiny.en", "base", "base.en", "small", "small.en", "medium", "medium.en",
                 "large-v1", "large-v2", "large-v3", "large", "distil-large-v3", "turbo", "large-v3-turbo")
# The question steers spelling of its terms ("batch norm", not "bad snorm"); cut to stay a short prompt.
PROMPT_CHARS = 300


@dataclass(frozen=True, slots=True)
class TranscribedAudio:
    text: str
    language: str
    seconds: float  # the recording's length
    took_seconds: float  # decoding and transcription


@functools.cache
def installed() -> bool:
    return importlib.util.find_spec("faster_whisper") is not None


def readiness(settings: Settings) -> tuple[bool, str]:
    """Whether speech-to-text can run with these settings, and what to say about it (no model load)."""
    if not settings.stt_enabled:
        return False, "off (VIVA_STT_ENABLED=false)"
    if not installed():
        return False, f"off - faster-whisper is not installed ({INSTALL_HINT})"
    model = settings.stt_model
    if Path(model).is_dir():
        if not (Path(model) / "model.bin").is_file():
            return False, f"off - {model} holds no CTranslate2 model (model.bin missing)"
        return True, f"ready (model folder {model})"
    if model not in WHISPER_SIZES:
        return False, f"off - VIVA_STT_MODEL={model!r} is neither a Whisper size ({', '.join(WHISPER_SIZES[:9])}, ...) nor a folder"
    if _cached(model):
        return True, f"ready (Whisper {model}, cached)"
    return True, f"ready (Whisper {model} is downloaded once, on the first recording)"


def _cached(size: str) -> bool:
    from faster_whisper.utils import download_model

    try:
        download_model(size, local_files_only=True)
    except Exception:  # noqa: BLE001 - any failure means "not in the cache"
        return False
    return True


class Transcriber:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._slots = asyncio.Semaphore(settings.stt_concurrency)

    @property
    def ready(self) -> tuple[bool, str]:
        return readiness(self.settings)

    async def transcribe(self, data: bytes, prompt: str | None = None) -> TranscribedAudio:
        """Decode and transcribe one recording. ``InvalidAudio`` when it is not audio or no words were
        heard, ``PayloadTooLarge`` past the duration limit, ``SpeechUnavailable`` when the model cannot run."""
        if not (self.settings.stt_enabled and installed()):
            raise SpeechUnavailable(f"speech-to-text is {readiness(self.settings)[1]}", hint="type the answer instead")
        async with self._slots:
            return await to_thread.run_sync(self._transcribe, data, prompt)

    async def warm_up(self) -> None:
        """Load the model now (`viva doctor`, the bench), rather than on the first recording."""
        await to_thread.run_sync(self._load)

    def _transcribe(self, data: bytes, prompt: str | None) -> TranscribedAudio:
        started = time.perf_counter()
        audio: DecodedAudio = decode_recording(data, self.settings.stt_max_audio_seconds)
        model = self._load()
        segments, info = model.transcribe(
            audio.samples, language=self.settings.stt_language, beam_size=5, vad_filter=True,
            condition_on_previous_text=False, initial_prompt=(prompt or "")[:PROMPT_CHARS] or None,
        )
        text = " ".join(s.text.strip() for s in segments).strip()
        took = time.perf_counter() - started
        log.info("transcribed", extra={"audio_seconds": audio.seconds, "ms": round(took * 1000), "chars": len(text)})
        if not text:
            raise InvalidAudio(
                "no words were heard in the recording", code="no_speech",
                hint="check the microphone and speak closer to it, then record again; or type the answer",
            )
        return TranscribedAudio(text=text, language=info.language, seconds=audio.seconds, took_seconds=round(took, 3))

    def _load(self) -> Any:
        with self._load_lock:
            if self._model is None:
                self._model = self._open()
            return self._model

    def _open(self) -> Any:
        ok, why = self.ready
        if not ok:
            raise SpeechUnavailable(f"speech-to-text is {why}", hint="type the answer instead")
        from faster_whisper import WhisperModel

        name = self.settings.stt_model
        if not Path(name).is_dir() and not _cached(name):
            log.warning("downloading the Whisper model %r once (it is cached for later starts); progress follows", name)
        started = time.perf_counter()
        try:
            model = WhisperModel(name, device="cpu", compute_type=self.settings.stt_compute_type,
                                 cpu_threads=self.settings.stt_cpu_threads)
        except Exception as exc:  # noqa: BLE001 - a bad folder, a failed download, an unknown compute type
            log.error("the speech-to-text model %r could not be loaded: %s", name, type(exc).__name__)
            raise SpeechUnavailable(
                f"the speech-to-text model could not be loaded ({type(exc).__name__})",
                hint="type the answer instead; the operator can check VIVA_STT_MODEL with `viva doctor`",
            ) from None
        log.info("speech-to-text model loaded", extra={"model": name, "ms": round((time.perf_counter() - started) * 1000)})
        return model
