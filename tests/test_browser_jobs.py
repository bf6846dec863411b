"""A job description as the plan, in Chromium (issue 14): paste a posting for an LLM-serving role on the
start page, preview a plan dominated by the serving topics with the posting's words as reasons (its
markup shown as text), start, and the interview asks the planned topic with its own count."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from tests.conftest import ROOT
from tests.test_browser import browser, context, page, serve_in_thread, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

POSTING = (Path(__file__).parent / "data" / "jobs" / "llm-serving.txt").read_text(encoding="utf-8")
MARKUP = "<img src=x onerror=alert`1`>"
SERVING_TOPICS = {"production", "llm-generative", "staying-current", "ml-system-design"}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("jobs") / "viva.db"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}", rubrics_dir=ROOT / "rubrics",
                        llm_base_url=None, llm_api_key=None, rate_limit_enabled=False, log_level="WARNING")
    yield from serve_in_thread(settings)


def test_a_posting_for_an_llm_serving_role_previews_and_starts_a_serving_plan(page: Any) -> None:  # noqa: F811
    page.goto("/")
    page.click("#preview-plan")  # nothing pasted yet: says what to do
    assert "Paste a job description" in page.locator("#start-error").inner_text()
    page.fill("#job_description", POSTING.replace("Senior ", f"Senior {MARKUP} ", 1))
    page.click("#preview-plan")
    preview = page.locator("#plan-preview")
    preview.wait_for(state="visible")
    topics = preview.locator(".plan-topics li")
    counts = {}
    for i in range(topics.count()):
        text = topics.nth(i).inner_text()
        counts[topics.nth(i).get_attribute("data-topic")] = int(re.match(r"(\d+) question", text).group(1))  # type: ignore[union-attr]
        assert "the posting mentions \u201c" in text
    assert list(counts)[0] == "production" and topics.first.inner_text().startswith("3 questions on Deep learning in production")
    assert sum(n for t, n in counts.items() if t in SERVING_TOPICS) == sum(counts.values()) == 6
    other = preview.locator(".plan-other").inner_text()
    assert "Senior and above questions first" in other and MARKUP in other  # the posting's markup, shown as text
    assert preview.locator("img").count() == 0
    assert "No LLM is configured" in preview.inner_text()

    page.fill("#job_description", POSTING)
    assert preview.is_hidden()  # an edited posting needs a new preview
    page.click("#preview-plan")
    preview.wait_for(state="visible")
    assert MARKUP not in preview.inner_text() and "null" not in preview.inner_text()
    preview.scroll_into_view_if_needed()
    shot(page, "job-plan", docs=True)
    page.select_option("#max_follow_ups", "0")
    page.click("#start-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    page.wait_for_selector("#answer-form:not([hidden])")
    assert page.locator("#progress-topic").inner_text() == "Topic 1 of 4: Deep learning in production"
    assert page.locator("#progress-question").inner_text() == "Question 1 of 3"
    # The report says why the interview was planned this way, in the posting's words.
    page.click("#finish-button")
    page.click("#confirm-ok")
    page.locator("#done-panel:not([hidden])").wait_for()
    page.click("#report-link")
    page.locator("#report:not([hidden])").wait_for()
    why = page.locator("#plan-why")
    assert why.is_visible() and "A plan for this posting" in why.inner_text()
    assert "3 questions on Deep learning in production: the posting mentions \u201c" in why.inner_text()
    assert why.locator("img").count() == 0
