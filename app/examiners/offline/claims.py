"""Claims: where one clause of an answer makes a rubric's claim, and where it states a misconception.

A claim pattern (``app.bank.schema.parse_claim``) is a set of groups of alternative terms that must
all occur within one *unit* of the answer: a clause of a sentence, or one item of a list. Lists are
split into their items, so naming the right terms in a row ("you'd look at X, Y and Z") binds none
of them together and makes no claim. Negation is read on both sides: the claim is made when the
unit's polarity over the matched terms equals the pattern's, and stated the other way round (a
contradiction) when it differs - "X is not convex" contradicts "X is convex", while a pattern that
says "does not depend on the batch" is made, not contradicted, by saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.bank.schema import parse_claim
from app.examiners.offline.text import OPERATORS, Sentence, Token, tokenize

# Clause breaks inside a sentence: semicolons, colons, dashes, and contrastive links.
_CLAUSE_BREAK = re.compile(
    # (a spaced hyphen between words is a dash; in "p - y" or "1 - beta" it is a minus sign)
    r"\s*[;:]\s+|\s+[–—]\s+|(?<=[^\W\d_]{2})\s+-\s+(?=[^\W\d_]{2})"
    r"|,?\s+(?=(?:but|whereas|while|although|though|however|unlike|instead|rather than)\b)"
    # a comma before "so", "which" or "and" starts a clause of its own ("..., and at inference it ...")
    r"|,\s+(?=(?:so|which|and|then|thus|hence)\s)",
    re.IGNORECASE,
)
# Separators of list items: commas, "and"/"or", ampersands, slashes between spaces, and plus signs or
# bars between words ("+" and "|" inside a formula such as "(H + 2P - K) / S + 1" or "P(y|x)" are maths).
_WORD_JOIN = (
    r"\s+\|\s+|(?<=[^\W\d_]{2})[+|](?=[^\W\d_]{2})|(?<=[^\W\d_])\s+\+\s+(?=[^\W\d_])"
    r"|(?<=[^\W\d_]{2})\s+\+\s+(?=\S)"
)
_ITEM_BREAK = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|/|plus)\s+|" + _WORD_JOIN, re.IGNORECASE)
# A clause that names things rather than saying something about them.
_NAMING = re.compile(
    r"^(?:so\s+|and\s+|also\s+|basically\s+|well\s+|then\s+)*(?:(?:you|i|we|one|they)(?:'d|'ll| would| should| could| can| might| will)?\s+"
    r"(?:also\s+|probably\s+|definitely\s+)?(?:look at|use|consider|mention|think about|talk about|check|need|want|"
    r"bring up|include|add|try|keep in mind|remember)\b|things like|stuff like|(?:the\s+)?key (?:terms|concepts|ideas|words|"
    r"points|things)|it'?s all about|it comes down to|relevant (?:here|are)|important (?:here|are)|there'?s|there (?:is|are))"
    # ... or says of its terms only that they matter: "X, Y and Z are the key dimensions".
    r"|.*\b(?:(?:are|is) (?:the |all )?(?:key|main|important|relevant|essential)\b|revolves? around|come into (?:it|play)"
    r"|comes into (?:it|play)|(?:are|is) relevant|matters? (?:too|as well|here))",
    re.IGNORECASE,
)
# Pronouns that can stand for the question's subject ("it", "they", "this").
_PRONOUNS = frozenset({"it", "they", "them", "this", "these", "those"})
# A list is at least this many items, most of them short (content words).
LIST_MIN_ITEMS = 3
LIST_ITEM_WORDS = 3


@dataclass(frozen=True, slots=True)
class Unit:
    """A clause or list item of an answer: its exact text and offsets, its content tokens."""

    text: str
    start: int
    answer_index: int
    tokens: tuple[Token, ...]  # every word but negation cues, in order
    listed: bool = False  # an item of a list of terms
    stems: frozenset[str] = frozenset()  # of ``tokens``, for a quick "could this clause match" check

    @property
    def content_words(self) -> int:
        return sum(not t.is_stop for t in self.tokens)

    @property
    def refers_back(self) -> bool:
        """True when the clause has a pronoun ("it drops the reference model") standing for the subject."""
        return any(t.stem in _PRONOUNS for t in self.tokens)


@dataclass(frozen=True, slots=True)
class Alternative:
    stems: tuple[str, ...]
    negative: bool  # written with a negation ("not depend", "without")
    formula: bool = False  # written with operators ("softmax(z) - y"): every token, in a row


@dataclass(frozen=True, slots=True)
class Group:
    alternatives: tuple[Alternative, ...]
    excluded: bool


@dataclass(frozen=True, slots=True)
class ClaimPattern:
    source: str
    groups: tuple[Group, ...]
    required: tuple[Group, ...]  # the groups that must occur (not the excluded ones)


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    """A unit that makes (or contradicts) a pattern's claim."""

    unit: Unit
    contradicted: bool
    tokens: tuple[Token, ...]

    @property
    def quote(self) -> str:
        return self.unit.text


