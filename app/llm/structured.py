"""Structured output helpers: the three request modes, a strict JSON Schema from a pydantic model, and
tolerant JSON extraction from free text.

Servers differ in what ``response_format`` they accept: OpenAI takes a strict ``json_schema``; some
local servers take only ``{"type": "json_object"}``; a few reject ``response_format`` altogether.
The client tries the modes in order and remembers per endpoint which one worked.
"""

from __future__ import annotations

import copy
import json
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class StructuredMode(StrEnum):
    JSON_SCHEMA = "json_schema"
    JSON_OBJECT = "json_object"
    TEXT = "text"


MODE_ORDER: tuple[StructuredMode, ...] = (StructuredMode.JSON_SCHEMA, StructuredMode.JSON_OBJECT, StructuredMode.TEXT)

# Keywords that OpenAI's strict mode rejects or that only add noise to the prompt.
_DROP_KEYS = {"default", "title", "examples"}


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema in the form strict mode requires: every object closed
    (``additionalProperties: false``) and every property required; defaults and titles dropped."""
    schema = copy.deepcopy(model.model_json_schema())

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        for key in _DROP_KEYS:
            node.pop(key, None)
        properties = node.get("properties")
        if node.get("type") == "object" and isinstance(properties, dict):
            node["additionalProperties"] = False
            node["required"] = list(properties)
            for prop in properties.values():  # a properties map: its keys are names, not keywords
                visit(prop)
        for key, value in node.items():
            if key != "properties":
                visit(value)

    visit(schema)
    return schema


def response_format(mode: StructuredMode, model: type[BaseModel]) -> dict[str, Any] | None:
    if mode is StructuredMode.JSON_SCHEMA:
        return {
            "type": "json_schema",
            "json_schema": {"name": model.__name__, "schema": strict_schema(model), "strict": True},
        }
    if mode is StructuredMode.JSON_OBJECT:
        return {"type": "json_object"}
    return None


def schema_instruction(model: type[BaseModel]) -> str:
    """Told to the model in json_object and text modes, where the server does not enforce the schema."""
    schema = json.dumps(strict_schema(model), separators=(",", ":"))
    return (
        "Reply with one JSON object and nothing else - no prose, no code fences. "
        f"It must match this JSON Schema: {schema}"
    )


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The first JSON object in ``text``: the whole text, a fenced block, or the first balanced
    ``{...}`` that parses. Raises ``ValueError`` when there is none."""
    stripped = text.strip()
    candidates = [stripped]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(text)]
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    for start in (i for i, ch in enumerate(text) if ch == "{"):
        end = _balanced_end(text, start)
        if end is None:
            continue
        try:
            value = json.loads(text[start : end + 1])
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise ValueError("no JSON object found in the model's reply")


def _balanced_end(text: str, start: int) -> int | None:
    """Index of the brace closing the one at ``start``, skipping braces inside JSON strings."""
    depth = 0
    in_string = escaped = False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    return None
