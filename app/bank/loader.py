"""Load and validate topic files. Errors name the file, the question and the field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from app.bank.schema import Criterion, KeyPoint, Question, Topic, derive_key_points
from app.errors import RubricError

if TYPE_CHECKING:
    from app.bank.code_tasks import CodeTask

DEFAULT_CRITERIA_FILE = "_criteria.yaml"
CODE_TASKS_DIR = "code"  # rubrics/code/*.yaml: the tasks of code questions, added to their topics
# libyaml's parser when PyYAML was built with it: ten times faster on the 300-question bank (start-up).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _locate(data: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into 'questions "q-id" > key_points "kp-id" > weight'."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            ident = node.get("id") if isinstance(node, dict) else None
            parts[-1] += f' "{ident}"' if ident else f"[{step}]"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return " > ".join(parts) or "(top level)"


def _parse(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise RubricError(f"{path.name}: not valid YAML: {exc}") from exc


def load_default_criteria(directory: Path) -> tuple[Criterion, ...]:
    path = directory / DEFAULT_CRITERIA_FILE
    if not path.exists():
        return ()
    data = _parse(path)
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise RubricError(f"{path.name}: expected a mapping with a 'criteria' list")
    try:
        return tuple(Criterion.model_validate(c) for c in data["criteria"])
    except ValidationError as exc:
        raise RubricError(f"{path.name}: {exc.errors()[0]['msg']}") from exc


def load_topic_file(path: Path, default_criteria: tuple[Criterion, ...] = ()) -> Topic:
    """Read one topic file; raise RubricError naming the file, question and field on any problem."""
    data = _parse(path)
    if not isinstance(data, dict):
        raise RubricError(f"{path.name}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        topic = Topic.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_locate(data, tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise RubricError(f"{path.name}: " + "; ".join(problems)) from exc
    if not topic.criteria and not default_criteria:
        raise RubricError(f"{path.name}: criteria: none given and no {DEFAULT_CRITERIA_FILE} to fall back on")
    questions = tuple(_with_key_points(q) for q in topic.questions)
    return topic.model_copy(update={"questions": questions, "criteria": topic.criteria or default_criteria})


def _with_key_points(question: Question) -> Question:
    """The question with the key points it is graded on: authored, compiled from a code review's bugs,
    or (for a bare question) derived from its model answer."""
    if question.bugs:
        return question.model_copy(update={
            "key_points": bug_key_points(question) + question.key_points,
            "misconceptions": tuple(
                m.model_copy(update={"contradicts": f"{m.contradicts}-fix"})
                if m.contradicts in {b.id for b in question.bugs} else m
                for m in question.misconceptions
            ),
        })
    if question.key_points:
        return question
    return question.model_copy(update={"key_points": derive_key_points(question.model_answer)})


def bug_key_points(question: Question) -> tuple[KeyPoint, ...]:
    """Each bug of a code review is three key points, credited on their own: where it is (the
    construct, or "line N"), what it does wrong, and how to fix it."""
    points: list[KeyPoint] = []
    for bug in question.bugs:
        line = f"line | lines | ln | l. + {bug.line}"
        points += [
            # (neutral texts: a point found names no other part of its bug; ``bug.text`` is in the parts)
            KeyPoint(id=f"{bug.id}-where", text=f"Finds the bug at line {bug.line}", weight=max(1, bug.weight - 1),
                     phrasings=(*bug.where, line), probe=bug.probe),
            KeyPoint(id=f"{bug.id}-symptom", text=f"Says what the bug at line {bug.line} does", weight=bug.weight,
                     phrasings=bug.symptom, probe=bug.probe),
            KeyPoint(id=f"{bug.id}-fix", text=f"Gives the fix for line {bug.line}", weight=bug.weight, phrasings=bug.fix, probe=bug.probe),
        ]
    return tuple(points)


@dataclass(frozen=True)
class QuestionBank:
    """Every topic, in a stable order, with a content hash per source file for reproducibility, and
    the tasks of its ``code`` questions (by question id)."""

    topics: dict[str, Topic]
    file_hashes: dict[str, str] = field(default_factory=dict)  # topic id -> sha256 of its file
    code_tasks: dict[str, "CodeTask"] = field(default_factory=dict)

    def code_task(self, question_id: str) -> "CodeTask | None":
        return self.code_tasks.get(question_id)

    def without_types(self, kinds: frozenset[str]) -> "QuestionBank":
        """The same bank without the questions of ``kinds`` (a type this server cannot ask now)."""
        topics = {tid: t.model_copy(update={"questions": tuple(q for q in t.questions if q.type not in kinds)})
                  for tid, t in self.topics.items()}
        return QuestionBank(topics=topics, file_hashes=self.file_hashes, code_tasks=self.code_tasks)

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]

    def question(self, topic_id: str, question_id: str) -> Question:
        return self.topics[topic_id].question(question_id)

    def counts(self) -> dict[str, int]:
        return {tid: len(t.questions) for tid, t in self.topics.items()}


def load_bank(directory: Path) -> QuestionBank:
    """Load every ``*.yaml`` topic file in ``directory`` (files starting with '_' are shared data)."""
    if not directory.is_dir():
        raise RubricError(f"{directory}: rubric folder not found (set VIVA_RUBRICS_DIR)")
    defaults = load_default_criteria(directory)
    topics: dict[str, Topic] = {}
    hashes: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        topic = load_topic_file(path, defaults)
        if topic.id in topics:
            raise RubricError(f"{path.name}: id: topic id {topic.id!r} is already used by another file")
        topics[topic.id] = topic
        hashes[topic.id] = hashlib.sha256(path.read_bytes()).hexdigest()
    if not topics:
        raise RubricError(f"{directory}: no topic files (*.yaml) found")
    tasks: dict[str, CodeTask] = {}
    if (directory / CODE_TASKS_DIR).is_dir():
        from app.bank.code_tasks import add_code_questions, load_code_tasks

        tasks = {t.id: t for t in load_code_tasks(directory / CODE_TASKS_DIR)}
        topics, code_hashes = add_code_questions(topics, list(tasks.values()), directory / CODE_TASKS_DIR)
        hashes = {tid: hashlib.sha256((h + code_hashes.get(tid, "")).encode()).hexdigest() if tid in code_hashes else h
                  for tid, h in hashes.items()}
    return QuestionBank(topics=topics, file_hashes=hashes, code_tasks=tasks)
