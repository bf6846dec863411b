"""Topics and the active examiner."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api.deps import BankDep, ServiceDep, SettingsDep

router = APIRouter(prefix="/api", tags=["topics"])


class TopicOut(BaseModel):
    id: str
    title: str
    summary: str
    questions: int
    criteria: list[str]


class ExaminerOut(BaseModel):
    kind: str  # "offline" | "llm"
    name: str
    model: str | None
    host: str | None
    description: str


class InfoOut(BaseModel):
    examiner: ExaminerOut
    max_answer_chars: int
    transcript_formats: list[str] = Field(default=["json", "md", "pdf"], description="Formats of GET .../transcript.<format>")


@router.get("/topics")
async def list_topics(bank: BankDep) -> list[TopicOut]:
    """Every topic with its one-line summary."""
    return [
        TopicOut(id=t.id, title=t.title, summary=t.summary, questions=len(t.questions), criteria=[c.id for c in t.criteria])
        for t in bank.topics.values()
    ]


@router.get("/info")
async def info(settings: SettingsDep, service: ServiceDep) -> InfoOut:
    """Which examiner grades answers, and the answer size limit."""
    return InfoOut(examiner=describe_examiner(settings, service.grader.name), max_answer_chars=settings.max_answer_chars)


def describe_examiner(settings: SettingsDep, name: str) -> ExaminerOut:
    if settings.llm_enabled:
        return ExaminerOut(
            kind="llm", name=name, model=settings.llm_model, host=settings.llm_host,
            description=f"Answers are graded by {settings.llm_model} at {settings.llm_host}; if it fails, "
            "the offline examiner grades that answer and the transcript says so.",
        )
    return ExaminerOut(
        kind="offline", name=name, model=None, host=None,
        description="The offline examiner: a rubric check without a language model. It credits a key point "
        "where a sentence of yours states it, flags the listed misconceptions and quotes your words as "
        "evidence; it cannot follow reasoning the rubric did not foresee. An LLM endpoint adds that judgement "
        "and written feedback in its own words.",
    )
