"""Check topic files the way the test suite will: load, lint, and grade every question's model answer,
exemplars and keyword salads offline. For authors: run it after every edit of a topic file.

    python bench/check_topic.py rubrics/math-foundations.yaml [more files] [--question ID] [--quiet]
    python bench/check_topic.py rubrics/code/training.yaml   (code tasks: their explanations' rubric)

Prints one line per problem and a summary; exits 1 when a file would fail the suite.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.bank.code_tasks import load_code_tasks, question_of  # noqa: E402
from app.bank.lint import lint_topic  # noqa: E402
from app.bank.loader import load_default_criteria, load_topic_file  # noqa: E402
from app.bank.schema import Question, Topic  # noqa: E402
from app.errors import RubricError  # noqa: E402
from app.examiners.base import Exchange, GradingRequest  # noqa: E402
from app.examiners.offline import OfflineExaminer  # noqa: E402
from bench.bench_grading import salads  # noqa: E402  (the same salads the bench and the suite build)

EXAMINER = OfflineExaminer()
KINDS = {"excellent", "partial", "wrong", "buzzword", "neighbour"}


def grade(topic: Topic, question: Question, answer: str):
    return EXAMINER.grade(GradingRequest(topic=topic, question=question, thread=[Exchange(prompt=question.prompt, answer=answer)]))


def check_question(topic: Topic, q: Question, quiet: bool) -> list[str]:
    problems: list[str] = []
    where = f"{topic.id}/{q.id}"
    kinds = {e.kind for e in q.exemplars}
    if len(q.exemplars) < 5 or not KINDS <= kinds:
        problems.append(f"{where}: needs >= 5 exemplars including {sorted(KINDS - kinds)}")
    if len(q.key_points) < 3:
        problems.append(f"{where}: needs >= 3 key points")
    if not q.misconceptions:
        problems.append(f"{where}: needs at least one misconception")
    if not q.last_reviewed or not q.sources or not q.tags:
        problems.append(f"{where}: needs last_reviewed, sources and tags")
    if any(not kp.phrasings or not kp.probe for kp in q.key_points):
        problems.append(f"{where}: every key point needs phrasings and a probe")
    model = grade(topic, q, q.model_answer)
    if model.overall < 4.0 or model.misconceptions:
        problems.append(f"{where}: model answer grades {model.overall} (needs >= 4.0) misconceptions={[m.misconception_id for m in model.misconceptions]}"
                        f" missed={[m.key_point_id for m in model.missed]}")
    graded = [(e, grade(topic, q, e.answer)) for e in q.exemplars]
    for e, g in graded:
        line = f"{where}: {e.kind:9} authored {e.grade:.1f} predicted {g.overall:.1f}"
        if abs(g.overall - e.grade) > 1.0:
            problems.append(line + f"  OFF BY >1  covered={[c.key_point_id for c in g.covered]} flags={g.flags}"
                            f" misconceptions={[m.misconception_id for m in g.misconceptions]}")
        elif not quiet:
            print(line)
    for e1, g1 in graded:
        for e2, g2 in graded:
            if e1.grade - e2.grade >= 1.5 and not g1.overall > g2.overall:
                problems.append(f"{where}: order: {e1.kind} {g1.overall} <= {e2.kind} {g2.overall}")
    for text in salads(q).values():
        g = grade(topic, q, text)
        if g.overall > 2.0:
            problems.append(f"{where}: keyword salad grades {g.overall} (max 2.0): {text[:100]}")
    return problems


def _load(path: Path) -> Topic:
    """A topic file, or - for a code task file (in a folder named 'code') - a topic holding its tasks as
    questions, with the criteria of the topic each task belongs to."""
    criteria = load_default_criteria(ROOT / "rubrics")
    if path.parent.name != "code":
        return load_topic_file(path, criteria)
    questions = []
    topic = None
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(path, folder)
        tasks = load_code_tasks(Path(folder))
    for task in tasks:
        topic = topic or load_topic_file(ROOT / "rubrics" / f"{task.topic}.yaml", criteria)
        questions.append(question_of(task))
    if topic is None:
        raise RubricError(f"{path.name}: no tasks")
    return topic.model_copy(update={"questions": tuple(questions)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--question")
    parser.add_argument("--quiet", action="store_true", help="print problems only")
    args = parser.parse_args()
    problems: list[str] = []
    counted = 0
    for name in args.files:
        path = Path(name)
        try:
            topic = _load(path)
        except RubricError as exc:
            print(f"LOAD ERROR {exc}")
            return 1
        problems += [str(p) for p in lint_topic(path.name, topic)]
        for q in topic.questions:
            if args.question and q.id != args.question:
                continue
            counted += 1
            problems += check_question(topic, q, args.quiet)
        types: dict[str, int] = {}
        for q in topic.questions:
            types[q.type] = types.get(q.type, 0) + 1
        levels = {d: sum(q.difficulty == d for q in topic.questions) for d in (1, 2, 3)}
        print(f"{path.name}: {len(topic.questions)} questions, types {types}, difficulty {levels}")
    for p in problems:
        print("PROBLEM", p)
    print(f"{counted} question(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
