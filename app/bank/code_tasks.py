"""Code tasks: implementation questions whose code runs against hidden tests in the sandbox. Tasks
live in ``rubrics/code/*.yaml``; each becomes a question of type ``code`` in its topic, graded on the
hidden tests it passes and on the explanation of its approach (``explanation_points``).

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
from app.bank.schema import Exemplar, KeyPoint, Misconception, Question, Topic
from app.bank.types import Tags
from app.errors import RubricError
from app.transcript.text_safety import reflow  # the page shows the prompt as paragraphs, not its YAML wrapping

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
    # How the explanation is graded, as for any question (docs/rubrics.md): key points with claim
    # phrasings (else one derived from each explanation point), misconceptions, graded exemplars of
    # explanations (each graded as an explanation alone: the hidden tests then cap the question's grade).
    key_points: tuple[KeyPoint, ...] = ()
    misconceptions: tuple[Misconception, ...] = ()
    exemplars: tuple[Exemplar, ...] = ()
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


def question_of(task: CodeTask) -> Question:
    """The interview question of a task: its prompt, graded on the explanation points."""
    key_points = task.key_points or tuple(
        KeyPoint(id=f"explains-{i + 1}", text=point, weight=2) for i, point in enumerate(task.explanation_points))
    return Question(
        id=task.id, type="code", prompt=reflow(task.prompt), model_answer="\n".join(task.explanation_points),
        difficulty=task.difficulty, last_reviewed=task.last_reviewed, sources=task.sources, tags=task.tags,
        key_points=key_points, misconceptions=task.misconceptions, exemplars=task.exemplars,
    )


def add_code_questions(topics: dict[str, Topic], tasks: list[CodeTask], directory: Path) -> tuple[dict[str, Topic], dict[str, str]]:
    """``topics`` with each task's question appended to its topic; and, per topic given tasks, a hash
    of the task files (a transcript's reproducibility record covers the tasks too)."""
    import hashlib

    unknown = sorted({t.topic for t in tasks} - set(topics))
    if unknown:
        raise RubricError(f"code tasks: unknown topics {unknown}: a task's topic must be a rubric file's id")
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(directory.glob("*.yaml")))).hexdigest()
    result = dict(topics)
    for topic_id in {t.topic for t in tasks}:
        topic = topics[topic_id]
        own = [question_of(t) for t in tasks if t.topic == topic_id]
        clash = sorted({q.id for q in own} & {q.id for q in topic.questions})
        if clash:
            raise RubricError(f"code tasks: ids {clash} are already question ids of topic {topic_id!r}")
        result[topic_id] = topic.model_copy(update={"questions": (*topic.questions, *own)})
    return result, {t.topic: digest for t in tasks}
