"""One fallback policy for grading: the primary examiner, or the offline one when it cannot grade.

The service grades through this decorator only. It hands the question to the fallback examiner when
the interview's LLM token budget is spent, when the primary raises an ``LLMError`` (after the
client's retries), or when it raises anything else - an examiner must never stop an interview. The
grade then says so (flag ``fallback:<code>``) and keeps the tokens a failed call spent, which still
count toward the budget.
"""

from __future__ import annotations

import logging

from app.errors import LLMError
from app.examiners.base import Examiner, Grade, GradingRequest
from app.llm.usage import TokenUsage

log = logging.getLogger("viva.examiners")


class FallbackExaminer(Examiner):
    def __init__(self, primary: Examiner, fallback: Examiner, *, token_budget: int | None = None) -> None:
        self.primary = primary
        self.fallback = fallback
        self.token_budget = token_budget
        self.name = primary.name

    def over_budget(self, tokens_spent: int) -> bool:
        return self.token_budget is not None and tokens_spent >= self.token_budget

    async def grade_answer(self, request: GradingRequest, *, tokens_spent: int = 0) -> Grade:
        """Grade with the primary examiner unless the interview has spent ``token_budget`` tokens."""
        if self.primary is self.fallback:
            return await self.primary.grade_answer(request)
        if self.over_budget(tokens_spent):
            return await self._fallback(request, "token_budget")
        try:
            return await self.primary.grade_answer(request)
        except LLMError as exc:
            log.warning("LLM grading failed (%s); the offline examiner grades", exc.code)
            return await self._fallback(request, exc.code, exc.usage)
        except Exception as exc:  # an examiner must never stop an interview
            log.exception("examiner failed; the offline examiner grades instead")
            return await self._fallback(request, type(exc).__name__)

    async def _fallback(self, request: GradingRequest, code: str, usage: TokenUsage | None = None) -> Grade:
        grade = await self.fallback.grade_answer(request)
        update: dict[str, object] = {"flags": [*grade.flags, f"fallback:{code}"]}
        if usage is not None:
            update["usage"] = usage
        return grade.model_copy(update=update)

    async def aclose(self) -> None:
        await self.primary.aclose()
        if self.fallback is not self.primary:
            await self.fallback.aclose()
