"""Matching a question's key points against the sentences of a candidate's answers.

A key point is covered when one of its phrasings (or its own text) is found in ONE sentence of an
answer: the phrasing's content stems are looked up in the sentence regardless of order, each stem
weighted by how informative it is. Words that merely repeat the question prompt weigh little, so
restating the question earns (almost) nothing. A match whose words carry the opposite polarity
("X is not convex" against "X is convex") is a contradiction, not a cover.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from app.bank.schema import KeyPoint, Question
from app.examiners.offline.text import Sentence, Token, clause_span, tokenize

# Weight of a stem that already occurs in the question prompt: saying it back earns little.
PROMPT_WORD_WEIGHT = 0.15
# Same idea for the whole-answer vocabulary measure (tuned on the SAF training split).
VOCABULARY_PROMPT_WEIGHT = 0.1
# Share of a phrasing's weight that must be found for a full cover, by phrasing length in stems.
FULL_COVER_SHARE = {1: 1.0, 2: 1.0, 3: 0.66}
LONG_PHRASING_SHARE = 0.55
# Below this share a sentence earns no partial credit for the phrasing.
PARTIAL_FLOOR = 0.2
# Share of the matched weight with flipped polarity that makes a match a contradiction.
CONTRADICTION_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Phrasing:
    """A wording of a key point reduced to its weighted content stems and their polarity."""

    stems: tuple[str, ...]
    weights: tuple[float, ...]
    negated: tuple[bool, ...]
    full_share: float

    @property
    def total(self) -> float:
        return sum(self.weights)


@dataclass(frozen=True, slots=True)
class PointProfile:
    key_point: KeyPoint
    phrasings: tuple[Phrasing, ...]


@dataclass(frozen=True, slots=True)
class QuestionProfile:
    """Everything about a question that grading needs, computed once per question."""

    points: tuple[PointProfile, ...]
    prompt_stems: frozenset[str]
    stem_weights: dict[str, float]  # informativeness of every stem used by the key points
    vocabulary: dict[str, float]  # model-answer stem -> weight (corpus IDF, prompt words discounted)
    bigrams: frozenset[tuple[str, str]]  # adjacent content-stem pairs of the model answer
    reference_words: int = 0  # content words of the model answer (its length, for length-relative measures)


@dataclass(frozen=True, slots=True)
class PointMatch:
    """The best evidence found for one key point."""

    credit: float  # 0-1: share of the point found, scaled so a full cover is 1
    contradicted: bool
    answer_index: int = -1
    quote: str = ""
    matched_stems: frozenset[str] = frozenset()


def _content(tokens: tuple[Token, ...]) -> list[Token]:
    return [t for t in tokens if not t.is_stop]


def _stem_weights(question: Question, prompt_stems: frozenset[str]) -> dict[str, float]:
    """IDF-like weight per stem over the question's key points; prompt words are discounted.

    A stem found in every key point (e.g. the topic's own name) says little about which point an
    answer makes, so it weighs less than a stem unique to one point.
    """
    texts = [kp.text + " " + " ".join(kp.phrasings) for kp in question.key_points]
    doc_freq: Counter[str] = Counter()
    for text in texts:
        doc_freq.update({t.stem for t in _content(tokenize(text))})
    n_docs = max(1, len(texts))
    weights = {}
    for stem_, df in doc_freq.items():
        idf = 0.5 + math.log(1 + n_docs / df) / math.log(1 + n_docs) if n_docs > 1 else 1.0
        weights[stem_] = idf * (PROMPT_WORD_WEIGHT if stem_ in prompt_stems else 1.0)
    return weights


def _phrasing(text: str, weights: dict[str, float]) -> Phrasing | None:
    seen: dict[str, bool] = {}
    for token in _content(tokenize(text)):
        seen.setdefault(token.stem, token.negated)
    if not seen:
        return None
    stems = tuple(seen)
    share = FULL_COVER_SHARE.get(len(stems), LONG_PHRASING_SHARE)
    return Phrasing(stems, tuple(weights.get(s, 1.0) for s in stems), tuple(seen.values()), share)


@lru_cache(maxsize=64)
def corpus_frequencies(questions: tuple[Question, ...]) -> tuple[int, dict[str, int]]:
    """(number of questions, stem -> number of questions whose prompt or model answer use it)."""
    freq: Counter[str] = Counter()
    for q in questions:
        freq.update({t.stem for t in _content(tokenize(q.prompt + "\n" + q.model_answer))})
    return len(questions), dict(freq)


def _vocabulary(question: Question, prompt_stems: frozenset[str], corpus: tuple[Question, ...]) -> dict[str, float]:
    """Weight of each model-answer stem: rarer across the topic's questions = more telling.

    A stem every question uses ("network", "model") says little about this answer's content.
    """
    n_docs, freq = corpus_frequencies(corpus)
    vocabulary: dict[str, float] = {}
    for token in _content(tokenize(question.model_answer + "\n" + "\n".join(kp.text for kp in question.key_points))):
        idf = math.log(1 + max(n_docs, 1) / max(1, freq.get(token.stem, 0)))
        vocabulary[token.stem] = idf * (VOCABULARY_PROMPT_WEIGHT if token.stem in prompt_stems else 1.0)
    return vocabulary


@lru_cache(maxsize=2048)
def question_profile(question: Question, corpus: tuple[Question, ...] = ()) -> QuestionProfile:
    """Precompute stems and weights for a (frozen, hashable) question within its topic's questions."""
    prompt_stems = frozenset(t.stem for t in _content(tokenize(question.prompt)))
    weights = _stem_weights(question, prompt_stems)
    points = []
    for kp in question.key_points:
        phrasings = [p for p in (_phrasing(x, weights) for x in (kp.text, *kp.phrasings)) if p]
        points.append(PointProfile(kp, tuple(phrasings)))
    answer_stems = [t.stem for t in _content(tokenize(question.model_answer))]
    bigrams = frozenset(zip(answer_stems, answer_stems[1:]))
    vocabulary = _vocabulary(question, prompt_stems, corpus or (question,))
    return QuestionProfile(tuple(points), prompt_stems, weights, vocabulary, bigrams, len(answer_stems))


def vocabulary_coverage(profile: QuestionProfile, stems: set[str]) -> float:
    """Weighted share of the model answer's vocabulary found anywhere in the answers (order-free)."""
    total = sum(profile.vocabulary.values())
    return sum(w for s, w in profile.vocabulary.items() if s in stems) / total if total else 0.0


def matched_vocabulary(profile: QuestionProfile, stems: set[str]) -> tuple[float, int]:
    """(summed weight of the model-answer stems found, number of them that are not prompt words)."""
    found = [s for s in profile.vocabulary if s in stems]
    return sum(profile.vocabulary[s] for s in found), sum(s not in profile.prompt_stems for s in found)


def bigram_coverage(profile: QuestionProfile, bigrams: set[tuple[str, str]]) -> float:
    """Share of the model answer's adjacent stem pairs that the answers also use."""
    return len(profile.bigrams & bigrams) / len(profile.bigrams) if profile.bigrams else 0.0


@dataclass(frozen=True, slots=True)
class IndexedSentence:
    """A sentence with its content tokens indexed by stem (first occurrence), built once per grade."""

    sentence: Sentence
    by_stem: dict[str, Token]

    @classmethod
    def of(cls, sentence: Sentence) -> "IndexedSentence":
        by_stem: dict[str, Token] = {}
        for token in sentence.tokens:
            if not token.is_stop:
                by_stem.setdefault(token.stem, token)
        return cls(sentence, by_stem)


def _score_sentence(phrasing: Phrasing, indexed: IndexedSentence, echo: frozenset[str]) -> tuple[float, bool, list[Token]]:
    """(credit, contradicted, matched tokens) for one phrasing in one sentence."""
    by_stem = indexed.by_stem
    if by_stem.keys().isdisjoint(phrasing.stems):
        return 0.0, False, []
    found = flipped = 0.0
    matched: list[Token] = []
    for stem_, weight, negated in zip(phrasing.stems, phrasing.weights, phrasing.negated):
        token = by_stem.get(stem_)
        if token is None:
            continue
        weight = weight * PROMPT_WORD_WEIGHT if stem_ in echo else weight
        found += weight
        matched.append(token)
        if token.negated != negated:
            flipped += weight
    share = found / phrasing.total if phrasing.total else 0.0
    if share < PARTIAL_FLOOR:
        return 0.0, False, []
    contradicted = found > 0 and flipped / found >= CONTRADICTION_SHARE
    credit = min(1.0, (share - PARTIAL_FLOOR) / (phrasing.full_share - PARTIAL_FLOOR)) if share < phrasing.full_share else 1.0
    return credit, contradicted, matched


def _quote(sentence: Sentence, matched: list[Token]) -> str:
    """The sentence, or for a long one the clause(s) around the matched words - exact source text."""
    if len(sentence.text) <= 160:
        return sentence.text
    lo = min(t.start for t in matched) - sentence.start
    hi = max(t.end for t in matched) - sentence.start
    left, right = clause_span(sentence.text, lo, hi)
    return sentence.text[left:right].strip() or sentence.text


def match_point(
    point: PointProfile, answers: list[list[IndexedSentence]], echoes: list[frozenset[str]]
) -> PointMatch:
    """Best match of a key point over every sentence of every answer (ties: earliest wins)."""
    best = PointMatch(0.0, False)
    worst_contradiction: PointMatch | None = None
    for index, sentences in enumerate(answers):
        for indexed in sentences:
            sentence = indexed.sentence
            for phrasing in point.phrasings:
                credit, contradicted, matched = _score_sentence(phrasing, indexed, echoes[index])
                if not matched:
                    continue
                if contradicted:
                    if credit >= 1.0 and worst_contradiction is None:
                        worst_contradiction = PointMatch(0.0, True, index, _quote(sentence, matched))
                    continue
                if credit > best.credit:
                    stems = frozenset(t.stem for t in matched)
                    best = PointMatch(credit, False, index, _quote(sentence, matched), stems)
    if best.credit < 1.0 and worst_contradiction is not None:
        return worst_contradiction
    return best
