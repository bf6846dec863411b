"""Turning an assessment into 0-5 criterion scores.

Criterion ids differ between topics, so each criterion is mapped by what its id says: "correct..."
leans on weighted coverage minus contradictions, "depth" on breadth and substantive length,
"practical" on practice vocabulary plus coverage, "clarity" on structure and length sanity. Any
other id falls back to coverage. Every criterion is capped by how relevant the answer is, so an
off-topic but well-written answer still scores 0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from app.examiners.offline.assessment import Assessment

# Blended coverage (see _coverage_level) at which correctness reaches 5: answers rarely reuse more than
# a third of a model answer's vocabulary. Tuned on the SAF training split for agreement (QWK).
FULL_COVERAGE = 0.3
# Share of key-point coverage in the coverage blend, and weight of word pairs within the rest.
KEY_POINT_SHARE = 0.2
BIGRAM_SHARE = 0.3
# Content words of substance at which length stops adding depth.
DEPTH_WORDS = 45
# Below this coverage nothing in the answer is treated as relevant.
RELEVANCE_FLOOR = 0.05
# ...unless the answer paraphrases the model answer well enough for the continuous score to notice.
RELEVANCE_FLOOR_SCORE = 0.15


def _level(value: float) -> int:
    return max(0, min(5, int(value * 5 + 0.5)))


def _coverage_level(a: Assessment) -> float:
    """0-1: key-point coverage blended with whole-answer vocabulary and word-pair coverage.

    Key points decide most of it; the vocabulary terms give partial credit for paraphrases spread
    over several sentences. Weights were tuned on the SAF training split (see `viva eval`).
    """
    return min(1.0, _blend(a) / FULL_COVERAGE)


def _blend(a: Assessment) -> float:
    return KEY_POINT_SHARE * a.coverage + (1 - KEY_POINT_SHARE) * (a.vocabulary + BIGRAM_SHARE * a.bigrams)


# Every criterion is anchored on the continuous score (the measure `viva eval` validates against human
# grades), so the overall a candidate sees is the validated number; each criterion then moves by what
# it is about.


def correctness(a: Assessment) -> int:
    return _level(continuous_score(a))


def depth(a: Assessment) -> int:
    length = min(1.0, a.substantive_words / DEPTH_WORDS)
    return _level(0.7 * continuous_score(a) + 0.3 * a.breadth * length)


def practical(a: Assessment) -> int:
    q = continuous_score(a)
    vocabulary = min(1.0, a.practical_terms / 3)
    return _level(0.8 * q + 0.2 * vocabulary * min(1.0, 2 * q))


def clarity(a: Assessment) -> int:
    if a.substantive_words == 0:
        return 0
    level = 3
    if a.substantive_share >= 0.6 and a.substantive_words >= 8:
        level += 1
    if a.substantive_share >= 0.8 and _coverage_level(a) >= 0.6:
        level += 1
    if a.total_words > 250 or a.substantive_share < 0.3:
        level -= 1  # rambling or mostly off the point
    # Clarity without content is not worth much: never more than two levels above correctness.
    return max(0, min(level, correctness(a) + 2))


def _criterion_rule(criterion_id: str) -> Callable[[Assessment], int]:
    rules: list[tuple[str, Callable[[Assessment], int]]] = [
        ("correct", correctness),
        ("accura", correctness),
        ("depth", depth),
        ("complete", depth),
        ("practic", practical),
        ("applied", practical),
        ("clarity", clarity),
        ("communicat", clarity),
    ]
    for marker, rule in rules:
        if marker in criterion_id:
            return rule
    return lambda a: _level(_coverage_level(a))


def criterion_scores(a: Assessment, criterion_ids: list[str]) -> dict[str, int]:
    """Score every criterion 0-5; non-answers and off-topic answers get 0, restatements at most 1."""
    if not a.scorable or (a.coverage < RELEVANCE_FLOOR and continuous_score(a) < RELEVANCE_FLOOR_SCORE):
        return {cid: 0 for cid in criterion_ids}
    scores = {cid: _criterion_rule(cid)(a) for cid in criterion_ids}
    if "restates_question" in a.flags:
        scores = {cid: min(1, s) for cid, s in scores.items()}
    return scores


# The continuous score is a logistic blend of general (question-independent) features of an
# assessment. The coefficients were fit by bench/fit_lodo.py on four human-graded datasets from
# different domains (../shared/datasets: networking, electricity, school science, statistics), each
# weighted equally, and validated leave-one-dataset-out: each dataset's figures in the README come
# from weights fit on the other three. No question ids or texts are involved.
FEATURE_NAMES = (
    "bias",
    "sqrt_recall",  # sqrt of the share of the model answer's distinct content words used
    "sqrt_recall_beyond_question",  # the same over the words the question does not already give
    "log_answer_words",  # log(1 + content words of the answer in sentences that bear on a key point)
    "precision",  # share of the answer's content words that belong to the model answer or question
    "sqrt_vocabulary",  # sqrt of the IDF-weighted share of the model answer's vocabulary used
    "sqrt_bigrams",  # sqrt of the share of the model answer's word pairs used
    "sqrt_coverage",  # sqrt of the weighted coverage of the (derived) key points
    "breadth",  # share of key points fully covered
    "length_ratio",  # log of answer words over model-answer words
    "log_weight",  # log(1 + summed IDF weight of the model-answer words used)
    "log_reference",  # log(1 + model-answer words): long references are rarely covered in full
    # log(1 + distinct content words of the answer) * log_reference: against a long reference, a fuller
    # answer says more (distinct words, so repeating a sentence adds nothing)
    "distinct_words_x_reference",
)
# Ceiling on the score of an answer that makes none of an authored rubric's key points (see rubric_ceiling).
RUBRIC_FLOOR = 0.15
FULL_POINT_SHARE = 0.75
DERIVED_POINT = re.compile(r"point-\d+")
# Highest score of an answer that only lists terms (flag term_list): 1 of 5, like restating the question.
TERM_LIST_CAP = 0.2
# Share of the score lost per unit of contradicted key-point weight (a rule, not fit).
CONTRADICTION_PENALTY = 0.3
SCORE_MODEL = (0.202, 0.265, 0.61, -0.151, 0.427, -0.934, 0.743, -0.497, 0.412, 0.396, 0.749, -0.546, 0.088)


def score_features(a: Assessment) -> tuple[float, ...]:
    """The features of `continuous_score`, in the order of FEATURE_NAMES."""
    return (
        1.0,
        math.sqrt(a.recall),
        math.sqrt(a.recall_beyond_question),
        math.log1p(a.substantive_words),
        a.precision,
        math.sqrt(a.vocabulary),
        math.sqrt(a.bigrams),
        math.sqrt(a.coverage),
        a.breadth,
        math.log((a.substantive_words + 1) / (a.reference_words + 1)),
        math.log1p(a.matched_weight),
        math.log(a.reference_words + 1),
        math.log1p(len(a.answered_stems)) * math.log(a.reference_words + 1),
    )


def model_score(a: Assessment, weights: tuple[float, ...] = SCORE_MODEL) -> float:
    """The logistic blend of `score_features` (0-1), before the non-answer and restatement rules."""
    z = sum(w * f for w, f in zip(weights, score_features(a)))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def continuous_score(a: Assessment) -> float:
    """A 0-1 estimate of answer quality without the rounding of criterion levels (used by `viva eval`)."""
    if not a.scorable:
        return 0.0
    # Rules the data cannot teach (too rare in it): contradicting key points and restating the question cost.
    penalty = 1.0 - CONTRADICTION_PENALTY * a.contradicted
    score = min(model_score(a), rubric_ceiling(a))
    if "term_list" in a.flags:
        score = min(score, TERM_LIST_CAP)  # naming the right terms without explaining them is not an answer
    return score * penalty * (0.2 if "restates_question" in a.flags else 1.0)


def rubric_ceiling(a: Assessment) -> float:
    """Where a question's key points were written by a rubric author, the grade cannot run ahead of
    how many of them the answer makes: the fitted blend rewards fluent vocabulary, the rubric says what
    must be said. Derived key points (split from a bare model answer, as in `viva eval`) set no ceiling."""
    if all(DERIVED_POINT.fullmatch(p.key_point.id) for p, _ in a.matches):
        return 1.0
    total = sum(p.key_point.weight for p, _ in a.matches) or 1
    made = sum(p.key_point.weight for p, m in a.matches if m.credit >= 1.0) / total
    # Points made in full count most; partial matches (a shared word or two, common within a topic)
    # count a little, so an answer to a neighbouring question does not pass for this one.
    return RUBRIC_FLOOR + (1.0 - RUBRIC_FLOOR) * (FULL_POINT_SHARE * made + (1 - FULL_POINT_SHARE) * a.coverage)
