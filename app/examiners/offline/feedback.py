"""Written feedback and the follow-up question of an offline grade.

Feedback names what the candidate got right (in the rubric's words of the points they made) and
how much is missing, pointing at the area of the biggest gap by a few of its terms - it never pastes
the model answer or a missed point's full text.
"""

from __future__ import annotations

import re

from app.bank.schema import KeyPoint
from app.examiners.offline.assessment import Assessment
from app.examiners.offline.text import tokenize

_MAX_NAMED = 3


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _in_sentence(text: str) -> str:
    """A key point's sentence made fit to run inside another sentence."""
    text = _short(text, 120).rstrip(" .;")
    keep_case = len(text) > 1 and (text[1].isupper() or not text[0].isalpha())
    return text if keep_case else text[0].lower() + text[1:]


def _area(point: KeyPoint, known: frozenset[str]) -> str:
    """Name the point's area without giving it away: the rubric author's id names the concept
    ("learning-rate" -> "learning rate"); derived points ("point-3") fall back to a few of its words
    that the candidate did not use."""
    if not re.fullmatch(r"point-\d+", point.id):
        return point.id.replace("-", " ")
    words: list[str] = []
    for token in tokenize(point.text):
        if token.is_stop or token.stem in known:
            continue
        word = point.text[token.start : token.end]
        if word.lower() not in (w.lower() for w in words):
            words.append(word)
        if len(words) == 3:
            break
    return " / ".join(words) or _short(point.text, 40)


def missed_points(a: Assessment) -> list[KeyPoint]:
    """Key points not fully covered, heaviest first (stable in rubric order within a weight)."""
    missed = [p.key_point for p, m in a.matches if m.credit < 1.0]
    return sorted(missed, key=lambda kp: -kp.weight)


def follow_up(a: Assessment, answered_stems: frozenset[str]) -> tuple[str | None, str | None]:
    """(question, key point id) aimed at the heaviest missed point; (None, None) if none matters."""
    missed = [kp for kp in missed_points(a) if kp.weight >= 2]
    if not missed:
        return None, None
    point = missed[0]
    if point.probe:
        return point.probe, point.id
    return f"Could you say more about {_area(point, answered_stems)}? How does it bear on your answer?", point.id


def write_feedback(a: Assessment, answered_stems: frozenset[str], probed_point: str | None = None) -> str:
    """Two or three plain sentences: what was good, what was missing, and any flags worth saying."""
    if "empty_answer" in a.flags:
        return "No answer was given, so nothing could be credited."
    if "no_answer" in a.flags:
        return "You said you did not know; nothing could be credited. Try reasoning out loud next time."
    parts: list[str] = []
    covered = [p.key_point for p, m in a.matches if m.credit >= 1.0]
    if covered:
        named = "; ".join(_in_sentence(kp.text) for kp in covered[:_MAX_NAMED])
        more = f"; and {len(covered) - _MAX_NAMED} more" if len(covered) > _MAX_NAMED else ""
        sentence = f"Points you made: {named}{more}"
        parts.append(sentence if sentence.endswith("…") else sentence + ".")
    elif a.coverage > 0:
        parts.append("You touched on some relevant ideas but did not make any key point fully.")
    else:
        parts.append("The answer did not address the key points of the question.")
    missed = missed_points(a)
    if missed and missed[0].id == probed_point:
        # The follow-up asks about this gap; naming it here would hand over the answer.
        parts.append(f"Missing {len(missed)} of {len(a.matches)} key points.")
    elif missed:
        parts.append(
            f"Missing {len(missed)} of {len(a.matches)} key points; the biggest gap is around "
            f"\u201c{_area(missed[0], answered_stems)}\u201d."
        )
    return " ".join([*parts, *flag_notes(a.flags)])


# What a grade's flags mean to the candidate, in the order they are said (both grading paths).
FLAG_NOTES = {
    "term_list": "Naming the right terms is not explaining them: say what each does and why it matters.",
    "off_question": "Most of the answer is about a different question; answer the one asked.",
    "restates_question": "Most of the answer repeats the question - explain instead of restating.",
    "contradicts_key_point": "Part of the answer states the opposite of a key fact; check that claim.",
    "instructions_ignored": "Text addressed to the grader was ignored.",
}


def flag_notes(flags: list[str], *, skip: frozenset[str] = frozenset()) -> list[str]:
    return [note for flag, note in FLAG_NOTES.items() if flag in flags and flag not in skip]
