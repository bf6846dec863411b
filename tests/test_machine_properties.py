"""Property tests for the state machine: any sequence of events, on any plan, keeps the state valid.

Events the state does not allow must be refused (``InvalidTransition``) and change nothing; every
accepted event must leave a state that satisfies the invariants below.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.machine import (
    ALLOWED, Answer, AskFollowUp, AskQuestion, Event, Expire, Finish, FinishEarly, GradeThread, Graded,
    InterviewState, Next, OfferRetry, Retry, Skip, Start, Status, transition,
)
from app.engine.plan import Difficulty, FeedbackMode, InterviewOptions, InterviewPlan, QuestionRef, TopicPlan
from app.errors import InvalidTransition

LIVE_WITH_QUESTION = {Status.AWAITING_ANSWER, Status.GRADING, Status.AWAITING_FOLLOW_UP}


@st.composite
def plans(draw: st.DrawFn) -> InterviewPlan:
    per_topic = draw(st.integers(1, 4))
    options = InterviewOptions(
        questions_per_topic=per_topic,
        difficulty=draw(st.sampled_from(list(Difficulty))),
        max_follow_ups=draw(st.integers(0, 3)),
        feedback=draw(st.sampled_from(list(FeedbackMode))),
        practice=draw(st.booleans()),
    )
    topics = []
    for t in range(draw(st.integers(1, 4))):
        size = draw(st.integers(per_topic, per_topic + 4))
        topics.append(TopicPlan(topic_id=f"t{t}", candidates=[
            QuestionRef(topic_id=f"t{t}", question_id=f"q{i}", difficulty=draw(st.integers(1, 3))) for i in range(size)
        ]))
    return InterviewPlan(options=options, topics=topics)


events: st.SearchStrategy[Event] = st.one_of(
    st.just(Start()), st.just(Answer()), st.just(Skip()), st.just(FinishEarly()), st.just(Expire()),
    st.just(Next()), st.just(Retry()),
    st.builds(Graded, overall=st.floats(0, 5, allow_nan=False),
              follow_up=st.one_of(st.none(), st.just(""), st.text(min_size=1, max_size=20))),
)


def check_invariants(plan: InterviewPlan, s: InterviewState, asked: list[str], completed_questions: int) -> None:
    assert s.status in Status
    assert 1 <= s.level <= 3
    assert 0 <= s.topic_index <= len(plan.topics)
    assert 0 <= s.asked_in_topic <= plan.options.questions_per_topic
    assert 0 <= s.follow_ups_asked <= plan.options.max_follow_ups
    # the questions asked are exactly the plan's, never repeated, never more than planned
    assert s.used == asked and len(set(s.used)) == len(s.used)
    assert len(s.used) <= plan.total_questions
    assert all(u.split("/")[0] in {t.topic_id for t in plan.topics} for u in s.used)
    # counters agree: a question is done when graded without a further follow-up, or skipped
    assert s.questions_done == completed_questions <= len(s.used)
    if s.status in LIVE_WITH_QUESTION:
        assert s.current is not None
        assert s.current in plan.topics[s.topic_index].candidates
        assert s.used[-1] == f"{s.current.topic_id}/{s.current.question_id}"
        assert s.questions_done == len(s.used) - 1  # the current one is still open
    elif s.status is Status.REVIEWING:
        assert s.current is not None and s.used[-1] == f"{s.current.topic_id}/{s.current.question_id}"
        assert s.questions_done == len(s.used)  # graded; another attempt would open it again
    else:
        assert s.current is None
    if s.status is Status.AWAITING_ANSWER:
        assert s.follow_ups_asked == 0


@settings(max_examples=400, deadline=None)
@given(plan=plans(), sequence=st.lists(events, max_size=80))
def test_no_event_sequence_reaches_an_invalid_state(plan: InterviewPlan, sequence: list[Event]) -> None:
    state = InterviewState()
    asked: list[str] = []
    done = 0
    for event in sequence:
        before = state.model_copy(deep=True)
        allowed = state.status in ALLOWED[event.kind]
        try:
            new, actions = transition(plan, state, event)
        except InvalidTransition as refused:
            assert not allowed and refused.state == state.status.value
            assert state == before  # a refused event changes nothing
            continue
        assert allowed, f"{event.kind} accepted in {state.status}"
        assert state == before  # transition is pure: the input state is never mutated

        asks = [a for a in actions if isinstance(a, AskQuestion)]
        asked += [f"{a.ref.topic_id}/{a.ref.question_id}" for a in asks if a.attempt == 1]  # a retry asks no new question
        question_closed = isinstance(event, Skip) or (
            isinstance(event, Graded) and not any(isinstance(a, AskFollowUp) for a in actions)
        )
        question_closed = question_closed and not (isinstance(event, Graded) and any(isinstance(a, AskFollowUp) for a in actions))
        done += int(question_closed) - int(isinstance(event, Retry))

        # the actions match the new state: one prompt when a prompt is awaited, a finish when over
        if new.status is Status.AWAITING_ANSWER:
            assert len(asks) == 1 and asks[0].ref == new.current
        elif new.status is Status.AWAITING_FOLLOW_UP:
            assert [type(a) for a in actions] == [AskFollowUp]
        elif new.status is Status.GRADING:
            assert actions == [GradeThread(ref=new.current)]
        elif new.status is Status.REVIEWING:
            assert plan.options.practice and actions == [OfferRetry(ref=new.current)]
        elif new.status.is_over:
            assert [type(a) for a in actions] == [Finish]
            if actions[0].reason == "plan_complete":
                assert new.questions_done == len(new.used) == plan.total_questions

        check_invariants(plan, new, asked, done)
        state = new


@settings(max_examples=200, deadline=None)
@given(plan=plans(), prefix=st.lists(events, max_size=40), end=st.sampled_from([FinishEarly(), Expire()]),
       after=st.lists(events, min_size=1, max_size=10))
def test_completed_and_abandoned_are_absorbing(
    plan: InterviewPlan, prefix: list[Event], end: Event, after: list[Event]
) -> None:
    state = InterviewState()
    for event in [*prefix, end]:
        try:
            state, _ = transition(plan, state, event)
        except InvalidTransition:
            pass
        if state.status.is_over:
            break
    if not state.status.is_over:
        return  # e.g. still grading when FinishEarly arrived; covered by the other test
    frozen = state.model_copy(deep=True)
    for event in after:
        try:
            transition(plan, state, event)
        except InvalidTransition as refused:
            assert refused.state == state.status.value
        else:
            raise AssertionError(f"{event.kind} accepted after {state.status}")
    assert state == frozen


@settings(max_examples=200, deadline=None)
@given(plan=plans(), grades=st.lists(st.tuples(st.floats(0, 5, allow_nan=False), st.booleans()), max_size=100))
def test_answering_everything_always_ends_with_the_plan_complete(
    plan: InterviewPlan, grades: list[tuple[float, bool]]
) -> None:
    """Answer every prompt, with any grades: the interview ends after exactly the planned questions."""
    state, _ = transition(plan, InterviewState(), Start())
    follow_ups = 0
    grades = grades or [(3.0, False)]
    i = 0
    while not state.status.is_over:
        state, _ = transition(plan, state, Answer())
        overall, wants_follow_up = grades[i % len(grades)]
        i += 1
        state, actions = transition(plan, state, Graded(overall=overall, follow_up="Why?" if wants_follow_up else None))
        follow_ups += sum(isinstance(a, AskFollowUp) for a in actions)
        if state.status is Status.REVIEWING:  # practice mode: move on
            state, _ = transition(plan, state, Next())
        assert i <= plan.total_questions * (plan.options.max_follow_ups + 1)
    assert state.status is Status.COMPLETED
    assert state.questions_done == len(state.used) == plan.total_questions
    assert follow_ups <= plan.total_questions * plan.options.max_follow_ups
