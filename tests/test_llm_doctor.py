"""viva doctor against fake endpoints: ready, fallback modes, unreachable, unconfigured."""

from __future__ import annotations

import httpx
import pytest

from app.config import Settings
from app.llm.doctor import format_doctor, run_doctor, shown_url
from tests.fakes.fake_llm import BASE_URL, FakeLLM

pytestmark = pytest.mark.anyio

PROBE = {"answer": "Paris", "confidence": 5}


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = dict(_env_file=None, llm_base_url=BASE_URL, llm_api_key="sk-doctor-secret", llm_model="fake-model")
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def test_ready_with_json_schema() -> None:
    fake = FakeLLM(default=lambda body: PROBE)
    report = await run_doctor(settings(), client=fake.client())
    assert report.ok and report.best_mode == "json_schema"
    assert report.modes == {"json_schema": "ok", "json_object": "ok", "text": "ok"}
    text = format_doctor(report)
    assert "READY" in text and "sk-doctor-secret" not in text


async def test_refused_modes_are_reported() -> None:
    fake = FakeLLM(refuse_modes={"json_schema", "json_object"}, default=lambda body: f"Sure: {PROBE}".replace("'", '"'))
    report = await run_doctor(settings(), client=fake.client())
    assert report.modes == {"json_schema": "refused", "json_object": "refused", "text": "ok"}
    assert report.ok and report.best_mode == "text" and "fallback" in report.verdict


async def test_model_not_listed_is_a_warning_with_the_fix() -> None:
    fake = FakeLLM(models=("llama3",), default=lambda body: PROBE)
    report = await run_doctor(settings(), client=fake.client())
    listed = next(c for c in report.checks if c.name == "model listed")
    assert listed.status == "warn" and "llama3" in (listed.fix or "")


async def test_unreachable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused")

    fake = FakeLLM()
    client = fake.client(http_client=httpx.AsyncClient(transport=httpx.MockTransport(refuse)), max_retries=0)
    report = await run_doctor(settings(), client=client)
    assert not report.ok and "NOT USABLE" in report.verdict
    assert "fix:" in format_doctor(report)


async def test_garbage_output_is_not_usable() -> None:
    fake = FakeLLM(default=lambda body: "Paris!")
    report = await run_doctor(settings(), client=fake.client())
    assert not report.ok and set(report.modes.values()) == {"bad_output"}


async def test_not_configured_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    report = await run_doctor(settings(llm_base_url=None, llm_api_key=None))
    assert report.ok and "offline" in report.verdict


def test_shown_url_drops_credentials() -> None:
    assert shown_url("http://user:pw@localhost:11434/v1?key=abc") == "http://localhost:11434/v1"
