"""Grading quality on the shipped bank, by kind of answer: the figures the README reports.

    .venv/bin/python bench/bench_grading.py

Prints, for the offline examiner on the bank path (authored claims and misconceptions):
- the shipped exemplars (in the rubric files; the rubric authors tuned phrasings against them):
  share graded within 1.0 of their grade, and pairs graded >= 1.5 apart kept in order;
- bench/data/heldout (written by the rubric authors in another voice, not tuned on) and
  bench/data/blind (written by an author who never saw the rubrics' phrasings) and
  bench/data/heldout-types (derivation, estimate, code-review, design and behavioural questions,
  answered by authors who read only the prompt and model answer) and bench/data/heldout-code
  (explanations of the code tasks' approaches, written blind from the task, reference and model
  explanation; graded as explanations, before the hidden tests set the ceiling): mean grade per kind
  against the author's grade, and the share of same-question pairs ordered as the author orders them;
- keyword salads built from every question's rubric (the shortest phrasing of each key point as a
  bare list, and as label sentences): mean and worst;
- the time to grade one answer.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.bank.loader import load_bank  # noqa: E402
from app.evaluation import run_eval  # noqa: E402
from app.examiners.base import Exchange, GradingRequest  # noqa: E402
from app.examiners.offline import OfflineExaminer, prepare  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMINER = OfflineExaminer()


def grade(topic, question, answer: str) -> float:  # type: ignore[no-untyped-def]
    request = GradingRequest(topic=topic, question=question, thread=[Exchange(prompt=question.prompt, answer=answer)])
    return EXAMINER.grade(request).overall


def salads(question) -> dict[str, str]:  # type: ignore[no-untyped-def]
    terms = []
    for kp in question.key_points:
        words = sorted(set(re.findall(r"[A-Za-z][A-Za-z0-9-]{3,}", kp.text)), key=len, reverse=True)
        terms.append(min(kp.phrasings, key=len) if kp.phrasings else " ".join(words[:3]))
    half = max(1, len(terms) // 2)
    return {"list": ". ".join(terms) + ".",
            "labels": f"You'd look at {', '.join(terms[:half])}. And also {', '.join(terms[half:]) or terms[0]}, basically."}


def by_type(bank, files) -> None:  # type: ignore[no-untyped-def]
    """Mean author grade and offline grade per question type and kind of answer."""
    import json
    from collections import defaultdict

    table: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for path in files:
        for line in path.read_text().splitlines():
            row = json.loads(line)
            topic = bank.topic(row["topic"])
            question = topic.question(row["question_id"])
            table[(question.type, row["kind"])].append((row["score"], grade(topic, question, row["answer"])))
    kinds = ("excellent", "terse", "partial", "wrong", "buzzword", "neighbour")
    print("  by type, author / offline examiner: " + ", ".join(kinds))
    for kind_of_question in sorted({t for t, _ in table}):
        cells = []
        for kind in kinds:
            pairs = table.get((kind_of_question, kind), [])
            cells.append(f"{statistics.fmean(a for a, _ in pairs):.1f}/{statistics.fmean(p for _, p in pairs):.1f}" if pairs else "-")
        print(f"  {kind_of_question:12} " + "  ".join(cells))


def main() -> None:
    bank = load_bank(ROOT / "rubrics")
    prepare(bank)
    questions = [(t, q) for t in bank.topics.values() for q in t.questions]

    close = total = ordered = pairs = 0
    timings = []
    for topic, q in questions:
        graded = []
        for e in q.exemplars:
            started = time.perf_counter()
            predicted = grade(topic, q, e.answer)
            timings.append(time.perf_counter() - started)
            graded.append((e.grade, predicted))
            close += abs(predicted - e.grade) <= 1.0
            total += 1
        for g1, p1 in graded:
            for g2, p2 in graded:
                if g1 - g2 >= 1.5:
                    pairs += 1
                    ordered += p1 > p2
    print(f"exemplars: {total} on {len(questions)} questions; within 1.0 of their grade: {100 * close / total:.1f}%; "
          f"pairs graded >= 1.5 apart kept in order: {ordered} of {pairs}")

    for name in ("heldout", "blind", "heldout-types", "heldout-code"):
        folder = ROOT / "bench" / "data" / name
        files = sorted(folder.glob("*.jsonl"))
        if not files:
            continue
        joined = Path("/tmp") / f"viva-bench-{name}.jsonl"
        joined.write_text("".join(f.read_text() for f in files))
        report = run_eval(joined, bank)
        print(f"{name} ({report.overall.n} answers, {len(files)} topics): same-question pairs ordered as the author orders "
              f"them {100 * (report.ordered_pairs or 0):.1f}%; Spearman {report.overall.spearman:.3f}")
        for kind, figures in report.by_kind.items():
            print(f"  {kind:10} n={figures.n:3d}  author {figures.human:4.2f}  offline examiner {figures.predicted:4.2f}")
        if name == "heldout-types":
            by_type(bank, files)

    for form in ("list", "labels"):
        scores = [grade(t, q, salads(q)[form]) for t, q in questions]
        print(f"keyword salad as a {form} on all {len(scores)} questions: mean {statistics.fmean(scores):.2f}, "
              f"worst {max(scores):.1f}, above 2.0: {sum(s > 2.0 for s in scores)}")

    ms = sorted(1000 * t for t in timings)
    print(f"grading one answer (exemplars, bank path): mean {statistics.fmean(ms):.2f} ms, "
          f"p99 {ms[int(0.99 * (len(ms) - 1))]:.2f} ms")


if __name__ == "__main__":
    main()
