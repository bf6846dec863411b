"""Question bank files: the shipped bank is complete, and bad files are refused with precise errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.bank.loader import load_bank
from app.cli import main as viva
from app.errors import RubricError

ROOT = Path(__file__).resolve().parent.parent
TWELVE_TOPICS = {
    "architectures", "math-foundations", "architecture-design", "training-at-scale", "production",
    "industry-applications", "hands-on", "communication", "staying-current",
    "llm-generative", "evaluation-data", "ml-system-design",
}
# The bank v2 minimums per question type.
TYPE_MINIMUMS = {"derivation": 30, "estimate": 30, "code-review": 25, "design": 20, "behavioural": 15}


def test_shipped_bank_has_twelve_topics_of_twenty_questions_and_three_hundred_in_all() -> None:
    bank = load_bank(ROOT / "rubrics")
    assert set(bank.topics) == TWELVE_TOPICS
    questions = [q for t in bank.topics.values() for q in t.questions]
    assert len(questions) >= 300
    for topic in bank.topics.values():
        assert len(topic.questions) >= 20, topic.id
        assert {q.difficulty for q in topic.questions} == {1, 2, 3}, topic.id
        assert len(topic.criteria) >= 3, topic.id
        for q in topic.questions:
            assert len(q.key_points) >= 3, (topic.id, q.id)
            assert q.misconceptions and len(q.exemplars) >= 5, (topic.id, q.id)
            assert all(kp.phrasings and kp.probe for kp in q.key_points), (topic.id, q.id)
            assert q.last_reviewed and q.sources and q.tags, (topic.id, q.id)


def test_every_question_type_is_represented_in_the_numbers_the_bank_promises() -> None:
    bank = load_bank(ROOT / "rubrics")
    questions = [q for t in bank.topics.values() for q in t.questions]
    for kind, minimum in TYPE_MINIMUMS.items():
        assert sum(q.type == kind for q in questions) >= minimum, kind
    # About 30/45/25 easy/medium/hard.
    share = {d: sum(q.difficulty == d for q in questions) / len(questions) for d in (1, 2, 3)}
    assert abs(share[1] - 0.30) <= 0.08 and abs(share[2] - 0.45) <= 0.08 and abs(share[3] - 0.25) <= 0.08, share


def test_rubrics_check_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert viva(["rubrics", "check"]) == 0
    out = capsys.readouterr().out
    assert "OK: 12 topics" in out and "math-foundations" in out and "code-review" in out


def test_rubrics_check_json_gives_counts_per_topic_type_and_difficulty(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert viva(["rubrics", "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    bank = load_bank(ROOT / "rubrics")
    assert report["ok"] and report["problems"] == []
    assert report["totals"]["questions"] == sum(len(t.questions) for t in bank.topics.values())
    topic = report["topics"]["llm-generative"]
    assert sum(topic["types"].values()) == topic["questions"] == sum(topic["difficulty"].values())
    assert report["totals"]["types"]["estimate"] == sum(q.type == "estimate" for t in bank.topics.values() for q in t.questions)


def test_rubrics_check_fails_on_a_question_without_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy_fixture(tmp_path)
    path = folder / "optimisation.yaml"
    source = '    sources: ["Goodfellow, Bengio and Courville 2016, Deep Learning, chapters 7-8"]\n'
    path.write_text(path.read_text().replace(source, "", 1), encoding="utf-8")
    assert viva(["rubrics", "check", "--dir", str(folder)]) == 1
    assert 'optimisation.yaml > gradient-descent > metadata > "sources"' in capsys.readouterr().out


def _copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "rubrics"
    shutil.copytree(Path(__file__).parent / "data" / "rubrics", target)
    return target


def test_unknown_field_is_refused_naming_file_question_and_field(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    path = folder / "optimisation.yaml"
    path.write_text(path.read_text().replace("  - id: momentum\n", "  - id: momentum\n    hint: nope\n"))
    with pytest.raises(RubricError) as err:
        load_bank(folder)
    message = str(err.value)
    assert "optimisation.yaml" in message and '"momentum"' in message and "hint" in message


def test_bad_value_is_refused_naming_the_key_point(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    path = folder / "optimisation.yaml"
    path.write_text(path.read_text().replace("weight: 3\n        phrasings:\n          - \"opposite", "weight: 7\n        phrasings:\n          - \"opposite"))
    with pytest.raises(RubricError) as err:
        load_bank(folder)
    message = str(err.value)
    assert "optimisation.yaml" in message and '"gradient-descent"' in message
    assert '"opposite-gradient"' in message and "weight" in message


def test_missing_anchor_level_is_refused(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    criteria = folder / "_criteria.yaml"
    criteria.write_text(criteria.read_text().replace("      5: Fully correct", "      6: Fully correct", 1))
    with pytest.raises(RubricError, match="_criteria.yaml"):
        load_bank(folder)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    (folder / "broken.yaml").write_text("id: [unclosed\n")
    with pytest.raises(RubricError, match="broken.yaml: not valid YAML"):
        load_bank(folder)


def test_dropped_in_topic_with_only_prompt_and_model_answer_is_usable(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    (folder / "extra.yaml").write_text(
        "id: extra\ntitle: Extra\nsummary: A user topic.\nprobes: Anything.\nquestions:\n"
        "  - id: only-basics\n    prompt: What is a tensor?\n"
        "    model_answer: A tensor is a multi-dimensional array of numbers. Frameworks track its shape and dtype.\n"
    )
    bank = load_bank(folder)
    question = bank.question("extra", "only-basics")
    assert len(question.key_points) == 2  # derived from the model answer's sentences
    assert bank.topic("extra").criteria  # falls back to _criteria.yaml
