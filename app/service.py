"""The interview service: carries out the actions the state machine returns, against the store,
examiner and interviewer.

Order of work for an answer, chosen so that nothing is lost:
1. ``Answer`` moves the interview to GRADING with a ``GradeThread`` action; the answer is stored
   together with that state (one transaction, compare-and-set) before anything else happens;
2. the thread is graded (through ``FallbackExaminer``: any fault falls back to offline), and the
   grade goes back to the machine as ``Graded``;
3. the machine asks a follow-up or the next question, or finishes; the grade, the interviewer's
   reply, the next prompt and the new state are stored together, then the reply is returned.
A crash between 1 and 3 leaves the interview in GRADING with the answer stored; ``recover()`` (run at
start-up) and any read of the interview re-run steps 2-3 for it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

from anyio import to_thread

from app.bank.loader import QuestionBank
from app.code_questions import CodeQuestions
from app.interview_queries import LONG_ANSWER_FACTOR, InterviewQueries
from app.code_runs import CodeRunner
from app.config import Settings
from app.engine.machine import (
    Answer, AskFollowUp, AskQuestion, Event, Finish, FinishEarly, Graded, GradeThread, InterviewState, Next,
    OfferRetry, Retry, Skip, Start, Status, transition,
)
from app.engine.plan import FeedbackMode, InterviewOptions, InterviewPlan, refuse_unavailable
from app.errors import Conflict, NotFound, PayloadTooLarge, Unauthorized
from app.examiners.base import Exchange, GradingRequest
from app.examiners.code_grade import with_tests
from app.examiners.fallback import FallbackExaminer
from app.interviewer.base import Interviewer, ReplyContext
from app.interviewer.offline import OfflineInterviewer
from app.jobs.plans import JobPlans
from app.llm.usage import TokenUsage
from app.models import InterviewRow, TurnRow, utcnow
from app.records import AnswerWritten, GradeWritten, LoadedInterview, SpokenAnswer, Step
from app.recovery import Recovery
from app.review.plan import aim_at_weak_points
from app.sanitize import clean_text
from app.store import InterviewStore
from app.transcript.build import build_summary_context
from app.transcript.renders import PdfRenders
from app.streaming import OnChunk, ReplyEvent, ReplyStreams
from app.turns import (
    ID_SHAPE, current_thread, hash_token, prompt_of, token_matches, visible_grade,
)
from app.views import CreatedInterview, TurnReply, progress_of


log = logging.getLogger("viva.service")

@dataclass(frozen=True, slots=True)
class AcceptedAnswer:
    """An answer stored with the move to GRADING: what is left is the ``GradeThread`` action."""

    interview: LoadedInterview
    version: int
    action: GradeThread


class InterviewService(InterviewQueries, CodeQuestions, Recovery):
    def __init__(
        self, settings: Settings, bank: QuestionBank, store: InterviewStore, grader: FallbackExaminer,
        interviewer: Interviewer,
    ) -> None:
        self.settings = settings
        self.bank = bank
        self.store = store
        self.grader = grader
        self.interviewer = interviewer
        self.offline_interviewer = OfflineInterviewer()
        self.job_plans = JobPlans.for_interviewer(bank, interviewer)  # issue 14: a job description as the plan
        self.topic_titles = {tid: topic.title for tid, topic in bank.topics.items()}
        self._streams = ReplyStreams()
        self.pdfs = PdfRenders(settings.pdf_concurrency, settings.pdf_cache_size)
        self._banks: dict[frozenset[str], QuestionBank] = {}
        self.code_runner = CodeRunner(settings)  # probed at start-up (app lifespan), off the event loop
        self._recovering: dict[str, asyncio.Future[TurnReply]] = {}  # interview id -> its re-grading
        self._started = utcnow()

    def _bank_without(self, kinds: frozenset[str]) -> QuestionBank:
        """The bank without questions of ``kinds`` (made once per set of kinds)."""
        if not kinds:
            return self.bank
        if kinds not in self._banks:
            self._banks[kinds] = self.bank.without_types(kinds)
        return self._banks[kinds]

    # Commands ------------------------------------------------------------------------------

    async def create(
        self, options: InterviewOptions, *, profile_id: str | None = None, plan: InterviewPlan | None = None,
    ) -> CreatedInterview:
        """``profile_id``: the practice profile it belongs to; ``plan``: a plan made elsewhere (a review
        interview's, from the profile's due items) instead of one built from ``options``."""
        interview_id = new_interview_id()
        token = secrets.token_urlsafe(32)
        if plan is None:
            runs_ok, why_not = await self.code_runner.check_available()
            unavailable = {} if runs_ok else {"code": why_not}
            refuse_unavailable(options, unavailable)
            # A question type this server cannot ask is left out of the bank the plan is drawn from.
            plan = await self.job_plans.build(options, seed=secrets.randbits(32), bank=self._bank_without(frozenset(unavailable)))
        state, actions = transition(plan, InterviewState(), Start())
        ctx = ReplyContext(
            kind="greeting",
            candidate_name=options.candidate_name,
            # A review plan has a step per question: name each topic once.
            topic_titles=list(dict.fromkeys(self.topic_titles[t.topic_id] for t in plan.topics)),
            total_questions=plan.total_questions,
            follow_ups=options.max_follow_ups > 0,
            practice=options.practice,
            review=options.review,  # issue 14
        )
        # The greeting is fixed wording: starting an interview costs no LLM call and cannot fail.
        words = "".join([chunk async for chunk in self.offline_interviewer.stream_reply(ctx)])
        ask = next(a for a in actions if isinstance(a, AskQuestion))  # Start always asks the first question
        turn = self._turn_for(interview_id, 1, ask, words)
        started = self.store.now()  # the store's clock (tests move it ahead to see reviews fall due)
        row = InterviewRow(
            id=interview_id,
            token_hash=hash_token(token),
            status=state.status.value,
            examiner=self.grader.name,
            options=options.model_dump(mode="json"),
            plan=plan.model_dump(mode="json"),
            state=state.model_dump(mode="json"),
            profile_id=profile_id,
            created_at=started, updated_at=started,
        )
        await to_thread.run_sync(self.store.create, row, turn)
        log.info("interview created", extra={"interview_id": interview_id, "topics": len(plan.topics)})
        view = self._view(LoadedInterview(row, plan, state, [turn]))
        return CreatedInterview(**view.model_dump(), token=token, message=turn.message)

    async def answer(
        self, interview_id: str, token: str | None, text: str, turn: int | None = None, code: str | None = None,
        spoken: SpokenAnswer | None = None,
    ) -> TurnReply:
        accepted = await self.accept_answer(interview_id, token, text, turn, code, spoken=spoken)
        return await self.grade_and_reply(accepted)

    async def accept_answer(
        self, interview_id: str, token: str | None, text: str, turn: int | None = None, code: str | None = None,
        spoken: SpokenAnswer | None = None,
    ) -> AcceptedAnswer:
        """Check and store an answer (with the move to GRADING); raises before anything is stored when
        the answer is too large, the token is wrong, or the interview is not waiting for this answer.
        ``code`` (code questions): submitted first - its hidden tests run and the run is stored.
        ``spoken`` (voice): the answer was transcribed from a recording; it is stored and graded the same."""
        if len(text) > self.settings.max_answer_chars * LONG_ANSWER_FACTOR:
            raise _too_long(text, self.settings.max_answer_chars * LONG_ANSWER_FACTOR)
        interview = await self._load(interview_id, token)
        limit = self.describe_question(interview.turns[-1].topic_id, interview.turns[-1].question_id).max_answer_chars or 0
        if len(text) > limit:
            raise _too_long(text, limit)
        state, actions = transition(interview.plan, interview.state, Answer())
        open_turn = interview.turns[-1]
        _check_turn(interview, turn)
        if code is not None:
            run = await self._run_for(interview, code, "submission", turn)
            interview = replace(interview, code_runs=[*interview.code_runs, run])
        match actions:
            case [GradeThread() as action]:
                step = Step(state, answer=AnswerWritten(open_turn.seq, clean_text(text).strip(), spoken=spoken))
                version = await to_thread.run_sync(self.store.save_step, interview.id, interview.version, step)
                stored = replace(interview, state=state, turns=step.applied_to(interview.turns))
                return AcceptedAnswer(stored, version, action)
        raise AssertionError(f"an answer must lead to grading, got {actions!r}")  # pragma: no cover

    async def grade_and_reply(self, accepted: AcceptedAnswer, on_chunk: OnChunk | None = None) -> TurnReply:
        """Carry out the ``GradeThread`` action of a stored answer, then what the grade leads to."""
        return await self._grade_thread(accepted.interview, accepted.version, accepted.action, on_chunk)

    def reply_events(self, accepted: AcceptedAnswer) -> AsyncIterator[ReplyEvent]:
        """``grade_and_reply`` as events: chunks of the interviewer's words as they are written, then the
        reply (or the error). The work runs as its own task, so it finishes even if the client leaves."""
        return self._streams.events(lambda on_chunk: self.grade_and_reply(accepted, on_chunk))

    async def skip(self, interview_id: str, token: str | None, turn: int | None = None) -> TurnReply:
        interview = await self._load(interview_id, token)
        _check_turn(interview, turn)
        skipped = AnswerWritten(interview.turns[-1].seq, "", skipped=True)
        return await self._advance(interview, interview.version, Skip(), answer=skipped)

    async def finish(self, interview_id: str, token: str | None, turn: int | None = None) -> TurnReply:
        interview = await self._load(interview_id, token)
        _check_turn(interview, turn)
        return await self._advance(interview, interview.version, FinishEarly())

    async def review(self, interview_id: str, token: str | None, again: bool, turn: int | None = None) -> TurnReply:
        """Practice mode, after a question's feedback: try it again (``again``) or go on to the next."""
        interview = await self._load(interview_id, token)
        _check_turn(interview, turn)
        return await self._advance(interview, interview.version, Retry() if again else Next())

    async def aclose(self) -> None:
        """Close the examiner's and interviewer's connections (app shutdown)."""
        await self.grader.aclose()
        await self.interviewer.aclose()

    # Carrying out the machine's actions -----------------------------------------------------

    async def _grade_thread(
        self, interview: LoadedInterview, version: int, action: GradeThread, on_chunk: OnChunk | None,
    ) -> TurnReply:
        ref = action.ref
        thread = current_thread(interview.turns)
        task = self.bank.code_task(ref.question_id)
        request = GradingRequest(
            topic=self.bank.topic(ref.topic_id),
            question=self.bank.question(ref.topic_id, ref.question_id),
            thread=[Exchange(prompt=t.prompt, answer=t.answer or "") for t in thread],
            submission=self._submission_of(interview) if task else None,
        )
        grade = await self.grader.grade_answer(request, tokens_spent=interview.tokens_spent)
        # Review interviews (issue 14): the follow-up asks about the weak points this question came back for.
        grade = aim_at_weak_points(grade, request.question, interview.plan.weak_points.get(f"{ref.topic_id}/{ref.question_id}", []))
        if task is not None:  # correctness from the hidden tests, whichever examiner graded the words
            grade = with_tests(grade, request.submission, task.follow_up)
        return await self._advance(
            interview, version, Graded(overall=grade.overall, follow_up=grade.follow_up),
            graded=GradeWritten(thread[-1].seq, grade), answered=request, on_chunk=on_chunk,
        )

    async def _advance(
        self, interview: LoadedInterview, version: int, event: Event, *, answer: AnswerWritten | None = None,
        graded: GradeWritten | None = None, answered: GradingRequest | None = None, on_chunk: OnChunk | None = None,
    ) -> TurnReply:
        """Apply ``event`` and carry out the actions it returns: ask a question or follow-up, or finish."""
        state, actions = transition(interview.plan, interview.state, event)
        ask: AskQuestion | AskFollowUp | None = None
        finish: Finish | None = None
        offer: OfferRetry | None = None
        for action in actions:
            match action:
                case AskQuestion() | AskFollowUp():
                    ask = action
                case OfferRetry():
                    offer = action
                case Finish():
                    finish = action
                case GradeThread():  # pragma: no cover - only an answer leads to grading (accept_answer)
                    raise AssertionError("grading is carried out by accept_answer")
        plan = interview.plan
        grade = graded.grade if graded else None
        show_feedback = plan.options.feedback is FeedbackMode.PER_ANSWER
        ctx = ReplyContext(
            kind="closing" if finish else _reply_kind(event),
            candidate_name=plan.options.candidate_name,
            question_prompt=answered.thread[-1].prompt if answered else None,
            answer=answered.latest_answer if answered else None,
            grade=grade,
            show_feedback=show_feedback,
            next_is_follow_up=isinstance(ask, AskFollowUp),
            offer_retry=offer is not None,
            new_topic_title=self.topic_titles[ask.ref.topic_id] if isinstance(ask, AskQuestion) and ask.new_topic else None,
        )
        # Moving on or trying again needs a fixed sentence, not a model call.
        interviewer = self.offline_interviewer if ctx.kind in ("next", "retry") else self._interviewer_for(interview)
        words, usage = await self._speak(interviewer, ctx, on_chunk)
        new_turn = self._turn_for(interview.id, interview.next_seq, ask, words) if ask else None
        message = new_turn.message if new_turn else words
        if on_chunk is not None and message != words:
            await on_chunk(message[len(words):])
        step = Step(state, answer=answer, grade=graded, new_turn=new_turn, interviewer_usage=usage)
        if finish:
            summary_ctx = build_summary_context(interview.row, step.applied_to(interview.turns), self.bank)
            written = await interviewer.summarize(summary_ctx)
            step = replace(step, summary=written.model_dump(mode="json"),
                           interviewer_usage=usage + (written.usage or TokenUsage()))
        await to_thread.run_sync(self.store.save_step, interview.id, version, step)
        return TurnReply(
            state=state.status,
            message=message,
            grade=visible_grade(grade, ctx.next_is_follow_up) if show_feedback else None,
            progress=progress_of(plan, state, self.topic_titles),
            current=prompt_of(new_turn, state, self.describe_question) if new_turn else None,
        )

    async def _speak(self, interviewer: Interviewer, ctx: ReplyContext, on_chunk: OnChunk | None) -> tuple[str, TokenUsage]:
        chunks: list[str] = []
        usage = TokenUsage()

        def add_usage(more: TokenUsage) -> None:
            nonlocal usage
            usage = usage + more

        async for chunk in interviewer.stream_reply(ctx, on_usage=add_usage):
            chunks.append(chunk)
            if on_chunk is not None:
                await on_chunk(chunk)
        return "".join(chunks).strip(), usage

    def _interviewer_for(self, interview: LoadedInterview) -> Interviewer:
        """The LLM interviewer until the interview's token budget is spent, then the offline one."""
        return self.offline_interviewer if self.grader.over_budget(interview.tokens_spent) else self.interviewer

    def _turn_for(self, interview_id: str, seq: int, ask: AskQuestion | AskFollowUp, words: str) -> TurnRow:
        """The turn that records a question or follow-up: the interviewer's words, then the verbatim prompt."""
        ref = ask.ref
        is_question = isinstance(ask, AskQuestion)
        prompt = self.bank.question(ref.topic_id, ref.question_id).asked if is_question else ask.text
        return TurnRow(
            interview_id=interview_id, seq=seq, topic_id=ref.topic_id, question_id=ref.question_id,
            kind="question" if is_question else "follow_up", message=f"{words}\n\n{prompt}" if words else prompt,
            prompt=prompt,
        )

    # Loading -------------------------------------------------------------------------------

    async def _load(self, interview_id: str, token: str | None) -> LoadedInterview:
        if not token:
            raise Unauthorized("this interview needs its token", hint="send 'Authorization: Bearer <token>'")
        accept = lambda row: token_matches(row, token)  # noqa: E731 - checked before any turn is read
        loaded = await to_thread.run_sync(self.store.load, interview_id, accept) if ID_SHAPE.match(interview_id) else None
        if loaded is None:
            raise NotFound("no interview with this id and token", hint="check the id and the token you were given")
        if loaded.state.status is Status.GRADING and await self._resume(loaded):
            loaded = await to_thread.run_sync(self.store.load, loaded.id) or loaded
        return loaded


def new_interview_id() -> str:
    """A random id that never starts with "-", so `viva export <id>` cannot read it as an option."""
    while (interview_id := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return interview_id


def _reply_kind(event: Event) -> str:
    match event:
        case Skip():
            return "after_skip"
        case Next():
            return "next"
        case Retry():
            return "retry"
    return "after_answer"


def _too_long(text: str, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the answer has {len(text)} characters; the limit for this question is {limit}",
        hint="shorten the answer (VIVA_MAX_ANSWER_CHARS sets the limit; design questions allow twice as much)",
    )


def _check_turn(interview: LoadedInterview, turn: int | None) -> None:
    """Refuse (409) an answer, skip or finish sent for a prompt the interview has moved past (a stale
    tab, a repeated click): it would otherwise act on the next prompt, unseen."""
    open_turn = interview.turns[-1].seq if interview.turns else 0
    if turn is not None and turn != open_turn:
        raise Conflict(
            f"turn {turn} was already answered or skipped; the interview is now at turn {open_turn}",
            state=interview.state.status.value,
            hint="reload the interview to see the current question; nothing was changed",
        )
