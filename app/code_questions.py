"""The interview service's part for code questions: running the candidate's code (examples or hidden
tests) for the open question, keeping every run, and handing the last submission to grading.

A run changes no interview state, so it is stored on its own (``code_run`` rows, with the turn it was
made on); a submission sent with the explanation (``POST /answers`` with ``code``) is run and stored
before the answer is accepted, so the grade always sees it.
"""

from __future__ import annotations

from anyio import to_thread

from app.bank.code_tasks import CodeTask
from app.bank.loader import QuestionBank
from app.code_runs import MAX_CODE_CHARS, CodeRunner, CodeRunOutcome, RunKind
from app.engine.machine import Status
from app.errors import InvalidTransition, NotACodeQuestion, PayloadTooLarge
from app.examiners.base import Submission, SubmittedTest
from app.models import CodeRunRow
from app.records import LoadedInterview
from app.sanitize import clean_text
from app.store import InterviewStore
from app.turns import last_submission, thread_runs

OPEN_STATES = (Status.AWAITING_ANSWER, Status.AWAITING_FOLLOW_UP)


class CodeQuestions:
    """Mixed into ``InterviewService`` (which provides these attributes and ``_load``)."""

    bank: QuestionBank
    store: InterviewStore
    code_runner: CodeRunner

    async def _load(self, interview_id: str, token: str | None) -> LoadedInterview:  # pragma: no cover - the service's
        raise NotImplementedError

    async def run_code(self, interview_id: str, token: str | None, code: str, kind: RunKind,
                       turn: int | None = None) -> CodeRunOutcome:
        """Run ``code`` against the open code question's examples or hidden tests; the run is stored
        whatever the code does, and its outcome returned."""
        interview = await self._load(interview_id, token)
        row = await self._run_for(interview, code, kind, turn)
        return CodeRunOutcome.model_validate(row.outcome)

    async def _run_for(self, interview: LoadedInterview, code: str, kind: RunKind, turn: int | None) -> CodeRunRow:
        task = self._open_task(interview, turn)
        code = _checked_code(code)
        outcome = await self.code_runner.run(task, code, kind)
        row = CodeRunRow(interview_id=interview.id, seq=interview.turns[-1].seq, kind=kind, code=code,
                         outcome=outcome.model_dump(mode="json"))
        return await to_thread.run_sync(self.store.add_code_run, row)

    def _open_task(self, interview: LoadedInterview, turn: int | None) -> CodeTask:
        """The task of the question awaiting an answer; refuses when none is open or it is not code."""
        status = interview.state.status
        open_seq = interview.turns[-1].seq if interview.turns else 0
        if status not in OPEN_STATES or (turn is not None and turn != open_seq):
            raise InvalidTransition(
                f"no question is waiting for code at turn {turn if turn is not None else open_seq}: the interview is {status.value}",
                state=status.value, hint="reload the interview to see its current question; nothing was run or changed",
            )
        open_turn = interview.turns[-1]
        task = self.bank.code_task(open_turn.question_id)
        if task is None or task.topic != open_turn.topic_id:
            raise NotACodeQuestion(
                "the current question is not a code question, so there is no code to run",
                hint="answer it in words (POST /answers with 'text' only)",
            )
        return task

    def _submission_of(self, interview: LoadedInterview) -> Submission | None:
        """The last code submitted for the question being graded, with its hidden tests."""
        row = last_submission(thread_runs(interview))
        if row is None:
            return None
        outcome = CodeRunOutcome.model_validate(row.outcome)
        return Submission(code=row.code, passed=outcome.passed, total=outcome.total, problem=outcome.problem,
                          tests=[SubmittedTest(name=t.name, passed=t.passed, message=t.message) for t in outcome.tests])


def _checked_code(code: str) -> str:
    if len(code) > MAX_CODE_CHARS:
        raise PayloadTooLarge(f"the code has {len(code)} characters; the limit is {MAX_CODE_CHARS}",
                              hint="send only the solution: the functions the task asks for")
    # Keep indentation and line breaks; drop control characters that are not code (NUL, escapes).
    return clean_text(code).replace("\r\n", "\n")
