"""An examiner that waits before grading: the ``VIVA_GRADING_DELAY`` test hook.

The crash-recovery test sets it so that an answer is reliably *being graded* when it kills the
server; demos can use it to show the "grading..." state. Production leaves it at 0 (not installed).
"""

from __future__ import annotations

import asyncio

from app.examiners.base import Examiner, Grade, GradingRequest


class DelayedExaminer(Examiner):
    def __init__(self, inner: Examiner, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.name = inner.name

    async def grade_answer(self, request: GradingRequest) -> Grade:
        await asyncio.sleep(self.delay)
        return await self.inner.grade_answer(request)
