"""The question types in Chromium: chosen on the start page, a code review's snippet shown as numbered
code, code answers typed with Enter as a new line and shown as code (escaped), and each type's result
(bugs found, the figure of an estimate) in the feedback panel."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from tests.conftest import FIXTURE_RUBRICS
from tests.test_browser import browser, context, page, serve_in_thread, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

PRACTICE = Path(__file__).parent / "data" / "types" / "practice.yaml"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("types")
    rubrics = folder / "rubrics"
    rubrics.mkdir()
    shutil.copy(FIXTURE_RUBRICS / "_criteria.yaml", rubrics)
    shutil.copy(PRACTICE, rubrics)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{folder / 'viva.db'}", rubrics_dir=rubrics,
                        llm_base_url=None, llm_api_key=None, rate_limit_enabled=False, log_level="WARNING")
    yield from serve_in_thread(settings)


def start(page: Any, kind: str | None = None, *, per_topic: int = 1, difficulty: str | None = None,
          practice: bool = False) -> None:
    """Start an interview on the practice topic from the start page (no follow-ups)."""
    page.goto("/")
    page.check('input[name="topics"][value="practice"]')
    if kind:
        page.check(f'input[name="question_types"][value="{kind}"]')
    page.select_option("#max_follow_ups", "0")
    page.fill("#questions_per_topic", str(per_topic))
    if difficulty:
        page.select_option("#difficulty", difficulty)
    if practice:
        page.check("#practice")
    page.click("#start-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    page.wait_for_selector("#answer-form:not([hidden])")


def wait_for_feedback(page: Any) -> Any:
    page.wait_for_selector("#thread .feedback")
    return page.locator("#thread .feedback").last


def test_a_code_review_is_shown_as_numbered_code_and_a_code_answer_stays_code(page: Any) -> None:  # noqa: F811
    start(page, "code-review")
    snippet = page.locator("#thread .msg-interviewer .msg-prompt pre.code").last
    lines = snippet.locator(".code-line")
    assert lines.count() == 6
    assert lines.nth(3).inner_text().strip() == "loss = criterion(torch.softmax(logits, dim=-1), y)"
    assert lines.nth(3).inner_text().startswith("    ")  # indentation kept
    # In code, Enter is a new line (nothing is sent); Ctrl+Enter sends.
    page.fill("#answer", "```python")
    page.press("#answer", "Enter")
    assert page.locator("#answer").input_value() == "```python\n" and page.locator("#thread .msg-candidate").count() == 0
    assert "code-input" in (page.get_attribute("#answer", "class") or "")
    answer = ("Line 4: the softmax before CrossEntropyLoss squashes the gradients, so training stalls; pass the raw logits "
              "to the criterion.\n```python\nloss = criterion(logits, y)  # <script>alert(1)</script>\n```")
    page.fill("#answer", answer)
    page.press("#answer", "Control+Enter")
    panel = wait_for_feedback(page)
    code = page.locator("#thread .msg-candidate pre.code").last
    assert code.inner_text().strip() == "loss = criterion(logits, y)  # <script>alert(1)</script>"  # shown, not run
    assert "Bugs found" in panel.inner_text()
    assert "Line 4" in panel.locator(".parts").inner_text()
    page.locator("#thread .msg-interviewer .msg-prompt pre.code").last.scroll_into_view_if_needed()
    shot(page, "code-review", docs=True)


def test_an_estimate_shows_the_figure_it_read_and_how_far_off_it_is(page: Any) -> None:  # noqa: F811
    start(page, "estimate")
    page.fill("#answer", "2 bytes for bf16 weights and 2 for gradients, 12 bytes of fp32 master copy and moments: "
                         "16 bytes per parameter, so about 1.5 TB.")
    page.press("#answer", "Enter")
    panel = wait_for_feedback(page)
    check = panel.locator(".estimate-check").inner_text()
    assert "about 1.5 TB" in check and "10x" in check
    assert float(panel.locator(".score-chip strong").inner_text()) <= 2.0


def test_after_finishing_early_page_report_and_history_give_the_same_counts_and_score(page: Any) -> None:  # noqa: F811
    start(page, per_topic=4, difficulty="medium")
    page.fill("#answer", "I would look at the numbers first and then decide, because it depends on the case at hand.")
    page.press("#answer", "Control+Enter")
    wait_for_feedback(page)
    page.click("#skip-button")
    page.click("#confirm-ok")
    page.wait_for_selector("#thread .msg-skipped")
    page.click("#finish-button")
    page.click("#confirm-ok")
    page.locator("#done-panel").wait_for()
    assert "2 of 4 questions done" in page.locator("#progress-question").inner_text()
    interview_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/report/{interview_id}")
    page.locator("#summary").wait_for()
    meta = page.locator("#report-meta").inner_text()
    assert "2 of 4 questions done (1 skipped)" in meta
    overall = page.locator("#overall-value").inner_text()
    assert f"{overall} of 5 overall" in page.locator("#summary-text").inner_text()
    study = page.locator("#study-next").inner_text()
    assert study.count("prepare an answer to") == 2  # the skipped question and the one left open when finishing, alike
    assert page.locator("#practise a").count() == 1
    page.goto("/history")
    entry = page.locator(".history-item").first
    entry.wait_for()
    assert "2 of 4 questions done" in entry.inner_text() and "ended early" in entry.inner_text().lower()
    assert page.locator(".history-score").first.inner_text() == overall


def test_no_page_logs_a_console_error_or_a_failed_request(context: Any) -> None:  # noqa: F811
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{page.url} console {m.type}: {m.text}") if m.type == "error" else None)
    # (The streamed answer is read to its end; Chromium still reports that POST as aborted now and then
    # when the renderer lets go of the finished body, without any console message: it is left out.)
    page.on("requestfailed", lambda r: None if r.url.endswith("/answers/stream") else
            problems.append(f"{page.url} failed: {r.method} {r.url} {r.failure}"))
    page.on("pageerror", lambda e: problems.append(f"{page.url} page error: {e}"))
    start(page, "estimate")
    page.fill("#answer", "16 bytes per parameter times 7 billion parameters, so about 112 GB.")
    page.press("#answer", "Enter")  # answered through the streaming endpoint
    page.locator("#done-panel").wait_for()
    interview_id = page.url.rsplit("/", 1)[1]
    for path in (f"/report/{interview_id}", "/history", "/docs", "/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert not problems, problems


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_page_passes_axe_without_serious_violations(page: Any, theme: str) -> None:  # noqa: F811
    page.goto("/")
    if theme == "dark":
        page.click("#theme-toggle")  # the toggle overrides the system setting, and is remembered
        assert page.get_attribute("html", "data-theme") == "dark"
    found: dict[str, list[str]] = {"start": _serious(page)}
    start(page, "code-review")
    page.fill("#answer", "Line 4: the softmax before CrossEntropyLoss squashes the gradients; pass the raw logits to the criterion.")
    page.press("#answer", "Enter")
    wait_for_feedback(page)
    assert page.get_attribute("html", "data-theme") == theme  # remembered across pages
    found["interview"] = _serious(page)
    interview_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/report/{interview_id}")
    page.locator("#report:not([hidden])").wait_for()
    found["report"] = _serious(page)
    page.goto("/history")
    page.locator(".history-item").first.wait_for()
    found["history"] = _serious(page)
    assert not any(found.values()), found


def test_a_time_limit_counts_down_warns_and_never_cuts_the_answer_off(page: Any) -> None:  # noqa: F811
    import datetime as dt

    page.clock.install(time=dt.datetime.now(dt.timezone.utc))
    page.goto("/")
    page.check('input[name="topics"][value="practice"]')
    page.fill("#questions_per_topic", "2")
    page.select_option("#time_limit", "120")
    page.click("#start-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    page.wait_for_selector("#answer-form:not([hidden])")
    page.clock.run_for(2000)
    timer = page.locator("#timer")
    assert re.fullmatch(r"1:5\d left", page.locator("#timer-value").inner_text().strip())
    page.clock.run_for(100_000)  # 1:42 in: the last fifth
    assert "timer-warn" in (timer.get_attribute("class") or "")
    page.fill("#answer", "Still thinking about it, but")
    page.clock.run_for(30_000)  # past the limit
    assert "over" in page.locator("#timer-value").inner_text() and "timer-over" in (timer.get_attribute("class") or "")
    status = page.locator("#status")
    assert status.is_visible() and "Time is up" in status.inner_text()
    assert page.locator("#answer").is_editable() and page.locator("#answer").input_value() == "Still thinking about it, but"
    page.fill("#answer", "Still thinking about it, but here is my answer: the loss stops falling.")
    page.press("#answer", "Enter")
    wait_for_feedback(page)  # the late answer is taken and graded like any other


def test_practice_mode_offers_another_attempt_and_the_report_says_which_counts(page: Any) -> None:  # noqa: F811
    start(page, "code-review", practice=True)
    page.fill("#answer", "Line 4 looks odd to me.")
    page.press("#answer", "Enter")
    wait_for_feedback(page)
    page.locator("#review-panel").wait_for()
    assert page.locator("#answer-form").is_hidden()
    page.reload()  # the choice survives a reload
    page.locator("#review-panel").wait_for()
    page.get_by_role("button", name="Try again").click()
    page.wait_for_selector("#answer-form:not([hidden])")
    assert page.locator("#thread .msg-interviewer .msg-prompt pre.code").count() == 2  # the same question, asked again
    page.fill("#answer", "Line 4: the softmax before CrossEntropyLoss squashes the gradients so training stalls; pass the raw "
                         "logits to the criterion. Line 6: zero_grad is missing, so gradients accumulate across batches; call "
                         "optimizer.zero_grad() every step.")
    page.press("#answer", "Control+Enter")
    page.locator("#review-panel").wait_for()
    page.get_by_role("button", name="Next question").click()
    page.locator("#done-panel").wait_for()
    page.get_by_role("link", name="See your report").click()
    page.locator("#report:not([hidden])").wait_for()
    eyebrows = [e.lower() for e in page.locator(".question-head .eyebrow").all_inner_texts()]  # (CSS upper-cases them)
    assert "attempt 1, does not count" in eyebrows[0] and "attempt 2, counts" in eyebrows[1]
    assert float(page.locator("#overall-value").inner_text()) >= 4.0  # the last attempt is the score


def test_the_theme_follows_the_system_until_the_toggle_overrides_it(browser: Any, base_url: str) -> None:  # noqa: F811
    ctx = browser.new_context(base_url=base_url, color_scheme="dark")
    try:
        page = ctx.new_page()
        page.goto("/")
        assert page.get_attribute("html", "data-theme") == "dark"  # the system's setting
        toggle = page.get_by_role("button", name="Dark mode")
        assert toggle.get_attribute("aria-pressed") == "true"
        toggle.focus()
        page.keyboard.press("Enter")  # reachable and usable by keyboard
        assert page.get_attribute("html", "data-theme") == "light" and toggle.get_attribute("aria-pressed") == "false"
        page.reload()
        assert page.get_attribute("html", "data-theme") == "light"  # the choice overrides the system, and is kept
    finally:
        ctx.close()


def test_a_slow_reply_says_so_in_view_and_keeps_the_answer(page: Any) -> None:  # noqa: F811
    import datetime as dt

    page.clock.install(time=dt.datetime.now(dt.timezone.utc))
    start(page, "estimate")
    page.route("**/answers/stream", lambda route: None)  # the reply never comes
    page.fill("#answer", "About 112 GB in all.")
    page.press("#answer", "Enter")
    page.clock.run_for(9000)
    status = page.locator("#status")
    status.wait_for(state="visible")
    box = status.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= page.viewport_size["height"], box  # in view
    assert page.locator("#thread .msg-candidate").last.inner_text().strip().endswith("About 112 GB in all.")
    page.unroute("**/answers/stream")
