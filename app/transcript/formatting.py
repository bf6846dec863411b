"""Wording shared by the Markdown and PDF renderers: scores, durations, difficulty, options."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.bank.types import TYPE_LABELS
from app.transcript.model import QuestionRecord, Transcript

DIFFICULTY = {1: "easy", 2: "medium", 3: "hard"}
_OPTION_LABELS = {
    "questions_per_topic": "Questions per topic",
    "difficulty": "Difficulty",
    "max_follow_ups": "Max follow-ups",
    "feedback": "Feedback",
}
_OPTION_VALUES = {"per_answer": "after each answer", "at_end": "at the end"}


def score(value: float | None) -> str:
    return "not graded" if value is None else f"{value:.1f} / 5"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def answer_label(spoken: bool, seconds: float | None) -> str:
    """The caption of an answer: a spoken one says so, with its recording's length (voice)."""
    if not spoken:
        return "Answer"
    return f"Answer (spoken, {duration(seconds)})" if seconds is not None else "Answer (spoken)"


def moment(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def difficulty(level: int) -> str:
    return f"{level} ({DIFFICULTY.get(level, '?')})"


def options(t: Transcript) -> list[tuple[str, str]]:
    """The candidate's choices as (label, value) pairs, known options first, in a fixed order."""
    opts: dict[str, Any] = dict(t.options)
    titles = {tp.topic_id: tp.title for tp in t.topics}
    chosen = opts.pop("topics", None) or []
    rows = [("Topics", ", ".join(titles.get(x, x) for x in chosen) if chosen else "balanced set chosen by Viva")]
    name = opts.pop("candidate_name", None)
    posting = opts.pop("job_description", None)
    if posting:  # a page or two of text: its first line (the title, usually) and its size
        head = str(posting).strip().splitlines()[0]
        rows.append(("Job description", f"{head[:80]}{'...' if len(head) > 80 else ''} ({len(str(posting))} characters)"))
    for key, label in _OPTION_LABELS.items():
        if key in opts:
            value = opts.pop(key)
            rows.append((label, _OPTION_VALUES.get(str(value), str(value))))
    rows += [(key.replace("_", " ").capitalize(), str(value)) for key, value in opts.items()]
    if name:
        rows.insert(0, ("Candidate", str(name)))
    return rows


def tokens(t: Transcript) -> str:
    p, c = t.usage.get("prompt_tokens", 0), t.usage.get("completion_tokens", 0)
    return f"{p + c} ({p} prompt, {c} completion)"


def examiner(t: Transcript) -> str:
    info = t.reproducibility.examiner if t.reproducibility else None
    if info is None or info.kind == "offline":
        return "offline (rule-based, no LLM)"
    return f"LLM {info.model or '?'} at {info.endpoint_host or '?'}"


def bar(value: float | None, cells: int = 10) -> str:
    """A text bar for Markdown tables: filled blocks for the score out of 5."""
    filled = 0 if value is None else round(max(0.0, min(5.0, value)) / 5 * cells)
    return "█" * filled + "░" * (cells - filled)


PARTS_LABEL = {"phase": "Design phases covered", "star": "STAR parts covered", "bug": "Bugs found (where, symptom, fix)"}


def question_type(kind: str) -> str:
    return TYPE_LABELS.get(kind, (kind, ""))[0]


def attempt(q: QuestionRecord) -> str:
    """" · attempt 2, counts" for a question tried more than once in practice mode; "" otherwise."""
    if q.attempt == 1 and q.counts:
        return ""
    return f" \u00b7 attempt {q.attempt}, {'counts' if q.counts else 'does not count (tried again later)'}"
