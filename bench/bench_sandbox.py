"""The cost of the code-run sandbox on this machine: start-up time of one bubblewrap run of a trivial
Python program, runs per second with the default concurrency, and what a candidate waits for: the
hidden tests of every code task's reference solution (NumPy imported, every test run), one at a time.

    .venv/bin/python bench/bench_sandbox.py [--runs 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.bank.code_tasks import load_code_tasks  # noqa: E402
from app.sandbox import Sandbox  # noqa: E402
from app.sandbox.tests_run import run_tests  # noqa: E402
from app.sandbox.runner import RUN_DIR  # noqa: E402

PROGRAM = "print(sum(i * i for i in range(1000)))"


async def main(runs: int) -> None:
    sandbox = Sandbox(concurrency=2)
    ok, why = sandbox.available()
    if not ok:
        raise SystemExit(f"code runs are off here: {why}")
    argv = ["python", "-I", f"{RUN_DIR}/main.py"]
    times = []
    for _ in range(runs):
        result = await sandbox.run({"main.py": PROGRAM}, argv)
        assert result.ok, result
        times.append(result.seconds * 1000)
    started = time.perf_counter()
    results = await asyncio.gather(*(sandbox.run({"main.py": PROGRAM}, argv) for _ in range(runs)))
    elapsed = time.perf_counter() - started
    assert all(r.ok for r in results)
    print(f"one sandboxed run of a trivial program, one at a time ({runs} runs): median {statistics.median(times):.0f} ms, "
          f"p90 {sorted(times)[int(0.9 * (len(times) - 1))]:.0f} ms")
    print(f"{runs} runs queued at once (2 at a time): {runs / elapsed:.1f} runs/s")
    tasks = load_code_tasks(ROOT / "rubrics" / "code")
    waits = []
    for task in tasks:
        started = time.perf_counter()
        run = await run_tests(sandbox, task.reference, task.hidden_tests)
        waits.append(time.perf_counter() - started)
        assert run.results and all(r.passed for r in run.results), (task.id, run.problem)
    waits.sort()
    print(f"a submission's hidden tests ({len(tasks)} code tasks' references): median {statistics.median(waits):.2f} s, "
          f"p90 {waits[int(0.9 * (len(waits) - 1))]:.2f} s, slowest {waits[-1]:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    asyncio.run(main(parser.parse_args().runs))
