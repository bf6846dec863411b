"""The composition root of grading: which examiner and interviewer serve, from settings.

An LLM when an endpoint is configured, else the offline examiner and interviewer. Whatever examiner
is chosen (or injected by a test or bench through ``create_app(settings, examiner=...)``), the service
grades through ``FallbackExaminer``, so the offline examiner takes over on any fault or once the
interview's token budget is spent.
"""

from __future__ import annotations

from app.config import Settings
from app.examiners.base import Examiner
from app.examiners.delayed import DelayedExaminer
from app.examiners.fallback import FallbackExaminer
from app.examiners.offline import OfflineExaminer
from app.interviewer.base import Interviewer
from app.interviewer.offline import OfflineInterviewer


def build_examiner_and_interviewer(settings: Settings) -> tuple[Examiner, Interviewer]:
    """The examiner and interviewer the settings ask for (one LLM client shared by both)."""
    if not settings.llm_enabled:
        return OfflineExaminer(), OfflineInterviewer()
    from app.examiners.llm import LLMExaminer  # noqa: PLC0415 (optional path)
    from app.interviewer.llm import LLMInterviewer
    from app.llm.client import LLMClient
    from app.llm.prompts import Prompts

    client = LLMClient.from_settings(settings)  # one client, so the structured-output mode learned is shared
    prompts = Prompts(settings.prompts_dir)
    return LLMExaminer(client, prompts=prompts), LLMInterviewer(client, prompts=prompts)


def grading_examiner(settings: Settings, examiner: Examiner) -> FallbackExaminer:
    """``examiner`` wrapped in the one fallback policy (and the grading-delay test hook when set)."""
    if settings.grading_delay:  # test hook (see Settings.grading_delay)
        examiner = DelayedExaminer(examiner, settings.grading_delay)
    fallback = examiner if isinstance(examiner, OfflineExaminer) else OfflineExaminer()
    return FallbackExaminer(examiner, fallback, token_budget=settings.llm_token_budget)
