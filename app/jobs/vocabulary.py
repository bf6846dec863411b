"""The bank's own vocabulary: which words belong to which topic, and to which question.

Built once per loaded bank from what the rubric authors wrote: a topic's title and summary (weighed
most), what interviewers probe, and each question's prompt, key points and tag areas. A word found in
most topics ("model", "training") says nothing about any one of them: its weight is its inverse topic
frequency, shared among the topics by how often each uses it.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass

from app.bank.loader import QuestionBank
from app.bank.schema import Question
from app.jobs.text import normalise, terms

# How much each field of a topic says about it.
TITLE_WEIGHT, SUMMARY_WEIGHT, PROBES_WEIGHT, QUESTION_WEIGHT, POINT_WEIGHT = 6.0, 4.0, 2.0, 1.0, 0.5
# A word in more than this share of topics is too common to tell topics apart.
MAX_TOPIC_SHARE = 0.4
# A word a topic uses once in passing says less about it than one in its title: full weight from here.
SATURATION = 4.0


@dataclass(frozen=True)
class BankVocabulary:
    topic_count: int
    term_weights: dict[str, dict[str, float]]  # term -> topic id -> weight of the term in that topic
    question_terms: dict[tuple[str, str], frozenset[str]]  # (topic id, question id) -> its terms
    question_idf: dict[str, float]  # term -> log(questions / questions using it)

    def topic_evidence(self, term: str) -> dict[str, float]:
        """What ``term`` in a posting says for each topic: its rarity across topics, shared by use."""
        by_topic = self.term_weights.get(term)
        if not by_topic or len(by_topic) > max(1, int(self.topic_count * MAX_TOPIC_SHARE)):
            return {}
        rarity = math.log((self.topic_count + 1) / len(by_topic))
        total = sum(by_topic.values())
        return {topic: rarity * (weight / total) * min(1.0, weight / SATURATION) for topic, weight in by_topic.items()}

    def relevance(self, topic_id: str, question: Question, wanted: set[str]) -> tuple[float, list[str]]:
        """How much of what the posting asks for ``question`` covers: the rarity of the shared terms."""
        shared = sorted(self.question_terms.get((topic_id, question.id), frozenset()) & wanted)
        return sum(self.question_idf.get(t, 0.0) for t in shared), shared


def question_text(question: Question) -> str:
    areas = " ".join(a.replace("-", " ") for a in question.tags.areas) if question.tags else ""
    return " ".join([question.prompt, *(kp.text for kp in question.key_points), areas])


def build_vocabulary(bank: QuestionBank) -> BankVocabulary:
    weights: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    question_terms: dict[tuple[str, str], frozenset[str]] = {}
    df: Counter[str] = Counter()
    for topic in bank.topics.values():
        fields = [(topic.title, TITLE_WEIGHT), (topic.summary, SUMMARY_WEIGHT), (topic.probes, PROBES_WEIGHT)]
        for text, weight in fields:
            for term in set(terms(normalise(text))):
                weights[term][topic.id] += weight
        for q in topic.questions:
            found = frozenset(terms(normalise(question_text(q))))
            question_terms[(topic.id, q.id)] = found
            df.update(found)
            for term in set(terms(normalise(q.prompt))):
                weights[term][topic.id] += QUESTION_WEIGHT
            for term in set(terms(normalise(" ".join(kp.text for kp in q.key_points)))):
                weights[term][topic.id] += POINT_WEIGHT
    n = max(1, len(question_terms))
    return BankVocabulary(
        topic_count=len(bank.topics),
        term_weights={t: dict(by_topic) for t, by_topic in weights.items()},
        question_terms=question_terms,
        question_idf={t: math.log(n / c) for t, c in df.items()},
    )


_cache: dict[int, tuple[QuestionBank, BankVocabulary]] = {}
_lock = threading.Lock()


def vocabulary_of(bank: QuestionBank) -> BankVocabulary:
    """The bank's vocabulary, built on first use (a few hundred milliseconds) and kept with the bank."""
    with _lock:
        held = _cache.get(id(bank))
        if held is not None and held[0] is bank:
            return held[1]
    vocabulary = build_vocabulary(bank)
    with _lock:
        if len(_cache) >= 8:  # tests build many banks; a server holds one
            _cache.pop(next(iter(_cache)))
        _cache[id(bank)] = (bank, vocabulary)
    return vocabulary
