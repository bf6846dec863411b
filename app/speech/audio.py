"""Recordings in, 16 kHz mono samples out (what Whisper reads), within the duration limit.

PyAV (faster-whisper's own decoder) reads WebM/Opus from browsers, WAV and OGG alike, sniffing the
format from the bytes. Decoding stops as soon as the recording passes the limit, so a long recording
costs no more than the limit's worth of work and memory.
"""

from __future__ import annotations

import io
import logging
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import InvalidAudio, PayloadTooLarge

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16_000
FORMATS_HINT = "send the recording as WebM/Opus, OGG or WAV (what the browser's recorder makes)"
SUFFIXES = {"audio/webm": "webm", "audio/ogg": "ogg", "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav"}

log = logging.getLogger("viva.speech")


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    samples: "np.ndarray"  # float32, mono, SAMPLE_RATE
    seconds: float


def decode_recording(data: bytes, max_seconds: float) -> DecodedAudio:
    """Decode a recording; ``InvalidAudio`` (422) if it is not audio, ``PayloadTooLarge`` (413) past
    ``max_seconds``. Runs in a worker thread."""
    import av
    import numpy as np

    if not data:
        raise InvalidAudio("the recording is empty", hint="record again (hold the microphone button while you speak) or type")
    limit = int(max_seconds * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    count = 0
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InvalidAudio("the upload holds no audio track", hint=FORMATS_HINT)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(container.streams.audio[0]):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    count += chunk.size
                    if count > limit:
                        raise PayloadTooLarge(
                            f"the recording is longer than the limit of {max_seconds:g} seconds",
                            hint="record a shorter answer, or send it in parts (VIVA_STT_MAX_AUDIO_SECONDS sets the limit)",
                        )
                    chunks.append(chunk)
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise InvalidAudio(f"the upload could not be decoded as audio ({type(exc).__name__})", hint=FORMATS_HINT) from None
    samples = (np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)).astype(np.float32) / 32768.0
    if samples.size == 0:
        raise InvalidAudio("the recording holds no sound", hint="check the microphone and record again, or type")
    return DecodedAudio(samples, round(samples.size / SAMPLE_RATE, 2))


def prune_recordings(directory: Path, alive: Callable[[list[str]], set[str]]) -> int:
    """Delete kept recordings of interviews that no longer exist (retention deleted them); how many
    interviews' recordings went. ``alive``: which of the given interview ids still exist."""
    folders = [p for p in directory.iterdir() if p.is_dir()] if directory.is_dir() else []
    living = alive([p.name for p in folders]) if folders else set()
    gone = [p for p in folders if p.name not in living]
    for folder in gone:
        shutil.rmtree(folder, ignore_errors=True)
    return len(gone)


def keep_recording(directory: Path, interview_id: str, turn: int, data: bytes, content_type: str) -> Path:
    """Store a recording (only when VIVA_STT_KEEP_AUDIO is set): <dir>/<interview>/<turn>-<random>.<ext>."""
    suffix = SUFFIXES.get(content_type.split(";")[0].strip().lower(), "audio")
    folder = directory / interview_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{turn}-{secrets.token_hex(4)}.{suffix}"
    path.write_bytes(data)
    return path
