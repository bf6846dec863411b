"""One entry point for every export format, shared by the HTTP routes and ``viva export``."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.bank.loader import QuestionBank
from app.errors import NotFound
from app.models import InterviewRow
from app.store import InterviewStore
from app.transcript.build import build_transcript
from app.transcript.markdown import render_markdown
from app.transcript.model import Transcript
from app.transcript.pdf import Paper, render_pdf

Format = Literal["json", "md", "pdf"]
FORMATS: tuple[Format, ...] = ("json", "md", "pdf")
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
}


def file_name(t: Transcript, fmt: str) -> str:
    """``viva-<date>-<id prefix>.<ext>``; the id is URL-safe base64, so the name is safe as is."""
    prefix = "".join(ch for ch in t.id[:8] if ch.isalnum() or ch in "-_")
    return f"viva-{t.created_at:%Y-%m-%d}-{prefix}.{fmt}"


def content_disposition(t: Transcript, fmt: str) -> str:
    return f'attachment; filename="{file_name(t, fmt)}"'


def render(t: Transcript, fmt: Format, paper: Paper = "a4") -> bytes:
    if fmt == "json":
        return t.model_dump_json(indent=2).encode() + b"\n"
    if fmt == "md":
        return render_markdown(t).encode()
    if fmt == "pdf":
        return render_pdf(t, paper)
    raise ValueError(f"unknown format {fmt!r}; choose from {FORMATS}")


def load_transcript(engine: Engine, bank: QuestionBank, interview_id: str, prompts_dir=None) -> Transcript:  # type: ignore[no-untyped-def]
    """The transcript of the interview whose id is (or uniquely starts with) ``interview_id``.
    For operators (``viva export``): no token is checked."""
    store = InterviewStore(engine)
    row = store.get(interview_id)
    if row is None and len(interview_id) >= 4:
        with Session(engine) as session:
            like = interview_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            ids = session.exec(select(InterviewRow.id).where(col(InterviewRow.id).like(like, escape="\\")).limit(2)).all()
        if len(ids) == 1:
            row = store.get(ids[0])
        elif len(ids) > 1:
            raise NotFound(f"more than one interview id starts with {interview_id!r}", hint="give more of the id")
    if row is None:
        raise NotFound(f"no interview with id {interview_id!r}", hint="check the id (it is in the interview's URL)")
    return build_transcript(row, store.turns(row.id), bank, prompts_dir=prompts_dir,
                            code_runs=store.code_runs_of_many([row.id])[row.id])
