"""The transcript's JSON Schema, generated from the pydantic models.

Regenerate the committed file after changing ``app/transcript/model.py``::

    python -m app.transcript.schema          # writes schemas/transcript.v<N>.schema.json
    python -m app.transcript.schema --check  # exit 1 if the committed file is stale

A test fails when the committed file differs from what the models generate.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from app.config import PROJECT_ROOT
from app.transcript.model import SCHEMA_VERSION, Transcript

SCHEMA_DIR = PROJECT_ROOT / "schemas"


def schema_path(version: int = SCHEMA_VERSION) -> Path:
    return SCHEMA_DIR / f"transcript.v{version}.schema.json"


def transcript_json_schema() -> dict[str, Any]:
    body = Transcript.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:viva:transcript:v{SCHEMA_VERSION}",
        "title": f"Viva scored transcript, schema version {SCHEMA_VERSION}",
        "description": "GET /api/interviews/{id}/transcript.json and `viva export ID --format json`. "
                       "Described field by field in docs/transcript.md.",
        **{k: v for k, v in body.items() if k != "title"},
    }


def schema_text() -> str:
    return json.dumps(transcript_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = schema_path()
    if "--check" in args:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != schema_text():
            print(f"{path} is stale: run python -m app.transcript.schema", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
