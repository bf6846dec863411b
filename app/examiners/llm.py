"""The LLM examiner: grades a question's thread with a model behind any OpenAI-compatible endpoint.

The model's JSON is never trusted as is. In code: scores are clamped to 0-5 and kept only for the
topic's criteria, the overall is recomputed with ``weighted_overall``, quotes not found in the
candidate's answers are dropped (flag ``quote_not_found``) and a key point without a real quote
counts as missed; every criterion is capped by the key-point weight real quotes support
(``app.examiners.evidence``), so instructions in an answer cannot buy a score. Empty and
"I don't know" threads score 0 without a call. An ``LLMError`` after the client's retries is raised,
carrying the tokens spent; ``FallbackExaminer`` then hands the question to the offline examiner.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from app.bank.schema import KeyPoint, derive_key_points
from app.errors import LLMBadOutput
from app.examiners.evidence import evidence_cap, is_instruction_quote, only_instructions, supported_share
from app.examiners.checks import check_estimate, graded_parts, red_flags_shown
from app.examiners.base import CoveredPoint, Examiner, Grade, GradingRequest, MissedPoint, TokenUsage, weighted_overall
from app.examiners.offline.guards import is_non_answer
from app.llm.client import LLMClient
from app.llm.prompts import Prompts
from app.examiners.quotes import find_quote


TEMPLATE = "grading.md.j2"
MAX_FEEDBACK_CHARS = 1200
MAX_FOLLOW_UP_CHARS = 300


MISSING = -1.0  # a criterion the model left out (text modes only; strict json_schema cannot omit one)


class _GradingBase(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _accept_list_shape(cls, data: Any) -> Any:
        """Also read the list shape some models (and older fakes) produce in the text modes:
        ``scores: [{criterion_id, score}]`` and ``covered: [{key_point_id, quote}]``."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("scores"), list):
            data["scores"] = {
                str(i["criterion_id"]): i.get("score", MISSING)
                for i in data["scores"] if isinstance(i, dict) and "criterion_id" in i
            }
        if "evidence" not in data and isinstance(data.get("covered"), list):
            data["evidence"] = {
                str(i["key_point_id"]): str(i.get("quote") or "")
                for i in data["covered"] if isinstance(i, dict) and "key_point_id" in i
            }
        return data


@lru_cache(maxsize=256)
def output_model(criterion_ids: tuple[str, ...], key_point_ids: tuple[str, ...]) -> type[BaseModel]:
    """The JSON the model must return for one question, built from its rubric: a fixed object with one
    score per criterion and one quote per key point (empty when missed). Fixed shapes keep small local
    models from looping in open-ended lists, and strict json_schema can express them (no maps)."""
    scores = create_model(  # type: ignore[call-overload]
        "CriterionScores",
        __config__=ConfigDict(extra="allow"),
        **{f"c{i}": (float, Field(default=MISSING, alias=cid, description="score 0-5")) for i, cid in enumerate(criterion_ids)},
    )
    evidence = create_model(  # type: ignore[call-overload]
        "KeyPointEvidence",
        __config__=ConfigDict(extra="allow"),
        **{
            f"k{i}": (str, Field(default="", alias=kid, description="exact quote from the answers; empty if missed"))
            for i, kid in enumerate(key_point_ids)
        },
    )
    return create_model(
        "GradingOutput",
        __base__=_GradingBase,
        scores=(scores, ...),
        overall=(float, 0.0),
        evidence=(evidence, ...),
        feedback=(str, ""),
        follow_up_warranted=(bool, False),
        follow_up=(str, ""),
        follow_up_point=(str, ""),
    )


