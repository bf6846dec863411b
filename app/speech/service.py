"""Spoken answers over the interview service: check the interview, transcribe, and (hands-free) submit.

Nothing is stored until a transcript exists: a recording that fails to decode, holds no words, or
whose upload is cut off leaves the interview exactly as it was, the prompt still open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from anyio import to_thread

from app.config import Settings
from app.errors import InvalidTransition
from app.records import SpokenAnswer
from app.service import InterviewService
from app.speech.audio import keep_recording
from app.speech.transcriber import Transcriber
from app.speech.views import SpeechStatus, SpokenReply, Transcription

log = logging.getLogger("viva.speech")


@dataclass(frozen=True, slots=True)
class OpenPrompt:
    """The prompt a recording answers, as checked with the interview's token."""

    interview_id: str
    token: str | None
    turn: int
    text: str


class SpeechService:
    def __init__(self, settings: Settings, interviews: InterviewService, transcriber: Transcriber | None = None) -> None:
        self.settings = settings
        self.interviews = interviews
        self.transcriber = transcriber or Transcriber(settings)

    async def status(self) -> SpeechStatus:
        available, detail = await to_thread.run_sync(lambda: self.transcriber.ready)
        return SpeechStatus(available=available, detail=detail, max_audio_seconds=self.settings.stt_max_audio_seconds,
                            max_audio_bytes=self.settings.stt_max_audio_bytes)

    async def open_prompt(self, interview_id: str, token: str | None, turn: int | None = None) -> OpenPrompt:
        """The prompt a recording answers. Checked before the recording is read: nobody spends the
        server's CPU or bandwidth on an interview that is not theirs or not waiting for an answer."""
        view = await self.interviews.view(interview_id, token)
        if view.current is None or (turn is not None and turn != view.current.turn):
            raise InvalidTransition(
                "this interview is not waiting for an answer to that turn" if view.current
                else "this interview is not waiting for an answer",
                state=view.state.value, hint="reload the interview to see where it stands; nothing was changed",
            )
        return OpenPrompt(interview_id, token, view.current.turn, view.current.text)

    async def transcribe(self, prompt: OpenPrompt, audio: bytes, content_type: str) -> Transcription:
        """The transcript of a recorded answer to ``prompt``, not submitted (the candidate reviews it)."""
        heard = await self.transcriber.transcribe(audio, prompt=prompt.text)
        if self.settings.stt_keep_audio:
            await to_thread.run_sync(keep_recording, self.settings.stt_audio_dir, prompt.interview_id, prompt.turn,
                                     audio, content_type)
        return Transcription(text=heard.text, language=heard.language, duration_seconds=heard.seconds,
                             transcribe_seconds=heard.took_seconds, turn=prompt.turn)

    async def answer(self, prompt: OpenPrompt, audio: bytes, content_type: str) -> SpokenReply:
        """Hands-free: transcribe and submit the transcript as the answer in one step (refused with 409,
        nothing stored, if the interview moved on meanwhile)."""
        heard = await self.transcribe(prompt, audio, content_type)
        reply = await self.interviews.answer(prompt.interview_id, prompt.token, heard.text, turn=prompt.turn,
                                             spoken=SpokenAnswer(heard.duration_seconds))
        return SpokenReply(**reply.model_dump(), transcript=heard)
