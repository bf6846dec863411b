"""Build the transcript (and the final summary's input) from stored rows."""

from __future__ import annotations

from collections import Counter

from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from app.bank.loader import QuestionBank
from app.engine.machine import Status
from app.engine.plan import FeedbackMode
from app.examiners.base import Grade
from app.interviewer.base import SummaryContext, TopicResult
from app.models import CodeRunRow, InterviewRow, TurnRow
from app.transcript.model import (
    CriterionResult, ExchangeRecord, QuestionRecord, SubmissionRecord, TestRecord, TopicScore, Transcript,
)
from app.transcript.reproducibility import build_reproducibility
from app.turns import threads_of, visible_grade


def viva_version() -> str:
    try:
        return version("viva")
    except PackageNotFoundError:  # running from a checkout without install
        return "0.0.0+unknown"




def _number_attempts(questions: list[QuestionRecord]) -> list[QuestionRecord]:
    """Practice mode asks a question again after its feedback: every attempt is kept, numbered, and the
    last one counts for the scores."""
    total = Counter((q.topic_id, q.question_id) for q in questions)
    seen: Counter[tuple[str, str]] = Counter()
    numbered = []
    for q in questions:
        key = (q.topic_id, q.question_id)
        seen[key] += 1
        numbered.append(q.model_copy(update={"attempt": seen[key], "counts": seen[key] == total[key]}) if total[key] > 1 else q)
    return numbered


def _score(thread: list[TurnRow], grade: Grade | None) -> float | None:
    if grade is not None:
        return grade.overall
    if any(t.skipped for t in thread):
        return 0.0
    return None


