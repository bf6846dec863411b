"""The interview service: runs the state machine's actions against the store, examiner and interviewer.

Order of work for an answer, chosen so that nothing is lost:
1. the answer is stored together with the move to GRADING (one transaction, compare-and-set);
2. the thread is graded (LLM or offline; any fault falls back to offline);
3. the grade, the next prompt and the new state are stored together, then the reply is returned.
A crash between 1 and 3 leaves the interview in GRADING with the answer stored; ``recover()`` (run at
start-up) and ``view()`` re-run step 2-3 for it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from anyio import to_thread

from app.bank.loader import QuestionBank
from app.config import Settings
from app.engine.machine import (
    Action, Answer, AskFollowUp, AskQuestion, Event, Finish, FinishEarly, Graded, InterviewState, Skip,
    Start, Status, transition,
)
from app.engine.plan import FeedbackMode, InterviewOptions, InterviewPlan, build_plan
from app.errors import NotFound, PayloadTooLarge, Unauthorized
from app.examiners.base import Examiner, Exchange, Grade, GradingRequest, TokenUsage
from app.interviewer.base import Interviewer, ReplyContext
from app.interviewer.offline import OfflineInterviewer
from app.models import InterviewRow, TurnRow
from app.store import Conflict, InterviewStore, age_seconds
from app.sanitize import clean_text
from app.transcript.build import build_summary_context, build_transcript
from app.transcript.model import Transcript
from app.turns import (
    ID_SHAPE, apply_pending, current_thread, hash_token, prompt_of, token_matches, visible_grade,
)
from app.views import CreatedInterview, HistoryEntry, InterviewView, TurnReply, progress_of

log = logging.getLogger("viva.service")

OnChunk = Callable[[str], Awaitable[None]]

class InterviewService:
    def __init__(
        self,
        settings: Settings,
        bank: QuestionBank,
        store: InterviewStore,
        examiner: Examiner,
        fallback_examiner: Examiner,
        interviewer: Interviewer,
    ) -> None:
        self.settings = settings
        self.bank = bank
        self.store = store
        self.examiner = examiner
        self.fallback_examiner = fallback_examiner
        self.interviewer = interviewer
        self.offline_interviewer = OfflineInterviewer()
        self.topic_titles = {tid: topic.title for tid, topic in bank.topics.items()}

    # Commands ------------------------------------------------------------------------------

    async def create(self, options: InterviewOptions) -> CreatedInterview:
        interview_id = secrets.token_urlsafe(16)
        token = secrets.token_urlsafe(32)
        plan = build_plan(options, self.bank, seed=secrets.randbits(32))
        state, actions = transition(plan, InterviewState(), Start())
        ctx = ReplyContext(
            kind="greeting",
            candidate_name=options.candidate_name,
            topic_titles=[self.bank.topic(t.topic_id).title for t in plan.topics],
            total_questions=plan.total_questions,
        )
        # The greeting is fixed wording: starting an interview costs no LLM call and cannot fail.
        words = "".join([chunk async for chunk in self.offline_interviewer.stream_reply(ctx)])
        message, turn = self._next_prompt(interview_id, 1, plan, actions, words)
        row = InterviewRow(
            id=interview_id,
            token_hash=hash_token(token),
            status=state.status.value,
            examiner=self.examiner.name,
            options=options.model_dump(mode="json"),
            plan=plan.model_dump(mode="json"),
            state=state.model_dump(mode="json"),
        )
        await to_thread.run_sync(self.store.create, row, turn)
        log.info("interview created", extra={"interview_id": interview_id, "topics": len(plan.topics)})
        view = self._view(row, [turn] if turn else [])
        return CreatedInterview(**view.model_dump(), token=token, message=message)

    def check_answer_size(self, text: str) -> None:
        if len(text) > self.settings.max_answer_chars:
            raise PayloadTooLarge(
                f"the answer has {len(text)} characters; the limit is {self.settings.max_answer_chars}",
                hint="shorten the answer (VIVA_MAX_ANSWER_CHARS sets the limit)",
            )

    async def answer(
        self, interview_id: str, token: str | None, text: str, on_chunk: OnChunk | None = None, turn: int | None = None,
    ) -> TurnReply:
        self.check_answer_size(text)
        text = clean_text(text).strip()
        row, plan, state, turns = await self._load(interview_id, token)
        new_state, _ = transition(plan, state, Answer())
        open_turn = turns[-1]
        if turn is not None and turn != open_turn.seq:
            raise Conflict(
                f"turn {turn} was already answered; the interview is now at turn {open_turn.seq}",
                state=state.status.value, hint="reload the interview to see the current question; your text was not stored",
            )
        version = await to_thread.run_sync(
            lambda: self.store.save_step(
                row.id, row.version, state=new_state.model_dump(mode="json"), status=new_state.status.value,
                answer=(open_turn.seq, text, False),
            )
        )
        open_turn.answer = text
        return await self._grade_and_advance(row, version, plan, new_state, turns, on_chunk)

    async def skip(self, interview_id: str, token: str | None) -> TurnReply:
        row, plan, state, turns = await self._load(interview_id, token)
        return await self._advance(row, row.version, plan, state, Skip(), turns, skipped_seq=turns[-1].seq)

    async def finish(self, interview_id: str, token: str | None) -> TurnReply:
        row, plan, state, turns = await self._load(interview_id, token)
        return await self._advance(row, row.version, plan, state, FinishEarly(), turns)

    # Queries -------------------------------------------------------------------------------

    async def view(self, interview_id: str, token: str | None) -> InterviewView:
        row, _, _, turns = await self._load(interview_id, token)
        return self._view(row, turns)

    async def transcript(self, interview_id: str, token: str | None) -> Transcript:
        row, _, _, turns = await self._load(interview_id, token)
        return build_transcript(row, turns, self.bank, prompts_dir=self.settings.prompts_dir)

    async def history(self, credentials: dict[str, str]) -> list[HistoryEntry]:
        """Interviews whose id and token both match (the browser keeps the pairs), newest first."""
        rows = await to_thread.run_sync(self.store.get_many, [i for i in credentials if ID_SHAPE.match(i)])
        mine = [r for r in rows if token_matches(r, credentials.get(r.id))]
        turns = await to_thread.run_sync(self.store.turns_of_many, [r.id for r in mine])
        return [
            HistoryEntry(**self._view(r, turns[r.id]).model_dump(), overall=build_transcript(r, turns[r.id], self.bank).overall)
            for r in mine
        ]

    async def aclose(self) -> None:
        """Close the examiner's and interviewer's connections (app shutdown)."""
        for part in (self.examiner, self.interviewer, self.fallback_examiner):
            await part.aclose()

    async def recover(self) -> int:
        """Finish grading for interviews a crash left in GRADING. Returns how many were recovered."""
        ids = await to_thread.run_sync(self.store.ids_in_status, Status.GRADING.value)
        for interview_id in ids:
            loaded = await to_thread.run_sync(self.store.load, interview_id)
            if loaded is not None:
                await self._resume(*loaded, force=True)
        return len(ids)

    # Steps ---------------------------------------------------------------------------------

    async def _grade_and_advance(
        self, row: InterviewRow, version: int, plan: InterviewPlan, state: InterviewState,
        turns: list[TurnRow], on_chunk: OnChunk | None,
    ) -> TurnReply:
        assert state.current is not None
        thread_turns = current_thread(turns)
        request = GradingRequest(
            topic=self.bank.topic(state.current.topic_id),
            question=self.bank.question(state.current.topic_id, state.current.question_id),
            thread=[Exchange(prompt=t.prompt, answer=t.answer or "") for t in thread_turns],
            **self._budget_fields(row),
        )
        grade = await self._grade(request)
        usage = grade.usage
        graded = (thread_turns[-1].seq, grade.model_dump(mode="json"), grade.examiner,
                  usage.prompt_tokens if usage else 0, usage.completion_tokens if usage else 0)
        event = Graded(overall=grade.overall, follow_up=grade.follow_up)
        return await self._advance(row, version, plan, state, event, turns, graded=graded, grade=grade,
                                   on_chunk=on_chunk, answered=request)

    async def _grade(self, request: GradingRequest) -> Grade:
        try:
            return await self.examiner.grade_answer(request)
        except Exception as exc:  # an examiner must never stop an interview
            log.exception("examiner failed; offline examiner grades instead")
            grade = await self.fallback_examiner.grade_answer(request)
            return grade.model_copy(update={"flags": [*grade.flags, f"fallback:{type(exc).__name__}"]})

    async def _advance(
        self, row: InterviewRow, version: int, plan: InterviewPlan, state: InterviewState, event: Event,
        turns: list[TurnRow], *, graded: tuple | None = None, grade: Grade | None = None,
        skipped_seq: int | None = None, on_chunk: OnChunk | None = None, answered: GradingRequest | None = None,
    ) -> TurnReply:
        new_state, actions = transition(plan, state, event)
        show_feedback = plan.options.feedback is FeedbackMode.PER_ANSWER
        finished = any(isinstance(a, Finish) for a in actions)
        ctx = ReplyContext(
            kind="closing" if finished else ("after_skip" if isinstance(event, Skip) else "after_answer"),
            candidate_name=plan.options.candidate_name,
            question_prompt=answered.thread[-1].prompt if answered else None,
            answer=answered.latest_answer if answered else None,
            grade=grade,
            show_feedback=show_feedback,
            next_is_follow_up=any(isinstance(a, AskFollowUp) for a in actions),
            new_topic_title=next(
                (self.bank.topic(a.ref.topic_id).title for a in actions if isinstance(a, AskQuestion) and a.new_topic),
                None,
            ),
        )
        interviewer = self._interviewer_for(row)
        words, usage = await self._speak(interviewer, ctx, on_chunk)
        seq = (turns[-1].seq + 1) if turns else 1
        message, new_turn = self._next_prompt(row.id, seq, plan, actions, words)
        if on_chunk is not None and message != words:
            await on_chunk(message[len(words):])
        summary = None
        if finished:
            all_turns = apply_pending(turns, graded, skipped_seq)
            summary_ctx = build_summary_context(row, all_turns, self.bank)
            written = await interviewer.summarize(summary_ctx)
            usage = usage + (written.usage or TokenUsage())
            summary = written.model_dump(mode="json")
        await to_thread.run_sync(
            lambda: self.store.save_step(
                row.id, version, state=new_state.model_dump(mode="json"), status=new_state.status.value,
                answer=(skipped_seq, "", True) if skipped_seq is not None else None,
                grade=graded, new_turn=new_turn, summary=summary, finished=finished,
                interviewer_tokens=(usage.prompt_tokens, usage.completion_tokens),
            )
        )
        current = prompt_of(new_turn, new_state) if new_turn else None
        return TurnReply(
            state=new_state.status,
            message=message,
            grade=visible_grade(grade, ctx.next_is_follow_up) if show_feedback else None,
            progress=progress_of(plan, new_state, self.topic_titles),
            current=current,
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

    def _interviewer_for(self, row: InterviewRow) -> Interviewer:
        """The LLM interviewer until the interview's token budget is spent, then the offline one."""
        budget = self.settings.llm_token_budget
        if budget is not None and row.prompt_tokens + row.completion_tokens >= budget:
            return self.offline_interviewer
        return self.interviewer

    def _next_prompt(
        self, interview_id: str, seq: int, plan: InterviewPlan, actions: list[Action], words: str
    ) -> tuple[str, TurnRow | None]:
        """The interviewer's message (words + verbatim prompt) and the turn that records it."""
        for action in actions:
            if isinstance(action, (AskQuestion, AskFollowUp)):
                ref = action.ref
                is_question = isinstance(action, AskQuestion)
                prompt = self.bank.question(ref.topic_id, ref.question_id).prompt if is_question else action.text
                message = f"{words}\n\n{prompt}" if words else prompt
                return message, TurnRow(
                    interview_id=interview_id, seq=seq, topic_id=ref.topic_id, question_id=ref.question_id,
                    kind="question" if is_question else "follow_up", message=message, prompt=prompt,
                )
        return words, None

    def _budget_fields(self, row: InterviewRow) -> dict[str, Any]:
        return {"tokens_used_so_far": row.prompt_tokens + row.completion_tokens,
                "token_budget": self.settings.llm_token_budget}

    # Loading -------------------------------------------------------------------------------

    async def _load(self, interview_id: str, token: str | None) -> tuple[InterviewRow, InterviewPlan, InterviewState, list[TurnRow]]:
        if not token:
            raise Unauthorized("this interview needs its token", hint="send 'Authorization: Bearer <token>'")
        loaded = await to_thread.run_sync(self.store.load, interview_id) if ID_SHAPE.match(interview_id) else None
        if loaded is None or not token_matches(loaded[0], token):
            raise NotFound("no interview with this id and token", hint="check the id and the token you were given")
        row, turns = loaded
        if row.status == Status.GRADING.value and await self._resume(row, turns):
            row, turns = await to_thread.run_sync(self.store.load, row.id) or loaded
        return row, InterviewPlan.model_validate(row.plan), InterviewState.model_validate(row.state), turns

    async def _resume(self, row: InterviewRow, turns: list[TurnRow], force: bool = False) -> bool:
        """Re-run grading for an answer stored before a crash; True when it was (re)tried, so the caller
        reloads. Losing a race to another worker is fine."""
        in_flight_for = self.settings.llm_timeout * (self.settings.llm_max_retries + 2)
        if not force and age_seconds(row.updated_at) < in_flight_for:
            return False  # probably still being graded by the request that stored it
        try:
            await self._grade_and_advance(
                row, row.version, InterviewPlan.model_validate(row.plan), InterviewState.model_validate(row.state),
                turns, None,
            )
        except Conflict:
            pass
        log.info("recovered interview left in grading", extra={"interview_id": row.id})
        return True

    def _view(self, row: InterviewRow, turns: list[TurnRow]) -> InterviewView:
        plan = InterviewPlan.model_validate(row.plan)
        state = InterviewState.model_validate(row.state)
        open_turn = turns[-1] if turns and turns[-1].answer is None and not state.status.is_over else None
        return InterviewView(
            id=row.id, state=state.status, options=plan.options, examiner=row.examiner,
            progress=progress_of(plan, state, self.topic_titles),
            current=prompt_of(open_turn, state) if open_turn else None,
            created_at=row.created_at, finished_at=row.finished_at,
        )
