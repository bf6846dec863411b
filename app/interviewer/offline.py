"""The offline interviewer: fixed, friendly wording chosen deterministically from the grade."""

from __future__ import annotations

from collections.abc import AsyncIterator

from app.examiners.base import Grade
from app.interviewer.base import Interviewer, OnUsage, ReplyContext, Summary, SummaryContext

STRONG, FAIR = 4.0, 2.5
# A topic is a strength from this score: the "good" band of the report's colours.
STRENGTH = 3.5


def compose_reply(ctx: ReplyContext) -> str:
    """The offline wording; also the LLM interviewer's fallback."""
    parts: list[str] = []
    if ctx.kind == "greeting":
        who = f", {ctx.candidate_name}" if ctx.candidate_name else ""
        topics = ", ".join(ctx.topic_titles)
        extras = ", with a follow-up where I want to dig deeper" if ctx.follow_ups else ""
        practice = " After each answer's feedback you can try the question again or move on." if ctx.practice else ""
        kind = "review" if ctx.review else "mock interview"
        review = " These are the questions whose key points you missed before; let's see what stayed." if ctx.review else ""
        parts.append(
            f"Hello{who}, and welcome to your {kind}.{review} We will cover {topics} - "
            f"{ctx.total_questions} question{'s' if ctx.total_questions != 1 else ''} in all{extras}."
            f"{practice} Answer as you would in a real interview: say what you know, and reason out loud where you are unsure."
        )
    elif ctx.kind == "after_skip":
        parts.append("No problem, let's move on.")
    elif ctx.kind == "next":
        parts.append("Here is the next question.")
    elif ctx.kind == "retry":
        parts.append("Let's try that one again - take your time.")
    elif ctx.kind in ("after_answer", "closing") and ctx.grade is not None:
        parts.append(_acknowledge(ctx))
    if ctx.new_topic_title and ctx.kind != "closing":
        parts.append(f"Now let's turn to {ctx.new_topic_title}.")
    if ctx.offer_retry:
        parts.append("Try it again if you like, or go on to the next question.")
    if ctx.kind == "closing":
        parts.append("That brings us to the end of the interview. Thank you - your scored transcript is ready.")
    return " ".join(p for p in parts if p)


def _acknowledge(ctx: ReplyContext) -> str:
    """One or two sentences, as an interviewer would say them; the feedback card holds the detail."""
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
    detail = _headline(grade)
    bridge = "Let me follow up on that." if ctx.next_is_follow_up else ""
    return " ".join(p for p in (opener, detail, bridge) if p)


def _headline(grade: Grade) -> str:
    """The one thing to say about a grade out loud (the card below it has the rest)."""
    wrong = [m for m in grade.misconceptions if not m.corrected]
    if wrong:
        return "One thing you said isn't right - the card below says what." if len(wrong) == 1 else \
            f"{len(wrong)} things you said aren't right - the card below says what."
    if grade.estimate is not None and grade.estimate.verdict != "within-tolerance":
        return {"no-figure": "I didn't hear a final number.",
                "within-10x": "Your method is sound, but the number is off.",
                }.get(grade.estimate.verdict, "Your final number is off by an order of magnitude.")
    if grade.red_flags:
        return "Think about how one part of that story comes across - see the note in the card."
    if grade.parts:
        kind = grade.parts[0].kind
        found = sum(p.covered > 0 for p in grade.parts)
        noun = {"bug": "bugs", "phase": "phases of the design", "star": "parts of a strong story"}[kind]
        return f"You covered {found} of {len(grade.parts)} {noun}." if kind != "bug" else f"You found {found} of {len(grade.parts)} {noun}."
    made, missed = len(grade.covered), len(grade.missed)
    if missed and grade.overall < STRONG:
        return f"You made {made} of {made + missed} key points."
    return ""


def offline_summary(ctx: SummaryContext) -> Summary:
    scored = sorted((t for t in ctx.topics if t.score is not None), key=lambda t: -(t.score or 0))
    strong = [t for t in scored if (t.score or 0) >= STRENGTH]
    strengths = [f"{t.title}: {t.score:.1f} of 5" for t in strong]
    strengths += [f"You explained: {_clause(p)}" for t in strong for p in t.covered_points[:2]][:3]
    gaps = {t.title: [*t.missed_points[:4], *(f"Not answered: {_short(q)}" for q in t.unanswered)]
            for t in ctx.topics if t.missed_points or t.unanswered}
    # What to study, weakest topics first: the areas of the points missed, then the questions left
    # unanswered (skipped, or not reached after finishing early - the same gap either way).
    weakest_first = [*reversed(scored), *(t for t in ctx.topics if t.score is None)]
    study = [f"{t.title}: revise {_areas(t.missed_areas)}" for t in weakest_first
             if t.missed_areas and (t.score is None or t.score < STRENGTH)]
    study += [f"{t.title}: prepare an answer to \u201c{_short(q)}\u201d" for t in weakest_first for q in t.unanswered]
    if ctx.overall is None:
        text = "No answers were graded, so there is nothing to score yet."
    else:
        best, worst = scored[0], scored[-1]
        text = f"You finished with {ctx.overall:.1f} of 5 overall."
        if worst.score < best.score:
            text += f" Strongest topic: {best.title} ({best.score:.1f}); weakest: {worst.title} ({worst.score:.1f})."
        if study:
            text += " Start your revision with the first item under 'Study next', then practise that topic again."
    return Summary(strengths=strengths, gaps=gaps, study_next=study[:6], text=text)


def _areas(areas: list[str]) -> str:
    return areas[0] if len(areas) == 1 else ", ".join(areas[:-1]) + f" and {areas[-1]}"


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _clause(text: str) -> str:
    text = " ".join(text.split()).rstrip(" .;")
    return text[0].lower() + text[1:] if len(text) > 1 and not text[1].isupper() else text


class OfflineInterviewer(Interviewer):
    name = "offline"

    async def stream_reply(self, ctx: ReplyContext, on_usage: OnUsage | None = None) -> AsyncIterator[str]:
        yield compose_reply(ctx)

    async def summarize(self, ctx: SummaryContext) -> Summary:
        return offline_summary(ctx)