# An alternative written "#number" is met by any number in the clause ("cut latency by 40%", "3x"): how a
# behavioural answer shows a quantified result, or an estimate its figures.
NUMBER = "#number"


def _alternative(text: str) -> Alternative:
    """An alternative's words: its content words, or, for one made only of function words ("against",
    "before", "per"), those words themselves."""
    if text.strip() == NUMBER:
        return Alternative((NUMBER,), False)
    everything = tokenize(text)
    tokens = [t for t in everything if not _is_cue(t)]
    if any(t.stem in OPERATORS for t in tokens):
        # A formula: its letters and operators are the claim ("p - y" is not "y - p").
        return Alternative(tuple(t.stem for t in tokens), False, formula=True)
    content = tuple(t.stem for t in tokens if not t.is_stop)
    # Negative when a negation governs its words ("not depend"), or when it is a bare negation ("not");
    # "fine without" is a positive term that happens to end in a cue.
    negative = any(t.negated for t in tokens) if content else len(tokens) < len(everything)
    return Alternative(content or tuple(t.stem for t in tokens), negative)


def _is_cue(token: Token) -> bool:
    return token.stem == "not" and token.is_stop


@lru_cache(maxsize=8192)
def compile_claim(pattern: str) -> ClaimPattern:
    groups = tuple(
        Group(tuple(_alternative(a) for a in group.alternatives), group.excluded) for group in parse_claim(pattern)
    )
    return ClaimPattern(pattern, groups, tuple(g for g in groups if not g.excluded))


def units_of(sentences: tuple[Sentence, ...], answer_index: int) -> list[Unit]:
    """Split sentences into clauses, and clauses that are lists into their items."""
    units: list[Unit] = []
    for sentence in sentences:
        for start, end in _spans(sentence.text, _CLAUSE_BREAK):
            clause = sentence.text[start:end]
            items = _spans(clause, _ITEM_BREAK)
            short = sum(_content_words(clause[a:b]) <= LIST_ITEM_WORDS for a, b in items)
            # "A, B and C" or "A + B + C" is a list; "A and B and C" is usually a sentence.
            marks = len(re.findall(r",|\s/\s|&|" + _WORD_JOIN, clause))
            listed = len(items) >= 2 and (
                (len(items) >= LIST_MIN_ITEMS and marks >= 2 and short * 2 > len(items))
                or bool(_NAMING.match(clause.strip()))
            )
            for a, b in items if listed else [(0, len(clause))]:
                text = clause[a:b].strip().rstrip(",;:").rstrip()
                if not text:
                    continue
                offset = sentence.start + start + a + clause[a:b].index(text)
                tokens = tuple(t for t in sentence.tokens if not _is_cue(t) and offset <= t.start < offset + len(text))
                stems = frozenset(t.stem for t in tokens)
                if any(_is_number(t) for t in tokens):
                    stems |= {NUMBER}
                units.append(Unit(text, offset, answer_index, tokens, listed, stems))
    return units


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, position = [], 0
    for match in pattern.finditer(text):
        if match.start() > position:
            spans.append((position, match.start()))
        position = match.end()
    if position < len(text):
        spans.append((position, len(text)))
    return spans


