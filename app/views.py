"""Response shapes of the API (pydantic), built from stored rows. No I/O here."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.code_runs import CodeRunOutcome
from app.engine.machine import InterviewState, Status
from app.engine.plan import InterviewOptions, InterviewPlan
from app.examiners.base import Grade
from app.jobs.explanation import PlanExplanation


class Progress(BaseModel):
    topic_number: int = Field(description="1-based index of the current topic")
    topic_count: int
    topic_id: str | None
    topic_title: str | None
    question_number: int = Field(description="1-based index of the current question within its topic")
    questions_per_topic: int = Field(description="Questions in the current topic (a job-description plan varies it)")
    questions_done: int
    questions_total: int


class CodeTaskView(BaseModel):
    """A code question's editor: the starter code, the example tests "Run examples" runs, and the
    candidate's latest code and run for this question (a reload restores them)."""

    starter: str
    visible_tests: str
    language: str = "python"
    runs_available: bool = Field(description="Whether code can run on this server now")
    last_code: str | None = Field(default=None, description="The code of the latest run of this question")
    last_run: CodeRunOutcome | None = None


class CurrentPrompt(BaseModel):
    turn: int = Field(description="Sequence number of this prompt; send it back as the answer's 'turn'")
    kind: str = Field(description="'question' or 'follow_up'")
    text: str
    topic_id: str
    question_id: str
    difficulty: int
    asked_at: datetime
    question_type: str = Field(default="concept", description="concept, derivation, estimate, code-review, design, behavioural or code")
    max_answer_chars: int | None = Field(default=None, description="The answer size limit for this prompt (design answers may be longer)")
    code: CodeTaskView | None = Field(default=None, description="code questions: the editor's starting point and last run")


class InterviewView(BaseModel):
    id: str
    state: Status
    options: InterviewOptions
    examiner: str
    progress: Progress
    current: CurrentPrompt | None
    created_at: datetime
    finished_at: datetime | None = None
    plan_explanation: PlanExplanation | None = Field(
        default=None, description="A plan built from a job description: the reason for each choice (issue 14)")


class HistoryEntry(InterviewView):
    overall: float | None = Field(default=None, description="0-5 mean of the questions graded so far")


class CreatedInterview(InterviewView):
    token: str = Field(description="Secret bearer token; send it as 'Authorization: Bearer <token>'")
    message: str = Field(description="The interviewer's greeting and first question")


class TurnReply(BaseModel):
    state: Status
    message: str = Field(description="The interviewer's reply: feedback, then a follow-up or the next question")
    grade: Grade | None = Field(default=None, description="Present when feedback is shown after each answer")
    progress: Progress
    current: CurrentPrompt | None


def progress_of(plan: InterviewPlan, state: InterviewState, topic_titles: dict[str, str]) -> Progress:
    count = len(plan.topics)
    index = min(state.topic_index, count - 1) if count else 0
    topic_id = plan.topics[index].topic_id if count else None
    over = state.status.is_over
    return Progress(
        topic_number=count if over else index + 1,
        topic_count=count,
        topic_id=None if over else topic_id,
        topic_title=None if over or topic_id is None else topic_titles.get(topic_id),
        question_number=max(state.asked_in_topic, 1),
        questions_per_topic=plan.questions_in(index),
        questions_done=state.questions_done,
        questions_total=plan.total_questions,
    )
