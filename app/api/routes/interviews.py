"""The interview API: create, answer (plain or streamed), skip, finish, read, transcripts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sse_starlette.sse import EventSourceResponse

from app.api.deps import OptionalProfileDep, ProfilesDep, ServiceDep, TokenDep, limit_answers, limit_creation, limit_reads
from app.api.errors import ERROR_RESPONSES, error_of
from app.engine.plan import InterviewOptions
from app.records import SpokenAnswer
from app.transcript.export import MEDIA_TYPES, content_disposition
from app.transcript.markdown import render_markdown
from app.transcript.model import Transcript
from app.views import CreatedInterview, HistoryEntry, InterviewView, TurnReply

router = APIRouter(prefix="/api/interviews", tags=["interviews"], responses=ERROR_RESPONSES)

class SpokenIn(BaseModel):
    """Voice: the answer was transcribed from a recording (POST /speech), reviewed, perhaps edited."""

    seconds: float = Field(ge=0, le=3600, description="The recording's length (the transcript's duration_seconds)")


class AnswerIn(BaseModel):
    text: str = Field(description="The candidate's answer (size limit: VIVA_MAX_ANSWER_CHARS, default 8000)")
    turn: int | None = Field(
        default=None,
        description="The 'turn' of the prompt being answered (from 'current'). When given and the interview has "
        "moved on (another tab answered), the answer is refused with 409 instead of answering the next question.",
    )
    code: str | None = Field(
        default=None, description="Code questions: the solution, run against the hidden tests before the answer "
        "(the explanation in 'text') is graded. Without it, the last code submitted for the question counts.",
    )
    spoken: SpokenIn | None = Field(default=None, description="Set when the answer was spoken (transcribed by POST /speech)")

    @property
    def spoken_answer(self) -> SpokenAnswer | None:
        return SpokenAnswer(self.spoken.seconds) if self.spoken else None


class TurnIn(BaseModel):
    turn: int | None = Field(
        default=None,
        description="The 'turn' of the prompt being skipped or finished on; 409 if the interview has moved on.",
    )


@router.post("", status_code=201, dependencies=[Depends(limit_creation)])
async def create_interview(
    options: InterviewOptions, service: ServiceDep, profiles: ProfilesDep, profile: OptionalProfileDep,
) -> CreatedInterview:
    """Start an interview; the reply carries its secret token and the first question. With a profile key
    (the ``X-Viva-Profile`` header) or a signed-in session the interview belongs to that profile;
    ``review`` needs one."""
    profile_id, plan = await profiles.owner_of_new_interview(profile, options)
    return await service.create(plan.options if plan else options, profile_id=profile_id, plan=plan)


class Credential(BaseModel):
    id: str = Field(max_length=64)
    token: str = Field(max_length=128)


class LookupIn(BaseModel):
    interviews: list[Credential] = Field(max_length=200, description="The id and token pairs a browser kept")


@router.post("/lookup", dependencies=[Depends(limit_reads)])
async def lookup(body: LookupIn, service: ServiceDep) -> list[HistoryEntry]:
    """Several interviews at once (a browser's history); pairs that do not match are left out."""
    return await service.history({c.id: c.token for c in body.interviews})


@router.get("/{interview_id}", dependencies=[Depends(limit_reads)])
async def get_interview(interview_id: str, service: ServiceDep, token: TokenDep) -> InterviewView:
    """State, progress and the question awaiting an answer."""
    return await service.view(interview_id, token)


@router.post("/{interview_id}/answers", dependencies=[Depends(limit_answers)])
async def answer(interview_id: str, body: AnswerIn, service: ServiceDep, token: TokenDep) -> TurnReply:
    """Answer the current question or follow-up; returns the interviewer's reply."""
    return await service.answer(interview_id, token, body.text, turn=body.turn, code=body.code, spoken=body.spoken_answer)


@router.post("/{interview_id}/answers/stream", response_class=EventSourceResponse, dependencies=[Depends(limit_answers)])
async def answer_streamed(interview_id: str, body: AnswerIn, service: ServiceDep, token: TokenDep) -> EventSourceResponse:
    """Like POST /answers, as Server-Sent Events: ``delta`` chunks of the reply, then ``reply`` or ``error``."""
    # Refusals (401/404/409/413) are plain HTTP errors: the answer is checked and stored before the stream starts.
    accepted = await service.accept_answer(interview_id, token, body.text, turn=body.turn, code=body.code,
                                          spoken=body.spoken_answer)

    async def events() -> AsyncIterator[dict[str, str]]:
        async for event in service.reply_events(accepted):
            if event.kind == "delta":
                yield {"event": "delta", "data": json.dumps({"text": event.text})}
            elif event.reply is not None:
                yield {"event": "reply", "data": event.reply.model_dump_json()}
            elif event.error is not None:
                yield {"event": "error", "data": json.dumps(error_of(event.error)[0])}

    return EventSourceResponse(events(), ping=10)


@router.post("/{interview_id}/skip", dependencies=[Depends(limit_answers)])
async def skip(interview_id: str, service: ServiceDep, token: TokenDep, body: TurnIn | None = None) -> TurnReply:
    """Skip the current question or follow-up (a skipped question scores 0)."""
    return await service.skip(interview_id, token, turn=body.turn if body else None)


@router.post("/{interview_id}/finish", dependencies=[Depends(limit_answers)])
async def finish(interview_id: str, service: ServiceDep, token: TokenDep, body: TurnIn | None = None) -> TurnReply:
    """End the interview now; questions not reached are left out of the scores."""
    return await service.finish(interview_id, token, turn=body.turn if body else None)


@router.post("/{interview_id}/retry", dependencies=[Depends(limit_answers)])
async def retry(interview_id: str, service: ServiceDep, token: TokenDep, body: TurnIn | None = None) -> TurnReply:
    """Practice mode, after a question's feedback: ask the same question again (every attempt is kept;
    the last one counts)."""
    return await service.review(interview_id, token, again=True, turn=body.turn if body else None)


@router.post("/{interview_id}/next", dependencies=[Depends(limit_answers)])
async def next_question(interview_id: str, service: ServiceDep, token: TokenDep, body: TurnIn | None = None) -> TurnReply:
    """Practice mode, after a question's feedback: go on to the next question."""
    return await service.review(interview_id, token, again=False, turn=body.turn if body else None)


@router.get("/{interview_id}/transcript.json", dependencies=[Depends(limit_reads)])
async def transcript_json(interview_id: str, service: ServiceDep, token: TokenDep, response: Response) -> Transcript:
    """The scored transcript as JSON (schema: schemas/transcript.v1.schema.json, described in docs/transcript.md)."""
    transcript = await service.transcript(interview_id, token)
    response.headers["Content-Disposition"] = content_disposition(transcript, "json")
    return transcript


@router.get("/{interview_id}/transcript.md", response_class=PlainTextResponse, dependencies=[Depends(limit_reads)])
async def transcript_markdown(interview_id: str, service: ServiceDep, token: TokenDep) -> PlainTextResponse:
    """The scored transcript as Markdown (candidate text escaped: it cannot inject markup)."""
    transcript = await service.transcript(interview_id, token)
    return PlainTextResponse(
        render_markdown(transcript), media_type=MEDIA_TYPES["md"],
        headers={"Content-Disposition": content_disposition(transcript, "md")},
    )


@router.get("/{interview_id}/transcript.pdf", response_class=Response, dependencies=[Depends(limit_reads)],
            responses={200: {"content": {"application/pdf": {}}, "description": "The transcript as PDF"}})
async def transcript_pdf(
    interview_id: str, service: ServiceDep, token: TokenDep,
    paper: Annotated[Literal["a4", "letter"], Query(description="Paper size")] = "a4",
) -> Response:
    """The scored transcript as PDF, with the per-topic chart; ``?paper=letter`` for US Letter."""
    transcript, data = await service.transcript_pdf(interview_id, token, paper)
    return Response(data, media_type=MEDIA_TYPES["pdf"],
                    headers={"Content-Disposition": content_disposition(transcript, "pdf")})