def _content_words(text: str) -> int:
    return sum(not t.is_stop for t in tokenize(text))


def _is_number(token: Token) -> bool:
    return any(c.isdigit() for c in token.stem)


def find_alternative(alternative: Alternative, tokens: tuple[Token, ...]) -> tuple[Token, ...] | None:
    """The tokens of ``alternative`` in order, at most three other words apart; None if absent."""
    stems = alternative.stems
    if not stems:
        return ()
    if stems == (NUMBER,):
        return next(((t,) for t in tokens if _is_number(t)), None)
    reach = 2 if alternative.formula else 5  # a formula's tokens stand in a row
    for i, token in enumerate(tokens):
        if token.stem != stems[0]:
            continue
        found, j = [token], i
        for stem in stems[1:]:
            nxt = next((k for k in range(j + 1, min(len(tokens), j + reach)) if tokens[k].stem == stem), None)
            if nxt is None:
                break
            found.append(tokens[nxt])
            j = nxt
        else:
            return tuple(found)
    return None


def match_in_unit(pattern: ClaimPattern, unit: Unit, subject: frozenset[str] = frozenset()) -> ClaimMatch | None:
    """Whether ``unit`` makes the claim (or states its opposite); None when the terms are not bound there.

    ``subject``: the question's words. In a clause with a pronoun ("it drops the reference model"),
    the pattern's first group - its subject - may be met by them: the pronoun stands for what the
    question asks about."""
    implicit = unit.refers_back and bool(subject)
    for n, group in enumerate(pattern.required):  # cheap rejection: a group none of whose words occur
        if not any(not a.stems or a.stems[0] in unit.stems for a in group.alternatives) and not (implicit and n == 0):
            return None
    matched: list[Token] = []
    negative = False
    # An excluded group ("!batch norm") vetoes the clause: the claim is not read where the contrast
    # the pattern guards against is present.
    tokens = unit.tokens
    for group in pattern.groups:
        if group.excluded and any(a.stems and find_alternative(a, tokens) is not None for a in group.alternatives):
            return None
    for group in pattern.groups:
        if group.excluded:
            continue
        hit: tuple[Token, ...] | None = None
        chosen: Alternative | None = None
        # Each group needs words of its own: "batch norm" cannot be both the subject and "normalizes".
        free = tuple(t for t in tokens if all(t is not m for m in matched))
        for alternative in group.alternatives:
            hit = find_alternative(alternative, free)
            if hit is not None and (alternative.stems or alternative.negative):
                chosen = alternative
                break
            hit = None
        if (hit is None or chosen is None) and implicit and any(a.stems and set(a.stems) <= subject for a in group.alternatives):
            implicit = False
            continue
        implicit = False  # only the first group (the claim's subject) can be meant by a pronoun
        if hit is None or chosen is None:
            return None
        matched.extend(hit)
        negative = negative or chosen.negative
    if not matched and not negative:
        return None
    said_negatively = any(t.negated for t in matched) or (negative and not matched and _negated(unit))
    return ClaimMatch(unit, said_negatively != negative, tuple(matched))


def _negated(unit: Unit) -> bool:
    return any(t.negated for t in unit.tokens if not t.is_stop)


def find_claim(
    patterns: tuple[str, ...], units: list[Unit], *, lists_count: bool = False, subject: frozenset[str] = frozenset(),
) -> tuple[ClaimMatch | None, ClaimMatch | None]:
    """(first unit making the claim, first unit contradicting it) over the answer's units.

    Items of a list of terms make no claim (``lists_count`` keeps them, for misconceptions stated
    as a list item such as "..., and layer norm averages over the batch")."""
    made: ClaimMatch | None = None
    contradicted: ClaimMatch | None = None
    for unit in units:
        if unit.listed and not lists_count and unit.content_words <= LIST_ITEM_WORDS:
            continue
        for source in patterns:
            pattern = compile_claim(source)
            if len(pattern.required) < 1:
                continue
            found = match_in_unit(pattern, unit, subject)
            if found is None:
                continue
            if found.contradicted:
                contradicted = contradicted or found
            else:
                made = made or found
        if made is not None:
            break
    return made, contradicted