class LLMExaminer(Examiner):
    def __init__(
        self,
        client: LLMClient,
        *,
        prompts: Prompts | None = None,
        max_tokens: int = 900,
    ) -> None:
        self.client = client
        self.prompts = prompts or Prompts()
        self.max_tokens = max_tokens
        self.name = client.name

    async def aclose(self) -> None:
        await self.client.aclose()

    async def grade_answer(self, request: GradingRequest) -> Grade:
        if all(is_non_answer(answer) for answer in request.answers):
            return zero_grade(request)
        if all(is_non_answer(a) or only_instructions(a) for a in request.answers):
            # Nothing but text addressed to the grader: there is no answer to send to a model.
            grade = zero_grade(request)
            return grade.model_copy(update={"flags": [*grade.flags, "instructions_ignored"]})
        messages = self.render(request)
        schema = output_model(tuple(c.id for c in request.topic.criteria), tuple(kp.id for kp in key_points_of(request)))
        output, usage = await self.client.complete_structured(messages, schema, max_tokens=self.max_tokens)
        scored = output.scores.model_dump(by_alias=True).values()
        if scored and all(v == MISSING for v in scored):
            # e.g. a truncated reply whose inner object parsed as an empty grade: that is garbage,
            # not a grade of 0.
            error = LLMBadOutput("the LLM reply scored none of the topic's criteria")
            error.usage = usage
            raise error
        return self.post_process(request, output, usage)

    def render(self, request: GradingRequest) -> list[dict[str, str]]:
        return self.prompts.render(
            TEMPLATE,
            topic=request.topic,
            question=request.question,
            criteria=request.topic.criteria,
            key_points=key_points_of(request),
            thread=request.thread,
            submission=request.submission,
        )

    def post_process(self, request: GradingRequest, out: Any, usage: TokenUsage) -> Grade:
        flags: list[str] = []
        raw_scores = out.scores.model_dump(by_alias=True)
        if out.scores.model_extra:
            _flag(flags, "unknown_criterion")
        scores: dict[str, int] = {}
        for criterion in request.topic.criteria:
            value = raw_scores.get(criterion.id, MISSING)
            if value == MISSING:
                _flag(flags, "score_missing")
                value = 0
            clamped = max(0, min(5, round(value)))
            if clamped != value:
                _flag(flags, "score_clamped")
            scores[criterion.id] = clamped

        if out.evidence.model_extra:
            _flag(flags, "unknown_key_point")
        quotes = out.evidence.model_dump(by_alias=True)
        covered: list[CoveredPoint] = []
        missed: list[MissedPoint] = []
        for kp in key_points_of(request):
            quote = str(quotes.get(kp.id) or "").strip()
            exact = find_quote(quote, request.answers) if quote else None
            if quote and exact is None:
                _flag(flags, "quote_not_found")  # a point whose only evidence is a made-up quote is missed
            if exact is not None and is_instruction_quote(exact):
                _flag(flags, "instructions_ignored")  # text aimed at the grader is never evidence
                exact = None
            if exact is not None:
                covered.append(CoveredPoint(key_point_id=kp.id, text=kp.text, quote=exact))
            else:
                missed.append(MissedPoint(key_point_id=kp.id, text=kp.text, weight=kp.weight))

        points = {kp.id: kp for kp in key_points_of(request)}
        cap = evidence_cap(supported_share(points.values(), {c.key_point_id: c.quote for c in covered}))
        if any(score > cap for score in scores.values()):
            _flag(flags, "capped_by_evidence")
            scores = {cid: min(score, cap) for cid, score in scores.items()}
        follow_up, follow_up_point = self._follow_up(out, missed, points)
        # The same deterministic checks as the offline examiner: an estimate's figure, red flags.
        overall = weighted_overall(request.topic, scores)  # never the model's arithmetic
        estimate = check_estimate(request.question, request.answers)
        red_flags = red_flags_shown(request.question, request.answers)
        cap = min(([estimate.cap] if estimate else []) + [r.cap for r in red_flags], default=5.0)
        if estimate is not None and estimate.caps:
            _flag(flags, "estimate_off")
            scores = {cid: min(score, 2) if "correct" in cid else score for cid, score in scores.items()}
        elif estimate is not None and estimate.cap < 5.0:
            _flag(flags, "estimate_near")
        if red_flags:
            _flag(flags, "red_flag")
        overall = min(weighted_overall(request.topic, scores), cap)
        feedback = out.feedback.strip()[:MAX_FEEDBACK_CHARS]
        if estimate is not None:
            feedback = f"{estimate.describe()} {feedback}"
        return Grade(
            scores=scores,
            overall=overall,
            covered=covered,
            missed=missed,
            feedback=feedback,
            follow_up=follow_up,
            follow_up_point=follow_up_point,
            examiner=self.name,
            flags=flags,
            usage=usage,
            estimate=estimate,
            parts=graded_parts(request.question, {c.key_point_id for c in covered}),
            red_flags=red_flags,
        )

    @staticmethod
    def _follow_up(out: Any, missed: list[MissedPoint], points: dict[str, KeyPoint]) -> tuple[str | None, str | None]:
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
