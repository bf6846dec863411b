"""Code questions in Chromium: the editor (line numbers, Tab, auto-indent), "Run examples" and "Submit
code" with each test's result, the explanation sent with the code, the hidden tests in the feedback and
the report, and axe finding nothing serious on the page."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.sandbox import Limits
from tests.conftest import FIXTURE_RUBRICS, usable_sandbox
from tests.test_browser import browser, context, page, serve_in_thread  # noqa: F401  (fixtures)
from tests.test_browser_types import _serious

pytestmark = [pytest.mark.browser, pytest.mark.sandbox]

CODE_BANK = Path(__file__).parent / "data" / "code-bank"
NO_GUARD = """import numpy as np


def normalize_rows(x, eps=1e-12):
    x = np.asarray(x, dtype=float)
    print("norms:", np.linalg.norm(x, axis=1))
    return x / np.linalg.norm(x, axis=1, keepdims=True)
"""
FIXED = """import numpy as np


def normalize_rows(x, eps=1e-12):
    x = np.asarray(x, dtype=float)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms < eps, 1.0, norms)
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    usable_sandbox(Limits())
    folder = tmp_path_factory.mktemp("code")
    rubrics = folder / "rubrics"
    shutil.copytree(CODE_BANK, rubrics)
    shutil.copy(FIXTURE_RUBRICS / "_criteria.yaml", rubrics)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{folder / 'viva.db'}", rubrics_dir=rubrics,
                        llm_base_url=None, llm_api_key=None, rate_limit_enabled=False, log_level="WARNING",
                        code_run_cpu_seconds=20, code_run_wall_seconds=40)
    yield from serve_in_thread(settings)


def test_a_code_question_is_written_run_submitted_explained_and_reported(page: Any) -> None:  # noqa: F811
    page.goto("/")
    page.check('input[name="topics"][value="practice-code"]')
    page.check('input[name="question_types"][value="code"]')
    page.fill("#questions_per_topic", "1")
    page.click("#start-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    editor = page.locator("#code")
    editor.wait_for()
    assert "raise NotImplementedError" in editor.input_value()  # the starter
    lines = editor.input_value().count("\n") + 1
    assert page.locator("#code-gutter").inner_text().split() == [str(n) for n in range(1, lines + 1)]

    # Tab indents, Enter keeps the indentation and adds a level after a colon.
    editor.fill("")
    editor.press_sequentially("def f(x):")
    editor.press("Enter")
    editor.press_sequentially("return x")
    assert editor.input_value() == "def f(x):\n    return x"
    editor.press("Home")
    editor.press("Tab")
    assert editor.input_value() == "def f(x):\n        return x"

    # Run the examples: each visible test with what it printed.
    editor.fill(NO_GUARD)
    page.click("#run-code-button")
    summary = page.locator("#code-results .code-summary")
    summary.wait_for()
    assert "Examples: 1 of 1 passed" in summary.inner_text()
    assert "norms: [5.]" in page.locator("#code-results .test-output").first.inner_text()

    # Submit: the hidden tests, by name and message.
    page.click("#submit-code-button")
    page.locator("#code-results .code-summary", has_text="Hidden tests").wait_for()
    results = page.locator("#code-results").inner_text()
    assert "Hidden tests: 2 of 3 passed" in results and "test_a_zero_row_stays_zero" in results and "a zero row became NaN" in results

    # A reload keeps the code (a draft) and the last run.
    page.reload()
    page.locator("#code-results .code-summary").wait_for()
    assert page.locator("#code").input_value() == NO_GUARD
    assert "(last run)" in page.locator("#code-results .code-summary").inner_text()

    # Fix it and explain: the changed code goes with the explanation and is graded on the hidden tests.
    page.locator("#code").fill(FIXED)
    page.fill("#answer", "I compute each row's L2 norm with keepdims so that it broadcasts against its row. Rows whose "
                         "norm is below eps are divided by one instead, so zeros stay zeros and no NaN appears.")
    assert page.locator("#answer-label").inner_text() == "Explain your approach"
    page.click("#send-button")
    feedback = page.locator("#thread .feedback").last
    feedback.wait_for()
    assert "3 of 3 passed" in feedback.locator(".tests-check").inner_text()
    assert not _serious(page)
    page.locator("#done-panel:not([hidden])").wait_for()

    page.click("#report-link")
    page.locator("#report:not([hidden])").wait_for()
    report = page.locator(".question").first
    assert "implement" in report.locator(".eyebrow").inner_text().lower()  # (CSS upper-cases eyebrows)
    assert "hidden tests 3 of 3 passed" in report.inner_text().lower()
    assert "np.where(norms < eps, 1.0, norms)" in report.locator("pre").first.inner_text()
