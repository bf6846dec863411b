"""`viva eval`: how well the offline examiner agrees with human grades on a JSON Lines file.

Each row has ``question``, ``reference`` (model answer), ``answer`` and ``score`` (the human grade),
optionally ``max_score`` (default 1.0), ``id``, ``question_id`` and ``split``. Every row is graded on
the reference-only path: a Question is built from the prompt and the reference, its key points are
derived from the reference, and the examiner's continuous 0-1 score times ``max_score`` is the
prediction. Figures: Pearson, Spearman and QWK (see app.stats for the binning) overall, per split
and per question.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.bank.loader import load_default_criteria
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


@dataclass
class EvalReport:
    path: str
    overall: Agreement
    by_split: dict[str, Agreement] = field(default_factory=dict)
    by_question: dict[str, Agreement] = field(default_factory=dict)
    rows: list[RowResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "overall": vars(self.overall),
            "by_split": {k: vars(v) for k, v in self.by_split.items()},
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
        row = json.loads(line)
        missing = [k for k in ("question", "reference", "answer", "score") if k not in row]
        if missing:
            raise ValueError(f"{path.name}:{number}: missing field(s) {missing}")
        rows.append(row)
    return rows


def _grouped(results: list[RowResult], key: str) -> dict[str, Agreement]:
    groups: dict[str, list[RowResult]] = {}
    for r in results:
        value = getattr(r, key)
        if value is not None:
            groups.setdefault(value, []).append(r)
    return {k: agreement([r.human for r in g], [r.predicted for r in g]) for k, g in sorted(groups.items())}


def run_eval(path: Path) -> EvalReport:
    """Grade every row of ``path`` and compare with the human scores."""
    examiner = OfflineExaminer()
    rows = _read_rows(path)
    topic = reference_topic([(row["question"], row["reference"]) for row in rows])
    by_text = {(q.prompt, q.model_answer): q for q in topic.questions}
    results: list[RowResult] = []
    for number, row in enumerate(rows, start=1):
        max_score = float(row.get("max_score") or 1.0)
        question = by_text[(row["question"], row["reference"])]
        predicted = predict(examiner, topic, question, row["answer"])
        results.append(
            RowResult(
                id=str(row.get("id", number)),
                question_key=str(row.get("question_id") or row["question"]),
                split=row.get("split"),
                human=min(1.0, max(0.0, float(row["score"]) / max_score)),
                predicted=predicted,
                max_score=max_score,
            )
        )
    overall = agreement([r.human for r in results], [r.predicted for r in results])
    return EvalReport(str(path), overall, _grouped(results, "split"), _grouped(results, "question_key"), results)


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
    lines.append("by question:")
    lines += [line("  " + k, v) for k, v in report.by_question.items()]
    lines.append("QWK bins human and predicted scores (as a share of max_score) to 0, .25, .5, .75, 1.")
    return "\n".join(lines)
