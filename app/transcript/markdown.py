"""Markdown rendering of a transcript. Candidate text is escaped so it cannot inject markup."""

from __future__ import annotations

import re

from app.transcript.model import Transcript

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def escape_md(text: str) -> str:
    """Escape Markdown and HTML so candidate text renders as the literal characters typed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _quote(text: str) -> str:
    return "\n".join("> " + escape_md(line) if line.strip() else ">" for line in text.splitlines()) or "> (empty)"


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} / 5"


def render_markdown(t: Transcript) -> str:
    out: list[str] = [f"# Viva mock interview - {t.id}", ""]
    out += [f"- Status: {t.status}", f"- Started: {t.created_at:%Y-%m-%d %H:%M} UTC"]
    if t.finished_at:
        out.append(f"- Finished: {t.finished_at:%Y-%m-%d %H:%M} UTC")
    out += [f"- Examiner: {t.examiner}", f"- Overall score: {_score(t.overall)}",
            f"- Tokens: {t.usage.get('prompt_tokens', 0)} prompt, {t.usage.get('completion_tokens', 0)} completion", ""]
    out += ["## Scores by topic", "", "| Topic | Score | Questions |", "| --- | --- | --- |"]
    out += [f"| {tp.title} | {_score(tp.score)} | {tp.questions} |" for tp in t.topics]
    if t.summary:
        out += ["", "## Summary", "", str(t.summary.get("text", ""))]
        for label, key in (("Strengths", "strengths"), ("Study next", "study_next")):
            if t.summary.get(key):
                out += ["", f"**{label}**", ""] + [f"- {item}" for item in t.summary[key]]
    for n, q in enumerate(t.questions, 1):
        out += ["", f"## {n}. {q.topic_title} (difficulty {q.difficulty}) - {_score(q.score)}", "", f"**Question:** {q.prompt}"]
        for ex in q.exchanges:
            if ex.kind == "follow_up":
                out += ["", f"**Follow-up:** {ex.prompt}"]
            out += ["", "**Answer:**", ""]
            out.append("> (skipped)" if ex.skipped else _quote(ex.answer or "") if ex.answer is not None else "> (not answered yet)")
        g = q.final_grade
        if g:
            out += ["", f"**Graded by:** {g.examiner}", ""]
            out += [f"- {c.title}: {c.score}/5 - {c.anchor}" for c in q.criteria]
            if g.covered:
                out += ["", "**Covered:**", ""] + [f"- {c.text} - \"{escape_md(c.quote)}\"" for c in g.covered]
            if g.missed:
                out += ["", "**Missed:**", ""] + [f"- {m.text}" for m in g.missed]
            if g.feedback:
                out += ["", f"**Feedback:** {escape_md(g.feedback)}"]
        if q.model_answer:
            out += ["", "**Model answer:**", "", q.model_answer.strip()]
    return "\n".join(out) + "\n"
