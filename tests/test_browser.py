"""End-to-end tests of the browser chat: Playwright driving Debian's Chromium against the real app.

The app runs with uvicorn in a thread on a free local port, on a throwaway SQLite file and the small
fixture question bank. Playwright's own browser download does not work here: the tests use
``/usr/bin/chromium`` (or ``VIVA_CHROMIUM``) and skip with the reason when it is missing (the
conftest turns that skip into a failure in CI, which installs Chromium).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import Settings
from app.main import create_app
from tests.conftest import FIXTURE_RUBRICS, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("VIVA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
MAX_ANSWER_CHARS = 1000
XSS = '<img src=x onerror=alert(1)> and <script>alert("xss")</script> & "quotes"'


# Fixtures -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_in_thread(settings: Settings, **app_options: Any) -> Iterator[str]:
    """Serve the app on a free local port in a thread; yields its base URL, stops it afterwards.
    ``app_options`` go to ``create_app`` (e.g. a ``clock`` a test moves ahead)."""
    import uvicorn

    port = _free_port()
    app = create_app(settings, **app_options)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the app did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("browser") / "viva.db"
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{db}", rubrics_dir=FIXTURE_RUBRICS,
        llm_base_url=None, llm_api_key=None, max_answer_chars=MAX_ANSWER_CHARS, rate_limit_enabled=False,
        log_level="WARNING",
    )
    yield from serve_in_thread(settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set VIVA_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright (Python) is not installed")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser: Any, base_url: str) -> Iterator[Any]:
    ctx = browser.new_context(base_url=base_url, accept_downloads=True, viewport={"width": 1200, "height": 860},
                              reduced_motion="reduce")
    ctx.set_default_timeout(30000)  # generous: a loaded CI machine is slow, not broken
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page that fails the test on any JavaScript dialog (alert from an XSS) or uncaught error."""
    p = context.new_page()
    problems: list[str] = []

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.type} {dialog.message}")
        dialog.dismiss()

    p.on("dialog", on_dialog)
    p.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    p.problems = problems
    yield p
    assert not problems, problems


