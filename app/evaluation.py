"""`viva eval`: how well the offline examiner agrees with human grades on a JSON Lines file.

Two row shapes, both with ``answer`` and ``score`` (the human grade), optionally ``max_score``
(default 1.0), ``id``, ``split`` and ``kind``:
- bank rows name a shipped question, ``topic`` and ``question_id``: they are graded on the bank path,
  with the authored rubric (claims, misconceptions), exactly as a candidate is graded;
- reference rows give ``reference`` (the model answer) and optionally ``question``: they are graded on
  the reference-only path, with key points derived from the reference.
The prediction is the overall grade a candidate would see, as a share of 5, times ``max_score``.
Figures: Pearson, Spearman and QWK (see app.stats for the binning) overall, per split and per
question; with ``kind`` (e.g. excellent, wrong, buzzword), the mean grade per kind and how often the
answers to one question are ordered as the human grades order them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.bank.loader import QuestionBank, load_bank, load_default_criteria
from app.config import Settings
from app.bank.schema import Question, Topic, derive_key_points
from app.examiners.base import Exchange, GradingRequest
from app.examiners.offline import OfflineExaminer
from app.stats import pearson, qwk_scores, spearman

# References list many acceptable points; derive enough of them to cover a long reference.
REFERENCE_POINT_LIMIT = 30


@dataclass(frozen=True)
class Agreement:
    n: int
    pearson: float | None
    spearman: float | None
    qwk: float | None


@dataclass(frozen=True)
class RowResult:
    id: str
    question_key: str
    split: str | None
    human: float  # normalised to 0-1
    predicted: float  # normalised to 0-1
    max_score: float
    kind: str | None = None


@dataclass(frozen=True)
class KindFigures:
    n: int
    human: float  # mean human grade, 0-5
    predicted: float  # mean predicted grade, 0-5


@dataclass
class EvalReport:
    path: str
    overall: Agreement
    by_split: dict[str, Agreement] = field(default_factory=dict)
    by_question: dict[str, Agreement] = field(default_factory=dict)
    rows: list[RowResult] = field(default_factory=list)
    by_kind: dict[str, KindFigures] = field(default_factory=dict)
    ordered_pairs: float | None = None  # share of same-question pairs ordered as the human grades order them

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "overall": vars(self.overall),
            "by_split": {k: vars(v) for k, v in self.by_split.items()},
            "by_kind": {k: vars(v) for k, v in self.by_kind.items()},
            "ordered_pairs": self.ordered_pairs,
            "by_question": {k: vars(v) for k, v in self.by_question.items()},
            "rows": [{"id": r.id, "predicted": round(r.predicted * r.max_score, 4)} for r in self.rows],
        }

    def model_dump_json(self, indent: int | None = None) -> str:
        """The JSON object `viva eval --json` prints (same spelling as pydantic, which the CLI expects)."""
        return json.dumps(self.to_json(), indent=indent)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]
    return "q-" + (slug or hashlib.sha1(text.encode()).hexdigest()[:10])


def reference_question(prompt: str, reference: str) -> Question:
    """A question whose key points are derived from the reference answer (the reference-only path)."""
    points = derive_key_points(reference, limit=REFERENCE_POINT_LIMIT)
    digest = hashlib.sha1((prompt + "\0" + reference).encode()).hexdigest()[:8]
    return Question(id=f"{_slug(prompt)}-{digest}", prompt=prompt, model_answer=reference, key_points=points)


def reference_topic(pairs: list[tuple[str, str]]) -> Topic:
    """One topic holding every distinct (prompt, reference) of the file.

    Grouping them matters: the examiner weighs words by how rare they are across a topic's questions.
    """
    questions = tuple(reference_question(p, r) for p, r in dict.fromkeys(pairs))
    # The shipped default criteria (rubrics/_criteria.yaml): graded exactly as a dropped-in topic would be.
    criteria = load_default_criteria(Settings().rubrics_dir)
    return Topic(id="eval", title="eval", summary="eval", probes="eval", questions=questions, criteria=criteria)


def predict(examiner: OfflineExaminer, topic: Topic, question: Question, answer: str) -> float:
    """The overall grade a candidate would see for this answer (0-5), as a share of 5."""
    request = GradingRequest(topic=topic, question=question, thread=[Exchange(prompt=question.prompt, answer=answer)])
    return examiner.grade(request).overall / 5


def agreement(human: list[float], predicted: list[float]) -> Agreement:
    return Agreement(len(human), pearson(human, predicted), spearman(human, predicted), qwk_scores(human, predicted))


def _read_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name}:{number}: not a JSON object ({exc.msg})") from None
        missing = [k for k in ("answer", "score") if k not in row]
        if not ("reference" in row or ("topic" in row and "question_id" in row)):
            missing.append("reference (or topic and question_id)")
        if missing:
            raise ValueError(f"{path.name}:{number}: missing field(s) {missing}")
        row["_line"] = number
        rows.append(row)
    return rows


def _grouped(results: list[RowResult], key: str) -> dict[str, Agreement]:
    groups: dict[str, list[RowResult]] = {}
    for r in results:
        value = getattr(r, key)
        if value is not None:
            groups.setdefault(value, []).append(r)
    return {k: agreement([r.human for r in g], [r.predicted for r in g]) for k, g in sorted(groups.items())}


def _prompt_of(row: dict[str, Any]) -> str:
    """The row's question text; a row with a reference but no question is graded on the reference alone."""
    return str(row.get("question") or "").strip() or "(question text not given)"


