"""The committed JSON Schema matches the models, and real exports validate against it."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest

from app.transcript.schema import schema_path, schema_text
from tests.conftest import auth
from tests.transcript_support import HOSTILE, run_interview

pytestmark = pytest.mark.anyio


def committed_schema() -> dict:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def test_committed_schema_is_generated_from_the_models() -> None:
    assert schema_path().read_text(encoding="utf-8") == schema_text(), (
        "schemas/transcript.v1.schema.json is stale: run `python -m app.transcript.schema` and commit it")
    jsonschema.Draft202012Validator.check_schema(committed_schema())


async def test_exports_validate_against_the_schema(client: httpx.AsyncClient) -> None:
    validator = jsonschema.Draft202012Validator(committed_schema())
    finished, token_a = await run_interview(client)
    hostile, token_b = await run_interview(client, answers=[HOSTILE] * 4)
    skipped = (await client.post("/api/interviews", json={"topics": ["optimisation"], "questions_per_topic": 2})).json()
    await client.post(f"/api/interviews/{skipped['id']}/skip", headers=auth(skipped["token"]))
    for iid, token in ((finished, token_a), (hostile, token_b), (skipped["id"], skipped["token"])):
        export = (await client.get(f"/api/interviews/{iid}/transcript.json", headers=auth(token))).json()
        errors = sorted(validator.iter_errors(export), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_schema_rejects_a_broken_transcript() -> None:
    validator = jsonschema.Draft202012Validator(committed_schema())
    assert not validator.is_valid({"schema_version": 1, "id": "x"})