def shot(page: Any, name: str, *, docs: bool = False, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
    # The README's screenshots are rewritten only when missing or asked for, so test runs leave git clean.
    if docs and (os.environ.get("VIVA_UPDATE_SCREENSHOTS") or not (SCREENSHOTS / f"{name}.png").exists()):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


# Helpers ------------------------------------------------------------------------------------


def model_answers() -> dict[str, str]:
    """Question prompt -> model answer, from the fixture bank (to give answers that cover key points)."""
    out: dict[str, str] = {}
    for path in FIXTURE_RUBRICS.glob("*.yaml"):
        data = yaml.safe_load(path.read_text())
        for q in (data or {}).get("questions", []) if isinstance(data, dict) else []:
            out[q["prompt"].strip()] = " ".join(q["model_answer"].split())
    return out


def start_interview(page: Any, *, topics: list[str], per_topic: int = 1, feedback: str = "per_answer",
                    name: str | None = None) -> str:
    page.goto("/")
    for topic in topics:
        page.check(f'input[name="topics"][value="{topic}"]')
    page.fill("#questions_per_topic", str(per_topic))
    page.check(f'input[name="feedback"][value="{feedback}"]')
    if name:
        page.fill("#candidate_name", name)
    page.click("#start-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    page.wait_for_selector("#thread .msg-interviewer")
    page.wait_for_selector("#answer-form:not([hidden])")
    return page.url.rsplit("/", 1)[1]


def current_prompt(page: Any) -> str:
    return page.locator("#thread .msg-interviewer .msg-prompt").last.inner_text().strip()


def replies(page: Any) -> int:
    return page.locator("#thread .msg-interviewer:not(.msg-typing):not(.msg-streaming)").count()


def send_answer(page: Any, text: str, *, how: str = "enter") -> None:
    """Type and send an answer, then wait for the interviewer's reply to land."""
    before = replies(page)
    page.fill("#answer", text)
    if how == "enter":
        page.press("#answer", "Enter")
    elif how == "dblclick":
        page.dblclick("#send-button")
    else:
        page.click("#send-button")
    page.wait_for_function(
        "n => document.querySelectorAll('#thread .msg-interviewer:not(.msg-typing):not(.msg-streaming)').length > n"
        " && !document.querySelector('#send-button').disabled",
        arg=before,
    )


def api_get(page: Any, interview_id: str, path: str = "") -> Any:
    """GET the API from inside the page, with the token the page keeps."""
    return page.evaluate(
        """async ([id, path]) => {
            const token = JSON.parse(localStorage.getItem('viva.interviews'))[id].token;
            const r = await fetch(`/api/interviews/${id}${path}`, {headers: {Authorization: `Bearer ${token}`}});
            return {status: r.status, body: await r.json()};
        }""",
        [interview_id, path],
    )


# Tests --------------------------------------------------------------------------------------


def test_complete_interview_from_start_to_report_and_download(page: Any) -> None:
    answers = model_answers()
    page.goto("/")
    assert page.locator('input[name="topics"]').count() == 2
    assert page.locator(".topic-summary").first.inner_text().strip()
    assert "offline" in page.locator("#examiner").inner_text().lower()
    shot(page, "start")

    interview_id = start_interview(page, topics=["optimisation", "regularisation"], name="Ada")
    assert "Topic 1 of 2" in page.locator("#progress-topic").inner_text()
    assert "Question 1 of 1" in page.locator("#progress-question").inner_text()
    assert re.fullmatch(r"\d+:\d\d", page.locator("#timer-value").inner_text())

    # First question: half of the model answer (covers some key points; may earn a follow-up).
    model = answers[current_prompt(page)]
    sentences = re.split(r"(?<=\.)\s+", model)
    first = " ".join(sentences[: max(1, len(sentences) // 2)])
    send_answer(page, first)
    feedback = page.locator("#thread .feedback").last
    feedback.wait_for()
    assert feedback.locator(".criterion").count() >= 3
    assert page.locator("#thread .msg-candidate mark").count() >= 1, "the candidate's covered words are highlighted"
    covered_quote = feedback.locator(".points-covered mark").first.inner_text()
    assert covered_quote and covered_quote in first

    # Follow-ups (if any) get the rest of the model answer, until the next topic begins.
    for _ in range(3):
        if "Topic 2 of 2" in page.locator("#progress-topic").inner_text() or page.locator("#done-panel").is_visible():
            break
        send_answer(page, " ".join(sentences[len(sentences) // 2:]) or model)
    assert "Topic 2 of 2" in page.locator("#progress-topic").inner_text()

    # The model answer of the finished first question can be revealed.
    first_panel = page.locator("#thread .feedback").first
    first_panel.get_by_role("button", name="Show model answer").click()
    page.wait_for_function("() => [...document.querySelectorAll('.model-answer')].some(e => !e.hidden && e.textContent.includes('Model answer'))")
    page.locator("#answer").fill("Dropout randomly")  # a draft in the box for the screenshot
    page.set_viewport_size({"width": 1100, "height": 1000})
    page.evaluate("""() => {
        const bubble = document.querySelector('#thread .msg-interviewer');
        window.scrollTo(0, bubble.getBoundingClientRect().top + window.scrollY - 140);
    }""")
    shot(page, "interview", docs=True)
    page.set_viewport_size({"width": 1200, "height": 860})

    # Second question, answered well.
    page.locator("#answer").fill("")
    for _ in range(4):
        if page.locator("#done-panel").is_visible():
            break
        send_answer(page, answers.get(current_prompt(page), "Dropout randomly zeroes activations during training."))
    page.locator("#done-panel").wait_for()
    assert page.locator("#answer-form").is_hidden()
    assert "Interview complete" in page.locator("#progress-topic").inner_text()
    page.wait_for_timeout(300)
    panel = page.locator("#done-panel").bounding_box()
    assert panel and 0 <= panel["y"] and panel["y"] + panel["height"] <= page.viewport_size["height"], panel  # in view

    page.get_by_role("link", name="See your report").click()
    page.wait_for_url(f"**/report/{interview_id}")
    page.locator("#report").wait_for()
    assert page.locator("#report-title").inner_text() == "Interview report: Ada"
    assert re.fullmatch(r"\d\.\d", page.locator("#overall-value").inner_text())
    assert page.locator("#chart .bar-row").count() == 2
    assert page.locator("#questions > li").count() == 2
    page.locator("#summary").wait_for()
    assert page.locator("#strengths li").count() >= 1
    shot(page, "report", docs=True)
    shot(page, "report-full", full_page=True)

    # Downloads: fetched with the token, saved with a sensible name, with the real content.
    with page.expect_download() as info:
        page.click('[data-download="json"]')
    download = info.value
    assert re.fullmatch(r"viva-interview-\d{4}-\d\d-\d\d-[\w-]{8}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text())
    assert data["id"] == interview_id and data["status"] == "completed"
    assert data["questions"][0]["exchanges"][0]["answer"] == first
    with page.expect_download() as info:
        page.click('[data-download="md"]')
    markdown = Path(info.value.path()).read_text()
    assert info.value.suggested_filename.endswith(".md")
    assert data["questions"][0]["prompt"] in markdown
    pdf_button = page.locator('[data-download="pdf"]')
    pdf_status = api_get_status(page, interview_id, "/transcript.pdf")
    assert pdf_button.is_visible() == (pdf_status != 404)
    if pdf_button.is_visible():
        with page.expect_download() as info:
            pdf_button.click()
        assert Path(info.value.path()).read_bytes()[:5] == b"%PDF-"

    # History lists it, with a link back to the report.
    page.goto("/history")
    item = page.locator("#history .history-item").first
    item.get_by_role("link", name="Report").wait_for()
    text = item.inner_text()
    assert "completed" in text.lower() and "null" not in text
    assert "Optimisation basics" in text  # the topics by name, not "1 topic"
    assert item.get_by_role("button", name="PDF").count() == 1
    shot(page, "history")


def api_get_status(page: Any, interview_id: str, path: str) -> int:
    return int(page.evaluate(
        """async ([id, path]) => {
            const token = JSON.parse(localStorage.getItem('viva.interviews'))[id].token;
            return (await fetch(`/api/interviews/${id}${path}`, {headers: {Authorization: `Bearer ${token}`}})).status;
        }""",
        [interview_id, path],
    ))


def test_reload_resumes_keeps_the_draft_and_double_click_stores_one_answer(page: Any) -> None:
    interview_id = start_interview(page, topics=["optimisation"], per_topic=2, feedback="at_end")
    send_answer(page, "Gradients are computed by backpropagation and the weights move.", how="dblclick")
    # One answer stored, however many clicks.
    transcript = api_get(page, interview_id, "/transcript.json")["body"]
    answered = [ex for q in transcript["questions"] for ex in q["exchanges"] if ex["answer"]]
    assert len(answered) == 1
    assert page.locator("#thread .msg-candidate").count() == 1
    assert page.locator("#thread .feedback").count() == 0, "feedback waits for the end"

    prompt = current_prompt(page)
    progress = page.locator("#progress-question").inner_text()
    page.fill("#answer", "a draft that must survive the reload\nsecond line")
    page.reload()
    page.wait_for_selector("#thread .msg-candidate")
    assert current_prompt(page) == prompt
    assert page.locator("#progress-question").inner_text() == progress
    assert page.locator("#thread .msg-candidate").count() == 1
    assert page.locator("#answer").input_value() == "a draft that must survive the reload\nsecond line"

    # Skip asks first, in a real dialog; Escape cancels it.
    page.click("#skip-button")
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "confirm-cancel"
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert current_prompt(page) == prompt
    # Finish early, confirmed with the keyboard.
    page.focus("#finish-button")
    page.keyboard.press("Enter")
    dialog.wait_for(state="visible")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("#done-panel").wait_for()
    view = api_get(page, interview_id)["body"]
    assert view["state"] == "completed"
    shot(page, "interview-finished-early")


def test_xss_payload_is_shown_as_text(page: Any) -> None:
    interview_id = start_interview(page, topics=["regularisation"], per_topic=1)
    send_answer(page, XSS)
    bubble = page.locator("#thread .msg-candidate").first
    assert bubble.locator(".msg-body").inner_text().strip() == XSS
    assert page.locator("#thread img, #thread script").count() == 0
    page.reload()
    page.wait_for_selector("#thread .msg-candidate")
    assert page.locator("#thread .msg-candidate .msg-body").first.inner_text().strip() == XSS
    page.click("#finish-button")
    page.click("#confirm-ok")
    page.locator("#done-panel").wait_for()
    page.goto(f"/report/{interview_id}")
    page.locator("#report").wait_for()
    assert XSS in page.locator("#questions").inner_text()
    assert page.locator("#main img, #main script").count() == 0
    page.wait_for_timeout(300)  # let any injected handler fire; the page fixture fails on a dialog


def test_refused_and_failed_answers_keep_the_text(page: Any) -> None:
    start_interview(page, topics=["optimisation"], per_topic=1)
    prompt = current_prompt(page)

    # Over the size limit: the counter warns, the server refuses (413), the text stays.
    long_text = "word " * (MAX_ANSWER_CHARS // 5 + 40)
    page.fill("#answer", long_text)
    counter = page.locator("#char-counter")
    assert counter.is_visible() and "too long" in counter.inner_text()
    page.press("#answer", "Enter")
    error = page.locator("#answer-error")
    error.wait_for()
    assert "too long" in error.inner_text().lower()
    assert page.locator("#answer").input_value() == long_text
    assert page.locator("#thread .msg-candidate").count() == 0
    assert not page.locator("#send-button").is_disabled()
    shot(page, "interview-refused")

    # The server fails (503 from a proxy): the page says so, keeps the text, and nothing is stored.
    page.route("**/answers/stream", lambda route: route.fulfill(status=503, content_type="text/html", body="<h1>Service Unavailable</h1>"))
    page.fill("#answer", "An answer typed while the server is down.")
    page.press("#answer", "Enter")
    page.wait_for_function("() => document.querySelector('#answer-error').textContent.includes('server')")
    assert page.locator("#answer").input_value() == "An answer typed while the server is down."
    assert current_prompt(page) == prompt
    page.unroute("**/answers/stream")

    # The draft survives a reload too, and then goes through.
    page.reload()
    page.wait_for_selector("#thread .msg-interviewer")
    assert page.locator("#answer").input_value() == "An answer typed while the server is down."
    send_answer(page, page.locator("#answer").input_value(), how="click")
    assert page.locator("#thread .msg-candidate").count() == 1


def test_a_stale_second_tab_does_not_answer_the_wrong_question(context: Any, page: Any) -> None:
    interview_id = start_interview(page, topics=["optimisation", "regularisation"], per_topic=1, feedback="at_end")
    other = context.new_page()
    other.goto(f"/interview/{interview_id}")
    other.wait_for_selector("#answer-form:not([hidden])")
    send_answer(page, "First tab answers the first question.")
    # The second tab still shows the first question; its answer is not sent to the next one.
    other.fill("#answer", "Stale tab text.")
    other.press("#answer", "Enter")
    other.wait_for_function("() => document.querySelector('#status').textContent.includes('another tab')")
    assert other.locator("#answer").input_value() == "Stale tab text."
    notice = other.locator("#status").bounding_box()
    viewport = other.viewport_size
    assert notice and 0 <= notice["y"] and notice["y"] + notice["height"] <= viewport["height"], notice  # in view
    transcript = api_get(page, interview_id, "/transcript.json")["body"]
    answers = [ex["answer"] for q in transcript["questions"] for ex in q["exchanges"] if ex["answer"]]
    assert answers == ["First tab answers the first question."]
    other.close()


def test_phone_sized_screen(browser: Any, base_url: str) -> None:
    ctx = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, device_scale_factor=1,
                              is_mobile=True, has_touch=True)
    try:
        p = ctx.new_page()
        start_interview(p, topics=["optimisation"], per_topic=1)
        send_answer(p, "Weights move opposite the gradient; the learning rate sets the step size.", how="click")
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width}px)"
        shot(p, "interview-phone")
    finally:
        ctx.close()


def test_a_conflict_resyncs_and_keeps_one_answer(page: Any) -> None:
    """A 409 after the answer was in fact stored (a duplicate send): the page resyncs, shows it once."""
    interview_id = start_interview(page, topics=["regularisation"], per_topic=2, feedback="at_end")
    first_prompt = current_prompt(page)

    def store_then_conflict(route: Any) -> None:
        route.fetch()  # the real request: the server stores the answer
        route.fulfill(status=409, content_type="application/json", body=json.dumps(
            {"error": {"code": "invalid_transition", "message": "cannot answer while the interview is grading", "state": "grading"}}))

    page.route("**/answers/stream", store_then_conflict)
    page.fill("#answer", "An answer that reaches the server once.")
    page.press("#answer", "Enter")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('stored once')")
    page.unroute("**/answers/stream")
    assert page.locator("#answer").input_value() == ""
    assert page.locator("#thread .msg-candidate").count() == 1
    assert current_prompt(page) != first_prompt, "the thread moved on to the next prompt"
    transcript = api_get(page, interview_id, "/transcript.json")["body"]
    answers = [ex["answer"] for q in transcript["questions"] for ex in q["exchanges"] if ex["answer"]]
    assert answers == ["An answer that reaches the server once."]


def test_a_stated_misconception_is_quoted_and_probed_then_corrected_on_the_page(page: Any) -> None:
    page.goto("/")
    page.select_option("#difficulty", "easy")  # the fixture's easy optimisation question: gradient descent
    page.check('input[name="topics"][value="optimisation"]')
    page.fill("#questions_per_topic", "1")
    page.click("#start-button")
    page.wait_for_selector("#answer-form:not([hidden])")
    assert "gradient descent" in current_prompt(page).lower()
    wrong = "Gradient descent moves each <b>weight</b> along the gradient, in the same direction."
    send_answer(page, wrong)
    panel = page.locator("#thread .feedback").last
    assert "what was not right" in panel.inner_text().lower()
    quote = panel.locator(".misconceptions .point-quote").first.inner_text()
    assert "along the gradient" in quote and "<b>weight</b>" in quote  # the candidate's words, shown as text
    assert "shown after the follow-up" in panel.inner_text()  # the correction waits for the follow-up
    assert current_prompt(page).startswith("You said")
    assert panel.get_by_role("button", name="Show model answer").count() == 0  # it would answer the follow-up
    send_answer(page, "It steps against the gradient, the direction in which the loss falls.")
    last = page.locator("#thread .feedback").last
    assert "put this right" in last.inner_text()
    assert last.get_by_role("button", name="Show model answer").count() == 1


def test_the_api_documentation_renders_from_this_origin_under_its_policy(page: Any) -> None:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(page.context.base_url if hasattr(page.context, "base_url") else "http://127.0.0.1") else None)
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Viva" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-summary-path")  # the operations listed from /openapi.json
    assert not violations, violations
    assert not [u for u in outside if not u.startswith("http://127.0.0.1")], outside


def assert_prompt_in_view(page: Any) -> None:
    """The newest interviewer question is inside the viewport, below the sticky progress bar and
    above the sticky answer box."""
    # The scroll settles (reduced motion: no animation, but a loaded machine may lay out late): the
    # prompt must be in view within a few seconds, and stay checked by the last reading.
    for _ in range(20):
        page.wait_for_timeout(150)
        prompt = page.locator("#thread .msg-interviewer .msg-prompt").last.bounding_box()
        box = page.locator("#answer-form").bounding_box()
        top = page.locator(".chat-top").bounding_box()
        if prompt and box and top and prompt["y"] + prompt["height"] <= box["y"] + 1 and prompt["y"] >= top["y"] + top["height"] - 1:
            return
    assert prompt and box and top, (prompt, box, top)
    assert prompt["y"] + prompt["height"] <= box["y"] + 1, ("covered by the answer box", prompt, box)
    assert prompt["y"] >= top["y"] + top["height"] - 1, ("under the progress bar", prompt, top)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_next_question_is_not_hidden_behind_the_answer_box(browser: Any, base_url: str, viewport: dict) -> None:
    ctx = browser.new_context(base_url=base_url, viewport=viewport, reduced_motion="reduce")
    ctx.set_default_timeout(30000)
    page = ctx.new_page()
    try:
        interview_id = start_interview(page, topics=["optimisation", "regularisation"], per_topic=2)
        assert_prompt_in_view(page)
        send_answer(page, "It moves against the gradient, scaled by a learning rate.")
        assert_prompt_in_view(page)  # after an answer
        before = replies(page)
        page.click("#skip-button")
        page.click("#confirm-ok")
        page.wait_for_function("n => document.querySelectorAll('#thread .msg-interviewer:not(.msg-typing):not(.msg-streaming)').length > n", arg=before)
        assert_prompt_in_view(page)  # after a skip
        page.reload()
        page.wait_for_selector("#answer-form:not([hidden])")
        assert_prompt_in_view(page)  # after a reload
        page.goto("/history")
        page.locator("#history .history-item").first.get_by_role("link", name="Continue").click()
        page.wait_for_url(f"**/interview/{interview_id}")
        page.wait_for_selector("#answer-form:not([hidden])")
        assert_prompt_in_view(page)  # after "Continue" from the history
    finally:
        ctx.close()


def test_the_report_page_logs_no_console_error(page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    interview_id = start_interview(page, topics=["optimisation"], per_topic=1)
    page.goto(f"/report/{interview_id}")
    page.wait_for_selector('[data-download="json"]')
    page.wait_for_selector('[data-download="pdf"]:not([hidden])')
    assert not errors, errors


def test_history_tells_an_interview_ended_early_from_a_full_one(page: Any) -> None:
    start_interview(page, topics=["optimisation"], per_topic=2)
    send_answer(page, "It moves each weight against the gradient, scaled by the learning rate.")
    page.click("#finish-button")
    page.get_by_role("button", name="Finish interview").click()
    page.locator("#done-panel").wait_for()
    page.goto("/history")
    item = page.locator("#history .history-item").first
    item.get_by_role("link", name="Report").wait_for()
    assert "ended early" in item.inner_text().lower()
