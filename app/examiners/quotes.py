"""Checking an LLM's quotes against the candidate's answers.

A model may paraphrase or invent a quote. A quote counts only if, after normalising case, Unicode
form and whitespace (and trimming surrounding quote marks and ellipses), it appears in one of the
answers; it is then replaced by the candidate's exact characters, so the evidence shown is always
their own words.
"""

from __future__ import annotations

import unicodedata

_TRIM = " \t\n\r\"'`“”‘’«».…,;:"


def _normalized_with_map(text: str) -> tuple[str, list[int]]:
    """Lowercased NFKC text with whitespace runs collapsed to one space, and for each character of
    it the index of the original character it came from."""
    out: list[str] = []
    where: list[int] = []
    previous_space = True  # drop leading whitespace
    for index, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).lower()
        for piece in folded:
            if piece.isspace():
                if previous_space:
                    continue
                piece = " "
                previous_space = True
            else:
                previous_space = False
            out.append(piece)
            where.append(index)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


def find_quote(quote: str, answers: list[str]) -> str | None:
    """The exact span of one answer that ``quote`` matches (normalised), or None."""
    needle, _ = _normalized_with_map(quote.strip(_TRIM))
    if len(needle) < 3:
        return None
    for answer in answers:
        haystack, where = _normalized_with_map(answer)
        at = haystack.find(needle)
        if at >= 0:
            start, end = where[at], where[at + len(needle) - 1]
            return answer[start : end + 1]
    return None