def _mean(values: list[float]) -> float | None:
    """The mean to one decimal, half up: the one figure every page, file and summary then shows (each
    formats it with one decimal, so no two roundings can disagree)."""
    if not values:
        return None
    return float(Decimal(repr(sum(values) / len(values))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _submission(runs: list[CodeRunRow]) -> SubmissionRecord | None:
    submitted = [r for r in runs if r.kind == "submission"]
    if not submitted:
        return None
    last, outcome = submitted[-1], submitted[-1].outcome
    return SubmissionRecord(
        code=last.code, passed=outcome["passed"], total=outcome["total"], problem=outcome.get("problem", ""),
        seconds=outcome.get("seconds", 0.0), submitted_at=last.created_at,
        tests=[TestRecord(name=t["name"], passed=t["passed"], message=t.get("message", ""), seconds=t.get("seconds", 0.0))
               for t in outcome["tests"]],
    )


def build_transcript(
    row: InterviewRow, turns: list[TurnRow], bank: QuestionBank, prompts_dir: Path | None = None,
    *, withhold: bool = True, code_runs: list[CodeRunRow] | None = None,
) -> Transcript:
    """``prompts_dir`` (Settings.prompts_dir) is hashed for the reproducibility block; default ./prompts.

    While the interview is live, nothing of the open question's rubric leaves the server: its model
    answer is withheld and its grades name no missed point or correction (a follow-up may be probing
    them); with feedback at the end, no grade is shown before the end. ``withhold=False`` is for the
    server's own use (the closing summary is written from the full grades)."""
    over = Status(row.status).is_over or not withhold
    hide_grades = not over and (row.options or {}).get("feedback") == FeedbackMode.AT_END.value
    threads = threads_of(turns)
    questions: list[QuestionRecord] = []
    for n, thread in enumerate(threads):
        head = thread[0]
        # A code run belongs to the thread whose turns it was made on.
        runs = [r for r in code_runs or [] if head.seq <= r.seq <= thread[-1].seq]
        topic = bank.topic(head.topic_id)
        question = topic.question(head.question_id)
        open_thread = not over and n == len(threads) - 1

        def shown(stored: dict | None) -> Grade | None:
            if stored is None or hide_grades:
                return None
            return visible_grade(Grade.model_validate(stored), follow_up_pending=open_thread)

        graded = [t for t in thread if t.grade]
        grade = shown(graded[-1].grade) if graded else None
        answered = [t.answered_at for t in thread if t.answered_at]
        criteria = [
            CriterionResult(criterion_id=c.id, title=c.title, score=grade.scores.get(c.id, 0),
                            anchor=c.anchors[grade.scores.get(c.id, 0)], weight=c.weight)
            for c in topic.criteria
        ] if grade else []
        questions.append(QuestionRecord(
            topic_id=topic.id, topic_title=topic.title, question_id=question.id, difficulty=question.difficulty,
            question_type=question.type, prompt=question.prompt, code=question.code,
            submission=_submission(runs), code_runs=len(runs),
            expected=None if open_thread or question.estimate is None else
            f"about {question.estimate.value:g} {question.estimate.unit} (within {round(question.estimate.tolerance * 100)}%); "
            f"assumes {question.estimate.assumptions.strip()}",
            # The model answer is shown only once the question is behind the candidate.
            model_answer="" if open_thread else question.model_answer,
            exchanges=[ExchangeRecord(
                kind=t.kind, prompt=t.prompt, message=t.message, answer=t.answer, skipped=t.skipped,
                spoken=bool(t.spoken), spoken_seconds=t.spoken_seconds,
                asked_at=t.asked_at, answered_at=t.answered_at, graded_at=t.graded_at,
                grade=shown(t.grade), examiner=t.examiner,
                prompt_tokens=t.prompt_tokens, completion_tokens=t.completion_tokens,
            ) for t in thread],
            score=None if hide_grades else _score(thread, grade), criteria=criteria, final_grade=grade,
            time_spent_seconds=round((max(answered) - head.asked_at).total_seconds(), 1) if answered else None,
        ))
    questions = _number_attempts(questions)
    counted = [q for q in questions if q.counts]
    topics = []
    for topic_id in dict.fromkeys(q.topic_id for q in counted):
        scores = [q.score for q in counted if q.topic_id == topic_id and q.score is not None]
        topics.append(TopicScore(topic_id=topic_id, title=bank.topic(topic_id).title, score=_mean(scores),
                                 questions=sum(1 for q in counted if q.topic_id == topic_id)))
    all_scores = [q.score for q in counted if q.score is not None]
    rubric_hashes = {t: bank.file_hashes.get(t, "") for t in dict.fromkeys(q.topic_id for q in questions)}
    last_answer = max((t.answered_at for t in turns if t.answered_at), default=None)
    return Transcript(
        viva_version=viva_version(), id=row.id, status=row.status, created_at=row.created_at,
        finished_at=row.finished_at, options=row.options, examiner=row.examiner, questions=questions,
        questions_planned=_questions_planned(row),
        plan_explanation=(row.plan or {}).get("explanation"),
        topics=topics, overall=_mean(all_scores), summary=row.summary,
        usage={"prompt_tokens": row.prompt_tokens, "completion_tokens": row.completion_tokens},
        rubric_hashes=rubric_hashes,
        duration_seconds=round((last_answer - row.created_at).total_seconds(), 1) if last_answer else None,
        reproducibility=build_reproducibility(
            viva_version=viva_version(), examiner=row.examiner, questions=questions, rubric_files=rubric_hashes,
            prompt_tokens=row.prompt_tokens, completion_tokens=row.completion_tokens,
            summary_examiner=(row.summary or {}).get("examiner"), prompts_dir=prompts_dir,
        ),
    )


def _questions_planned(row: InterviewRow) -> int | None:
    """The plan's question count; a job-description plan gives each topic its own (``questions``)."""
    per_topic = int((row.options or {}).get("questions_per_topic", 1))
    return sum(int(t.get("questions") or per_topic) for t in (row.plan or {}).get("topics", [])) or None


def build_summary_context(row: InterviewRow, turns: list[TurnRow], bank: QuestionBank) -> SummaryContext:
    transcript = build_transcript(row, turns, bank, withhold=False)
    results = []
    for topic in transcript.topics:
        questions = [q for q in transcript.questions if q.topic_id == topic.topic_id and q.counts]
        grades = [q.final_grade for q in questions if q.final_grade]
        areas = [m.key_point_id.replace("-", " ") for g in grades for m in sorted(g.missed, key=lambda m: -m.weight)]
        results.append(TopicResult(
            topic_id=topic.topic_id, title=topic.title, score=topic.score,
            missed_points=[m.text for g in grades for m in g.missed][:6],
            covered_points=[c.text for g in grades for c in g.covered][:6],
            missed_areas=list(dict.fromkeys(a for a in areas if not a.startswith("point ")))[:4],
            # A skipped question and one never reached after finishing early are the same gap.
            unanswered=[q.prompt for q in questions if not any(ex.answer and ex.answer.strip() for ex in q.exchanges)],
        ))
    return SummaryContext(topics=results, overall=transcript.overall)
