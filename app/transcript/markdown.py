"""Markdown rendering of a transcript.

Every piece of text that did not come from Viva's own wording (answers, follow-ups, LLM feedback and
summaries, rubric text, option values) goes through ``text_safety`` so it renders as the literal
characters typed: no HTML, no links or images, no headings or lists injected, no broken tables.
"""

from __future__ import annotations

from app.transcript import formatting as fmt
from app.transcript.model import QuestionRecord, Transcript
from app.transcript.text_safety import blockquote, code_block, code_span, one_line, paragraphs, reflow


def _overview(t: Transcript) -> list[str]:
    out = ["# Viva mock interview: scored transcript", ""]
    rows = [
        ("Overall score", f"**{fmt.score(t.overall)}**"),
        ("Status", t.status),
        ("Started", fmt.moment(t.created_at)),
        ("Finished", fmt.moment(t.finished_at)),
        ("Time answering", fmt.duration(t.duration_seconds)),
        ("Questions", str(len(t.questions))),
        ("Examiner", fmt.examiner(t)),
        ("Interview id", code_span(t.id)),
    ]
    out += [f"- **{label}:** {value}" for label, value in rows]
    out += ["", "## Options chosen", ""]
    out += [f"- **{label}:** {one_line(value)}" for label, value in fmt.options(t)]
    out += ["", "## Scores by topic", "", "| Topic | Score | Questions | |", "| --- | ---: | ---: | --- |"]
    out += [f"| {one_line(tp.title)} | {fmt.score(tp.score)} | {tp.questions} | {fmt.bar(tp.score)} |" for tp in t.topics]
    out += [f"| **Overall** | **{fmt.score(t.overall)}** | {len(t.questions)} | {fmt.bar(t.overall)} |"]
    return out


def _plan(t: Transcript) -> list[str]:
    """Why a plan built from a job description is what it is (the quotes are the candidate's text)."""
    e = t.plan_explanation
    if e is None:
        return []
    out = ["", "## Why this plan", ""] + paragraphs(e.summary)
    if e.reasons:
        out += [""] + [f"- {one_line(r.text)}" for r in e.reasons]
    if e.priorities:
        out += ["", "**The role's priorities**", ""]
        out += [f"- {one_line(p.text)} (“{one_line(p.evidence)}”)" for p in e.priorities]
    elif e.priorities_note:
        out += ["", f"*{one_line(e.priorities_note)}*"]
    return out


def _summary(t: Transcript) -> list[str]:
    s = t.summary
    if s is None:
        return []
    out = ["", "## Summary", ""] + (paragraphs(s.text) or ["*(no summary)*"])
    if s.strengths:
        out += ["", "**Strengths**", ""] + [f"- {one_line(x)}" for x in s.strengths]
    if s.gaps:
        out += ["", "**Gaps by topic**", ""]
        for topic, points in s.gaps.items():
            if points:
                out += [f"- **{one_line(topic)}**"] + [f"  - {one_line(x)}" for x in points]
    if s.study_next:
        out += ["", "**Study next**", ""] + [f"- {one_line(x)}" for x in s.study_next]
    return out


def _exchanges(q: QuestionRecord) -> list[str]:
    out: list[str] = []
    for ex in q.exchanges:
        label = "Question" if ex.kind == "question" else "Follow-up"
        out += ["", f"**{label}:**", ""] + paragraphs(ex.prompt)
        if ex.skipped:
            answer = ["> *(skipped)*"]
        elif ex.answer is None:
            answer = ["> *(not answered)*"]
        else:
            answer = blockquote(ex.answer, empty="(empty answer)")
        out += ["", f"**{fmt.answer_label(ex.spoken, ex.spoken_seconds)}:**", ""] + answer
    return out


