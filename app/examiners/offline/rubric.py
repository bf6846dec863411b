"""Grading against an authored rubric: key points as claims, misconceptions as data.

The grade follows what the answer claims, not the words it uses:
- a key point is credited where one unit (clause or list item) makes its claim (``claims.py``);
- a misconception the answer states removes the credit of the key point it contradicts and caps the
  grade (correctness at most 2 of 5);
- stating the opposite of a key point is a contradiction and caps the grade too;
- an answer that fits another question of the topic far better than this one (a neighbouring
  question's answer) is capped near 0.
The overall grade is an S-curve of the key-point weight made (``grade_curve``): one core claim alone
is a partial answer, the core claims said tersely are most of the grade, and further points add less.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from app.bank.schema import KeyPoint, Misconception, Question
from app.examiners.checks import VALUE_WEIGHT, EstimateCheck, StatedRedFlag, check_estimate, red_flags_in
from app.examiners.offline.claims import ClaimMatch, Unit, find_alternative, compile_claim, find_claim, units_of
from app.examiners.offline.assessment import restates, term_run
from app.examiners.offline.guards import is_non_answer, strip_instructions
from app.examiners.offline.text import Sentence, content_stems, split_sentences

# Overall = 5 * grade_curve(made). ``made`` blends the share of squared key-point weight credited
# (squaring makes the core, weight-3, claims count most) with the share of key points made (so one
# core claim alone stays a partial answer). Chosen on the kinds of the shipped exemplars.
CURVE_CENTRE = 0.3
CURVE_STEEPNESS = 8.0
WEIGHT_POWER = 2.0
WEIGHTED_SHARE = 0.6
# The highest overall with a stated misconception (correctness capped at 2 of 5), and what each
# misconception or contradiction costs on top (a wrong claim weighs more than a missing one).
MISCONCEPTION_CAP = 2.0
# ... and with a misconception the candidate put right when a follow-up probed it.
CORRECTED_CAP = 3.5
ERROR_COST = 0.5
CONTRADICTION_CAP = 2.5
# An answer whose words fit another question of the topic this much better than this one answers
# that question: its grade is capped here.
OFF_QUESTION_RATIO = 1.6
OFF_QUESTION_CAP = 0.5
RESTATE_CAP = 1.0
STRUCTURED_TYPES = frozenset({"code-review", "design", "behavioural"})
NAMING_CAP = 0.8
TERM_RUN_CAP = 1.0


@dataclass(frozen=True, slots=True)
class PointResult:
    key_point: KeyPoint
    made: ClaimMatch | None
    contradicted: ClaimMatch | None
    misconception: Misconception | None = None

    @property
    def credited(self) -> bool:
        return self.made is not None and self.misconception is None


@dataclass(frozen=True, slots=True)
class StatedMisconception:
    misconception: Misconception
    match: ClaimMatch


@dataclass
class RubricAssessment:
    points: list[PointResult] = field(default_factory=list)
    misconceptions: list[StatedMisconception] = field(default_factory=list)
    corrected: list[StatedMisconception] = field(default_factory=list)  # stated, then put right later
    estimate: EstimateCheck | None = None
    red_flags: list[StatedRedFlag] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    made_share: float = 0.0
    overall: float = 0.0

    @property
    def contradictions(self) -> list[PointResult]:
        return [p for p in self.points if p.contradicted is not None and p.made is None and p.misconception is None]


def grade_curve(made: float) -> float:
    """0-1 from the share of (squared) key-point weight made: an S-curve, so one core claim alone is a
    partial answer and the core claims together are most of the grade."""
    low, high = _logistic(-CURVE_STEEPNESS * CURVE_CENTRE), _logistic(CURVE_STEEPNESS * (1 - CURVE_CENTRE))
    return (_logistic(CURVE_STEEPNESS * (made - CURVE_CENTRE)) - low) / (high - low)


def _logistic(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def has_claims(question: Question) -> bool:
    """True when the question's key points are authored claims (graded by this module)."""
    return any(kp.phrasings for kp in question.key_points)