def _is_bank_row(row: dict[str, Any]) -> bool:
    return "topic" in row and "question_id" in row


def _bank_question(bank: QuestionBank, row: dict[str, Any], path: Path) -> tuple[Topic, Question]:
    try:
        topic = bank.topic(str(row["topic"]))
        return topic, topic.question(str(row["question_id"]))
    except KeyError:
        raise ValueError(
            f"{path.name}:{row['_line']}: no shipped question {row['topic']}/{row['question_id']} "
            "(topic ids are the file names in rubrics/, question ids the questions' 'id')"
        ) from None


def run_eval(path: Path, bank: QuestionBank | None = None) -> EvalReport:
    """Grade every row of ``path`` and compare with the human scores."""
    examiner = OfflineExaminer()
    rows = _read_rows(path)
    reference_rows = [row for row in rows if not _is_bank_row(row)]
    pairs = [(_prompt_of(row), row["reference"]) for row in reference_rows]
    topic = reference_topic(pairs) if pairs else None
    by_text = {(q.prompt, q.model_answer): q for q in topic.questions} if topic else {}
    if bank is None and len(reference_rows) < len(rows):
        bank = load_bank(Settings().rubrics_dir)
    results: list[RowResult] = []
    for row in rows:
        max_score = float(row.get("max_score") or 1.0)
        if _is_bank_row(row) and bank is not None:
            row_topic, question = _bank_question(bank, row, path)
            key = f"{row['topic']}/{row['question_id']}"
        else:
            assert topic is not None
            row_topic, question = topic, by_text[(_prompt_of(row), row["reference"])]
            key = str(row.get("question_id") or row.get("question") or question.id)
        results.append(
            RowResult(
                id=str(row.get("id", row["_line"])),
                question_key=key,
                split=row.get("split"),
                human=min(1.0, max(0.0, float(row["score"]) / max_score)),
                predicted=predict(examiner, row_topic, question, row["answer"]),
                max_score=max_score,
                kind=row.get("kind"),
            )
        )
    overall = agreement([r.human for r in results], [r.predicted for r in results])
    report = EvalReport(str(path), overall, _grouped(results, "split"), _grouped(results, "question_key"), results)
    report.by_kind = _kinds(results)
    report.ordered_pairs = ordered_pairs(results)
    return report


def _kinds(results: list[RowResult]) -> dict[str, KindFigures]:
    groups: dict[str, list[RowResult]] = {}
    for r in results:
        if r.kind:
            groups.setdefault(r.kind, []).append(r)
    return {
        k: KindFigures(len(g), round(5 * sum(r.human for r in g) / len(g), 2), round(5 * sum(r.predicted for r in g) / len(g), 2))
        for k, g in sorted(groups.items())
    }


def ordered_pairs(results: list[RowResult], *, min_gap: float = 0.1) -> float | None:
    """Share of pairs of answers to the same question, graded at least ``min_gap`` apart by the human,
    that the predictions order the same way (a tie counts half)."""
    by_question: dict[str, list[RowResult]] = {}
    for r in results:
        by_question.setdefault(r.question_key, []).append(r)
    agree = total = 0.0
    for group in by_question.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if abs(a.human - b.human) < min_gap:
                    continue
                total += 1
                same = (a.human - b.human) * (a.predicted - b.predicted)
                agree += 1.0 if same > 0 else 0.5 if a.predicted == b.predicted else 0.0
    return round(agree / total, 3) if total else None


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def format_report(report: EvalReport) -> str:
    """A plain-text table: overall, per split, per question."""
    lines = [f"viva eval {report.path}", f"{'':28} {'n':>5} {'Pearson':>8} {'Spearman':>9} {'QWK':>6}"]

    def line(label: str, a: Agreement) -> str:
        return f"{label[:28]:28} {a.n:5d} {_fmt(a.pearson):>8} {_fmt(a.spearman):>9} {_fmt(a.qwk):>6}"

    lines.append(line("overall", report.overall))
    if report.by_split:
        lines.append("by split:")
        lines += [line("  " + k, v) for k, v in report.by_split.items()]
    if report.by_kind:
        lines.append("by kind (mean grade of 5):      n   human  predicted")
        lines += [f"  {k[:26]:26} {v.n:5d} {v.human:7.2f} {v.predicted:10.2f}" for k, v in report.by_kind.items()]
    if report.ordered_pairs is not None:
        lines.append(f"same-question pairs ordered as the human orders them: {100 * report.ordered_pairs:.1f}%")
    lines.append("by question:")
    lines += [line("  " + k, v) for k, v in report.by_question.items()]
    lines.append("QWK bins human and predicted scores (as a share of max_score) to 0, .25, .5, .75, 1.")
    return "\n".join(lines)
