"""Text analysis for the offline examiner: normalisation, tokens with offsets, stems, negation scope.

Every token remembers where it came from in the original answer (``start``/``end``), so that the
examiner can quote the candidate's exact words. Normalisation never changes offsets: it is applied
per token, after the token boundaries have been found on the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from app.examiners.offline.vocabulary import ABBREVIATIONS, NEGATION_CUES, SCOPE_BREAKERS, STOP_WORDS, SYNONYMS

_STEMMER = snowballstemmer.stemmer("english")

# A word: letters/digits with inner apostrophes kept ("isn't"); an identifier with underscores is one
# word ("no_grad", "d_k", "set_to_none": not the negation "no" followed by "grad").
_WORD = re.compile(
    r"[^\W_]+(?:['’_][^\W_]+)*"
    # Maths operators are tokens too, so "p - y" and "y - p", or "diag(s) - ss^T" and "diag(s) + ss^T",
    # differ; a hyphen joining two words ("mixed-precision") is not one, a minus between symbols ("p-y",
    # "1-beta") is.
    r"|(?<![^\W\d_]{2})-|-(?![^\W\d_]{2})|[+=×*/^·⊙−≈≤≥<>@∝|‖√]",
    re.UNICODE,
)
# The operators, as their tokens' stems (the Unicode minus, times and double bar fold onto ASCII; a
# root sign reads as "sqrt", so "√d_k" and "sqrt(d_k)" are the same).
OPERATORS = frozenset("-+=*/^·⊙≈≤≥<>@∝|")
_OPERATOR_FOLD = {"−": "-", "×": "*", "‖": "|"}
# A line break inside a sentence (text wrapped by an editor): no sentence end before it and a
# lower-case word after it. It is read as a space, so the sentence stays whole.
_SOFT_WRAP = re.compile(r"(?<![.!?:;\n])[ \t]*\n[ \t]*(?=[a-z(])")
# Sentence ends: a bullet or list marker at the start of a line, . ! ? ; before a space, a newline.
_SENTENCE_END = re.compile(
    r"(?:^|\n)\s*(?:[-*•●○▪→]+|\(?\d{1,2}[.)]|\(?[ivx]{1,4}\))\s*|(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?;])\s+(?=\S)|\n+", re.UNICODE
)
_CLAUSE_END = re.compile(r"[,;:()]|\s(?:but|whereas|while|although|however)\s", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[,;:.!?()]")
# British -ise spellings fold onto -ize so "normalisation" and "normalization" share a stem.
_BRITISH_ISE = re.compile(r"(\w{3,})is(e|es|ed|ing|ation|ations|er|ers)$")


@dataclass(frozen=True, slots=True)
class Token:
    """One content or function word of a text, with its stem and its place in the source."""

    stem: str
    start: int
    end: int
    is_stop: bool
    negated: bool  # inside the scope of a negation cue ("not", "never", "isn't" ...)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the original text: its exact characters and offsets, and its tokens."""

    text: str
    start: int
    end: int
    tokens: tuple[Token, ...]

    @property
    def content(self) -> tuple[Token, ...]:
        return tuple(t for t in self.tokens if not t.is_stop)


def normalize(text: str) -> str:
    """Unicode NFKC + lowercase + unified apostrophes; lengths of words are preserved for offsets."""
    if text.isascii():  # fast path: NFKC leaves ASCII unchanged
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower().replace("’", "'")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Stem of an already-normalised word, with British spellings folded and synonyms mapped."""
    word = _BRITISH_ISE.sub(r"\1iz\2", word)
    stemmed = _STEMMER.stemWord(word)
    return SYNONYMS.get(stemmed, stemmed)


def _expand(word: str) -> tuple[str, ...]:
    """Words an abbreviation stands for ("bn" -> batch normalization); the word itself otherwise."""
    return ABBREVIATIONS.get(word, (word,))


def _is_negation(word: str) -> bool:
    return word in NEGATION_CUES or word.endswith("n't")


def tokenize(text: str, offset: int = 0) -> tuple[Token, ...]:
    """Tokens of ``text`` with stems and negation marks; offsets are shifted by ``offset``.

    A negation cue negates the next few content words up to a clause break, so "X is not convex"
    marks "convex" (not "X") as negated. Cues themselves are kept as stop tokens.
    """
    tokens: list[Token] = []
    scope = 0  # content words still inside the current negation's scope
    for match in _WORD.finditer(text):
        raw = normalize(match.group())
        start, end = offset + match.start(), offset + match.end()
        raw = _OPERATOR_FOLD.get(raw, raw)
        if raw == "√":
            tokens.append(Token("sqrt", start, end, False, False))
            continue
        if raw in OPERATORS:
            tokens.append(Token(raw, start, end, True, False))  # a stop token: it counts as no content
            continue
        between = text[tokens[-1].end - offset : match.start()] if scope and tokens else ""
        if scope and (_PUNCTUATION.search(between) or raw in SCOPE_BREAKERS):
            scope = 0
        if _is_negation(raw):
            tokens.append(Token("not", start, end, True, False))
            # "without" governs its object only ("without bias correction the first steps are too large").
            scope = 1 if raw == "without" else 3
            continue
        for word in _expand(raw):
            is_stop = word in STOP_WORDS or len(word) < 2 and not word.isdigit()
            tokens.append(Token(stem(word), start, end, is_stop, scope > 0 and not is_stop))
        if scope and not (raw in STOP_WORDS):
            scope -= 1
    return tuple(tokens)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences (and bullet items) of ``text`` with their exact source characters and offsets."""
    sentences: list[Sentence] = []
    position = 0
    # Same length, so every offset still points into the original text (which quotes are cut from).
    unwrapped = _SOFT_WRAP.sub(lambda m: " " * len(m.group()), text)
    bounds = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(unwrapped)] + [(len(text), len(text))]
    for cut_start, cut_end in bounds:
        chunk = unwrapped[position:cut_start]
        stripped = chunk.strip()
        if stripped:
            start = position + chunk.index(stripped)
            original = text[start : start + len(stripped)]
            sentences.append(Sentence(original, start, start + len(stripped), tokenize(original, start)))
        position = cut_end
    return tuple(sentences)


def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) within ``text`` to the surrounding clause boundaries (commas, 'but' ...)."""
    left = 0
    for match in _CLAUSE_END.finditer(text, 0, start):
        left = match.end()
    right_match = _CLAUSE_END.search(text, end)
    right = right_match.start() if right_match else len(text)
    return left, right


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text``, in order (negation cues and stop words dropped)."""
    return [t.stem for t in tokenize(text) if not t.is_stop]


def has_negation(text: str) -> bool:
    return any(t.stem == "not" and t.is_stop for t in tokenize(text))
