"""``viva doctor``: is the configured LLM endpoint usable, and if not, what to fix.

Checks, in order: an endpoint is configured; it answers (``GET /models``); the model is listed;
which structured-output modes work (json_schema, json_object, plain text) with a tiny schema.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel

from app.errors import LLMError
from app.llm.client import LLMClient
from app.llm.structured import MODE_ORDER, StructuredMode

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"


class _Probe(BaseModel):
    answer: str
    confidence: int


PROBE_MESSAGES = [
    {"role": "system", "content": "You reply with JSON only."},
    {
        "role": "user",
        "content": 'What is the capital of France? Reply as JSON: {"answer": "<city>", "confidence": <0-5>}.',
    },
]


@dataclass
class Check:
    name: str
    status: str  # ok | warn | fail | skip
    detail: str
    fix: str | None = None


@dataclass
class DoctorReport:
    endpoint: str
    model: str
    checks: list[Check] = field(default_factory=list)
    modes: dict[str, str] = field(default_factory=dict)  # mode -> ok | refused | bad_output | error
    best_mode: str | None = None
    ok: bool = False
    verdict: str = ""


def shown_url(url: str | None) -> str:
    """The base URL without credentials or query, safe to print."""
    if not url:
        return "https://api.openai.com/v1 (default)"
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


async def run_doctor(settings: Any, *, client: LLMClient | None = None) -> DoctorReport:
    report = DoctorReport(endpoint=shown_url(settings.llm_base_url), model=settings.llm_model)
    if not settings.llm_enabled:
        report.endpoint = "none"
        report.checks.append(Check("configured", SKIP, "no LLM endpoint is configured",
                                   "set VIVA_LLM_BASE_URL (local server) or VIVA_LLM_API_KEY (OpenAI) to use an LLM"))
        report.ok = True
        report.verdict = "offline: no endpoint configured, the offline examiner grades (this is a valid setup)"
        return report
    owned = client is None  # a client made here is closed here
    client = client or LLMClient.from_settings(settings, max_retries=0)
    report.checks.append(Check("configured", OK, f"{report.endpoint}, model {settings.llm_model}"))
    try:
        reachable = await _check_models(client, report, settings.llm_model)
        if reachable:
            await _check_modes(client, report)
    finally:
        if owned:
            await client.aclose()
    _verdict(report, reachable)
    return report


async def _check_models(client: LLMClient, report: DoctorReport, model: str) -> bool:
    started = time.perf_counter()
    try:
        models = await client.list_models()
    except LLMError as exc:
        if "404" in exc.message:  # reachable, but no /models route (some servers)
            report.checks.append(Check("reachable", WARN, "the endpoint answered but has no /models list"))
            report.checks.append(Check("model listed", SKIP, "cannot list models"))
            return True
        report.checks.append(Check("reachable", FAIL, exc.message, exc.hint or _hint_for(exc)))
        return False
    elapsed = (time.perf_counter() - started) * 1000
    report.checks.append(Check("reachable", OK, f"GET /models answered in {elapsed:.0f} ms"))
    if model in models or any(m.split("/")[-1] == model for m in models):
        report.checks.append(Check("model listed", OK, f"{model} is served"))
    elif models:
        shown = ", ".join(models[:8]) + (" ..." if len(models) > 8 else "")
        report.checks.append(Check("model listed", WARN, f"{model} is not in the list: {shown}",
                                   f"set VIVA_LLM_MODEL to one of: {shown}"))
    else:
        report.checks.append(Check("model listed", WARN, "the endpoint lists no models"))
    return True


async def _check_modes(client: LLMClient, report: DoctorReport) -> None:
    for mode in MODE_ORDER:
        try:
            out, usage = await client.complete_structured(PROBE_MESSAGES, _Probe, mode=mode, max_tokens=60)
        except LLMError as exc:
            status = "refused" if "rejected" in exc.message else ("bad_output" if exc.code == "llm_bad_output" else "error")
            report.modes[mode.value] = status
            detail = exc.message
        else:
            report.modes[mode.value] = "ok"
            detail = f"parsed {out.model_dump()} ({usage.total_tokens} tokens)"
            if report.best_mode is None:
                report.best_mode = mode.value
                client.modes[client.endpoint] = StructuredMode(mode)
        status = OK if report.modes[mode.value] == "ok" else WARN
        report.checks.append(Check(f"mode {mode.value}", status, detail))


def _verdict(report: DoctorReport, reachable: bool) -> None:
    if not reachable:
        report.verdict = "NOT USABLE: the endpoint cannot be reached; the offline examiner will grade every answer"
        return
    if report.best_mode is None:
        report.verdict = ("NOT USABLE: no structured-output mode produced valid JSON; every answer would fall back "
                          "to the offline examiner. Try a larger or instruction-tuned model.")
        report.checks.append(Check("structured output", FAIL, "no mode worked", "use a model that follows JSON instructions"))
        return
    report.ok = True
    note = "" if report.best_mode == "json_schema" else " (the server does not enforce the schema; a fallback is in use)"
    report.verdict = f"READY: the LLM examiner will use {report.best_mode} mode{note}"


def _hint_for(exc: LLMError) -> str:
    if exc.code == "llm_timeout":
        return "the server is slow or unreachable; raise VIVA_LLM_TIMEOUT or check the URL"
    return "start the server, or check VIVA_LLM_BASE_URL (it usually ends in /v1)"


_MARK = {OK: "[ok]  ", WARN: "[warn]", FAIL: "[FAIL]", SKIP: "[skip]"}


def format_doctor(report: DoctorReport) -> str:
    lines = [f"Viva doctor - endpoint {report.endpoint}, model {report.model}", ""]
    for check in report.checks:
        lines.append(f"{_MARK[check.status]} {check.name}: {check.detail}")
        if check.fix and check.status in (FAIL, WARN, SKIP):
            lines.append(f"       fix: {check.fix}")
    if report.modes:
        lines += ["", "structured output: " + ", ".join(f"{m}={s}" for m, s in report.modes.items())]
    lines += ["", f"verdict: {report.verdict}"]
    return "\n".join(lines)
