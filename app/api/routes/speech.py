"""The speech API: whether voice is available, and recorded answers transcribed (to review, or
submitted hands-free). The recording is the raw request body (``Content-Type: audio/webm``,
``audio/ogg`` or ``audio/wav``), so no form parsing is involved."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.requests import ClientDisconnect

from app.api.deps import SpeechDep, TokenDep, limit_answers, limit_reads
from app.api.errors import ERROR_RESPONSES, error_response
from app.errors import InvalidAudio, PayloadTooLarge
from app.speech.views import SpeechStatus, SpokenReply, Transcription

log = logging.getLogger("viva.speech")

router = APIRouter(tags=["speech"], responses={
    **ERROR_RESPONSES,
    413: error_response("The recording is over VIVA_STT_MAX_AUDIO_BYTES or VIVA_STT_MAX_AUDIO_SECONDS"),
    422: error_response("The recording cannot be decoded (invalid_audio) or no words were heard (no_speech)"),
    503: error_response("Speech-to-text is off, not installed, or its model cannot load: type the answer"),
})

AUDIO_BODY = {"requestBody": {"required": True, "content": {
    kind: {"schema": {"type": "string", "format": "binary"}}
    for kind in ("audio/webm", "audio/ogg", "audio/wav", "application/octet-stream")}}}
TurnQuery = Annotated[int | None, Query(description="The 'turn' being answered (from 'current'); 409 if the interview moved on")]


@router.get("/api/speech", dependencies=[Depends(limit_reads)])
async def speech_status(speech: SpeechDep) -> SpeechStatus:
    """Whether spoken answers can be transcribed on this server (the page hides voice when not)."""
    return await speech.status()


@router.post("/api/interviews/{interview_id}/speech", dependencies=[Depends(limit_answers)], openapi_extra=AUDIO_BODY)
async def transcribe(interview_id: str, request: Request, speech: SpeechDep, token: TokenDep, turn: TurnQuery = None) -> Transcription:
    """Transcribe a recorded answer to the open prompt without submitting it, so the candidate can
    review and edit it; send it through POST /answers with ``spoken``. Nothing is stored."""
    prompt = await speech.open_prompt(interview_id, token, turn)
    audio = await _recording(request, speech.settings.stt_max_audio_bytes)
    return await speech.transcribe(prompt, audio, request.headers.get("content-type", ""))


@router.post("/api/interviews/{interview_id}/speech/answer", dependencies=[Depends(limit_answers)], openapi_extra=AUDIO_BODY)
async def answer_spoken(interview_id: str, request: Request, speech: SpeechDep, token: TokenDep, turn: TurnQuery = None) -> SpokenReply:
    """Hands-free: transcribe the recording and submit it as the answer (stored as spoken, with its
    length); returns the interviewer's reply and what was heard."""
    prompt = await speech.open_prompt(interview_id, token, turn)
    audio = await _recording(request, speech.settings.stt_max_audio_bytes)
    return await speech.answer(prompt, audio, request.headers.get("content-type", ""))


async def _recording(request: Request, max_bytes: int) -> bytes:
    """The whole body, refused past ``max_bytes``. A client that drops mid-upload raises
    ``ClientDisconnect`` here, before anything is transcribed or stored."""
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                raise PayloadTooLarge(f"the recording is larger than {max_bytes} bytes",
                                      hint="record a shorter answer (VIVA_STT_MAX_AUDIO_BYTES sets the limit)")
    except ClientDisconnect:
        # Nobody reads this reply; it ends the request quietly, with nothing transcribed or stored.
        log.info("a recording's upload was cut off; nothing was stored")
        raise InvalidAudio("the upload was cut off before the recording arrived whole", code="upload_incomplete",
                           hint="send the recording again") from None
    if not body:
        raise InvalidAudio("the request carried no recording",
                           hint="send the audio as the request body (Content-Type: audio/webm, audio/ogg or audio/wav)")
    return bytes(body)
