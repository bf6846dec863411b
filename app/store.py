"""Persistence of interviews and their turns. Synchronous (the service runs it in a worker thread).

Every state change is a compare-and-set on ``interview.version``: two requests racing to answer the
same question both read version N, and only the first ``UPDATE ... WHERE version = N`` wins; the
other gets ``Conflict`` (HTTP 409) and its write is rolled back whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.errors import InvalidTransition
from app.models import InterviewRow, TurnRow, utcnow


INTERVIEW = InterviewRow.__table__  # type: ignore[attr-defined]
TURN = TurnRow.__table__  # type: ignore[attr-defined]


class Conflict(InvalidTransition):
    """Another request changed the interview first."""


class InterviewStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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

    def load(self, interview_id: str) -> tuple[InterviewRow, list[TurnRow]] | None:
        """The interview and its turns, read in one session (the hot path of every request)."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get(InterviewRow, interview_id)
            if row is None:
                return None
            stmt = select(TurnRow).where(TurnRow.interview_id == interview_id).order_by(col(TurnRow.seq))
            return row, list(session.exec(stmt).all())

    def turns(self, interview_id: str) -> list[TurnRow]:
        with Session(self.engine, expire_on_commit=False) as session:
            stmt = select(TurnRow).where(TurnRow.interview_id == interview_id).order_by(col(TurnRow.seq))
            return list(session.exec(stmt).all())

    def ids_in_status(self, status: str) -> list[str]:
        with Session(self.engine) as session:
            return list(session.exec(select(InterviewRow.id).where(InterviewRow.status == status)).all())

    def save_step(
        self,
        interview_id: str,
        expected_version: int,
        *,
        state: dict[str, Any],
        status: str,
        answer: tuple[int, str, bool] | None = None,
        grade: tuple[int, dict[str, Any], str, int, int] | None = None,
        new_turn: TurnRow | None = None,
        summary: dict[str, Any] | None = None,
        finished: bool = False,
        interviewer_tokens: tuple[int, int] = (0, 0),
    ) -> int:
        """Apply one step atomically; return the new version or raise ``Conflict``.

        ``answer`` = (turn seq, text, skipped); ``grade`` = (turn seq, grade, examiner, prompt tokens,
        completion tokens).
        """
        now = utcnow()
        values: dict[str, Any] = {"state": state, "status": status, "version": expected_version + 1, "updated_at": now}
        if summary is not None:
            values["summary"] = summary
        if finished:
            values["finished_at"] = now
        prompt_tokens = interviewer_tokens[0] + (grade[3] if grade else 0)
        completion_tokens = interviewer_tokens[1] + (grade[4] if grade else 0)
        if prompt_tokens or completion_tokens:
            values["prompt_tokens"] = INTERVIEW.c.prompt_tokens + prompt_tokens
            values["completion_tokens"] = INTERVIEW.c.completion_tokens + completion_tokens
        # Core statements, not the ORM: this is the hot path of every turn.
        with self.engine.begin() as conn:
            result = conn.execute(
                INTERVIEW.update()
                .where(INTERVIEW.c.id == interview_id, INTERVIEW.c.version == expected_version)
                .values(**values)
            )
            if result.rowcount != 1:
                # Nothing was written (the UPDATE matched no row); raising rolls the transaction back.
                # (No conn.rollback() here: inside engine.begin() the next statement would then fail.)
                current = conn.execute(select(INTERVIEW.c.status).where(INTERVIEW.c.id == interview_id)).scalar()
                raise Conflict(
                    "another request changed this interview first; your request was not applied",
                    state=current or "unknown",
                    hint="reload the interview (GET /api/interviews/{id}) and continue from its current question",
                )
            if answer is not None:
                seq, text, skipped = answer
                conn.execute(
                    TURN.update().where(*_turn_key(interview_id, seq))
                    .values(answer=text, answered_at=now, skipped=skipped)
                )
            if grade is not None:
                seq, grade_data, examiner, p_tokens, c_tokens = grade
                conn.execute(
                    TURN.update().where(*_turn_key(interview_id, seq))
                    .values(grade=grade_data, graded_at=now, examiner=examiner,
                            prompt_tokens=p_tokens, completion_tokens=c_tokens)
                )
            if new_turn is not None:
                conn.execute(TURN.insert().values(**new_turn.model_dump(exclude={"id"})))
        return expected_version + 1



def _turn_key(interview_id: str, seq: int) -> tuple:
    return (TURN.c.interview_id == interview_id, TURN.c.seq == seq)


def age_seconds(moment: datetime) -> float:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)
    return (utcnow() - moment).total_seconds()
