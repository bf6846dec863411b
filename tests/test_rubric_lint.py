"""`viva rubrics check` refuses phrasings a keyword could satisfy, naming file, question, point and phrasing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.cli import main as viva

FIXTURE = Path(__file__).parent / "data" / "rubrics"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "rubrics"
    shutil.copytree(FIXTURE, target)
    return target


def test_fixture_rubrics_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert viva(["rubrics", "check", "--dir", str(FIXTURE)]) == 0
    assert "OK: 2 topics" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("phrasing", "expected"),
    [
        ("steepest", "at least two groups"),  # one term names a concept, it claims nothing
        ("gradient + descent", "words of the question alone"),  # restating the question
    ],
)
def test_keyword_phrasing_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], phrasing: str, expected: str) -> None:
    folder = _copy(tmp_path)
    path = folder / "optimisation.yaml"
    text = path.read_text()
    path.write_text(text.replace('          - "opposite | against', f'          - "{phrasing}"\n          - "opposite | against', 1))
    assert viva(["rubrics", "check", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if phrasing in line)
    assert "optimisation.yaml" in line and "gradient-descent" in line and "opposite-gradient" in line and expected in line


def test_misconception_that_fires_on_the_model_answer_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(tmp_path)
    path = folder / "regularisation.yaml"
    text = path.read_text()
    loose = "dropout + inference"  # the model answer says dropout is off at inference: this would flag it
    path.write_text(text.replace('patterns: ["dropout + still', f'patterns: ["{loose}", "dropout + still', 1))
    assert viva(["rubrics", "check", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "misconception dropout-at-inference" in out and loose in out and "model answer" in out