def _submission(q: QuestionRecord) -> list[str]:
    sub = q.submission
    if sub is None:
        return ["", "**Code submitted:** none" + (f" ({q.code_runs} example runs)" if q.code_runs else "")] if q.question_type == "code" else []
    runs = f"; {q.code_runs} runs in all" if q.code_runs > 1 else ""
    out = ["", f"**Code submitted** (hidden tests: {sub.passed} of {sub.total} passed{runs})", ""]
    out += code_block(sub.code, "python")
    if sub.problem:
        out += ["", f"*The run failed as a whole: {one_line(sub.problem)}*"]
    out += ["", "| Test | Result |", "| --- | --- |"]
    out += [f"| {code_span(t.name)} | {'passed' if t.passed else 'failed: ' + one_line(t.message or 'failed')} |" for t in sub.tests]
    return out


def _grade(q: QuestionRecord) -> list[str]:
    g = q.final_grade
    if g is None:
        return []
    out = ["", "**Scores by criterion**", "", "| Criterion | Score | What this score means |", "| --- | ---: | --- |"]
    out += [f"| {one_line(c.title)} | {c.score} / 5 | {one_line(c.anchor)} |" for c in q.criteria]
    if g.covered:
        out += ["", "**Key points covered** (with your words)", ""]
        out += [f"- {one_line(c.text)}: \u201c{one_line(c.quote)}\u201d" for c in g.covered]
    if g.missed:
        out += ["", "**Key points missed**", ""] + [f"- {one_line(m.text)}" for m in g.missed]
    if g.estimate is not None:
        out += ["", "**Your figure**", ""] + paragraphs(g.estimate.summary())
    if g.parts:
        out += ["", f"**{fmt.PARTS_LABEL[g.parts[0].kind]}**", ""]
        out += [f"- {one_line(p.title)}: {p.covered} of {p.total}" for p in g.parts]
    if g.red_flags:
        out += ["", "**Red flags**", ""] + [f"- \u201c{one_line(r.quote)}\u201d: {one_line(r.advice)}" for r in g.red_flags]
    if g.feedback.strip():
        out += ["", "**Feedback**", ""] + paragraphs(g.feedback)
    out += ["", f"*Graded by {one_line(g.examiner)}" + (f"; flags: {one_line(', '.join(g.flags))}" if g.flags else "") + "*"]
    return out


def _question(n: int, q: QuestionRecord) -> list[str]:
    out = ["", f"### {n}. {one_line(q.topic_title)}: {fmt.score(q.score)}", ""]
    out.append(f"*{fmt.question_type(q.question_type)} \u00b7 difficulty {fmt.difficulty(q.difficulty)} \u00b7 "
               f"time spent {fmt.duration(q.time_spent_seconds)}{fmt.attempt(q)}*")
    out += _exchanges(q) + _submission(q) + _grade(q)
    if q.expected:
        out += ["", "**Expected figure**", ""] + paragraphs(q.expected)
    if q.model_answer:
        out += ["", "**Model answer**", ""] + blockquote(reflow(q.model_answer))
    return out


def _reproducibility(t: Transcript) -> list[str]:
    r = t.reproducibility
    out = ["", "## Reproducibility", ""]
    if r is None:
        return out + [f"- **Viva version:** {code_span(t.viva_version)}", f"- **Tokens used:** {fmt.tokens(t)}"]
    out += [
        f"- **Viva version:** {code_span(r.viva_version)} (transcript schema v{r.schema_version})",
        f"- **Examiner:** {code_span(r.examiner.name)}",
        f"- **Grades produced by:** {', '.join(code_span(x) for x in r.graded_by) or '-'}",
        f"- **Tokens used:** {fmt.tokens(t)}",
        "- **Rubric files (sha256):**",
    ]
    out += [f"  - {code_span(topic)}: {code_span(digest)}" for topic, digest in r.rubric_files.items()] or ["  - none"]
    out.append("- **Prompt templates (sha256):**" + ("" if r.prompt_templates else " none (no LLM took part)"))
    out += [f"  - {code_span(name)}: {code_span(digest)}" for name, digest in r.prompt_templates.items()]
    return out


def render_markdown(t: Transcript) -> str:
    out = _overview(t) + _plan(t) + _summary(t) + ["", "## Questions"]
    for n, q in enumerate(t.questions, 1):
        out += _question(n, q)
    out += _reproducibility(t)
    return "\n".join(out) + "\n"
