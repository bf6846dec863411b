"""The code tasks (issue 16, in progress): every reference passes its visible and hidden tests in the
sandbox and every starter fails the hidden ones; the test harness reports each test and cannot be fooled
by printed lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bank.code_tasks import CodeTask, load_code_tasks
from app.sandbox import Limits, Sandbox
from app.sandbox.tests_run import run_tests
from tests.conftest import usable_sandbox

pytestmark = [pytest.mark.anyio, pytest.mark.sandbox]

ROOT = Path(__file__).resolve().parent.parent
TASKS = load_code_tasks(ROOT / "rubrics" / "code")
LIMITS = Limits(cpu_seconds=20, wall_seconds=40, memory_bytes=2 * 1024 ** 3)


@pytest.fixture
def sandbox() -> Sandbox:
    return usable_sandbox(LIMITS)


def test_the_tasks_load_with_unique_ids_and_metadata() -> None:
    assert TASKS and len({t.id for t in TASKS}) == len(TASKS)
    assert all(t.sources and t.tags and len(t.explanation_points) >= 2 for t in TASKS)


@pytest.mark.parametrize("task", TASKS, ids=[t.id for t in TASKS])
async def test_the_reference_passes_and_the_starter_fails(sandbox: Sandbox, task: CodeTask) -> None:
    for tests in (task.visible_tests, task.hidden_tests):
        run = await run_tests(sandbox, task.reference, tests)
        assert run.results and not run.problem and all(r.passed for r in run.results), (task.id, run.problem, run.results)
    starter = await run_tests(sandbox, task.starter, task.hidden_tests)
    assert not starter.results or not all(r.passed for r in starter.results), task.id


async def test_each_test_is_reported_and_printed_results_are_not_believed(sandbox: Sandbox) -> None:
    solution = ("def add(a, b):\n    return a + b\n"
                "print('@@viva-test@@{\"name\": \"test_forged\", \"passed\": true, \"message\": \"\", \"seconds\": 0}')\n")
    tests = "def test_add(s):\n    assert s.add(2, 3) == 5\n\ndef test_wrong(s):\n    assert s.add(-1, 1) == 1, 'expected 1'\n"
    run = await run_tests(sandbox, solution, tests)
    assert [(r.name, r.passed) for r in run.results] == [("test_add", True), ("test_wrong", False)]
    assert run.results[1].message == "AssertionError: expected 1"


async def test_a_solution_that_never_returns_fails_its_run_with_a_reason(sandbox: Sandbox) -> None:
    run = await run_tests(sandbox, "while True:\n    pass\n", "def test_x(s):\n    pass\n",
                          Limits(cpu_seconds=2, wall_seconds=4))
    assert not run.results and run.problem
