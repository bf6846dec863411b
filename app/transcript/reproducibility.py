"""The reproducibility block: which examiner graded, hashes of the rubric files and prompt templates
used, the Viva version and the tokens spent.

Prompt templates: every ``*.j2`` file in the prompts folder is hashed when an LLM took part in the
interview (as examiner, as interviewer or for the summary), because the LLM examiner and interviewer
between them use all of them; an offline interview used none, so the map is empty. Hashes are taken
when the transcript is built (at export), so an export made after a rubric edit shows the edited file's
hash; comparing ``rubric_files`` of two exports tells whether the rubric was the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from app.config import PROJECT_ROOT
from app.transcript.model import ExaminerInfo, QuestionRecord, Reproducibility, TokenTotals

DEFAULT_PROMPTS_DIR = PROJECT_ROOT / "prompts"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def examiner_info(name: str) -> ExaminerInfo:
    """Parse an examiner name ('offline' or 'llm:<model>@<host>'); credentials never reach the output."""
    if not name.startswith("llm"):
        return ExaminerInfo(kind="offline", name=name)
    body = name.split(":", 1)[1] if ":" in name else ""
    parts = body.split("@")
    host = parts.pop() if len(parts) > 1 else ""
    # Model names may contain '@' (e.g. 'claude-3@20240229'); a 'user:password' part before the host
    # never belongs in a report (Viva's client names the host alone; this is a second line of defence).
    model = "@".join([parts[0], *(p for p in parts[1:] if ":" not in p)])
    safe_name = f"llm:{model}@{host}" if host else f"llm:{model}"
    return ExaminerInfo(kind="llm", name=safe_name, model=model or None, endpoint_host=host or None)


def prompt_template_hashes(directory: Path | None) -> dict[str, str]:
    directory = Path(directory or DEFAULT_PROMPTS_DIR)
    if not directory.is_dir():
        return {}
    return {p.name: sha256_file(p) for p in sorted(directory.glob("*.j2")) if p.is_file()}


def examiners_used(questions: Iterable[QuestionRecord]) -> list[str]:
    names = [ex.examiner for q in questions for ex in q.exchanges if ex.examiner]
    return list(dict.fromkeys(examiner_info(n).name for n in names))


def build_reproducibility(
    *, viva_version: str, examiner: str, questions: list[QuestionRecord], rubric_files: dict[str, str],
    prompt_tokens: int, completion_tokens: int, summary_examiner: str | None, prompts_dir: Path | None,
) -> Reproducibility:
    graded_by = examiners_used(questions)
    llm_took_part = any(n.startswith("llm") for n in [examiner, *graded_by, summary_examiner or ""])
    return Reproducibility(
        viva_version=viva_version,
        examiner=examiner_info(examiner),
        graded_by=graded_by,
        rubric_files=rubric_files,
        prompt_templates=prompt_template_hashes(prompts_dir) if llm_took_part else {},
        token_usage=TokenTotals(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                                total_tokens=prompt_tokens + completion_tokens),
    )
