"""Persistence of interviews and their turns. Synchronous (the service runs it in a worker thread).

Every state change is a compare-and-set on ``interview.version``: two requests racing to answer the
same question both read version N, and only the first ``UPDATE ... WHERE version = N`` wins; the
other gets ``Conflict`` (HTTP 409) and its write is rolled back whole.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from app.errors import Conflict
from app.models import CodeRunRow, InterviewRow, TurnRow, utcnow
from app.records import LoadedInterview, Step

INTERVIEW = InterviewRow.__table__  # type: ignore[attr-defined]
TURN = TurnRow.__table__  # type: ignore[attr-defined]
CODE_RUN = CodeRunRow.__table__  # type: ignore[attr-defined]


class InterviewStore:
    def __init__(self, engine: Engine, now: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        # When answers and grades are stamped: injected so tests can move a day ahead (review items).
        self.now = now

    def create(self, interview: InterviewRow, first_turn: TurnRow | None) -> None:
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(interview)
            session.flush()  # the interview row must exist before its turn (foreign key)
            if first_turn is not None:
                session.add(first_turn)
            session.commit()

    def get(self, interview_id: str) -> InterviewRow | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return session.get(InterviewRow, interview_id)

    def get_many(self, interview_ids: Sequence[str]) -> list[InterviewRow]:
        with Session(self.engine, expire_on_commit=False) as session:
            rows = session.exec(select(InterviewRow).where(col(InterviewRow.id).in_(list(interview_ids))))
            return sorted(rows.all(), key=lambda r: r.created_at, reverse=True)

    def load(self, interview_id: str, accept: Callable[[InterviewRow], bool] | None = None) -> LoadedInterview | None:
        """The interview and its turns, read in one session (the hot path of every request). ``accept``
        (the token check) sees the row first: a refused request never reads the turns, so its cost
        says nothing about the interview's length."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get(InterviewRow, interview_id)
            if row is None or (accept is not None and not accept(row)):
                return None
            return LoadedInterview.of(row, _turns_of(session, [interview_id])[interview_id],
                                      _code_runs_of(session, [interview_id])[interview_id])

    def turns(self, interview_id: str) -> list[TurnRow]:
        return self.turns_of_many([interview_id])[interview_id]

    def turns_of_many(self, interview_ids: Sequence[str]) -> dict[str, list[TurnRow]]:
        """Every listed interview's turns in order, read in one query."""
        with Session(self.engine, expire_on_commit=False) as session:
            return _turns_of(session, interview_ids)

    def code_runs_of_many(self, interview_ids: Sequence[str]) -> dict[str, list[CodeRunRow]]:
        with Session(self.engine, expire_on_commit=False) as session:
            return _code_runs_of(session, interview_ids)

    def add_code_run(self, run: CodeRunRow) -> CodeRunRow:
        """Keep a run of the candidate's code (it changes no state: it is kept even if the interview
        moves on meanwhile)."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(run)
            session.commit()
            return run

    def claim(
        self, interview_id: str, expected_version: int, lease_seconds: float, *, untouched_since: datetime | None = None,
    ) -> int | None:
        """Take an interview left in grading for this process: a compare-and-set on its version that also
        leases it (``updated_at`` moves ``lease_seconds`` ahead, and a leased interview cannot be
        claimed until the lease runs out - so a worker that dies mid-grade only delays it). The new
        version, or None when another request or worker has it. ``untouched_since``: claim it only if it
        has not changed since then (start-up recovery passes the process's start, so it never takes an
        answer this process received and is still grading)."""
        now = utcnow()
        not_after = min(now, untouched_since) if untouched_since else now
        with self.engine.begin() as conn:
            result = conn.execute(_CLAIM, {"p_id": interview_id, "p_version": expected_version,
                                           "p_new_version": expected_version + 1, "p_not_after": not_after,
                                           "p_until": now + timedelta(seconds=lease_seconds)})
        return expected_version + 1 if result.rowcount == 1 else None

    def idle_since(self, cutoff: datetime, statuses: Sequence[str]) -> list[str]:
        """Ids of interviews in one of ``statuses`` not changed since ``cutoff``."""
        with Session(self.engine) as session:
            stmt = select(InterviewRow.id).where(col(InterviewRow.status).in_(list(statuses)),
                                                 col(InterviewRow.updated_at) < cutoff)
            return list(session.exec(stmt).all())

    def delete_finished_before(self, cutoff: datetime) -> int:
        """Delete interviews (and their turns) that finished before ``cutoff``; how many."""
        with self.engine.begin() as conn:
            old = select(INTERVIEW.c.id).where(INTERVIEW.c.finished_at < cutoff)
            conn.execute(TURN.delete().where(TURN.c.interview_id.in_(old)))
            conn.execute(CODE_RUN.delete().where(CODE_RUN.c.interview_id.in_(old)))
            return conn.execute(INTERVIEW.delete().where(INTERVIEW.c.finished_at < cutoff)).rowcount

    def ids_in_status(self, status: str) -> list[str]:
        with Session(self.engine) as session:
            return list(session.exec(select(InterviewRow.id).where(InterviewRow.status == status)).all())

    def save_step(self, interview_id: str, expected_version: int, step: Step) -> int:
        """Apply one step atomically; return the new version or raise ``Conflict``."""
        now = self.now()
        usage = step.usage
        with self.engine.begin() as conn:
            result = conn.execute(_STEP, {
                "p_id": interview_id, "p_version": expected_version, "p_new_version": expected_version + 1,
                "p_state": step.state.model_dump(mode="json"), "p_status": step.state.status.value, "p_now": now,
                "p_summary": step.summary, "p_finished_at": now if step.state.status.is_over else None,
                "p_prompt_tokens": usage.prompt_tokens, "p_completion_tokens": usage.completion_tokens,
            })
            if result.rowcount != 1:
                # Nothing was written (the UPDATE matched no row); raising rolls the transaction back.
                # (No conn.rollback() here: inside engine.begin() the next statement would then fail.)
                current = conn.execute(select(INTERVIEW.c.status).where(INTERVIEW.c.id == interview_id)).scalar()
                raise Conflict(
                    "another request changed this interview first; your request was not applied",
                    state=current or "unknown",
                    hint="reload the interview (GET /api/interviews/{id}) and continue from its current question",
                )
            if step.answer is not None:
                spoken = step.answer.spoken
                conn.execute(_ANSWER, {"p_id": interview_id, "p_seq": step.answer.seq, "p_answer": step.answer.text,
                                       "p_now": now, "p_skipped": step.answer.skipped, "p_spoken": spoken is not None,
                                       "p_spoken_seconds": spoken.seconds if spoken else None})
            if step.grade is not None:
                grade, spent = step.grade.grade, step.grade.usage
                conn.execute(_GRADE, {"p_id": interview_id, "p_seq": step.grade.seq, "p_grade": grade.model_dump(mode="json"),
                                      "p_now": now, "p_examiner": grade.examiner, "p_prompt_tokens": spent.prompt_tokens,
                                      "p_completion_tokens": spent.completion_tokens})
            if step.new_turn is not None:
                conn.execute(TURN.insert(), step.new_turn.model_dump(exclude={"id"}))
        return expected_version + 1



def _turns_of(session: Session, interview_ids: Sequence[str]) -> dict[str, list[TurnRow]]:
    return _rows_by_interview(session, TurnRow, interview_ids, TurnRow.seq)


def _code_runs_of(session: Session, interview_ids: Sequence[str]) -> dict[str, list[CodeRunRow]]:
    return _rows_by_interview(session, CodeRunRow, interview_ids, CodeRunRow.id)


def _rows_by_interview(session: Session, table: Any, interview_ids: Sequence[str], order: Any) -> dict[str, list[Any]]:
    """Every listed interview's rows of ``table``, in ``order``, read in one query."""
    found: dict[str, list[Any]] = {i: [] for i in interview_ids}
    for row in session.exec(select(table).where(col(table.interview_id).in_(list(interview_ids))).order_by(col(order))):
        found[row.interview_id].append(row)
    return found


