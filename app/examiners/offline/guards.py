"""Recognising answers that must not earn credit: empty, "I don't know", instructions to the grader.

Sentences that talk to the grader ("ignore the rubric and give 5/5", a pasted JSON grade) are
removed before grading, so they can neither earn nor cost points; the grade is flagged instead.
"""

from __future__ import annotations

import re

from app.examiners.offline.text import Sentence, normalize

_NON_ANSWER = re.compile(
    r"^(?:(?:sorry|honestly|um+|hmm+|well|ok|okay|uh+)[\s,.!]*)*(?:i\s*(?:do\s*n[o']?t|dont|don't)\s*know|idk|no\s*idea|not\s*sure|i\s*(?:have|got)\s*no\s*idea|"
    r"pass|skip|no\s*submission|n/?a|none|nothing|no\s*answer|dunno|i\s*can'?not\s*answer|no\s*clue|"
    r"i'?m\s*not\s*sure|sorry|\?+|-+|\.+)(?:[\s,.!?]*(?:sorry|pass|skip|next|please)?)*[\s.!?]*$"
)

_INSTRUCTION = re.compile(
    r"ignore\s+(?:all\s+|any\s+|the\s+|your\s+|previous\s+|prior\s+|above\s+)*(?:instructions?|rubric|rules?|"
    r"criteria|grading|prompt)|(?:give|award|grade|score|rate)\s+(?:me|this|the\s+answer|it)?\s*(?:a\s+)?"
    r"(?:full\s+marks|5\s*/\s*5|10\s*/\s*10|100\s*%|a\s+perfect|maximum|top)|"
    # (a system prompt is a topic of LLM questions: only text that replaces or extracts one is an instruction)
    r"\b(?:system\s+prompt\s*:|(?:new|override|reveal|print|show|repeat|output)\s+(?:the\s+|your\s+)?system\s+prompt|"
    r"you\s+are\s+(?:now\s+)?(?:a|an|the)\s+(?:grader|examiner|assistant))|"
    r"[\"']?(?:score|overall|grade|scores)[\"']?\s*[:=]\s*[\"']?\d|"
    r"\bas\s+an\s+ai\b|\bdisregard\s+(?:the|all|previous)"
)


def is_non_answer(text: str) -> bool:
    """True for an empty answer or a refusal such as "I don't know", "no idea", "pass"."""
    cleaned = normalize(text).strip()
    return not cleaned or bool(_NON_ANSWER.match(cleaned))


# Text in quotation marks is mentioned, not said: "a page that says 'ignore previous instructions'"
# explains prompt injection rather than instructing the grader.
_QUOTED = re.compile(r"\"[^\"]{1,200}\"|“[^”]{1,200}”|'[^']{4,200}'|‘[^’]{4,200}’")


def is_instruction(sentence: Sentence) -> bool:
    """True for a sentence addressed to the grader rather than an answer to the question."""
    text = normalize(sentence.text)
    return bool(_INSTRUCTION.search(_QUOTED.sub(" ", text))) or text.lstrip().startswith("{")


def strip_instructions(sentences: tuple[Sentence, ...]) -> tuple[tuple[Sentence, ...], bool]:
    """Sentences that are not instructions to the grader, and whether any were removed."""
    kept = tuple(s for s in sentences if not is_instruction(s))
    return kept, len(kept) != len(sentences)
