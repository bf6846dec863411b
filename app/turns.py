"""Pure helpers of the interview service: tokens, candidate text, and views over stored turns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import hashlib
import hmac
import re

from app.engine.machine import InterviewState
from app.examiners.base import Grade
from app.bank.code_tasks import CodeTask
from app.code_runs import CodeRunOutcome
from app.models import CodeRunRow, InterviewRow, TurnRow
from app.records import LoadedInterview
from app.views import CodeTaskView, CurrentPrompt, InterviewView, progress_of

# Interview ids are secrets.token_urlsafe(16); anything else cannot exist and never reaches the database
# (PostgreSQL refuses NUL characters in text, which would be a 500).
ID_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def visible_grade(grade: Grade | None, follow_up_pending: bool) -> Grade | None:
    """While a follow-up probes this question, the missed points stay unnamed: showing them would hand
    the candidate the answer to the follow-up. The stored grade keeps them; the transcript shows them."""
    if grade is None or not follow_up_pending:
        return grade
    hidden = [m.model_copy(update={"text": "(shown after the follow-up)"}) for m in grade.missed]
    # Likewise the correction of a misconception: the follow-up asks the candidate to reconsider it.
    wrong = [m.model_copy(update={"correction": "(shown after the follow-up)"}) for m in grade.misconceptions]
    flags = [*grade.flags, "follow_up_pending"]  # the page offers no model answer while this holds
    # ... and an estimate's expected value, and the bugs not found yet.
    estimate = grade.estimate.model_copy(update={"expected": None, "ratio": None}) if grade.estimate else None
    parts = [p.model_copy(update={"title": p.title.split(":")[0] + ": (shown after the follow-up)"})
             if p.kind == "bug" and p.covered < p.total else p for p in grade.parts]
    return grade.model_copy(update={"missed": hidden, "misconceptions": wrong, "flags": flags, "estimate": estimate, "parts": parts})


def token_matches(row: InterviewRow, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(row.token_hash, hash_token(token or ""))


def threads_of(turns: list[TurnRow]) -> list[list[TurnRow]]:
    """Turns grouped by question: each question turn with the follow-ups after it."""
    threads: list[list[TurnRow]] = []
    for turn in turns:
        if turn.kind == "question" or not threads:
            threads.append([turn])
        else:
            threads[-1].append(turn)
    return threads


def current_thread(turns: list[TurnRow]) -> list[TurnRow]:
    """The turns of the question being answered: its 'question' turn and the follow-ups after it."""
    start = max(i for i, t in enumerate(turns) if t.kind == "question")
    return turns[start:]


@dataclass(frozen=True, slots=True)
class PromptTraits:
    """What the page needs to know about a question beyond its text."""

    question_type: str = "concept"
    max_answer_chars: int | None = None
    code_task: CodeTask | None = None  # code questions: the task (its hidden parts never leave the server)
    code_runs_available: bool = False


# The traits of a question, by topic id and question id.
Describe = Callable[[str, str], PromptTraits]


def _undescribed(_topic_id: str, _question_id: str) -> PromptTraits:
    return PromptTraits()


def prompt_of(turn: TurnRow, state: InterviewState, describe: Describe = _undescribed,
              code_runs: Sequence[CodeRunRow] = ()) -> CurrentPrompt:
    traits = describe(turn.topic_id, turn.question_id)
    return CurrentPrompt(
        turn=turn.seq, kind=turn.kind, text=turn.prompt, topic_id=turn.topic_id, question_id=turn.question_id,
        difficulty=state.current.difficulty if state.current else 2, asked_at=turn.asked_at,
        question_type=traits.question_type, max_answer_chars=traits.max_answer_chars,
        code=_code_view(traits, code_runs) if traits.code_task else None,
    )


def _code_view(traits: PromptTraits, code_runs: Sequence[CodeRunRow]) -> CodeTaskView:
    """``code_runs``: the runs of this question's thread (``thread_runs``)."""
    task = traits.code_task
    assert task is not None
    last = code_runs[-1] if code_runs else None
    return CodeTaskView(
        starter=task.starter, visible_tests=task.visible_tests, runs_available=traits.code_runs_available,
        last_code=last.code if last else None, last_run=CodeRunOutcome.model_validate(last.outcome) if last else None,
    )


def view_of(interview: LoadedInterview, topic_titles: dict[str, str], describe: Describe = _undescribed) -> InterviewView:
    """The API view of an interview: state, progress, and the prompt awaiting an answer."""
    plan, state, turns = interview.plan, interview.state, interview.turns
    open_turn = turns[-1] if turns and turns[-1].answer is None and not state.status.is_over else None
    return InterviewView(
        id=interview.id, state=state.status, options=plan.options, examiner=interview.row.examiner,
        progress=progress_of(plan, state, topic_titles),
        current=prompt_of(open_turn, state, describe, thread_runs(interview)) if open_turn else None,
        created_at=interview.row.created_at, finished_at=interview.row.finished_at,
        plan_explanation=plan.explanation,
    )


def thread_runs(interview: LoadedInterview) -> list[CodeRunRow]:
    """The code runs of the question being answered (its question turn and follow-ups), oldest first."""
    if not interview.turns or not interview.code_runs:
        return []
    first = current_thread(interview.turns)[0].seq
    return [r for r in interview.code_runs if r.seq >= first]


def last_submission(runs: Sequence[CodeRunRow]) -> CodeRunRow | None:
    submitted = [r for r in runs if r.kind == "submission"]
    return submitted[-1] if submitted else None
