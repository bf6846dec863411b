"""`viva export` and `viva regrade`, run in-process against the database the API wrote."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest
from anyio import to_thread
from pypdf import PdfReader

from app import cli
from app.config import Settings
from app.transcript.model import Transcript
from tests.transcript_support import run_interview

pytestmark = pytest.mark.anyio


@pytest.fixture
def cli_env(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI's Settings() at the test database and rubrics; run in an empty folder (no .env)."""
    for var in ("VIVA_LLM_BASE_URL", "VIVA_LLM_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("VIVA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("VIVA_RUBRICS_DIR", str(settings.rubrics_dir))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


async def test_export_every_format(client: httpx.AsyncClient, cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    iid, _ = await run_interview(client, answers=["Move the weights against the gradient, scaled by the learning rate."],
                                 topics=["optimisation"], max_follow_ups=0)
    assert cli.main(["export", iid, "--format", "json", "--out", "t.json"]) == 0
    t = Transcript.model_validate_json((cli_env / "t.json").read_text())
    assert t.id == iid and t.questions[0].exchanges[0].answer.startswith("Move the weights")

    assert cli.main(["export", iid[:10], "--format", "md", "--out", "-"]) == 0  # unique prefix, stdout
    assert "## Scores by topic" in capsys.readouterr().out

    assert cli.main(["export", iid, "--format", "pdf", "--paper", "letter"]) == 0  # default file name
    (pdf,) = cli_env.glob("viva-*.pdf")
    assert pdf.name == f"viva-{t.created_at:%Y-%m-%d}-{iid[:8]}.pdf"
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert "Move the weights against the gradient" in " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert round(float(reader.pages[0].mediabox.height)) == 792


async def test_export_unknown_id_fails_cleanly(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "no-such-interview", "--format", "md"]) == 1
    assert "no interview" in capsys.readouterr().err


async def test_regrade_reports_moves(client: httpx.AsyncClient, cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    iid, _ = await run_interview(client, max_follow_ups=0)
    assert cli.main(["export", iid, "--format", "json", "--out", "t.json"]) == 0
    capsys.readouterr()

    # Same examiner, same rubric: nothing moves.
    assert await to_thread.run_sync(cli.main, ["regrade", "t.json", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mean_absolute_change"] == 0 and report["regraded"] == len(report["questions"]) >= 2
    assert all(c["old"] == c["new"] for q in report["questions"] for c in q["criteria"])

    # A transcript graded differently (an older grader, another model): each move is shown.
    data = json.loads((cli_env / "t.json").read_text())
    first = data["questions"][0]
    first["score"] = round(max(0.0, first["score"] - 1.5), 1)
    crit = next(iter(first["final_grade"]["scores"]))
    first["final_grade"]["scores"][crit] = (first["final_grade"]["scores"][crit] + 2) % 6
    for exchange in data["questions"][1]["exchanges"]:
        exchange.update(answer="", skipped=True)
    (cli_env / "old.json").write_text(json.dumps(data))
    assert await to_thread.run_sync(cli.main, ["regrade", "old.json"]) == 0
    out = capsys.readouterr().out
    assert f"{first['score']:.1f} -> " in out and "(+1.5)" in out
    assert f"{crit} " in out and "note: skipped" in out
    assert "Mean absolute change: 1.50 over 1 question(s)" in out


def test_regrade_rejects_a_file_that_is_not_a_transcript(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cli_env / "x.json").write_text('{"hello": 1}')
    assert cli.main(["regrade", "x.json"]) == 1
    assert "not a Viva transcript" in capsys.readouterr().err


def test_interview_ids_never_start_with_a_dash_so_the_cli_takes_them() -> None:
    from app.service import new_interview_id

    assert not any(new_interview_id().startswith("-") for _ in range(2000))
