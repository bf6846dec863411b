"""The LLM examiner: grades a question's thread with a model behind any OpenAI-compatible endpoint.

The model's JSON is never trusted as is. In code: scores are clamped to 0-5 and kept only for the
topic's criteria, the overall is recomputed with ``weighted_overall``, quotes not found in the
candidate's answers are dropped (flag ``quote_not_found``) and a key point without a real quote
counts as missed. Empty and "I don't know" threads score 0 without a call. On any ``LLMError`` after
the client's retries, or once the interview's token budget is spent, the fallback (offline)
examiner grades and the grade is flagged ``fallback:<code>``.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field

from app.bank.schema import KeyPoint, derive_key_points
from app.errors import LLMBadOutput, LLMError
from app.examiners.base import CoveredPoint, Examiner, Grade, GradingRequest, MissedPoint, TokenUsage, weighted_overall
from app.examiners.guards import is_non_answer
from app.llm.client import LLMClient
from app.llm.prompts import Prompts
from app.llm.quotes import find_quote

log = logging.getLogger(__name__)

TEMPLATE = "grading.md.j2"
MAX_FEEDBACK_CHARS = 1200
MAX_FOLLOW_UP_CHARS = 300


class CriterionScoreOut(BaseModel):
    criterion_id: str
    score: float


class CoveredOut(BaseModel):
    key_point_id: str
    quote: str


class GradingOutput(BaseModel):
    """What the model is asked to return (lists, not maps, so that strict json_schema can express it)."""

    scores: list[CriterionScoreOut] = []
    overall: float = 0.0
    covered: list[CoveredOut] = []
    missed: list[str] = Field(default=[], description="ids of key points missing or wrong")
    feedback: str = ""
    follow_up_warranted: bool = False
    follow_up: str = ""
    follow_up_point: str = ""


class LLMExaminer(Examiner):
    def __init__(
        self,
        client: LLMClient,
        fallback: Examiner,
        *,
        prompts: Prompts | None = None,
        max_tokens: int = 900,
    ) -> None:
        self.client = client
        self.fallback = fallback
        self.prompts = prompts or Prompts()
        self.max_tokens = max_tokens
        self.name = client.name

    async def grade_answer(self, request: GradingRequest) -> Grade:
        if all(is_non_answer(answer) for answer in request.answers):
            return zero_grade(request)
        if request.token_budget is not None and request.tokens_used_so_far >= request.token_budget:
            return await self._fallback(request, "token_budget")
        messages = self.render(request)
        try:
            output, usage = await self.client.complete_structured(messages, GradingOutput, max_tokens=self.max_tokens)
            criteria = {c.id for c in request.topic.criteria}
            if not any(item.criterion_id in criteria for item in output.scores):
                # e.g. a truncated reply whose first inner object ({"criterion_id": ..}) parsed as an
                # empty grade: that is garbage, not a grade of 0.
                raise LLMBadOutput("the LLM reply scored none of the topic's criteria")
        except LLMError as exc:
            log.warning("LLM grading failed (%s); the offline examiner grades", exc.code)
            return await self._fallback(request, exc.code)
        return self.post_process(request, output, usage)

    def render(self, request: GradingRequest) -> list[dict[str, str]]:
        return self.prompts.render(
            TEMPLATE,
            topic=request.topic,
            question=request.question,
            criteria=request.topic.criteria,
            key_points=key_points_of(request),
            thread=request.thread,
        )

    async def _fallback(self, request: GradingRequest, code: str) -> Grade:
        grade = await self.fallback.grade_answer(request)
        return grade.model_copy(update={"flags": [*grade.flags, f"fallback:{code}"]})

    def post_process(self, request: GradingRequest, out: GradingOutput, usage: TokenUsage) -> Grade:
        flags: list[str] = []
        criteria = [c.id for c in request.topic.criteria]
        scores: dict[str, int] = {}
        for item in out.scores:
            if item.criterion_id not in criteria:
                _flag(flags, "unknown_criterion")
                continue
            clamped = max(0, min(5, round(item.score)))
            if clamped != item.score:
                _flag(flags, "score_clamped")
            scores.setdefault(item.criterion_id, clamped)
        for cid in criteria:
            if cid not in scores:
                _flag(flags, "score_missing")
                scores[cid] = 0

        points = {kp.id: kp for kp in key_points_of(request)}
        covered: dict[str, CoveredPoint] = {}
        for item in out.covered:
            kp = points.get(item.key_point_id)
            if kp is None:
                _flag(flags, "unknown_key_point")
                continue
            exact = find_quote(item.quote, request.answers)
            if exact is None:
                _flag(flags, "quote_not_found")
                continue
            covered.setdefault(kp.id, CoveredPoint(key_point_id=kp.id, text=kp.text, quote=exact))
        missed = [MissedPoint(key_point_id=kp.id, text=kp.text, weight=kp.weight) for kp in points.values() if kp.id not in covered]

        follow_up, follow_up_point = self._follow_up(out, missed, points)
        return Grade(
            scores=scores,
            overall=weighted_overall(request.topic, scores),  # never the model's arithmetic
            covered=list(covered.values()),
            missed=missed,
            feedback=out.feedback.strip()[:MAX_FEEDBACK_CHARS],
            follow_up=follow_up,
            follow_up_point=follow_up_point,
            examiner=self.name,
            flags=flags,
            usage=usage,
        )

    @staticmethod
    def _follow_up(out: GradingOutput, missed: list[MissedPoint], points: dict[str, KeyPoint]) -> tuple[str | None, str | None]:
        if not out.follow_up_warranted or not missed:
            return None, None
        missed_ids = [m.key_point_id for m in sorted(missed, key=lambda m: -m.weight)]
        target = out.follow_up_point if out.follow_up_point in missed_ids else missed_ids[0]
        text = " ".join(out.follow_up.split())[:MAX_FOLLOW_UP_CHARS]
        if not text:
            text = points[target].probe or ""
        return (text or None), (target if text else None)


def key_points_of(request: GradingRequest) -> tuple[KeyPoint, ...]:
    return request.question.key_points or derive_key_points(request.question.model_answer)


def zero_grade(request: GradingRequest) -> Grade:
    """The grade of an empty or "I don't know" thread, given without calling any model."""
    scores = {c.id: 0 for c in request.topic.criteria}
    return Grade(
        scores=scores,
        overall=0.0,
        missed=[MissedPoint(key_point_id=kp.id, text=kp.text, weight=kp.weight) for kp in key_points_of(request)],
        feedback="No answer was given, so this question scores 0. That's fine in practice - note it as a topic to study.",
        examiner="offline",
        flags=["no_answer"],
        usage=TokenUsage(),
    )


def _flag(flags: list[str], flag: str) -> None:
    if flag not in flags:
        flags.append(flag)
