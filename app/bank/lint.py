"""Lint for authored rubrics (``viva rubrics check``): claims that a keyword could satisfy.

Loading validates the shape of a topic file; the lint checks what makes grading follow correctness:
- a phrasing of a key point of weight 2 or 3 must bind at least two groups (one term names a
  concept, it claims nothing about it), and no group alternative may be a single generic word;
- no phrasing may be satisfiable with words of the question alone (restating the question);
- a misconception pattern must not fire on the model answer or on a correct exemplar;
- every question has ``last_reviewed``, ``sources`` and ``tags``.
Each problem names the file, question, key point (or misconception) and phrasing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.bank.loader import QuestionBank
from app.bank.schema import Question, Topic
from app.examiners.offline.claims import compile_claim, find_claim, units_of
from app.examiners.offline.text import content_stems, split_sentences

# Words too general to carry a claim on their own in this domain.
GENERIC = frozenset(
    content_stems(
        "model models network networks data training train learning learn layer layers value values loss "
        "output outputs input inputs weight weights parameter parameters method approach use used result "
        "results performance problem example time memory error errors feature features function functions"
    )
)


@dataclass(frozen=True)
class Problem:
    file: str
    question: str
    item: str
    phrasing: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} > {self.question} > {self.item} > \"{self.phrasing}\": {self.message}"


def lint_question(file: str, question: Question) -> list[Problem]:
    problems: list[Problem] = []
    missing = [name for name in ("last_reviewed", "sources", "tags") if not getattr(question, name)]
    if missing:
        problems.append(Problem(file, question.id, "metadata", ", ".join(missing),
                                "every question needs last_reviewed, sources a reader can check, and tags"))
    asked = set(content_stems(question.prompt))
    for kp in question.key_points:
        for phrasing in kp.phrasings:
            pattern = compile_claim(phrasing)
            required = pattern.required
            where = f"key point {kp.id}"
            if kp.weight >= 2 and len(required) < 2:
                problems.append(Problem(file, question.id, where, phrasing,
                                        "a weight >= 2 point needs at least two groups joined by '+' (one term is not a claim)"))
            elif len(required) == 1 and any(len(a.stems) == 1 and a.stems[0] in GENERIC for a in required[0].alternatives):
                problems.append(Problem(file, question.id, where, phrasing, "one generic word can satisfy it"))
            if required and all(any(a.stems and set(a.stems) <= asked for a in g.alternatives) for g in required):
                problems.append(Problem(file, question.id, where, phrasing,
                                        "it can be satisfied with words of the question alone"))
    correct = [question.model_answer, *(e.answer for e in question.exemplars if e.kind in ("excellent", "terse"))]
    units = [units_of(split_sentences(text), 0) for text in correct]
    for m in question.misconceptions:
        for pattern in m.patterns:
            for text, found in zip(correct, units):
                made, _ = find_claim((pattern,), found, lists_count=True)
                if made is not None:
                    source = "the model answer" if text is question.model_answer else "a correct exemplar"
                    problems.append(Problem(file, question.id, f"misconception {m.id}", pattern,
                                            f"fires on {source}: \u201c{made.quote[:80]}\u201d"))
                    break
    return problems


def lint_bank(bank: QuestionBank, files: dict[str, str] | None = None) -> list[Problem]:
    problems: list[Problem] = []
    for topic in bank.topics.values():
        file = (files or {}).get(topic.id, f"{topic.id}.yaml")
        problems += lint_topic(file, topic)
    return problems


def lint_topic(file: str, topic: Topic) -> list[Problem]:
    return [p for q in topic.questions for p in lint_question(file, q)]
