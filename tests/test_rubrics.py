"""Question bank files: the shipped bank is complete, and bad files are refused with precise errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.bank.loader import load_bank
from app.cli import main as viva
from app.errors import RubricError

ROOT = Path(__file__).resolve().parent.parent
NINE_AREAS = {
    "architectures", "math-foundations", "architecture-design", "training-at-scale", "production",
    "industry-applications", "hands-on", "communication", "staying-current",
}


def test_shipped_bank_covers_all_nine_areas_with_enough_questions() -> None:
    bank = load_bank(ROOT / "rubrics")
    assert set(bank.topics) == NINE_AREAS
    for topic in bank.topics.values():
        assert len(topic.questions) >= 8, topic.id
        assert {q.difficulty for q in topic.questions} == {1, 2, 3}, topic.id
        assert len(topic.criteria) >= 3, topic.id
        for q in topic.questions:
            assert len(q.key_points) >= 3, (topic.id, q.id)
            assert q.misconceptions and len(q.exemplars) >= 5, (topic.id, q.id)
            assert all(kp.phrasings and kp.probe for kp in q.key_points), (topic.id, q.id)


def test_rubrics_check_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert viva(["rubrics", "check"]) == 0
    out = capsys.readouterr().out
    assert "OK: 9 topics" in out and "math-foundations" in out


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
