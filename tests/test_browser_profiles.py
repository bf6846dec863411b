"""Practice profiles in Chromium: a candidate answers badly on one topic; a day later (the server's clock
moved ahead) the review interview asks exactly that question with a follow-up on a weak point; the
progress page shows the change; the profile moves to another device by a one-time code, is exported,
and deleted."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.config import Settings
from tests.conftest import FIXTURE_RUBRICS
from tests.profile_support import MovableClock, exemplar
from tests.test_browser import browser, page, send_answer, serve_in_thread, shot  # noqa: F401  (fixtures)
from tests.test_browser_types import _serious

pytestmark = pytest.mark.browser

GOOD_DESCENT = exemplar("gradient-descent", "excellent") + " Each mini-batch gives a noisy estimate of the full gradient."
ANSWERS = {  # the first interview: good on optimisation, bad on regularisation
    "What does gradient descent do": GOOD_DESCENT,
    "What is dropout": exemplar("dropout", "wrong"),
}
WEAK_PROBES = {"Why would that make the network generalise better?", "What changes when the model is used for predictions?"}


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, clock: MovableClock) -> Iterator[str]:
    db = tmp_path_factory.mktemp("profiles") / "viva.db"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}", rubrics_dir=FIXTURE_RUBRICS, llm_base_url=None,
                        llm_api_key=None, rate_limit_enabled=False, log_level="WARNING")
    yield from serve_in_thread(settings, clock=clock)


@pytest.fixture
def context(browser: Any, base_url: str) -> Iterator[Any]:  # noqa: F811
    ctx = browser.new_context(base_url=base_url, accept_downloads=True, viewport={"width": 1200, "height": 900},
                              reduced_motion="reduce")
    ctx.set_default_timeout(30000)
    yield ctx
    ctx.close()


def prompt(page: Any) -> str:  # noqa: F811
    return page.locator("#thread .msg-interviewer .msg-prompt").last.inner_text().strip()


def answer_until_done(page: Any, pick: Any) -> None:  # noqa: F811
    while page.locator("#done-panel").is_hidden():
        send_answer(page, pick(prompt(page)))
    page.wait_for_selector("#done-panel:not([hidden])")


def stat(page: Any, name: str) -> int:  # noqa: F811
    return int(page.locator(f"#stat-{name}").inner_text())


def open_progress(page: Any) -> None:  # noqa: F811
    page.goto("/progress")
    page.wait_for_selector("#progress:not([hidden])")


def test_bad_answers_come_back_for_review_a_day_later_and_the_profile_moves_exports_and_deletes(
    page: Any, browser: Any, base_url: str, clock: MovableClock,  # noqa: F811
) -> None:
    page.goto("/progress")
    page.wait_for_selector("#no-profile:not([hidden])")  # no practice yet: no profile
    page.goto("/")
    for topic in ("optimisation", "regularisation"):
        page.check(f'input[name="topics"][value="{topic}"]')
    page.fill("#questions_per_topic", "1")
    page.select_option("#difficulty", "easy")
    page.select_option("#max_follow_ups", "0")
    page.click("#start-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    page.wait_for_selector("#answer-form:not([hidden])")
    answer_until_done(page, lambda text: next(a for q, a in ANSWERS.items() if text.startswith(q)))
    assert page.evaluate("() => JSON.parse(localStorage.getItem('viva.profile')).key.includes('.')")

    open_progress(page)
    assert stat(page, "interviews") == 1 and stat(page, "missed") == 3 and stat(page, "mastered") == 0
    assert page.locator("#review-button").is_disabled()  # nothing due the same day
    assert "Regularisation" in page.locator("#weakest-button").inner_text()
    weak = page.locator("#weak-points li")
    assert weak.count() == 3 and "misconception" in page.locator("#weak-points").inner_text()
    first_columns = page.locator('.trend-row[data-topic="regularisation"] .trend-col').count()
    assert first_columns == 1

    clock.move(days=1)  # a day later
    open_progress(page)
    assert page.locator("#review-button").inner_text() == "Review due points (3)"
    page.click("#review-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    page.wait_for_selector("#answer-form:not([hidden])")
    assert prompt(page).startswith("What is dropout")  # exactly the question of the missed points
    assert page.locator("#progress-question").inner_text().startswith("Question 1 of 1")
    send_answer(page, exemplar("dropout", "partial"))
    assert prompt(page) in WEAK_PROBES  # the follow-up aims at a weak point
    send_answer(page, exemplar("dropout", "excellent"))
    page.wait_for_selector("#done-panel:not([hidden])")

    open_progress(page)
    assert stat(page, "mastered") == 3 and stat(page, "missed") == 0 and stat(page, "interviews") == 2
    assert stat(page, "streak") == 2
    row = page.locator('.trend-row[data-topic="regularisation"]')
    assert row.locator(".trend-col").count() == 2 and "+" in row.locator(".trend-change").inner_text()
    assert page.locator("#review-button").is_disabled()
    shot(page, "progress", docs=True, full_page=True)
    assert _serious(page) == []
    page.click("#theme-toggle")  # dark, remembered: checked on a fresh load (no colour mid-transition)
    open_progress(page)
    assert page.get_attribute("html", "data-theme") == "dark" and _serious(page) == []

    with page.expect_download() as download_info:
        page.click("#export-button")
    exported = json.loads(open(download_info.value.path()).read())
    assert len(exported["interviews"]) == 2 and exported["progress"]["key_points"]["mastered"] == 3
    key = page.evaluate("() => JSON.parse(localStorage.getItem('viva.profile')).key")
    assert key.split(".", 1)[1] not in json.dumps(exported)

    page.click("#code-button")
    code = page.locator("#device-code-value").inner_text()
    other_device = browser.new_context(base_url=base_url)
    other = other_device.new_page()
    try:
        other.goto("/progress")
        other.wait_for_selector("#no-profile:not([hidden])")
        other.fill("#redeem-code", code)
        other.click("#redeem-button")
        other.wait_for_selector("#progress:not([hidden])")
        assert stat(other, "mastered") == 3 and stat(other, "interviews") == 2
        # The code worked once: a second use is refused with a reason.
        third = browser.new_context(base_url=base_url).new_page()
        third.goto("/progress")
        third.fill("#redeem-code", code)
        third.click("#redeem-button")
        third.wait_for_selector("#status:not([hidden])")
        assert "already used" in third.locator("#status").inner_text()
        third.context.close()

        other.click("#delete-button")
        other.click("#confirm-ok")
        other.wait_for_selector("#no-profile:not([hidden])")
        assert "2 interviews" in other.locator("#status").inner_text()
    finally:
        other_device.close()
    # Deleted on one device, gone on the other too.
    page.goto("/progress")
    page.wait_for_selector("#status:not([hidden])")
    assert "no longer on the server" in page.locator("#status").inner_text()


@pytest.fixture(scope="module")
def accounts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("accounts") / "viva.db"
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}", rubrics_dir=FIXTURE_RUBRICS, llm_base_url=None,
                        llm_api_key=None, rate_limit_enabled=False, log_level="WARNING", accounts=True)
    yield from serve_in_thread(settings)


def test_with_accounts_on_two_users_see_only_their_own_progress(browser: Any, accounts_url: str) -> None:  # noqa: F811
    ada_ctx = browser.new_context(base_url=accounts_url)
    bob_ctx = browser.new_context(base_url=accounts_url)
    try:
        ada = ada_ctx.new_page()
        ada.goto("/")  # a first interview, before any account: the browser's own profile
        ada.check('input[name="topics"][value="regularisation"]')
        ada.fill("#questions_per_topic", "1")
        ada.select_option("#difficulty", "easy")
        ada.select_option("#max_follow_ups", "0")
        ada.click("#start-button")
        ada.wait_for_url(re.compile(r"/interview/[^/]+$"))
        ada.wait_for_selector("#answer-form:not([hidden])")
        answer_until_done(ada, lambda _text: exemplar("dropout", "wrong"))
        ada.goto("/progress")
        ada.wait_for_selector("#account:not([hidden])")
        ada.fill("#account-username", "ada")
        ada.fill("#account-password", "correct horse battery")
        ada.click("#register-button")
        ada.wait_for_selector("#sign-out-button:not([hidden])")
        assert "Signed in as ada" in ada.locator("#account-status").inner_text()
        assert stat(ada, "missed") == 3  # the browser's profile went to the account
        assert ada.evaluate("() => localStorage.getItem('viva.profile')") is None
        assert ada.evaluate("() => document.cookie") == ""  # the session cookie is HttpOnly

        bob = bob_ctx.new_page()
        bob.goto("/progress")
        bob.wait_for_selector("#account:not([hidden])")
        bob.fill("#account-username", "bob")
        bob.fill("#account-password", "another long password")
        bob.click("#register-button")
        bob.wait_for_selector("#sign-out-button:not([hidden])")
        bob.wait_for_selector("#progress:not([hidden])")
        assert stat(bob, "interviews") == 0 and stat(bob, "missed") == 0
        assert "Regularisation" not in bob.locator("#topic-chart").inner_text()
        assert _serious(bob) == []

        ada.click("#sign-out-button")
        ada.wait_for_selector("#account-form:not([hidden])")
        ada.wait_for_selector("#no-profile:not([hidden])")
        ada.fill("#account-username", "ada")
        ada.fill("#account-password", "correct horse battery")
        ada.click("#sign-in-button")
        ada.wait_for_selector("#progress:not([hidden])")
        assert stat(ada, "interviews") == 1 and stat(ada, "missed") == 3
    finally:
        ada_ctx.close()
        bob_ctx.close()
