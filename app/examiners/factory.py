"""Choose the examiner and interviewer from settings: an LLM when an endpoint is configured."""

from __future__ import annotations

from app.config import Settings
from app.examiners.base import Examiner
from app.interviewer.base import Interviewer
from app.interviewer.offline import OfflineInterviewer


def offline_examiner() -> Examiner:
    from app.examiners.offline import OfflineExaminer

    return OfflineExaminer()


def build_examiner_and_interviewer(settings: Settings) -> tuple[Examiner, Interviewer]:
    if not settings.llm_enabled:
        return offline_examiner(), OfflineInterviewer()
    from app.examiners.llm import LLMExaminer  # noqa: PLC0415 (optional path)
    from app.interviewer.llm import LLMInterviewer
    from app.llm.client import LLMClient

    from app.llm.prompts import Prompts

    client = LLMClient.from_settings(settings)  # one client, so the structured-output mode learned is shared
    prompts = Prompts(settings.prompts_dir)
    return (
        LLMExaminer(client, fallback=offline_examiner(), prompts=prompts),
        LLMInterviewer(client, prompts=prompts),
    )
