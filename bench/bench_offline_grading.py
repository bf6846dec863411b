"""Time the offline examiner: mean and p99 wall time to grade one answer.

Uses the topic files in rubrics/ when present (each question graded with its model answer, a partial
answer and a padded answer), else a built-in question. Per-question data is cached after the first
grade, as in the running app; the first (cold) grade of each question is reported separately.

    .venv/bin/python bench/bench_offline_grading.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.bank.loader import load_bank  # noqa: E402
from app.bank.schema import Criterion, Question, Topic, derive_key_points  # noqa: E402
from app.examiners.base import Exchange, GradingRequest  # noqa: E402
from app.examiners.offline.matching import question_profile  # noqa: E402
from app.examiners.offline import OfflineExaminer  # noqa: E402

RUBRICS = Path(__file__).resolve().parents[1] / "rubrics"


def _builtin_topic() -> Topic:
    anchors = {i: f"level {i}" for i in range(6)}
    answer = (
        "Dropout randomly zeroes activations during training with probability p, which prevents co-adaptation "
        "of units and acts like an ensemble of subnetworks. At inference all units are kept and activations "
        "are scaled (or inverted dropout scales during training), so expected values match."
    )
    question = Question(id="dropout", prompt="How does dropout regularize a network?", model_answer=answer,
                        key_points=derive_key_points(answer))
    return Topic(id="builtin", title="Built-in", summary="s", probes="p", questions=(question,),
                 criteria=(Criterion(id="correctness", title="Correctness", anchors=anchors),))


def _requests() -> list[GradingRequest]:
    try:
        topics = list(load_bank(RUBRICS).topics.values())
    except Exception as exc:  # no or invalid rubrics: fall back, but say so
        print(f"(rubrics not usable: {exc}; using a built-in question)")
        topics = [_builtin_topic()]
    requests = []
    for topic in topics:
        for q in topic.questions:
            half = q.model_answer[: len(q.model_answer) // 2]
            for answer in (q.model_answer, half, half + " " + "Unrelated filler about the weather. " * 20):
                requests.append(GradingRequest(topic=topic, question=q, thread=[Exchange(prompt=q.prompt, answer=answer)]))
    return requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    examiner = OfflineExaminer()
    requests = _requests()
    question_profile.cache_clear()
    cold: list[float] = []
    for request in requests:
        start = time.perf_counter()
        examiner.grade(request)
        cold.append(time.perf_counter() - start)
    warm: list[float] = []
    cpu: list[float] = []  # CPU time is less disturbed than wall time on a busy machine
    for _ in range(args.rounds):
        for request in requests:
            start, start_cpu = time.perf_counter(), time.process_time()
            examiner.grade(request)
            warm.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    n_questions = len({(r.topic.id, r.question.id) for r in requests})
    print(f"{len(requests)} answers over {n_questions} questions, {args.rounds} rounds")
    for label, times in (("wall", warm), ("cpu", cpu)):
        times.sort()
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        print(f"grade one answer ({label}): mean {statistics.mean(times) * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms")
    print(f"first grade of a question (cold cache): max {max(cold) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
