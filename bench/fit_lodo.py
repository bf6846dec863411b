"""Fit the reference-only score model with leave-one-dataset-out validation, and print the figures.

    .venv/bin/python bench/fit_lodo.py [--data DIR] [--per-dataset 1500] [--l2 0.1] [--write]

Every human-graded set in DIR (default ../shared/datasets) is graded on the reference-only path
(key points derived from the reference answer, no per-question tuning). For each dataset, the
logistic score model (app/examiners/offline/scoring.py, ``score_features``) is fit on the OTHER
datasets only - each weighted equally, at most ``--per-dataset`` rows each - and the held-out
dataset's Spearman is printed overall and on its unseen-questions split, beside the best simple
baseline (share of the reference's content words in the answer, and answer length). The shipped
weights are then fit on all datasets; ``--write`` puts them into scoring.py.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.evaluation import _prompt_of, _read_rows, reference_topic  # noqa: E402
from app.examiners.base import Exchange, GradingRequest  # noqa: E402
from app.examiners.offline.assessment import Assessment, assess  # noqa: E402
from app.examiners.offline import scoring  # noqa: E402
from app.examiners.offline.text import content_stems  # noqa: E402
from app.stats import spearman  # noqa: E402
from bench.fit_score_model import fit  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = {"unseen_questions"}


def load(path: Path) -> tuple[list[dict], list[Assessment], list[float]]:
    rows = _read_rows(path)
    topic = reference_topic([(_prompt_of(r), r["reference"]) for r in rows])
    by_text = {(q.prompt, q.model_answer): q for q in topic.questions}
    assessments = []
    for row in rows:
        question = by_text[(_prompt_of(row), row["reference"])]
        request = GradingRequest(topic=topic, question=question, thread=[Exchange(prompt=question.prompt, answer=row["answer"])])
        assessments.append(assess(request))
    human = [min(1.0, max(0.0, float(r["score"]) / float(r.get("max_score") or 1.0))) for r in rows]
    return rows, assessments, human


def baselines(rows: list[dict]) -> tuple[list[float], list[float]]:
    recall, length = [], []
    for r in rows:
        ref = set(content_stems(r["reference"]))
        ans = set(content_stems(r["answer"]))
        recall.append(len(ref & ans) / len(ref) if ref else 0.0)
        length.append(len(re.findall(r"\w+", r["answer"])))
    return recall, length


def predict(weights: tuple[float, ...], assessments: list[Assessment]) -> list[float]:
    scoring.model_score.__defaults__ = (weights,)
    try:
        return [scoring.continuous_score(a) if a.scorable else 0.0 for a in assessments]
    finally:
        scoring.model_score.__defaults__ = (scoring.SCORE_MODEL,)


def training_set(data: dict[str, tuple], names: list[str], per: int, seed: int = 0) -> tuple[list, list, list]:
    xs, ys, ws = [], [], []
    rng = random.Random(seed)
    for name in names:
        _, assessments, human = data[name]
        idx = [i for i, a in enumerate(assessments) if a.scorable]
        rng.shuffle(idx)
        idx = idx[:per]
        for i in idx:
            xs.append(scoring.score_features(assessments[i]))
            ys.append(human[i])
            ws.append(1.0 / len(idx))
    return xs, ys, ws


def weighted_fit(xs, ys, ws, l2):
    # Replicate rows by weight (rounded) so the existing Newton fit can be reused unchanged.
    scale = 1.0 / min(ws)
    rx, ry = [], []
    for x, y, w in zip(xs, ys, ws):
        for _ in range(max(1, round(w * scale))):
            rx.append(x)
            ry.append(y)
    return fit(rx, ry, l2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--per-dataset", type=int, default=1200)
    parser.add_argument("--l2", type=float, default=0.1)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    files = sorted(args.data.glob("*.jsonl"))
    data = {f.stem: load(f) for f in files}
    names = list(data)
    print(f"features: {', '.join(scoring.FEATURE_NAMES)}")
    print(f"{'held-out dataset':28} {'split':18} {'n':>6} {'Viva':>7} {'recall':>7} {'length':>7}")
    for held in names:
        xs, ys, ws = training_set(data, [n for n in names if n != held], args.per_dataset)
        weights = tuple(round(w, 3) for w in weighted_fit(xs, ys, ws, args.l2))
        rows, assessments, human = data[held]
        predicted = predict(weights, assessments)
        recall, length = baselines(rows)
        splits = {"all": list(range(len(rows)))}
        unseen = [i for i, r in enumerate(rows) if r.get("split") in UNSEEN]
        if unseen:
            splits["unseen_questions"] = unseen
        for split, idx in splits.items():
            h = [human[i] for i in idx]
            print(f"{held:28} {split:18} {len(idx):6d} {spearman(h, [predicted[i] for i in idx]):7.3f} "
                  f"{spearman(h, [recall[i] for i in idx]):7.3f} {spearman(h, [length[i] for i in idx]):7.3f}")
    xs, ys, ws = training_set(data, names, args.per_dataset)
    final = tuple(round(w, 3) for w in weighted_fit(xs, ys, ws, args.l2))
    print("SCORE_MODEL (all datasets) =", final)
    if args.write:
        path = ROOT / "app" / "examiners" / "offline" / "scoring.py"
        text = path.read_text()
        text = re.sub(r"^SCORE_MODEL = .*$", f"SCORE_MODEL = {final}", text, flags=re.MULTILINE)
        path.write_text(text)
        print(f"written to {path}")


if __name__ == "__main__":
    main()
