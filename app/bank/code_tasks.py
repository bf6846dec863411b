"""Code tasks (issue 16, in progress): implementation questions whose code runs against hidden tests
in the sandbox. One YAML file per topic in ``rubrics/code/``; not yet asked in interviews.

A task has starter code, visible example tests, hidden tests (values, shapes, dtypes, edge cases,
gradient checks against finite differences, a speed bound where speed is the point) and a reference
solution. Tests are plain functions ``test_*(solution)`` taking the candidate's module; they may use
NumPy and the standard library.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.bank.loader import YAML_LOADER
from app.bank.types import Tags
from app.errors import RubricError

SLUG = r"^[a-z0-9][a-z0-9-]*$"


class CodeTask(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG)
    topic: str = Field(pattern=SLUG, description="The topic the task belongs to (a rubric file's id)")
    difficulty: int = Field(ge=1, le=3)
    last_reviewed: datetime.date
    sources: tuple[str, ...] = Field(min_length=1)
    tags: Tags
    prompt: str = Field(min_length=1, description="The task as the candidate reads it")
    starter: str = Field(min_length=1, description="Code the candidate starts from (fails the hidden tests)")
    reference: str = Field(min_length=1, description="A correct solution (passes every test)")
    visible_tests: str = Field(min_length=1, description="Example tests the candidate can run")
    hidden_tests: str = Field(min_length=1, description="Tests run on submit")
    explanation_points: tuple[str, ...] = Field(min_length=2, description="What a good explanation of the approach says")
    follow_up: str = Field(min_length=1, description="A question on complexity or a failing case")
    needs: tuple[str, ...] = Field(default=("numpy",), description="Modules the tests need besides the standard library")


def load_code_tasks(directory: Path) -> list[CodeTask]:
    tasks: list[CodeTask] = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
        for raw in data.get("tasks", []):
            try:
                tasks.append(CodeTask.model_validate(raw))
            except ValidationError as exc:
                problem = exc.errors()[0]
                raise RubricError(f"{path.name}: task {raw.get('id')!r} > {'.'.join(map(str, problem['loc']))}: {problem['msg']}") from exc
    ids = [t.id for t in tasks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise RubricError(f"code tasks: duplicate ids {dupes}")
    return tasks
