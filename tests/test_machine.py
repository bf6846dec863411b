"""The interview state machine: a table of legal and illegal transitions, plus whole runs."""

from __future__ import annotations

import pytest

from app.engine.machine import (
    Answer, AskFollowUp, AskQuestion, Expire, Finish, FinishEarly, GradeThread, Graded, InterviewState, Skip,
    Start, Status, transition,
)
from app.engine.plan import Difficulty, InterviewOptions, InterviewPlan, QuestionRef, TopicPlan
from app.errors import InvalidTransition


def make_plan(per_topic: int = 2, topics: int = 2, difficulty: Difficulty = Difficulty.MEDIUM,
              max_follow_ups: int = 1) -> InterviewPlan:
    return InterviewPlan(
        options=InterviewOptions(questions_per_topic=per_topic, difficulty=difficulty, max_follow_ups=max_follow_ups),
        topics=[
            TopicPlan(topic_id=f"t{t}", candidates=[
                QuestionRef(topic_id=f"t{t}", question_id=f"q{d}-{i}", difficulty=d) for d in (1, 2, 3) for i in range(2)
            ])
            for t in range(topics)
        ],
    )


def state_in(status: Status, plan: InterviewPlan) -> InterviewState:
    """A state with ``status`` reached by real transitions."""
    s, _ = transition(plan, InterviewState(), Start()) if status is not Status.CREATED else (InterviewState(), [])
    if status is Status.GRADING:
        s, _ = transition(plan, s, Answer())
    elif status is Status.AWAITING_FOLLOW_UP:
        s, _ = transition(plan, s, Answer())
        s, _ = transition(plan, s, Graded(overall=1.0, follow_up="Why?"))
    elif status is Status.COMPLETED:
        s, _ = transition(plan, s, FinishEarly())
    elif status is Status.ABANDONED:
        s, _ = transition(plan, s, Expire())
    assert s.status is status
    return s


EVENTS = {"start": Start(), "answer": Answer(), "graded": Graded(overall=3.0), "skip": Skip(),
          "finish": FinishEarly(), "expire": Expire()}

# (state, event) -> resulting status, or None when the event must be refused with 409.
TABLE = [
    (Status.CREATED, "start", Status.AWAITING_ANSWER),
    (Status.CREATED, "answer", None),
    (Status.CREATED, "graded", None),
    (Status.CREATED, "skip", None),
    (Status.CREATED, "finish", Status.COMPLETED),
    (Status.CREATED, "expire", Status.ABANDONED),
    (Status.AWAITING_ANSWER, "start", None),
    (Status.AWAITING_ANSWER, "answer", Status.GRADING),
    (Status.AWAITING_ANSWER, "graded", None),
    (Status.AWAITING_ANSWER, "skip", Status.AWAITING_ANSWER),
    (Status.AWAITING_ANSWER, "finish", Status.COMPLETED),
    (Status.AWAITING_ANSWER, "expire", Status.ABANDONED),
    (Status.GRADING, "start", None),
    (Status.GRADING, "answer", None),
    (Status.GRADING, "graded", Status.AWAITING_ANSWER),
    (Status.GRADING, "skip", None),
    (Status.GRADING, "finish", None),
    (Status.GRADING, "expire", Status.ABANDONED),
    (Status.AWAITING_FOLLOW_UP, "start", None),
    (Status.AWAITING_FOLLOW_UP, "answer", Status.GRADING),
    (Status.AWAITING_FOLLOW_UP, "graded", None),
    (Status.AWAITING_FOLLOW_UP, "skip", Status.AWAITING_ANSWER),
    (Status.AWAITING_FOLLOW_UP, "finish", Status.COMPLETED),
    (Status.AWAITING_FOLLOW_UP, "expire", Status.ABANDONED),
    *[(Status.COMPLETED, e, None) for e in EVENTS],
    *[(Status.ABANDONED, e, None) for e in EVENTS],
]


@pytest.mark.parametrize(("status", "event", "expected"), TABLE)
def test_transition_table(status: Status, event: str, expected: Status | None) -> None:
    plan = make_plan()
    state = state_in(status, plan)
    if expected is None:
        with pytest.raises(InvalidTransition) as err:
            transition(plan, state, EVENTS[event])
        assert err.value.state == status.value  # the 409 names the current state
        assert status.value in err.value.message
    else:
        new_state, _ = transition(plan, state, EVENTS[event])
        assert new_state.status is expected


