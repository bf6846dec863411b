"""The plan a job description asks for, and the reason for each of its choices.

- Topics: the best-evidenced ones (at least a quarter of the strongest's weight, four at most), or the
  candidate's own when ticked. The interview keeps its usual length (``questions_per_topic`` times three
  topics, or times the topics ticked), shared out by weight (D'Hondt: each topic at least one).
- Questions within a topic: the pool narrows to those covering most of what the posting asks for
  (shared rare words, tag areas of other weighted topics), and the more relevant go first.
- Question types: a type the posting calls for weighs more in the mix (chosen types still filter).
- Focus: role and seniority read from the posting unless the candidate chose them.

Topic choice and counts are deterministic (the preview shows what the interview will hold); only the
order of questions within a topic is shuffled by the seed, as in ``build_plan``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from app.bank.loader import QuestionBank
from app.bank.schema import Question
from app.bank.types import ROLES, SENIORITY, TYPE_LABELS
from app.engine.plan import (
    DEFAULT_TOPIC_COUNT, REALISTIC_MIX, Focus, InterviewOptions, InterviewPlan, QuestionRef, TopicPlan, build_plan,
    check_topics,
)
from app.errors import InvalidPlan
from app.jobs.explanation import PlanExplanation, PlanReason
from app.jobs.matcher import PostingAnalysis, analyse
from app.jobs.vocabulary import vocabulary_of

MAX_TOPICS = 4
RELATIVE_CUTOFF = 0.25  # a topic needs this share of the strongest topic's weight to be chosen
CHOSEN_FLOOR = 0.05  # a ticked topic the posting never mentions still gets its one question
TYPE_EMPHASIS_AT = 1.0  # a type with this much evidence is named in the reasons
RELEVANT_SHARE = 0.5  # a question within this share of the best one's relevance stays in the pool
MIN_POOL = 4
TYPE_NOUNS = {"derivation": "derivation", "estimate": "estimate", "code-review": "code-review", "design": "system-design",
              "behavioural": "behavioural", "code": "implementation (code that runs)"}


@dataclass(frozen=True, slots=True)
class TopicShare:
    topic_id: str
    questions: int


@dataclass(frozen=True, slots=True)
class JobReading:
    """What the plan takes from the posting: the analysis, the focus to use, the topics and counts."""

    analysis: PostingAnalysis
    focus: Focus
    shares: list[TopicShare]
    mix: dict[str, float]
    explanation: PlanExplanation


def read_posting(options: InterviewOptions, bank: QuestionBank) -> JobReading:
    """Everything the plan takes from ``options.job_description``, without choosing questions."""
    assert options.job_description
    check_topics(options, bank)
    analysis = analyse(options.job_description, bank)
    role, level = analysis.role(), analysis.level()
    focus = Focus(
        roles=options.focus.roles or ([role] if role else []),  # type: ignore[list-item]
        seniority=options.focus.seniority or level,  # type: ignore[arg-type]
    )
    shares = _allocate(options, bank, analysis)
    mix = {kind: share * (1 + min(analysis.types.weights.get(kind, 0.0), 2.0)) for kind, share in REALISTIC_MIX.items()}
    return JobReading(analysis, focus, shares, mix, _explain(options, bank, analysis, focus, shares))


def build_job_plan(options: InterviewOptions, bank: QuestionBank, seed: int) -> InterviewPlan:
    reading = read_posting(options, bank)
    used = options.model_copy(update={"focus": reading.focus})
    if not reading.shares:  # nothing matched and nothing ticked: the balanced default, said as such
        plan = build_plan(used.model_copy(update={"job_description": None}), bank, seed)
        return plan.model_copy(update={"options": used, "explanation": reading.explanation})
    rng = random.Random(seed)
    vocabulary = vocabulary_of(bank)
    weights = dict(reading.analysis.topics.weights)
    top = max(weights.values(), default=1.0) or 1.0
    topics = []
    for share in reading.shares:
        pool = [q for q in bank.topic(share.topic_id).questions if not options.question_types or q.type in options.question_types]
        focused = [q for q in pool if reading.focus.matches(q)]
        if len(focused) >= share.questions:  # as in build_plan: the focus narrows when it leaves enough
            pool = focused
        relevance = {q.id: _relevance(share.topic_id, q, reading, vocabulary, weights, top) for q in pool}
        # The questions that cover most of what the posting asks for, and enough of them for adaptive
        # difficulty to choose from: those within half the best one's relevance, at least twice the count.
        by_relevance = sorted(pool, key=lambda q: -relevance[q.id])
        best = relevance[by_relevance[0].id] if by_relevance else 0.0
        keep = max(sum(relevance[q.id] >= RELEVANT_SHARE * best for q in pool), 2 * share.questions, MIN_POOL)
        pool = by_relevance[:keep]

        def key(q: Question) -> float:
            weight = reading.mix.get(q.type, 0.1) * (3.0 if reading.focus.matches(q) else 1.0) * (1.0 + relevance[q.id])
            return rng.random() ** (1.0 / weight)

        ordered = sorted(pool, key=key, reverse=True)
        ordered.sort(key=lambda q: q.difficulty)  # easier first; adaptive picks by level at run time
        refs = [QuestionRef(topic_id=share.topic_id, question_id=q.id, difficulty=q.difficulty) for q in ordered]
        topics.append(TopicPlan(topic_id=share.topic_id, candidates=refs, questions=share.questions))
    return InterviewPlan(options=used, topics=topics, explanation=reading.explanation)


def _relevance(topic_id: str, question: Question, reading: JobReading, vocabulary, weights: dict[str, float], top: float) -> float:  # noqa: ANN001
    """Shared rare words with the posting, plus the weight of the other topics its tags name
    (a serving question in the LLM topic, for a serving role)."""
    score, _ = vocabulary.relevance(topic_id, question, reading.analysis.wanted)
    areas = question.tags.areas if question.tags else ()
    return score + sum(2.0 * weights.get(a, 0.0) / top for a in areas if a != topic_id)


def _available(options: InterviewOptions, bank: QuestionBank, topic_id: str) -> int:
    return sum(not options.question_types or q.type in options.question_types for q in bank.topic(topic_id).questions)


def _allocate(options: InterviewOptions, bank: QuestionBank, analysis: PostingAnalysis) -> list[TopicShare]:
    # Evidence piles up on a posting's main topic (every bullet names it again): shares follow its
    # square root, so the next topics still get their questions.
    weights = {t: math.sqrt(w) for t, w in analysis.topics.weights.items()}
    if options.topics:
        candidates = sorted(options.topics, key=lambda t: -weights.get(t, 0.0))
        total = options.questions_per_topic * len(options.topics)
    elif analysis.matched:
        # Only topics a cue names: the bank's words refine the weights but make no choice of their own.
        ranked = [(t, weights[t]) for t, _ in analysis.topics.ranked()
                  if analysis.curated.get(t, 0.0) > 0 and _available(options, bank, t) > 0]
        top = ranked[0][1] if ranked else 0.0
        candidates = [t for t, w in ranked if w >= RELATIVE_CUTOFF * top][:MAX_TOPICS]
        total = options.questions_per_topic * min(DEFAULT_TOPIC_COUNT, len(bank.topics))
    else:
        return []
    caps = {t: _available(options, bank, t) for t in candidates}
    empty = [t for t in options.topics if caps.get(t) == 0]
    if empty:  # as build_plan: a ticked topic must have a question of the ticked types
        raise InvalidPlan(f"topics {empty} have no questions of types {options.question_types}",
                          hint="allow more question types, or untick those topics")
    candidates = [t for t in candidates if caps[t] > 0][:total]
    counts = {t: 1 for t in candidates}
    for _ in range(total - len(candidates)):
        # D'Hondt: the next question goes to the topic with the most weight per question already given.
        open_topics = [t for t in candidates if counts[t] < caps[t]]
        if not open_topics:
            break
        best = max(open_topics, key=lambda t: ((weights.get(t, 0.0) + CHOSEN_FLOOR) / (counts[t] + 1), -candidates.index(t)))
        counts[best] += 1
    return [TopicShare(t, counts[t]) for t in candidates]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _quoted(quotes: list[str]) -> str:
    return " and ".join(f"\u201c{q}\u201d" for q in quotes)


def _explain(options: InterviewOptions, bank: QuestionBank, analysis: PostingAnalysis, focus: Focus,
             shares: list[TopicShare]) -> PlanExplanation:
    reasons: list[PlanReason] = []
    for share in shares:
        title = bank.topic(share.topic_id).title
        quotes = analysis.topics.quotes(share.topic_id)
        why = f"the posting mentions {_quoted(quotes)}" if quotes else "you chose it (the posting does not mention it)"
        reasons.append(PlanReason(kind="topic", subject=share.topic_id, label=title, questions=share.questions, quotes=quotes,
                                  text=f"{_plural(share.questions, 'question')} on {title}: {why}"))
    for kind, weight in analysis.types.ranked():
        if weight >= TYPE_EMPHASIS_AT and kind != "concept" and (not options.question_types or kind in options.question_types):
            quotes = analysis.types.quotes(kind)
            reasons.append(PlanReason(kind="question_type", subject=kind, label=TYPE_LABELS[kind][0], quotes=quotes,
                                      text=f"More weight on {TYPE_NOUNS.get(kind, kind)} questions: the posting mentions {_quoted(quotes)}"))
    if focus.roles and not options.focus.roles:
        role = focus.roles[0]
        quotes = analysis.roles.quotes(role, 1)
        reasons.append(PlanReason(kind="role", subject=role, label=ROLES[role], quotes=quotes,
                                  text=f"Questions for the {ROLES[role]} role first: the posting mentions {_quoted(quotes)}"))
    if focus.seniority and not options.focus.seniority:
        quotes = analysis.seniority.quotes(focus.seniority, 1)
        label = SENIORITY[focus.seniority]
        reasons.append(PlanReason(kind="seniority", subject=focus.seniority, label=label, quotes=quotes,
                                  text=f"{label} questions first: the posting mentions {_quoted(quotes)}"))
    total = sum(s.questions for s in shares)
    if not shares:
        summary = (f"Nothing in the posting matched Viva's topics, so this is the balanced default plan: "
                   f"{min(DEFAULT_TOPIC_COUNT, len(bank.topics))} topics picked at random when you start. "
                   "Paste the role's responsibilities and requirements, or tick topics yourself.")
    elif options.topics and not analysis.matched:
        summary = f"Nothing in the posting matched Viva's topics: your {_plural(len(shares), 'topic')}, asked as usual."
    elif options.topics:
        summary = f"Your {_plural(len(shares), 'topic')}, {_plural(total, 'question')} shared out by what the posting asks for."
    else:
        summary = f"A plan for this posting: {_plural(total, 'question')} on {_plural(len(shares), 'topic')}, weighted by what it asks for."
    return PlanExplanation(matched=analysis.matched, summary=summary, reasons=reasons)
