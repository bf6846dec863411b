"""Response shapes of the speech API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.views import TurnReply


class Transcription(BaseModel):
    text: str = Field(description="What was heard; put it in the answer box to review and edit before sending")
    language: str = Field(description="Language code Whisper heard (or the one configured)")
    duration_seconds: float = Field(description="The recording's length")
    transcribe_seconds: float = Field(description="How long decoding and transcription took on the server")
    turn: int = Field(description="The turn this recording answers; send it back with the answer")


class SpokenReply(TurnReply):
    transcript: Transcription = Field(description="What was heard and submitted as the answer")


class SpeechStatus(BaseModel):
    available: bool = Field(description="Whether recorded answers can be transcribed here")
    detail: str = Field(description="Why not, or which model")
    max_audio_seconds: float
    max_audio_bytes: int