def test_transition_does_not_mutate_its_input() -> None:
    plan = make_plan()
    state = state_in(Status.AWAITING_ANSWER, plan)
    before = state.model_dump()
    transition(plan, state, Answer())
    assert state.model_dump() == before


def test_answer_asks_for_grading_of_the_current_question() -> None:
    plan = make_plan()
    state = state_in(Status.AWAITING_ANSWER, plan)
    new_state, actions = transition(plan, state, Answer())
    assert actions == [GradeThread(ref=state.current)]


def test_thin_answer_gets_follow_up_until_the_limit() -> None:
    plan = make_plan(max_follow_ups=2)
    s = state_in(Status.AWAITING_ANSWER, plan)
    first = s.current
    for _ in range(2):
        s, _ = transition(plan, s, Answer())
        s, actions = transition(plan, s, Graded(overall=1.5, follow_up="Can you say why?"))
        assert isinstance(actions[0], AskFollowUp) and actions[0].ref == first
    s, _ = transition(plan, s, Answer())
    s, actions = transition(plan, s, Graded(overall=1.5, follow_up="And then?"))
    assert isinstance(actions[0], AskQuestion) and actions[0].ref != first  # limit reached: move on


def test_strong_answer_gets_no_follow_up() -> None:
    plan = make_plan()
    s = state_in(Status.AWAITING_ANSWER, plan)
    s, _ = transition(plan, s, Answer())
    s, actions = transition(plan, s, Graded(overall=4.5, follow_up="Anything else?"))
    assert isinstance(actions[0], AskQuestion)


def test_whole_plan_runs_to_completion_with_topic_changes() -> None:
    plan = make_plan(per_topic=2, topics=3)
    s, actions = transition(plan, InterviewState(), Start())
    asked = [actions[0]]
    while True:
        s, _ = transition(plan, s, Answer())
        s, actions = transition(plan, s, Graded(overall=3.0))
        if isinstance(actions[0], Finish):
            break
        asked.append(actions[0])
    assert s.status is Status.COMPLETED and actions == [Finish(reason="plan_complete")]
    assert len(asked) == 6 and s.questions_done == 6
    assert [a.new_topic for a in asked] == [True, False, True, False, True, False]
    assert len({(a.ref.topic_id, a.ref.question_id) for a in asked}) == 6  # never the same question twice


@pytest.mark.parametrize(("difficulty", "expected_level"), [(Difficulty.EASY, 1), (Difficulty.MEDIUM, 2), (Difficulty.HARD, 3)])
def test_fixed_difficulty_asks_questions_of_that_level(difficulty: Difficulty, expected_level: int) -> None:
    plan = make_plan(per_topic=2, difficulty=difficulty)
    s, actions = transition(plan, InterviewState(), Start())
    levels = [actions[0].ref.difficulty]
    s, _ = transition(plan, s, Answer())
    s, actions = transition(plan, s, Graded(overall=5.0))
    levels.append(actions[0].ref.difficulty)
    assert levels == [expected_level, expected_level]


def test_adaptive_difficulty_rises_after_strong_and_falls_after_weak_answers() -> None:
    plan = make_plan(per_topic=3, difficulty=Difficulty.ADAPTIVE, max_follow_ups=0)
    s, actions = transition(plan, InterviewState(), Start())
    assert actions[0].ref.difficulty == 2
    s, _ = transition(plan, s, Answer())
    s, actions = transition(plan, s, Graded(overall=4.6))
    assert actions[0].ref.difficulty == 3
    s, _ = transition(plan, s, Answer())
    s, actions = transition(plan, s, Graded(overall=0.5))
    assert actions[0].ref.difficulty == 2


def test_skip_moves_on_and_counts_the_question_done() -> None:
    plan = make_plan()
    s = state_in(Status.AWAITING_ANSWER, plan)
    first = s.current
    s, actions = transition(plan, s, Skip())
    assert isinstance(actions[0], AskQuestion) and actions[0].ref != first and s.questions_done == 1


def test_finish_early_completes() -> None:
    plan = make_plan()
    s, actions = transition(plan, state_in(Status.AWAITING_FOLLOW_UP, plan), FinishEarly())
    assert s.status is Status.COMPLETED and actions == [Finish(reason="finished_early")] and s.current is None
