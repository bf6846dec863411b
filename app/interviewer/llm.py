"""The LLM interviewer: streams the spoken words between questions and writes the final summary.

It never writes the next question (the service appends it verbatim) and is never shown the model
answer. Any fault falls back to the offline wording - mid-stream, only if nothing was said yet - so
the interview always goes on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from pydantic import BaseModel

from app.llm.usage import OnUsage
from app.interviewer.base import Interviewer, ReplyContext, Summary, SummaryContext
from app.interviewer.offline import compose_reply, offline_summary
from app.llm.client import LLMClient
from app.llm.prompts import Prompts

log = logging.getLogger(__name__)

TURN_TEMPLATE = "interviewer_turn.md.j2"
SUMMARY_TEMPLATE = "final_summary.md.j2"


class TopicGap(BaseModel):
    topic: str
    points: list[str] = []


class SummaryOutput(BaseModel):
    strengths: list[str] = []
    gaps: list[TopicGap] = []
    study_next: list[str] = []
    text: str = ""


class LLMInterviewer(Interviewer):
    def __init__(self, client: LLMClient, *, prompts: Prompts | None = None, max_tokens: int = 160, summary_max_tokens: int = 700) -> None:
        self.client = client
        self.prompts = prompts or Prompts()
        self.max_tokens = max_tokens
        self.summary_max_tokens = summary_max_tokens
        self.name = client.name

    def render_turn(self, ctx: ReplyContext) -> list[dict[str, str]]:
        grade = ctx.grade
        summary = None
        missed: list[str] = []
        if grade is not None and ctx.show_feedback and not ctx.next_is_follow_up:
            summary = f"score {grade.overall:.1f}/5. {grade.feedback.strip()}".strip()
            missed = [m.text for m in grade.missed[:3]]
        return self.prompts.render(TURN_TEMPLATE, ctx=ctx, grade_summary=summary, missed=missed)

    async def stream_reply(self, ctx: ReplyContext, on_usage: OnUsage | None = None) -> AsyncIterator[str]:
        """Yield the reply as the model writes it. ``on_usage`` (optional) receives the call's token
        usage when the stream ends. Never raises."""
        said = False
        try:
            stream = self.client.stream_text(self.render_turn(ctx), max_tokens=self.max_tokens)
            async for chunk in stream:
                if not said:
                    chunk = chunk.lstrip()
                    if not chunk:
                        continue
                said = True
                yield chunk
            if on_usage is not None and stream.usage is not None:
                on_usage(stream.usage)
        except Exception as exc:  # noqa: BLE001 - the interview must go on whatever the endpoint does
            log.warning("LLM interviewer failed (%s); offline wording instead", getattr(exc, "code", type(exc).__name__))
        if not said:
            yield compose_reply(ctx)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def summarize(self, ctx: SummaryContext) -> Summary:
        try:
            messages = self.prompts.render(SUMMARY_TEMPLATE, topics=ctx.topics, overall=ctx.overall)
            out, usage = await self.client.complete_structured(messages, SummaryOutput, max_tokens=self.summary_max_tokens)
        except Exception as exc:  # noqa: BLE001
            log.warning("LLM summary failed (%s); offline summary instead", getattr(exc, "code", type(exc).__name__))
            return offline_summary(ctx)
        if not out.text.strip():
            fallback = offline_summary(ctx)
            return fallback.model_copy(update={"usage": usage})
        titles = {t.title for t in ctx.topics}
        gaps = {g.topic: [p.strip() for p in g.points if p.strip()][:5] for g in out.gaps if g.topic in titles}
        return Summary(
            strengths=[s.strip() for s in out.strengths if s.strip()][:5],
            gaps={k: v for k, v in gaps.items() if v},
            study_next=[s.strip() for s in out.study_next if s.strip()][:6],
            text=out.text.strip()[:2000],
            examiner=self.name,
            usage=usage,
        )
