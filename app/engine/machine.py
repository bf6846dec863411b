"""The interview state machine: ``transition(plan, state, event) -> (state, actions)``. No I/O.

::

    CREATED --start--> AWAITING_ANSWER --answer--> GRADING --graded--+--> AWAITING_FOLLOW_UP
                             ^    |                  ^               |        |  answer
                             |    +--skip--+         +---------------|--------+
                             |             v                         |
                             +----- next question <------------------+  (no follow-up warranted,
                                           |                              or follow-ups used up)
                                           +--> COMPLETED (plan done, or finish early)
    any live state --expire--> ABANDONED;  COMPLETED and ABANDONED accept no events.

    Practice mode: a graded question waits in REVIEWING until the candidate asks for the next
    question (--next--> as above) or tries it again (--retry--> AWAITING_ANSWER, same question).

The caller performs the returned actions (ask a question, grade a thread, finish) and feeds the
results back as events (``Graded``). Persisting GRADING means a crash mid-grade is recoverable: the
answer is stored, the state says grading is owed, and the grade is re-run on restart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from app.engine.plan import Difficulty, InterviewPlan, QuestionRef
from app.errors import InvalidTransition

# A question whose grade reaches this (0-5) raises the adaptive level; at or below LOWER it drops.
RAISE_LEVEL_AT = 4.0
LOWER_LEVEL_AT = 2.0
# A follow-up is asked only when the thread is thin: the examiner proposed one and the grade is below this.
FOLLOW_UP_BELOW = 4.5


class Status(StrEnum):
    CREATED = "created"
    AWAITING_ANSWER = "awaiting_answer"
    GRADING = "grading"
    AWAITING_FOLLOW_UP = "awaiting_follow_up"
    REVIEWING = "reviewing"  # practice mode: feedback shown; next question or another attempt
    COMPLETED = "completed"
    ABANDONED = "abandoned"

    @property
    def is_over(self) -> bool:
        return self in (Status.COMPLETED, Status.ABANDONED)


class InterviewState(BaseModel):
    status: Status = Status.CREATED
    topic_index: int = 0
    asked_in_topic: int = 0  # questions started in the current topic, including the current one
    current: QuestionRef | None = None
    follow_ups_asked: int = 0
    level: int = 2
    used: list[str] = []  # "topic/question" ids already asked
    questions_done: int = 0
    attempt: int = 1  # of the current question (practice mode: tried again after its feedback)


# Events -----------------------------------------------------------------------------------------


class Start(BaseModel):
    kind: Literal["start"] = "start"


class Answer(BaseModel):
    kind: Literal["answer"] = "answer"


class Graded(BaseModel):
    kind: Literal["graded"] = "graded"
    overall: float
    follow_up: str | None = None


class Skip(BaseModel):
    kind: Literal["skip"] = "skip"


class FinishEarly(BaseModel):
    kind: Literal["finish"] = "finish"


class Expire(BaseModel):
    kind: Literal["expire"] = "expire"


class Next(BaseModel):
    kind: Literal["next"] = "next"


class Retry(BaseModel):
    kind: Literal["retry"] = "retry"


Event = Start | Answer | Graded | Skip | FinishEarly | Expire | Next | Retry

# Actions ----------------------------------------------------------------------------------------


class AskQuestion(BaseModel):
    kind: Literal["ask_question"] = "ask_question"
    ref: QuestionRef
    new_topic: bool
    attempt: int = 1  # 2 and up: the same question tried again (practice mode)


class OfferRetry(BaseModel):
    """Practice mode: the question is graded; the candidate chooses another attempt or the next one."""

    kind: Literal["offer_retry"] = "offer_retry"
    ref: QuestionRef


class GradeThread(BaseModel):
    kind: Literal["grade_thread"] = "grade_thread"
    ref: QuestionRef


class AskFollowUp(BaseModel):
    kind: Literal["ask_follow_up"] = "ask_follow_up"
    ref: QuestionRef
    text: str


class Finish(BaseModel):
    kind: Literal["finish"] = "finish"
    reason: Literal["plan_complete", "finished_early", "expired"]


Action = AskQuestion | GradeThread | AskFollowUp | OfferRetry | Finish

ALLOWED: dict[str, set[Status]] = {
    "start": {Status.CREATED},
    "answer": {Status.AWAITING_ANSWER, Status.AWAITING_FOLLOW_UP},
    "graded": {Status.GRADING},
    "skip": {Status.AWAITING_ANSWER, Status.AWAITING_FOLLOW_UP},
    "finish": {Status.AWAITING_ANSWER, Status.AWAITING_FOLLOW_UP, Status.CREATED, Status.REVIEWING},
    "expire": {Status.CREATED, Status.AWAITING_ANSWER, Status.AWAITING_FOLLOW_UP, Status.GRADING, Status.REVIEWING},
    "next": {Status.REVIEWING},
    "retry": {Status.REVIEWING},
}


def transition(plan: InterviewPlan, state: InterviewState, event: Event) -> tuple[InterviewState, list[Action]]:
    """Apply ``event``; return the new state and what the caller must do. Refuses illegal events."""
    if state.status not in ALLOWED[event.kind]:
        raise InvalidTransition(
            f"cannot {event.kind} while the interview is {state.status.value}",
            state=state.status.value,
            hint=_hint(state.status),
        )
    s = state.model_copy(deep=True)
    match event:
        case Start():
            s.level = plan.options.difficulty.start_level
            return _next_question(plan, s)
        case Answer():
            assert s.current is not None
            s.status = Status.GRADING
            return s, [GradeThread(ref=s.current)]
        case Graded(overall=overall, follow_up=follow_up):
            assert s.current is not None
            if follow_up and overall < FOLLOW_UP_BELOW and s.follow_ups_asked < plan.options.max_follow_ups:
                s.follow_ups_asked += 1
                s.status = Status.AWAITING_FOLLOW_UP
                return s, [AskFollowUp(ref=s.current, text=follow_up)]
            s.level = _adapt(plan, s.level, overall)
            s.questions_done += 1
            if plan.options.practice:
                s.status = Status.REVIEWING
                return s, [OfferRetry(ref=s.current)]
            return _next_question(plan, s)
        case Next():
            return _next_question(plan, s)
        case Retry():
            assert s.current is not None
            s.questions_done -= 1  # open again; done when this attempt is graded
            s.attempt += 1
            s.follow_ups_asked = 0
            s.status = Status.AWAITING_ANSWER
            return s, [AskQuestion(ref=s.current, new_topic=False, attempt=s.attempt)]
        case Skip():
            s.level = _adapt(plan, s.level, 0.0) if s.status is Status.AWAITING_ANSWER else s.level
            s.questions_done += 1
            return _next_question(plan, s)
        case FinishEarly():
            s.status, s.current = Status.COMPLETED, None
            return s, [Finish(reason="finished_early")]
        case Expire():
            s.status, s.current = Status.ABANDONED, None
            return s, [Finish(reason="expired")]
    raise AssertionError(f"unhandled event {event!r}")  # pragma: no cover


def _next_question(plan: InterviewPlan, s: InterviewState) -> tuple[InterviewState, list[Action]]:
    per_topic = plan.questions_in(s.topic_index)  # a job-description plan counts per topic
    new_topic = False
    if s.current is not None and s.asked_in_topic >= per_topic:
        s.topic_index += 1
        s.asked_in_topic = 0
    if s.current is None or s.asked_in_topic == 0:
        new_topic = True
    if s.topic_index >= len(plan.topics):
        s.status, s.current = Status.COMPLETED, None
        return s, [Finish(reason="plan_complete")]
    ref = _pick(plan, s)
    # A review plan's steps may share a topic: moving between them is no new topic.
    new_topic = new_topic and (s.current is None or s.current.topic_id != ref.topic_id)
    s.current = ref
    s.used.append(f"{ref.topic_id}/{ref.question_id}")
    s.asked_in_topic += 1
    s.follow_ups_asked = 0
    s.attempt = 1
    s.status = Status.AWAITING_ANSWER
    return s, [AskQuestion(ref=ref, new_topic=new_topic)]


def _pick(plan: InterviewPlan, s: InterviewState) -> QuestionRef:
    """The unused candidate closest to the current level; plan order breaks ties."""
    candidates = [
        c for c in plan.topics[s.topic_index].candidates if f"{c.topic_id}/{c.question_id}" not in s.used
    ]
    return min(candidates, key=lambda c: abs(c.difficulty - s.level))


def _adapt(plan: InterviewPlan, level: int, overall: float) -> int:
    if plan.options.difficulty is not Difficulty.ADAPTIVE:
        return level
    if overall >= RAISE_LEVEL_AT:
        return min(3, level + 1)
    if overall <= LOWER_LEVEL_AT:
        return max(1, level - 1)
    return level


def _hint(status: Status) -> str:
    return {
        Status.CREATED: "start the interview first",
        Status.AWAITING_ANSWER: "answer, skip or finish the current question",
        Status.GRADING: "the previous answer is still being graded; wait for its reply",
        Status.AWAITING_FOLLOW_UP: "answer or skip the follow-up question",
        Status.REVIEWING: "try the question again (retry) or go on to the next one (next)",
        Status.COMPLETED: "the interview is over; download its transcript",
        Status.ABANDONED: "the interview expired; start a new one",
    }[status]
