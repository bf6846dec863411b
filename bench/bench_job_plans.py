"""A job description as the plan: what the offline matcher makes of the postings in tests/data/jobs/,
and what it costs.

    .venv/bin/python bench/bench_job_plans.py

Prints, per posting: the topics and questions per topic it gets, the share of questions on the topics
the posting asks for (the expected sets the tests hold it to), the role and level read, and the time
to read a posting (mean of 50 runs, and a 20,000-character posting). Also the one-off time to build
the bank's vocabulary (on the first posting after start-up).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.bank.loader import load_bank  # noqa: E402
from app.engine.plan import MAX_JOB_DESCRIPTION_CHARS, InterviewOptions, build_plan  # noqa: E402
from app.jobs.planner import read_posting  # noqa: E402
from app.jobs.vocabulary import build_vocabulary  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
JOBS = ROOT / "tests" / "data" / "jobs"
# The same expected sets as tests/test_job_plans.py.
EXPECTED = {
    "llm-serving.txt": {"production", "llm-generative", "staying-current", "ml-system-design"},
    "vision-research.txt": {"architectures", "architecture-design", "staying-current", "math-foundations"},
    "recommender-mle.txt": {"ml-system-design", "evaluation-data", "production", "industry-applications"},
    "mlops-platform.txt": {"production", "ml-system-design"},
    "nlp-research-title.txt": {"llm-generative", "staying-current", "architectures", "math-foundations"},
    "pastry-chef.txt": set(),
}


def main() -> None:
    bank = load_bank(ROOT / "rubrics")
    started = time.perf_counter()
    build_vocabulary(bank)
    print(f"bank vocabulary: built in {(time.perf_counter() - started) * 1000:.0f} ms ({sum(len(t.questions) for t in bank.topics.values())} questions)")
    on_target = total = 0
    for name, wanted in EXPECTED.items():
        options = InterviewOptions(job_description=(JOBS / name).read_text(encoding="utf-8"))
        reading = read_posting(options, bank)
        times = []
        for _ in range(50):
            t0 = time.perf_counter()
            read_posting(options, bank)
            times.append(time.perf_counter() - t0)
        counts = {s.topic_id: s.questions for s in reading.shares}
        hits = sum(n for t, n in counts.items() if t in wanted)
        if wanted:
            on_target, total = on_target + hits, total + sum(counts.values())
        share = f"{hits}/{sum(counts.values())} on target" if counts else "no match: balanced default"
        print(f"{name:24} {share:26} role={','.join(reading.focus.roles) or '-':10} level={reading.focus.seniority or '-':7}"
              f" {statistics.mean(times) * 1000:5.1f} ms  {counts}")
    print(f"all matched postings: {on_target}/{total} questions on the topics the posting asks for")
    huge = ((JOBS / "llm-serving.txt").read_text(encoding="utf-8") + "\n") * 20
    options = InterviewOptions(job_description=huge[:MAX_JOB_DESCRIPTION_CHARS])
    t0 = time.perf_counter()
    for seed in range(10):
        build_plan(options, bank, seed=seed)
    print(f"a {MAX_JOB_DESCRIPTION_CHARS:,}-character posting: plan built in {(time.perf_counter() - t0) / 10 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