def assess_claims(question: Question, topic_questions: tuple[Question, ...], answers: list[str], echoes: list[str]) -> RubricAssessment:
    result = RubricAssessment()
    if all(not a.strip() for a in answers):
        result.flags.append("empty_answer")
    elif all(is_non_answer(a) for a in answers):
        result.flags.append("no_answer")
    if result.flags:
        result.points = [PointResult(kp, None, None) for kp in question.key_points]
        return result
    units: list[Unit] = []
    sentences_of: list[Sentence] = []
    for index, answer in enumerate(answers):
        if is_non_answer(answer):
            continue
        sentences, removed = strip_instructions(split_sentences(answer))
        if removed and "instructions_ignored" not in result.flags:
            result.flags.append("instructions_ignored")
        units.extend(units_of(sentences, index))
        sentences_of.extend(sentences)

    subject = _subject(question.prompt)
    for misconception in question.misconceptions:
        stated, _ = find_claim(misconception.patterns, units, lists_count=True)
        if stated is not None:
            result.misconceptions.append(StatedMisconception(misconception, stated))
    stated_against = {m.misconception.contradicts: m for m in result.misconceptions}
    for kp in question.key_points:
        made, contradicted = find_claim(kp.phrasings or (kp.text,), units, subject=subject)
        if question.bugs:
            # In a code review, saying the fix is missing ("the optimizer state isn't saved") names the
            # bug; it does not contradict the fix. Wrong claims are caught as misconceptions instead.
            contradicted = None
        against = stated_against.get(kp.id)
        if against is not None and made is not None and made.unit.answer_index > against.match.unit.answer_index:
            # Put right in a later answer of the thread (usually the follow-up that probed it).
            result.corrected.append(against)
            against = None
        result.points.append(PointResult(kp, made, contradicted, against.misconception if against else None))
    result.misconceptions = [m for m in result.misconceptions if m not in result.corrected]

    total = sum(p.key_point.weight ** WEIGHT_POWER for p in result.points)
    weighted = sum(p.key_point.weight ** WEIGHT_POWER for p in result.points if p.credited)
    made, count = sum(p.credited for p in result.points), len(result.points)
    result.estimate = check_estimate(question, answers)
    if result.estimate is not None:
        # The figure is a core key point of its own, credited by how far off it is (``checks.py``).
        total += VALUE_WEIGHT ** WEIGHT_POWER
        weighted += VALUE_WEIGHT ** WEIGHT_POWER * result.estimate.credit
        made, count = made + result.estimate.credit, count + 1
    weighted, breadth = weighted / (total or 1), made / max(1, count)
    result.made_share = WEIGHTED_SHARE * weighted + (1 - WEIGHTED_SHARE) * breadth
    # A code review, a design and a story are graded by how much of their structure the answer covers
    # (bugs found with where, symptom and fix; phases; STAR parts): half of it is half the grade, where
    # an explanation's core claims alone are most of it.
    curve = (lambda made: made) if question.type in STRUCTURED_TYPES else grade_curve
    overall = 5 * curve(result.made_share)
    errors = len(result.misconceptions) + len(result.contradictions)
    if not errors:
        # Naming the right concepts without a claim about them is worth a little (NAMING_CAP): more
        # than an answer to another question, less than one correct claim.
        named = sum(_names_terms(kp, units) for kp in question.key_points) / max(1, len(question.key_points))
        overall = max(overall, NAMING_CAP * named)
    if result.misconceptions:
        result.flags.append("misconception")
        overall = min(overall, MISCONCEPTION_CAP)
    if result.corrected:
        result.flags.append("misconception_corrected")
        overall = min(overall, CORRECTED_CAP)
    if result.contradictions:
        result.flags.append("contradicts_key_point")
        overall = min(overall, CONTRADICTION_CAP)
    if errors:
        overall = max(0.0, overall - ERROR_COST * errors)
    if result.estimate is not None and result.estimate.cap < 5.0:
        result.flags.append("no_estimate" if result.estimate.found is None else "estimate_off" if result.estimate.caps else "estimate_near")
        overall = min(overall, result.estimate.cap)
    result.red_flags = red_flags_in(question, units)
    if result.red_flags:
        result.flags.append("red_flag")
        overall = min(overall, *(r.cap for r in result.red_flags))
    listed = sum(u.listed for u in units)
    run_of_terms = term_run(sentences_of)
    if run_of_terms or (listed >= 3 and listed * 2 >= len(units)):
        # A run of terms, or an answer made mostly of lists: naming things is not explaining them.
        result.flags.append("term_list")
        if run_of_terms:
            overall = min(overall, TERM_RUN_CAP)
    said = [t.stem for u in units for t in u.tokens if not t.is_stop]
    # A code task's prompt is a specification (names, shapes, formulas) that a correct explanation of
    # the implementation has to use, so reusing its words is not restating the question there; a
    # term list and a stated misconception are still caught.
    if units and question.type != "code" and restates(said, _subject(question.prompt + " " + " ".join(echoes))):
        result.flags.append("restates_question")
        overall = min(overall, RESTATE_CAP)
    if units and off_question(question, topic_questions, said):
        result.flags.append("off_question")
        # the terms it names are the other question's, so they earn nothing here
        overall = min(5 * curve(result.made_share), OFF_QUESTION_CAP)
    result.overall = round(overall, 1)
    return result


def _names_terms(kp: KeyPoint, units: list[Unit]) -> bool:
    """True when the answer names a key point's terms somewhere (half of some phrasing's groups),
    bound in a claim or not."""
    for source in kp.phrasings:
        required = compile_claim(source).required
        found = sum(any(find_alternative(a, u.tokens) is not None for a in g.alternatives if a.stems for u in units) for g in required)
        if required and found * 2 >= len(required) and found >= 1:
            return True
    return False


@lru_cache(maxsize=4096)
def _subject(prompt: str) -> frozenset[str]:
    return frozenset(content_stems(prompt))


# Which question an answer fits: tf-idf over the topic's questions ------------------------------


@lru_cache(maxsize=64)
def _topic_vectors(questions: tuple[Question, ...]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    docs = {
        q.id: Counter(content_stems(" ".join([q.prompt, q.model_answer, *(kp.text for kp in q.key_points)])))
        for q in questions
    }
    df: Counter[str] = Counter()
    for counts in docs.values():
        df.update(counts.keys())
    idf = {s: math.log((1 + len(docs)) / (1 + n)) + 1 for s, n in df.items()}
    vectors = {qid: _unit({s: (1 + math.log(c)) * idf[s] for s, c in counts.items()}) for qid, counts in docs.items()}
    return idf, vectors


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {k: v / norm for k, v in vector.items()}


def off_question(question: Question, topic_questions: tuple[Question, ...], said: list[str]) -> bool:
    """True when an answer (its content stems, ``said``) fits another question of the topic much better
    than ``question``."""
    if len(topic_questions) < 2 or question not in topic_questions:
        return False
    idf, vectors = _topic_vectors(topic_questions)
    counts = Counter(s for s in said if s in idf)
    if not counts:
        return False
    answer = _unit({s: (1 + math.log(c)) * idf[s] for s, c in counts.items()})
    fit = {qid: sum(w * vec.get(s, 0.0) for s, w in answer.items()) for qid, vec in vectors.items()}
    own = fit[question.id]
    best = max(v for qid, v in fit.items() if qid != question.id)
    return best > OFF_QUESTION_RATIO * own
