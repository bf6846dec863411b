"""The reproducibility block: examiner identity without secrets, rubric and prompt hashes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.transcript.model import ExchangeRecord, QuestionRecord
from app.transcript.reproducibility import build_reproducibility, examiner_info, prompt_template_hashes


def test_examiner_info_never_carries_credentials() -> None:
    assert examiner_info("offline").kind == "offline"
    info = examiner_info("llm:gpt-4o-mini@api.openai.com")
    assert (info.kind, info.model, info.endpoint_host) == ("llm", "gpt-4o-mini", "api.openai.com")
    leaky = examiner_info("llm:qwen@user:sk-secret@llm.example:8080")
    assert "sk-secret" not in leaky.model_dump_json() and leaky.endpoint_host == "llm.example:8080"
    vertex = examiner_info("llm:claude-3@20240229@vertex.example")
    assert (vertex.model, vertex.endpoint_host) == ("claude-3@20240229", "vertex.example")


def _question(examiner: str) -> QuestionRecord:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return QuestionRecord(
        topic_id="t", topic_title="T", question_id="q", difficulty=2, prompt="?", model_answer="", score=3.0,
        exchanges=[ExchangeRecord(kind="question", prompt="?", message="?", answer="a", skipped=False,
                                  asked_at=now, answered_at=now, graded_at=now, grade=None, examiner=examiner)],
    )


def test_prompt_templates_are_hashed_only_when_an_llm_took_part(tmp_path: Path) -> None:
    (tmp_path / "grading.md.j2").write_text("grade {{ answer }}")
    (tmp_path / "notes.txt").write_text("not a template")
    expected = {"grading.md.j2": hashlib.sha256(b"grade {{ answer }}").hexdigest()}
    assert prompt_template_hashes(tmp_path) == expected
    common = {"viva_version": "1.0", "rubric_files": {"t": "abc"}, "prompt_tokens": 10, "completion_tokens": 5,
              "summary_examiner": None, "prompts_dir": tmp_path}
    offline = build_reproducibility(examiner="offline", questions=[_question("offline")], **common)
    assert offline.prompt_templates == {} and offline.graded_by == ["offline"]
    llm = build_reproducibility(examiner="llm:m@h", questions=[_question("llm:m@h"), _question("offline")], **common)
    assert llm.prompt_templates == expected and llm.graded_by == ["llm:m@h", "offline"]
    assert llm.token_usage.total_tokens == 15 and llm.examiner.endpoint_host == "h"


def test_missing_prompts_folder_hashes_nothing(tmp_path: Path) -> None:
    assert prompt_template_hashes(tmp_path / "absent") == {}
