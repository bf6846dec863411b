"""The grade of an answer assessed against an authored rubric: scores, evidence, feedback, follow-up.

Feedback tells the truth: it lists only the key points the answer made (with the clause that made
each), names every misconception the answer stated with the candidate's own words and the
correction, and never credits a point that was only named or was contradicted. The follow-up goes
to a stated misconception first ("You said ... - <probe>"), then to the heaviest missed point.
"""

from __future__ import annotations

from app.examiners.base import CoveredPoint, Grade, GradingRequest, MissedPoint, StatedMisconception
from app.examiners.checks import describe_parts, graded_parts
from app.examiners.offline.feedback import flag_notes
from app.examiners.offline.rubric import RubricAssessment

_MAX_NAMED = 3
_QUOTE_CHARS = 120


def _short(text: str, limit: int = _QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _lower_first(text: str) -> str:
    text = text.rstrip(" .;")
    return text if len(text) > 1 and (text[1].isupper() or not text[0].isalpha()) else text[:1].lower() + text[1:]


def criterion_levels(a: RubricAssessment, criterion_ids: list[str]) -> dict[str, int]:
    """0-5 per criterion, all anchored on the overall; correctness is capped at 2 by a misconception."""
    if {"empty_answer", "no_answer"} & set(a.flags):
        return {cid: 0 for cid in criterion_ids}
    base = max(0, min(5, int(a.overall + 0.5)))
    made = sum(p.credited for p in a.points) / max(1, len(a.points))
    scores: dict[str, int] = {}
    for cid in criterion_ids:
        if "correct" in cid or "accura" in cid:
            capped = a.misconceptions or (a.estimate is not None and a.estimate.caps)
            scores[cid] = min(base, 2) if capped else base
        elif "depth" in cid or "complete" in cid:
            scores[cid] = max(0, min(5, int((a.overall + 5 * made) / 2 + 0.5)))
        elif "clarity" in cid or "communicat" in cid:
            scores[cid] = 0 if base == 0 else min(5, base + 1)
        else:
            scores[cid] = base
    return scores


def follow_up_for(a: RubricAssessment) -> tuple[str | None, str | None]:
    """(question, key point id): a stated misconception first, then the heaviest missed point."""
    for stated in a.misconceptions:
        if stated.misconception.probe:
            quote = _short(stated.match.quote, 90)
            return f"You said \u201c{quote}\u201d - {stated.misconception.probe}", stated.misconception.contradicts
    if a.estimate is not None and a.estimate.verdict != "within-tolerance":
        if a.estimate.found is None:
            return f"What figure do you arrive at, in {a.estimate.unit}? Give one number with its unit and the steps behind it.", None
        return (f"You arrived at \u201c{_short(a.estimate.found, 60)}\u201d. Walk me through the arithmetic step by step: "
                "which factor would you double-check?"), None
    missed = sorted((p.key_point for p in a.points if not p.credited and p.key_point.weight >= 2), key=lambda kp: -kp.weight)
    if not missed:
        return None, None
    point = missed[0]
    probe = point.probe or f"Could you say more about {point.id.replace('-', ' ')}? How does it bear on your answer?"
    return probe, point.id


def write_feedback(a: RubricAssessment, probed: str | None, probing_misconception: bool, structure: str = "") -> str:
    if "empty_answer" in a.flags:
        return "No answer was given, so nothing could be credited."
    if "no_answer" in a.flags:
        return "You said you did not know; nothing could be credited. Try reasoning out loud next time."
    parts: list[str] = []
    if a.estimate is not None:
        parts.append(a.estimate.describe())
    for shown in a.red_flags[:2]:
        parts.append(f"\u201c{_short(shown.quote)}\u201d: {shown.advice}")
    if structure:
        parts.append(structure)
    for n, stated in enumerate(a.misconceptions[:2]):
        said = f"You said \u201c{_short(stated.match.quote)}\u201d"
        if probing_misconception and n == 0:
            parts.append(f"{said}, which is not right - the follow-up asks about it.")
        else:
            parts.append(f"{said}, which is not right: {stated.misconception.correction.strip()}")
    for stated in a.corrected[:2]:
        parts.append(f"You said \u201c{_short(stated.match.quote)}\u201d at first, then put it right: "
                     f"{stated.misconception.correction.strip()}")
    for point in a.contradictions[:2]:  # (a contradiction always has its clause)
        assert point.contradicted is not None
        parts.append(f"You said \u201c{_short(point.contradicted.quote)}\u201d, the opposite of a key fact; check that claim.")
    credited = [p for p in a.points if p.credited]
    if credited:
        named = "; ".join(_lower_first(p.key_point.text) for p in credited[:_MAX_NAMED])
        more = f"; and {len(credited) - _MAX_NAMED} more" if len(credited) > _MAX_NAMED else ""
        parts.append(f"Points you made: {named}{more}.")
    elif not a.misconceptions:
        parts.append("The answer did not make any of the question's key points as a claim.")
    missed = [p.key_point for p in a.points if not p.credited]
    if missed:
        heaviest = max(missed, key=lambda kp: kp.weight)
        if heaviest.id == probed:
            parts.append(f"Missing {len(missed)} of {len(a.points)} key points.")
        else:
            parts.append(f"Missing {len(missed)} of {len(a.points)} key points; the biggest gap is around "
                         f"\u201c{heaviest.id.replace('-', ' ')}\u201d.")
    # (a contradiction is already said above, quoting the candidate)
    parts += flag_notes(a.flags, skip=frozenset({"contradicts_key_point"}))
    return " ".join(p for p in parts if p)


def claims_grade(request: GradingRequest, a: RubricAssessment, examiner: str) -> Grade:
    question, point_id = follow_up_for(a)
    probing_misconception = bool(a.misconceptions) and question is not None and question.startswith("You said")
    parts = graded_parts(request.question, {p.key_point.id for p in a.points if p.credited})
    return Grade(
        scores=criterion_levels(a, [c.id for c in request.topic.criteria]),
        overall=a.overall,
        covered=[CoveredPoint(key_point_id=p.key_point.id, text=p.key_point.text, quote=p.made.quote)
                 for p in a.points if p.credited and p.made is not None],
        missed=[MissedPoint(key_point_id=p.key_point.id, text=p.key_point.text, weight=p.key_point.weight)
                for p in sorted(a.points, key=lambda p: -p.key_point.weight) if not p.credited],
        misconceptions=[
            StatedMisconception(misconception_id=s.misconception.id, claim=s.misconception.claim, quote=s.match.quote,
                                correction=s.misconception.correction.strip(), key_point_id=s.misconception.contradicts,
                                corrected=s in a.corrected)
            for s in [*a.misconceptions, *a.corrected]
        ],
        feedback=write_feedback(a, point_id, probing_misconception, describe_parts(parts)),
        follow_up=question,
        follow_up_point=point_id,
        examiner=examiner,
        flags=list(a.flags),
        estimate=a.estimate,
        parts=parts,
        red_flags=a.red_flags,
    )
