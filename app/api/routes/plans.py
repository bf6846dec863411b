"""Plans before interviews: what a job description would make of an interview (issue 14)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.api.deps import ServiceDep, limit_creation
from app.api.errors import ERROR_RESPONSES
from app.engine.plan import InterviewOptions
from app.jobs.plans import PlanPreview

router = APIRouter(prefix="/api/plans", tags=["plans"], responses=ERROR_RESPONSES)


# Counted with interview creations: with an LLM configured, a preview costs a model call.
@router.post("/preview", dependencies=[Depends(limit_creation)])
async def preview_plan(options: InterviewOptions, service: ServiceDep) -> PlanPreview:
    """The plan the options' ``job_description`` gives - topics, questions per topic, focus, and the reason
    for each choice quoting the posting (with an LLM, also the role's priorities). No interview is created;
    send the same options to POST /api/interviews to start it."""
    return await service.job_plans.preview(options)
