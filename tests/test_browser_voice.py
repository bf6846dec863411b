"""A whole interview answered by voice in Chromium: a WAV of espeak-ng's speech plays as the
microphone (Chromium's fake capture device), the server transcribes each recording with the small
Whisper model, and the interview reaches its report with every answer marked as spoken."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from tests.conftest import FIXTURE_RUBRICS
from tests.speech_support import speak, whisper_model_dir
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, api_get, replies, serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.speech]

SPOKEN = ("Dropout randomly zeroes activations during training, so the network cannot rely on any single unit. "
          "At test time every unit is kept.")


@pytest.fixture(scope="module")
def microphone_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the fake microphone plays, in a loop: the answer, then a 2.5 s pause (hands-free's cue)."""
    whisper_model_dir()  # skips first where faster-whisper is absent
    return speak(SPOKEN, tmp_path_factory.mktemp("mic") / "answer.wav", silence_after=2.5)


@pytest.fixture(scope="module")
def voice_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    model = whisper_model_dir()
    db = tmp_path_factory.mktemp("voice") / "viva.db"
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{db}", rubrics_dir=FIXTURE_RUBRICS, llm_base_url=None,
        llm_api_key=None, rate_limit_enabled=False, log_level="WARNING", stt_model=str(model), stt_cpu_threads=1,
    )
    yield from serve_in_thread(settings)


@pytest.fixture(scope="module")
def voice_page_factory(voice_url: str, microphone_wav: Path) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set VIVA_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone_wav}"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
        contexts: list[Any] = []

        def new_page(script: str | None = None, base_url: str = voice_url) -> Any:
            context = browser.new_context(base_url=base_url, viewport={"width": 1200, "height": 860})
            context.set_default_timeout(30000)
            context.grant_permissions(["microphone"])
            if script:
                context.add_init_script(script)
            contexts.append(context)
            page = context.new_page()
            page.problems = []
            page.on("pageerror", lambda exc: page.problems.append(str(exc)))
            return page

        yield new_page
        for context in contexts:
            context.close()
        browser.close()


def start(page: Any) -> str:
    page.goto("/")
    page.check('input[name="topics"][value="regularisation"]')
    page.fill("#questions_per_topic", "2")
    page.select_option("#max_follow_ups", "0")
    page.click("#start-button")
    page.wait_for_url(re.compile(r"/interview/[^/]+$"))
    page.wait_for_selector("#mic-button:visible")
    return page.url.rsplit("/", 1)[1]


def wait_for_reply(page: Any, before: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#thread .msg-interviewer:not(.msg-typing):not(.msg-streaming)').length > n"
        " && !document.querySelector('#send-button').disabled", arg=before, timeout=60000)


def test_a_whole_interview_by_voice_reaches_the_report(voice_page_factory: Any) -> None:
    page = voice_page_factory()
    interview_id = start(page)

    # Answer 1: record, stop, check the words in the box, send.
    before = replies(page)
    page.click("#mic-button")
    page.wait_for_selector("#mic-button[aria-pressed=true]")
    page.wait_for_selector("#mic-level:visible")
    page.wait_for_timeout(7500)  # about one pass of the looping answer
    page.click("#mic-button")
    page.wait_for_function("() => document.querySelector('#answer').value.trim().length > 20", timeout=60000)
    heard = page.input_value("#answer").lower()
    assert re.search(r"drop ?out|training|network|unit", heard), heard
    page.click("#send-button")
    wait_for_reply(page, before)

    # Answer 2, hands-free: recording stops after the pause in the speech, and the answer is sent.
    page.select_option("#handsfree-pause", "2")
    before = replies(page)
    page.click("#mic-button")
    wait_for_reply(page, before)
    page.wait_for_selector("#done-panel:not([hidden])")
    assert page.locator("#thread .msg-candidate .msg-meta", has_text="spoken").count() == 2  # both answers say so
    page.click("#report-link")
    page.wait_for_url(re.compile(r"/report/"))
    page.wait_for_selector("#overall-score, .report")
    page.wait_for_selector(".turn-answer")
    assert page.locator(".turn-label", has_text="Your answer (spoken, 0:").count() == 2

    exported = api_get(page, interview_id, "/transcript.json")["body"]
    exchanges = [ex for q in exported["questions"] for ex in q["exchanges"]]
    assert len(exchanges) == 2 and all(ex["spoken"] and ex["spoken_seconds"] > 1 and ex["answer"] for ex in exchanges)
    assert exported["overall"] is not None
    assert not page.problems, page.problems


def test_a_denied_or_missing_microphone_is_explained_and_typing_still_works(voice_page_factory: Any) -> None:
    denied = voice_page_factory(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));")
    start(denied)
    denied.click("#mic-button")
    error = denied.locator("#answer-error")
    error.wait_for(state="visible")
    assert "Microphone access was denied" in error.inner_text()
    before = replies(denied)
    denied.fill("#answer", "Dropout zeroes random activations while training.")
    denied.click("#send-button")
    wait_for_reply(denied, before)

    absent = voice_page_factory(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('none', 'NotFoundError'));")
    start(absent)
    absent.click("#mic-button")
    absent.locator("#answer-error").wait_for(state="visible")
    assert "No microphone was found" in absent.locator("#answer-error").inner_text()

    # The read-aloud choice is remembered across pages.
    absent.check("#tts-toggle")
    absent.reload()
    absent.wait_for_selector("#voice-bar:visible")
    assert absent.is_checked("#tts-toggle")


def test_without_speech_to_text_the_page_hides_the_microphone(voice_page_factory: Any, tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'viva.db'}", rubrics_dir=FIXTURE_RUBRICS,
                        llm_base_url=None, llm_api_key=None, rate_limit_enabled=False, log_level="WARNING",
                        stt_enabled=False)
    server = serve_in_thread(settings)
    url = next(server)
    try:
        page = voice_page_factory(base_url=url)
        page.goto("/")
        page.check('input[name="topics"][value="regularisation"]')
        page.fill("#questions_per_topic", "1")
        page.click("#start-button")
        page.wait_for_selector("#answer-form:not([hidden])")
        page.wait_for_selector("#voice-bar:visible")  # reading aloud needs only the browser
        assert page.locator("#voice-record").is_hidden() and page.locator("#mic-button").is_hidden()
        before = replies(page)
        page.fill("#answer", "Dropout zeroes random activations while training.")
        page.click("#send-button")
        wait_for_reply(page, before)
        assert not page.problems, page.problems
    finally:
        next(server, None)
