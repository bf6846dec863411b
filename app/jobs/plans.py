"""What the service and the API use: a job plan's preview, and the role's priorities added to a plan.

The plan itself is built offline by ``build_plan`` (which hands a posting to ``planner.py``); this
adds the LLM's reading when there is one, and never fails because of it.
"""

from __future__ import annotations

from anyio import to_thread
from pydantic import BaseModel, Field

from app.bank.loader import QuestionBank
from app.engine.plan import Focus, InterviewOptions, InterviewPlan, build_plan
from app.errors import InvalidPlan
from app.interviewer.base import Interviewer
from app.jobs.explanation import PlanExplanation
from app.jobs.planner import read_posting
from app.jobs.priorities import NO_LLM_NOTE, PrioritiesRead, PriorityReader


class PlannedTopic(BaseModel):
    topic_id: str
    title: str
    questions: int


class PlanPreview(BaseModel):
    """The plan a posting gives, before any interview exists (the questions stay unseen)."""

    topics: list[PlannedTopic] = Field(description="In the order asked; empty: nothing matched, and a balanced "
                                                   "set is picked at random when the interview starts")
    questions_total: int
    focus: Focus = Field(description="The role and seniority the interview prefers (read from the posting unless chosen)")
    explanation: PlanExplanation


class JobPlans:
    def __init__(self, bank: QuestionBank, priorities: PriorityReader | None = None) -> None:
        self.bank = bank
        self.priorities = priorities

    @classmethod
    def for_interviewer(cls, bank: QuestionBank, interviewer: Interviewer) -> "JobPlans":
        """Priorities through the LLM interviewer's client and prompts when there is one (one connection
        pool, and the structured-output mode it learned), else none."""
        from app.interviewer.llm import LLMInterviewer  # noqa: PLC0415 (optional path)

        if isinstance(interviewer, LLMInterviewer):
            return cls(bank, PriorityReader(interviewer.client, bank, prompts=interviewer.prompts))
        return cls(bank)

    async def build(self, options: InterviewOptions, seed: int, bank: QuestionBank | None = None) -> InterviewPlan:
        """``build_plan``; with a posting, read in a worker thread (a long posting, or the bank's
        vocabulary built on first use, takes a fraction of a second) and with the role's priorities.
        ``bank``: the questions this server can ask now (default: all of them)."""
        bank = bank or self.bank
        if not options.job_description:
            return build_plan(options, bank, seed)
        plan = await to_thread.run_sync(build_plan, options, bank, seed)
        return await self.with_priorities(plan)

    async def read_priorities(self, posting: str) -> PrioritiesRead:
        if self.priorities is None:
            return PrioritiesRead([], NO_LLM_NOTE)
        return await self.priorities.read(posting)

    async def with_priorities(self, plan: InterviewPlan) -> InterviewPlan:
        """``plan`` with the role's priorities in its explanation (plans without a posting: unchanged)."""
        posting = plan.options.job_description
        if not posting or plan.explanation is None:
            return plan
        read = await self.read_priorities(posting)
        explanation = plan.explanation.model_copy(update={"priorities": read.priorities, "priorities_note": read.note})
        return plan.model_copy(update={"explanation": explanation})

    async def preview(self, options: InterviewOptions) -> PlanPreview:
        if not options.job_description:
            raise InvalidPlan(
                "the job description is empty",
                hint="paste a job posting (its responsibilities and requirements) or a role title, "
                     "e.g. 'Machine learning engineer, LLM inference'",
            )
        reading = await to_thread.run_sync(read_posting, options, self.bank)
        read = await self.read_priorities(options.job_description)
        explanation = reading.explanation.model_copy(update={"priorities": read.priorities, "priorities_note": read.note})
        return PlanPreview(
            topics=[PlannedTopic(topic_id=s.topic_id, title=self.bank.topic(s.topic_id).title, questions=s.questions)
                    for s in reading.shares],
            questions_total=sum(s.questions for s in reading.shares),
            focus=reading.focus,
            explanation=explanation,
        )
