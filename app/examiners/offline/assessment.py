"""What the offline examiner measures in a thread before it turns the measurements into scores.

The assessment is cumulative over the thread: a key point made in a follow-up answer counts for the
question. Only "substantive" sentences - those that match some key point - count towards length,
so padding an answer with unrelated text does not buy depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.examiners.base import GradingRequest
from app.examiners.offline.guards import is_non_answer, strip_instructions
from app.examiners.offline.matching import (
    IndexedSentence,
    PointMatch,
    PointProfile,
    bigram_coverage,
    match_point,
    matched_vocabulary,
    question_profile,
    vocabulary_coverage,
)
from app.examiners.offline.text import OPERATORS, Sentence, content_stems, split_sentences, stem
from app.examiners.offline.vocabulary import PRACTICAL_WORDS

_PRACTICAL_STEMS = frozenset(stem(w) for w in PRACTICAL_WORDS)
# An answer whose content words are at least this share question words, with few others, restates it.
RESTATE_SHARE = 0.7
RESTATE_MAX_NEW_WORDS = 4


@dataclass
class Assessment:
    """Measurements of one thread against one question's key points."""

    matches: list[tuple[PointProfile, PointMatch]] = field(default_factory=list)
    coverage: float = 0.0  # weight-averaged credit of the key points, 0-1
    breadth: float = 0.0  # share of key points fully covered, 0-1
    vocabulary: float = 0.0  # IDF-weighted share of the model answer's words used anywhere, 0-1
    bigrams: float = 0.0  # share of the model answer's word pairs used, 0-1
    contradicted: float = 0.0  # weight share of key points the answer contradicts, 0-1
    substantive_words: int = 0  # content words in sentences that match some key point
    total_words: int = 0  # content words in the whole (instruction-free) thread
    answered_stems: frozenset[str] = frozenset()  # every content stem the candidate used
    practical_terms: int = 0  # distinct practice words in substantive sentences
    substantive_share: float = 0.0  # share of sentences that are substantive
    matched_weight: float = 0.0  # summed IDF weight of the model answer's stems used (absolute, not a share)
    matched_terms: int = 0  # distinct model-answer stems used that are not question words
    reference_words: int = 0  # content words of the model answer
    recall: float = 0.0  # share of the model answer's distinct content words used (unweighted), 0-1
    recall_beyond_question: float = 0.0  # the same, over the model answer's words that the question lacks
    precision: float = 0.0  # share of the answer's distinct content words found in the model answer or question
    flags: list[str] = field(default_factory=list)

    @property
    def scorable(self) -> bool:
        return not {"empty_answer", "no_answer"} & set(self.flags)


# Keyword salad: sentences of at least this many words on average, with few function words.
TERM_LIST_MIN_WORDS = 20
TERM_LIST_STOP_SHARE = 0.22

def restates(words: list[str], asked: frozenset[str]) -> bool:
    """True when the answer's content stems (``words``) are mostly the question's (``asked``), with few others."""
    if not words:
        return False
    new = {w for w in words if w not in asked}
    return sum(w in asked for w in words) / len(words) >= RESTATE_SHARE and len(new) <= RESTATE_MAX_NEW_WORDS


def assess(request: GradingRequest) -> Assessment:
    """Match every key point against every answer of the thread and summarise what was found."""
    profile = question_profile(request.question, request.topic.questions)
    result = Assessment()
    answers = request.answers
    if all(not a.strip() for a in answers):
        result.flags.append("empty_answer")
    elif all(is_non_answer(a) for a in answers):
        result.flags.append("no_answer")
    if not result.scorable:
        result.matches = [(p, PointMatch(0.0, False)) for p in profile.points]
        return result

    per_answer: list[tuple[Sentence, ...]] = []
    echoes: list[frozenset[str]] = []
    for exchange in request.thread:
        sentences, removed = strip_instructions(split_sentences(exchange.answer))
        if removed and "instructions_ignored" not in result.flags:
            result.flags.append("instructions_ignored")
        per_answer.append(() if is_non_answer(exchange.answer) else sentences)
        # Words of a follow-up probe are discounted in the answer to that probe, like the question's.
        echoes.append(frozenset(content_stems(exchange.prompt)) - profile.prompt_stems)

    indexed = [[IndexedSentence.of(s) for s in sentences] for sentences in per_answer]
    result.matches = [(p, match_point(p, indexed, echoes)) for p in profile.points]
    total_weight = sum(p.key_point.weight for p in profile.points) or 1
    result.coverage = sum(p.key_point.weight * m.credit for p, m in result.matches) / total_weight
    result.contradicted = sum(p.key_point.weight for p, m in result.matches if m.contradicted) / total_weight
    result.breadth = sum(m.credit >= 1.0 for _, m in result.matches) / max(1, len(result.matches))

    every_sentence = [s for sentences in per_answer for s in sentences]
    # Only asserted words count towards vocabulary: "X is not convex" does not earn "convex".
    stems = [t.stem for s in every_sentence for t in s.content]
    result.answered_stems = frozenset(stems)
    asserted = {t.stem for s in every_sentence for t in s.content if not t.negated}
    result.vocabulary = vocabulary_coverage(profile, asserted)
    result.matched_weight, result.matched_terms = matched_vocabulary(profile, asserted)
    result.reference_words = profile.reference_words
    result.recall = sum(s in asserted for s in profile.vocabulary) / len(profile.vocabulary) if profile.vocabulary else 0.0
    beyond = [s for s in profile.vocabulary if s not in profile.prompt_stems]
    result.recall_beyond_question = sum(s in asserted for s in beyond) / len(beyond) if beyond else result.recall
    used = set(stems)
    result.precision = len(used & (set(profile.vocabulary) | profile.prompt_stems)) / len(used) if used else 0.0
    result.bigrams = bigram_coverage(profile, set(zip(stems, stems[1:])))
    matched_stems = frozenset().union(*(m.matched_stems for _, m in result.matches))
    substantive = [s for s in every_sentence if any(t.stem in matched_stems for t in s.content)]
    result.total_words = sum(len(s.content) for s in every_sentence)
    result.substantive_words = sum(len(s.content) for s in substantive)
    result.substantive_share = len(substantive) / len(every_sentence) if every_sentence else 0.0
    result.practical_terms = len({t.stem for s in substantive for t in s.content} & _PRACTICAL_STEMS)
    # Words the model answer uses too are content, not restatement ("the gap separates terminal 1" answers
    # "why is terminal 1 separated?" in the reference's own words).
    asked = (profile.prompt_stems | frozenset().union(*echoes)) - profile.vocabulary.keys()
    if restates([t.stem for s in every_sentence for t in s.content], asked):
        result.flags.append("restates_question")
    if result.contradicted:
        result.flags.append("contradicts_key_point")
    if term_run(every_sentence):
        result.flags.append("term_list")
    return result


def term_run(sentences: list[Sentence]) -> bool:
    """True for a long run of terms with almost no connecting words or punctuation ("keyword salad").
    Explanations use function words (about 40% of English prose, a quarter even in terse notes); a
    bulleted list breaks into short lines. A pasted string of key terms has neither."""
    # (operators are neither terms nor the function words of prose: left out of the count)
    tokens = [t for s in sentences for t in s.tokens if t.stem not in OPERATORS]
    if len(tokens) < TERM_LIST_MIN_WORDS or len(tokens) / len(sentences) < TERM_LIST_MIN_WORDS:
        return False
    return sum(t.is_stop for t in tokens) / len(tokens) < TERM_LIST_STOP_SHARE
