"""Running a candidate's code for a ``code`` question: the visible examples ("Run examples") or the
hidden tests ("Submit"), in the sandbox, and the outcome as the API shows and the store keeps it.

A run never raises for anything the code does: a crash, a timeout, too much output or a blocked
system call is a failed run with a reason (``problem``) the candidate reads. When code runs are off
here, ``CodeRunsOff`` (a 503 with the reason and how to turn them on) is raised before anything runs.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
from typing import Literal

from anyio import to_thread
from pydantic import BaseModel, Field

from app.bank.code_tasks import CodeTask
from app.config import Settings
from app.errors import CodeRunsOff
from app.sandbox import Limits, Sandbox, SandboxUnavailable
from app.sandbox.tests_run import run_tests

log = logging.getLogger("viva.code")

RunKind = Literal["examples", "submission"]
# Modules the tasks' code and tests import, beside the standard library (a task's ``needs``).
RUN_MODULES = ("numpy",)
# Candidate's code size limit: larger is not an answer to an interview task.
MAX_CODE_CHARS = 20_000


class TestOutcome(BaseModel):
    name: str
    passed: bool
    message: str = Field(default="", description="Why the test failed (an assertion or the error raised)")
    seconds: float = 0.0
    output: str = Field(default="", description="What the code printed during the test (capped)")


class CodeRunOutcome(BaseModel):
    """One run of the candidate's code: every test's result, and why the run failed as a whole, if it did."""

    kind: RunKind = Field(description="'examples' (the visible tests) or 'submission' (the hidden tests)")
    passed: int
    total: int
    tests: list[TestOutcome]
    problem: str = Field(default="", description="Why the run as a whole failed (timeout, crash, output cap), or empty")
    seconds: float

    @property
    def all_passed(self) -> bool:
        return self.total > 0 and self.passed == self.total and not self.problem

    @property
    def share(self) -> float:
        return self.passed / self.total if self.total else 0.0


class CodeRunner:
    """The sandbox of this app and what it runs; one per process, so the concurrency bound holds."""

    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.code_runs_enabled
        limits = Limits(cpu_seconds=settings.code_run_cpu_seconds, wall_seconds=settings.code_run_wall_seconds,
                        memory_bytes=settings.code_run_memory_mb * 1024 * 1024)
        self.sandbox = Sandbox(concurrency=settings.code_run_concurrency, limits=limits,
                               unsandboxed=settings.unsandboxed_code_runs)
        self._availability: tuple[bool, str] | None = None

    def available(self) -> tuple[bool, str]:
        """(True, "") when code questions can be asked here; else (False, why, for the start page).
        Worked out once (the first call probes bubblewrap with a subprocess: make it off the event
        loop, as the app's start-up does); every later call is a lookup."""
        if self._availability is None:
            self._availability = self._probe()
        return self._availability

    def _probe(self) -> tuple[bool, str]:
        if not self.enabled:
            return False, "code runs are switched off (VIVA_CODE_RUNS_ENABLED=false)"
        missing = [m for m in RUN_MODULES if importlib.util.find_spec(m) is None]
        if missing:  # the sandbox runs this interpreter: the tasks' modules must be installed in it
            return False, f"{', '.join(missing)} is not installed for the server's Python (pip install {' '.join(missing)})"
        return self.sandbox.available()

    async def check_available(self) -> tuple[bool, str]:
        if self._availability is not None:
            return self._availability
        return await to_thread.run_sync(self.available)

    async def run(self, task: CodeTask, code: str, kind: RunKind) -> CodeRunOutcome:
        ok, why = await self.check_available()
        if not ok:
            raise CodeRunsOff(f"code cannot run on this server: {why}", hint="answer in words, or skip this question")
        tests = task.visible_tests if kind == "examples" else task.hidden_tests
        try:
            run = await run_tests(self.sandbox, code, tests)
        except SandboxUnavailable as exc:  # pragma: no cover - checked just above
            raise CodeRunsOff(str(exc), hint="answer in words, or skip this question") from None
        names = test_names(tests)
        found = {r.name: r for r in run.results}
        problem = run.problem
        outcomes = []
        if "import" in found:  # the code did not even import: every test fails with that reason
            problem = problem or f"the code could not be imported: {found['import'].message}"
        for name in names:
            result = found.get(name)
            if result is None:
                outcomes.append(TestOutcome(name=name, passed=False, message=problem or "did not run"))
            else:
                outcomes.append(TestOutcome(name=name, passed=result.passed, message=result.message,
                                            seconds=result.seconds, output=result.output))
        if "import" in found:
            outcomes.insert(0, TestOutcome(name="import", passed=False, message=found["import"].message,
                                           output=found["import"].output))
        passed = sum(o.passed for o in outcomes)
        log.info("code run", extra={"task": task.id, "kind": kind, "passed": passed, "total": len(names),
                                    "seconds": run.run.seconds, "problem": bool(problem)})
        return CodeRunOutcome(kind=kind, passed=passed, total=len(names), tests=outcomes, problem=problem,
                              seconds=run.run.seconds)


def test_names(tests: str) -> list[str]:
    """The tests a test file defines, in the order the harness runs them (alphabetical)."""
    names = [node.name for node in ast.parse(tests).body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    return sorted(dict.fromkeys(names))


test_names.__test__ = False  # type: ignore[attr-defined]  # (not a pytest test)
TestOutcome.__test__ = False  # type: ignore[attr-defined]
