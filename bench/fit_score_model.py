"""Fit the coefficients of the offline examiner's continuous score (scoring.SCORE_MODEL).

Fractional logistic regression of the human 0-1 grade on `scoring.score_features`, fit by Newton's
method with a small L2 penalty (not on the bias), on the rows of the `training` split ONLY. The
held-out splits (`unseen_answers`, `unseen_questions`) are reported, never fit. Non-answers are
left out of the fit (the examiner scores them 0 by rule). Pure Python, deterministic.

    .venv/bin/python bench/fit_score_model.py [/work/shared/datasets/saf-english.jsonl] [--l2 0.01]

Paste the printed SCORE_MODEL into app/examiners/scoring.py, then check with `viva eval`.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.evaluation import _read_rows, reference_topic  # noqa: E402
from app.examiners.offline.assessment import assess  # noqa: E402
from app.examiners.base import Exchange, GradingRequest  # noqa: E402
from app.examiners.offline.scoring import FEATURE_NAMES, SCORE_MODEL, continuous_score, score_features  # noqa: E402
from app.stats import pearson, qwk_scores, spearman  # noqa: E402

DEFAULT_DATA = Path("/work/shared/datasets/saf-english.jsonl")
FIT_SPLIT = "training"


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting."""
    n = len(vector)
    m = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[r][c]:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def fit(xs: list[tuple[float, ...]], ys: list[float], l2: float, iterations: int = 40) -> list[float]:
    """Minimise cross-entropy between sigmoid(w.x) and y in [0, 1], plus l2 * |w[1:]|^2 / 2."""
    k = len(xs[0])
    w = [0.0] * k
    for _ in range(iterations):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y in zip(xs, ys):
            z = max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x))))
            p = 1.0 / (1.0 + math.exp(-z))
            e, s = p - y, p * (1.0 - p)
            for i in range(k):
                grad[i] += e * x[i]
                for j in range(k):
                    hess[i][j] += s * x[i] * x[j]
        for i in range(1, k):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(v) for v in step) < 1e-9:
            break
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--l2", type=float, default=0.01)
    args = parser.parse_args()
    rows = _read_rows(args.data)
    topic = reference_topic([(r["question"], r["reference"]) for r in rows])
    by_text = {(q.prompt, q.model_answer): q for q in topic.questions}
    assessments = []
    for row in rows:
        question = by_text[(row["question"], row["reference"])]
        request = GradingRequest(topic=topic, question=question, thread=[Exchange(prompt=question.prompt, answer=row["answer"])])
        assessments.append(assess(request))
    human = [min(1.0, max(0.0, float(r["score"]) / float(r.get("max_score") or 1.0))) for r in rows]
    train = [i for i, r in enumerate(rows) if r.get("split") == FIT_SPLIT and assessments[i].scorable]
    weights = fit([score_features(assessments[i]) for i in train], [human[i] for i in train], args.l2)
    rounded = tuple(round(w, 3) for w in weights)
    print("fitted on", len(train), f"{FIT_SPLIT} rows; features:", ", ".join(FEATURE_NAMES))
    print("SCORE_MODEL =", rounded)
    print("in code      ", SCORE_MODEL)
    import app.examiners.offline.scoring as scoring

    for label, model in (("fitted", rounded), ("in code", SCORE_MODEL)):
        scoring.SCORE_MODEL = model
        predicted = []
        for a in assessments:
            scoring.model_score.__defaults__ = (model,)
            predicted.append(continuous_score(a))
        print(f"{label}:")
        for split in ("overall", "training", "unseen_answers", "unseen_questions"):
            idx = [i for i, r in enumerate(rows) if split == "overall" or r.get("split") == split]
            h, p = [human[i] for i in idx], [predicted[i] for i in idx]
            print(f"  {split:18} n={len(idx):5d} Pearson {pearson(h, p):.3f} Spearman {spearman(h, p):.3f} QWK {qwk_scores(h, p):.3f}")


if __name__ == "__main__":
    main()
