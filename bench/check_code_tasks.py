"""Check code tasks the way the suite will: each reference passes its visible and hidden tests in the
sandbox, and each starter fails the hidden tests.

    .venv/bin/python bench/check_code_tasks.py rubrics/code/<file>.yaml [--task ID]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from app.bank.code_tasks import CodeTask  # noqa: E402
from app.sandbox import Limits, Sandbox  # noqa: E402
from app.sandbox.tests_run import run_tests  # noqa: E402

LIMITS = Limits(cpu_seconds=20, wall_seconds=30, memory_bytes=2 * 1024 ** 3)


async def check(task: CodeTask, sandbox: Sandbox) -> list[str]:
    problems = []
    for label, tests in (("visible", task.visible_tests), ("hidden", task.hidden_tests)):
        run = await run_tests(sandbox, task.reference, tests, LIMITS)
        failed = [f"{r.name}: {r.message}" for r in run.results if not r.passed]
        if run.problem or failed or not run.results:
            problems.append(f"{task.id}: the reference fails its {label} tests: {run.problem} {failed}")
    run = await run_tests(sandbox, task.starter, task.hidden_tests, LIMITS)
    if run.results and all(r.passed for r in run.results):
        problems.append(f"{task.id}: the starter passes every hidden test")
    return problems


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--task")
    args = parser.parse_args()
    sandbox = Sandbox(concurrency=2)
    ok, why = sandbox.available()
    if not ok:
        print(f"code runs are off here: {why}")
        return 1
    problems: list[str] = []
    count = 0
    for name in args.files:
        data = yaml.safe_load(Path(name).read_text(encoding="utf-8")) or {}
        for raw in data.get("tasks", []):
            try:
                task = CodeTask.model_validate(raw)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{name}: task {raw.get('id')!r} does not load: {exc}")
                continue
            if args.task and task.id != args.task:
                continue
            count += 1
            problems += await check(task, sandbox)
    for p in problems:
        print("PROBLEM", p)
    print(f"{count} task(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
