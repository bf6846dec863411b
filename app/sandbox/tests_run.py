"""Running a solution against a test file in the sandbox, and reading back each test's result."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.sandbox.harness import MARK
from app.sandbox.runner import RUN_DIR, Limits, RunResult, Sandbox

HARNESS = (Path(__file__).parent / "harness.py").read_text(encoding="utf-8")


@dataclass(frozen=True)
class TestResult:
    name: str
    passed: bool
    message: str
    seconds: float
    output: str = ""  # what the code printed during this test (capped)


@dataclass(frozen=True)
class TestRun:
    results: list[TestResult]
    run: RunResult

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def problem(self) -> str:
        """Why the run as a whole failed (a timeout, too much output, a crash), or ""."""
        if self.run.timed_out:
            return "the run took too long and was stopped"
        if self.run.output_truncated:
            return "the run printed too much and was stopped"
        if self.run.exit_code in (-24, 128 + 24, 152):  # SIGXCPU: the CPU-time limit
            return "the run used up its CPU time and was stopped"
        if not self.results:
            return (self.run.stderr.strip().splitlines() or ["the run ended before any test ran"])[-1][:300]
        return ""


async def run_tests(sandbox: Sandbox, solution: str, tests: str, limits: Limits | None = None) -> TestRun:
    files = {"harness.py": HARNESS, "solution.py": solution, "tests.py": tests}
    nonce = secrets.token_hex(16)
    run = await sandbox.run(files, ["python", "-I", f"{RUN_DIR}/harness.py", RUN_DIR], limits, stdin=f"{nonce}\n".encode())
    mark = MARK + nonce
    results = []
    for line in run.stdout.splitlines():
        if line.startswith(mark):
            try:
                data = json.loads(line[len(mark):])
                results.append(TestResult(str(data["name"]), bool(data["passed"]), str(data["message"]),
                                          float(data["seconds"]), str(data.get("output", ""))))
            except (ValueError, KeyError, TypeError):
                continue  # a line the solution forged or broke: not a result
    return TestRun(results, run)
