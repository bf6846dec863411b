"""The offline interviewer: fixed, friendly wording chosen deterministically from the grade."""

from __future__ import annotations

from collections.abc import AsyncIterator

from app.interviewer.base import Interviewer, ReplyContext, Summary, SummaryContext

STRONG, FAIR = 4.0, 2.5


def compose_reply(ctx: ReplyContext) -> str:
    """The offline wording; also the LLM interviewer's fallback."""
    parts: list[str] = []
    if ctx.kind == "greeting":
        who = f", {ctx.candidate_name}" if ctx.candidate_name else ""
        topics = ", ".join(ctx.topic_titles)
        parts.append(
            f"Hello{who}, and welcome to your mock interview. We will cover {topics} - "
            f"{ctx.total_questions} questions in all, with a follow-up where I want to dig deeper. "
            "Answer as you would in a real interview: say what you know, and reason out loud where you are unsure."
        )
    elif ctx.kind == "after_skip":
        parts.append("No problem, let's move on.")
    elif ctx.kind in ("after_answer", "closing") and ctx.grade is not None:
        parts.append(_acknowledge(ctx))
    if ctx.new_topic_title and ctx.kind != "closing":
        parts.append(f"Now let's turn to {ctx.new_topic_title}.")
    if ctx.kind == "closing":
        parts.append("That brings us to the end of the interview. Thank you - your scored transcript is ready.")
    return " ".join(p for p in parts if p)


def _acknowledge(ctx: ReplyContext) -> str:
    grade = ctx.grade
    assert grade is not None
    if not ctx.show_feedback:
        return "Thank you." if not ctx.next_is_follow_up else "Thanks - let me ask a little more about that."
    if grade.overall >= STRONG:
        opener = "Good answer."
    elif grade.overall >= FAIR:
        opener = "That covers part of it."
    elif grade.overall > 0:
        opener = "Thanks - that answer is missing some important pieces."
    else:
        opener = "Thanks. That one didn't land, which is fine - it's what practice is for."
    feedback = f" {grade.feedback.strip()}" if grade.feedback.strip() else ""
    bridge = " Let me follow up on that." if ctx.next_is_follow_up else ""
    return f"{opener}{feedback}{bridge}"


def offline_summary(ctx: SummaryContext) -> Summary:
    scored = [t for t in ctx.topics if t.score is not None]
    strengths = [f"{t.title} ({t.score:.1f}/5)" for t in sorted(scored, key=lambda t: -t.score) if t.score >= STRONG]
    strengths += [f"Covered: {p}" for t in scored for p in t.covered_points[:2] if t.score >= FAIR][:4]
    gaps = {t.title: t.missed_points[:4] for t in ctx.topics if t.missed_points}
    weakest = sorted(scored, key=lambda t: t.score)
    study = [f"Review {t.title}: {', '.join(t.missed_points[:2]) or 'practise full answers'}" for t in weakest if t.score < STRONG]
    study += [f"Try {t.title}: no answer was given" for t in ctx.topics if t.score is None]
    overall = "no answers were graded" if ctx.overall is None else f"overall {ctx.overall:.1f} of 5"
    text = f"You finished with {overall}. " + (
        f"Strongest: {strengths[0]}. " if strengths else "No topic reached a strong score yet. "
    ) + (f"Focus next on {weakest[0].title}." if weakest and weakest[0].score < STRONG else "")
    return Summary(strengths=strengths, gaps=gaps, study_next=study[:5], text=text.strip())


class OfflineInterviewer(Interviewer):
    name = "offline"

    async def stream_reply(self, ctx: ReplyContext) -> AsyncIterator[str]:
        yield compose_reply(ctx)

    async def summarize(self, ctx: SummaryContext) -> Summary:
        return offline_summary(ctx)
