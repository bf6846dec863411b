"""Schemathesis against the app's own OpenAPI schema, in-process over ASGI: no input gives a 500, and
every refusal is our JSON error shape.

Both valid (positive) and schema-violating (negative) inputs are generated, NUL bytes included. Half
of the calls on an interview's endpoints are redirected to a real interview with its token, so the
fuzzer gets past authentication and drives real interviews into every state.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from app.config import Settings
from app.main import create_app
from tests.conftest import FIXTURE_RUBRICS
from tests.speech_support import installed_model_dir

_toggle = itertools.count()


# Built at import: schemathesis parametrizes at collection time (its lazy ``from_fixture`` loader does
# not work with the pytest we run). The database is a throwaway file.
# Voice: recordings are fuzzed with the tests' small Whisper model where faster-whisper is installed
# (make test); without it the speech endpoints rightly answer 503 and are left out.
WHISPER = installed_model_dir()
FUZZ_APP = create_app(Settings(
    _env_file=None, database_url=f"sqlite:///{Path(tempfile.mkdtemp(prefix='viva-fuzz-')) / 'fuzz.db'}",
    rubrics_dir=FIXTURE_RUBRICS, llm_base_url=None, llm_api_key=None, rate_limit_enabled=False,
    stt_model=str(WHISPER) if WHISPER else "base", stt_cpu_threads=1,
))
schema = schemathesis.openapi.from_asgi("/openapi.json", FUZZ_APP)
if WHISPER is None:
    schema = schema.exclude(path_regex=r"/speech")
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], allow_x00=True)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    headers = None
    if case.path_parameters and "interview_id" in case.path_parameters and next(_toggle) % 2 == 0:
        created = service_create_sync(FUZZ_APP)
        case.path_parameters["interview_id"] = created["id"]
        headers = {"Authorization": f"Bearer {created['token']}"}
    response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
    assert response.status_code < 500
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"], body
    assert response.headers.get("x-content-type-options") == ["nosniff"]


def service_create_sync(app: FastAPI) -> dict[str, str]:
    """A fresh interview through the app itself (a sync ASGI client, as schemathesis uses)."""
    from starlette.testclient import TestClient

    r = TestClient(app).post("/api/interviews", json={"questions_per_topic": 1, "max_follow_ups": 1})
    assert r.status_code == 201, r.text
    return r.json()
