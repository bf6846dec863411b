"""Re-grade a transcript's stored answers with the current examiner and report how each score moved.

Each question's thread (the first answer and the answers to the follow-ups that were asked then) is
graded again as one request, exactly as the interview graded it last. Follow-ups are not re-asked:
a different examiner might have asked different ones, so the comparison is of grading, not of the
conversation. Skipped and unanswered questions are listed but not graded.
"""

from __future__ import annotations

from pydantic import BaseModel

from app.bank.loader import QuestionBank
from app.examiners.base import Examiner, Exchange, GradingRequest
from app.transcript.model import QuestionRecord, Transcript


class CriterionMove(BaseModel):
    criterion_id: str
    old: int | None
    new: int | None


class QuestionMove(BaseModel):
    number: int
    topic_id: str
    question_id: str
    old: float | None
    new: float | None
    change: float | None
    criteria: list[CriterionMove] = []
    note: str | None = None


class RegradeReport(BaseModel):
    transcript_id: str
    old_examiner: str
    new_examiner: str
    questions: list[QuestionMove]
    mean_absolute_change: float | None
    regraded: int
    rubric_changed: list[str] = []


def _thread(q: QuestionRecord) -> list[Exchange]:
    return [Exchange(prompt=ex.prompt, answer=ex.answer) for ex in q.exchanges if ex.answer is not None and not ex.skipped]


async def _regrade_one(n: int, q: QuestionRecord, bank: QuestionBank, examiner: Examiner) -> QuestionMove:
    move = QuestionMove(number=n, topic_id=q.topic_id, question_id=q.question_id, old=q.score, new=None, change=None)
    thread = _thread(q)
    if not thread:
        move.note = "skipped" if any(ex.skipped for ex in q.exchanges) else "not answered"
        return move
    try:
        topic = bank.topic(q.topic_id)
        question = topic.question(q.question_id)
    except KeyError:
        move.note = "question no longer in the rubrics"
        return move
    try:
        grade = await examiner.grade_answer(GradingRequest(topic=topic, question=question, thread=thread))
    except Exception as exc:  # report the failure, carry on with the other questions
        move.note = f"examiner failed: {type(exc).__name__}"
        return move
    old_scores = q.final_grade.scores if q.final_grade else {}
    ids = list(dict.fromkeys([c.id for c in topic.criteria] + list(old_scores)))
    move.new = grade.overall
    move.change = round(grade.overall - q.score, 2) if q.score is not None else None
    move.criteria = [CriterionMove(criterion_id=c, old=old_scores.get(c), new=grade.scores.get(c)) for c in ids]
    if grade.flags:
        move.note = "flags: " + ", ".join(grade.flags)
    return move


async def regrade(t: Transcript, bank: QuestionBank, examiner: Examiner) -> RegradeReport:
    moves = [await _regrade_one(n, q, bank, examiner) for n, q in enumerate(t.questions, 1)]
    changes = [abs(m.change) for m in moves if m.change is not None]
    old_hashes = t.reproducibility.rubric_files if t.reproducibility else t.rubric_hashes
    return RegradeReport(
        transcript_id=t.id,
        old_examiner=t.examiner,
        new_examiner=examiner.name,
        questions=moves,
        mean_absolute_change=round(sum(changes) / len(changes), 3) if changes else None,
        regraded=len(changes),
        rubric_changed=[tid for tid, digest in old_hashes.items() if bank.file_hashes.get(tid) not in (None, digest)],
    )


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def format_regrade(report: RegradeReport) -> str:
    lines = [f"Transcript {report.transcript_id}: graded by {report.old_examiner}, re-graded by {report.new_examiner}", ""]
    for m in report.questions:
        change = "" if m.change is None else f"  ({m.change:+.1f})"
        lines.append(f"{m.number:>2}. {m.topic_id}/{m.question_id}: {_score(m.old)} -> {_score(m.new)}{change}")
        moved = [f"{c.criterion_id} {'-' if c.old is None else c.old} -> {'-' if c.new is None else c.new}"
                 for c in m.criteria if c.old != c.new]
        if m.criteria:
            lines.append("      " + ("; ".join(moved) if moved else "no criterion moved"))
        if m.note:
            lines.append(f"      note: {m.note}")
    lines.append("")
    if report.mean_absolute_change is None:
        lines.append("Mean absolute change: - (nothing to compare)")
    else:
        lines.append(f"Mean absolute change: {report.mean_absolute_change:.2f} over {report.regraded} question(s)")
    if report.rubric_changed:
        lines.append(f"Rubric files changed since the export: {', '.join(report.rubric_changed)}")
    return "\n".join(lines)