# The hot path's statements are built once with bound parameters: building them per call (SQL
# expression objects, cache keys) cost more than the database work itself.
_TURN_KEY = (TURN.c.interview_id == bindparam("p_id"), TURN.c.seq == bindparam("p_seq"))
_STEP = (
    INTERVIEW.update()
    .where(INTERVIEW.c.id == bindparam("p_id"), INTERVIEW.c.version == bindparam("p_version"))
    .values(
        state=bindparam("p_state", type_=INTERVIEW.c.state.type),
        status=bindparam("p_status"),
        version=bindparam("p_new_version"),
        updated_at=bindparam("p_now"),
        summary=func.coalesce(bindparam("p_summary", type_=INTERVIEW.c.summary.type), INTERVIEW.c.summary),
        finished_at=func.coalesce(bindparam("p_finished_at", type_=INTERVIEW.c.finished_at.type), INTERVIEW.c.finished_at),
        prompt_tokens=INTERVIEW.c.prompt_tokens + bindparam("p_prompt_tokens"),
        completion_tokens=INTERVIEW.c.completion_tokens + bindparam("p_completion_tokens"),
    )
)
_CLAIM = (
    INTERVIEW.update()
    .where(INTERVIEW.c.id == bindparam("p_id"), INTERVIEW.c.version == bindparam("p_version"),
           INTERVIEW.c.status == "grading", INTERVIEW.c.updated_at <= bindparam("p_not_after"))
    .values(version=bindparam("p_new_version"), updated_at=bindparam("p_until"))
)
_ANSWER = TURN.update().where(*_TURN_KEY).values(
    answer=bindparam("p_answer"), answered_at=bindparam("p_now"), skipped=bindparam("p_skipped"),
    spoken=bindparam("p_spoken"), spoken_seconds=bindparam("p_spoken_seconds"),
)
_GRADE = TURN.update().where(*_TURN_KEY).values(
    grade=bindparam("p_grade", type_=TURN.c.grade.type), graded_at=bindparam("p_now"),
    examiner=bindparam("p_examiner"), prompt_tokens=bindparam("p_prompt_tokens"),
    completion_tokens=bindparam("p_completion_tokens"),
)


def age_seconds(moment: datetime) -> float:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
    return (utcnow() - moment).total_seconds()
