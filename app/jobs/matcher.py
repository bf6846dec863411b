"""A posting -> what it asks for: weighted topics, question types, roles and seniority, each with the
posting's words as evidence. Offline and deterministic: the same posting always reads the same.

Evidence comes from two sources. Curated cues (``cues.py``) are the strong signal: each distinct cue
found adds its weights (a cue found again adds a little more, not as much again). The bank's own words
(``vocabulary.py``) add the rest, scaled down: they are many and each says less.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from app.bank.loader import QuestionBank
from app.jobs.cues import CUES, OTHERS_LEVEL, YEARS, Cue
from app.jobs.text import Posting, terms
from app.jobs.vocabulary import vocabulary_of

CUE_WEIGHT = 1.0
BANK_WEIGHT = 0.5
REPEAT_BONUS, MAX_REPEATS = 0.25, 4  # a cue found n times counts 1 + 0.25 (n - 1), at most 2 times
MAX_PHRASE_CHARS = 80  # longer than any cue phrase as a posting may space it
DENSITY_WINDOW = 60  # characters either side of a match where other cues make it the better quote
TITLE_BONUS = 2.0  # a role or level named in the first line (the title) counts double
# A posting "matches" when its technical evidence adds up to at least one strong cue and then some;
# "good communication skills" alone is not an ML role.
MIN_TOP_WEIGHT, MIN_TOTAL_WEIGHT = 1.0, 2.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """Words of the posting behind a weight."""

    quote: str
    weight: float
    start: int
    curated: bool = True  # from a cue (quoted first), not from the bank's vocabulary


@dataclass
class Weighed:
    """Weights by name (topic id, type, role, level), each with its evidence, strongest first."""

    weights: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    evidence: dict[str, list[Evidence]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, weight: float, evidence: Evidence) -> None:
        self.weights[name] += weight
        held = self.evidence[name]
        new = evidence.quote.lower()
        # One quote per place: "offline evaluation and online A/B tests" is already in "Own offline evaluation..."
        if all(new not in e.quote.lower() and e.quote.lower() not in new for e in held):
            held.append(evidence)

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(((n, w) for n, w in self.weights.items() if w > 0), key=lambda nw: (-nw[1], nw[0]))

    def quotes(self, name: str, limit: int = 2) -> list[str]:
        """The strongest curated evidence: the bank's words only refine weights (a posting's "optimize"
        is no reason to ask about optimizers)."""
        best = sorted((e for e in self.evidence.get(name, []) if e.curated), key=lambda e: (-e.weight, e.start))
        return [e.quote for e in best[:limit]]


@dataclass
class PostingAnalysis:
    posting: Posting
    topics: Weighed
    types: Weighed
    roles: Weighed
    seniority: Weighed
    wanted: set[str]  # the posting's terms and those its cues imply: what questions are ranked by
    curated: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # topic -> weight from cues

    @property
    def matched(self) -> bool:
        """The bank's words alone can meet a cake recipe ("plan", "daily"): a match needs curated
        evidence of ML work besides communication, and enough evidence in all."""
        technical = [w for t, w in self.curated.items() if t != "communication"]
        total = sum(w for _, w in self.topics.ranked())
        return max(technical, default=0.0) >= MIN_TOP_WEIGHT and total >= MIN_TOTAL_WEIGHT

    def role(self) -> str | None:
        """The role the posting is for: the best-evidenced one, if the evidence is clear."""
        ranked = self.roles.ranked()
        if not ranked or ranked[0][1] < 1.0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0][0]

    def level(self) -> str | None:
        ranked = self.seniority.ranked()
        if not ranked or ranked[0][1] < 0.8 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0][0]


def analyse(text: str, bank: QuestionBank) -> PostingAnalysis:
    posting = Posting.of(text)
    title_end = _first_line_end(posting.original)
    analysis = PostingAnalysis(posting, Weighed(), Weighed(), Weighed(), Weighed(), set())
    matches = _cue_matches(posting.normalised)
    starts = sorted(s for _, spans in matches for s, _ in spans)
    for cue, spans in matches:
        factor = CUE_WEIGHT * (1 + REPEAT_BONUS * min(len(spans) - 1, MAX_REPEATS))
        # Quote the place where the posting says most (other cues close by), the earliest of equals.
        start, end = max(spans, key=lambda span: (
            bisect_right(starts, span[0] + DENSITY_WINDOW) - bisect_left(starts, span[0] - DENSITY_WINDOW), -span[0]))
        evidence = Evidence(posting.quote(start, end), 0.0, start)
        in_title = any(s < title_end for s, _ in spans)
        for topic, weight in cue.topics.items():
            if topic in bank.topics:
                analysis.topics.add(topic, weight * factor, _weighed(evidence, weight * factor))
                analysis.curated[topic] += weight * factor
        for kind, weight in cue.types.items():
            analysis.types.add(kind, weight * factor, _weighed(evidence, weight * factor))
        for role, weight in cue.roles.items():
            boost = TITLE_BONUS if in_title else 1.0
            analysis.roles.add(role, weight * boost, _weighed(evidence, weight * boost))
        for level, weight in cue.seniority.items():
            boost = TITLE_BONUS if in_title else 1.0
            analysis.seniority.add(level, weight * boost, _weighed(evidence, weight * boost))
        for phrase in cue.terms:
            analysis.wanted.update(terms(phrase))
    _years(posting, analysis)
    vocabulary = vocabulary_of(bank)
    found = set(terms(posting.normalised))
    analysis.wanted |= found
    for term in sorted(found):
        for topic, weight in vocabulary.topic_evidence(term).items():
            span = _locate(posting.normalised, term)
            if span is not None:
                quote = posting.quote(*span, context_words=3)
                analysis.topics.add(topic, BANK_WEIGHT * weight, Evidence(quote, BANK_WEIGHT * weight, span[0], curated=False))
    return analysis


def _weighed(evidence: Evidence, weight: float) -> Evidence:
    return Evidence(evidence.quote, weight, evidence.start)


def _cue_matches(normalised: str) -> list[tuple[Cue, list[tuple[int, int]]]]:
    """Each cue found, with its spans; a span inside a longer span of another cue is that cue's
    ("testing" in "A/B testing" is the experiment, not unit tests), and a level named after
    "mentor" or "with" is someone else's."""
    found = sorted(((m.start(), m.end(), i) for i, c in enumerate(CUES) for m in c.pattern.finditer(normalised)))
    starts = [s for s, _, _ in found]
    kept: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start, end, i in found:
        # Phrases are short: only a match starting shortly before can hold this one.
        near = found[bisect_left(starts, start - MAX_PHRASE_CHARS):bisect_right(starts, start)]
        inside = any(j != i and s <= start and end <= e and (e - s) > (end - start) for s, e, j in near)
        if inside or (CUES[i].seniority and OTHERS_LEVEL.search(normalised[max(0, start - 30):start])):
            continue
        kept[i].append((start, end))
    return [(CUES[i], spans) for i, spans in sorted(kept.items())]


def _years(posting: Posting, analysis: PostingAnalysis) -> None:
    """"5+ years of experience" reads as senior, 2-4 as mid-level, fewer as junior (the most asked wins)."""
    most: tuple[int, int, int] | None = None
    for m in YEARS.finditer(posting.normalised):
        years = int(m.group(1))
        if years <= 20 and (most is None or years > most[0]):
            most = (years, m.start(), m.end())
    if most is None:
        return
    years, start, end = most
    level = "senior" if years >= 5 else "mid" if years >= 2 else "junior"
    analysis.seniority.add(level, 0.8, Evidence(posting.quote(start, end, context_words=3), 0.8, start))


def _locate(normalised: str, term: str) -> tuple[int, int] | None:
    """Where a (stemmed) term of the posting first occurs, for quoting."""
    words = [re.escape(w[:-1] if len(w) > 3 and w.endswith("y") else w) + r"[a-z]*" for w in term.split()]
    m = re.search(r"(?<![a-z0-9])" + r"\s+".join(words), normalised)
    return (m.start(), m.end()) if m else None


def _first_line_end(text: str) -> int:
    stripped = len(text) - len(text.lstrip())
    newline = text.find("\n", stripped)
    return len(text) if newline < 0 else newline
