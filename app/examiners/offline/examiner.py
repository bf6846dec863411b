"""The offline examiner: a deterministic, rubric-based grader used when no LLM is configured.

It matches the question's weighted key points against the sentences of the candidate's thread
(stems, synonyms, word order free, negation aware), then maps coverage onto the topic's criteria.
Grading one answer takes well under a millisecond once a question's data has been precomputed.
"""

from __future__ import annotations

from app.bank.loader import QuestionBank
from app.examiners.offline.assessment import Assessment, assess
from app.examiners.offline.matching import question_profile
from app.examiners.base import CoveredPoint, Examiner, Grade, GradingRequest, MissedPoint
from app.examiners.offline.feedback import follow_up, missed_points, write_feedback
from app.examiners.offline.rubric import assess_claims, has_claims
from app.examiners.offline.scoring import continuous_score, criterion_scores
from app.examiners.offline.verdict import claims_grade


def offline_overall(a: Assessment, scores: dict[str, int]) -> float:
    """The overall grade is the continuous score on the 0-5 scale - the number `viva eval` validates
    against human grades - rather than the mean of the rounded criterion levels, which loses
    agreement to rounding. The criteria are anchored on the same score, so the two stay close."""
    if not any(scores.values()):
        return 0.0
    return round(5 * continuous_score(a), 1)


class OfflineExaminer(Examiner):
    """Grades by key-point coverage; never raises for any candidate text."""

    name = "offline"

    async def grade_answer(self, request: GradingRequest) -> Grade:
        return self.grade(request)

    def grade(self, request: GradingRequest) -> Grade:
        """Grade the question's whole thread (points made in any answer count): against its authored
        claims and misconceptions when the rubric has them, else against the reference answer alone."""
        if has_claims(request.question):
            result = assess_claims(
                request.question, request.topic.questions, request.answers, [ex.prompt for ex in request.thread[1:]]
            )
            return claims_grade(request, result, self.name)
        return self.grade_assessment(request, assess(request))

    def grade_assessment(self, request: GradingRequest, a: Assessment) -> Grade:
        scores = criterion_scores(a, [c.id for c in request.topic.criteria])
        answered = a.answered_stems
        question, point_id = follow_up(a, answered)
        covered = [
            CoveredPoint(key_point_id=p.key_point.id, text=p.key_point.text, quote=m.quote)
            for p, m in a.matches
            if m.credit >= 1.0 and m.quote
        ]
        missed = [MissedPoint(key_point_id=kp.id, text=kp.text, weight=kp.weight) for kp in missed_points(a)]
        return Grade(
            scores=scores,
            overall=offline_overall(a, scores),
            covered=covered,
            missed=missed,
            feedback=write_feedback(a, answered, probed_point=point_id),
            follow_up=question,
            follow_up_point=point_id,
            examiner=self.name,
            flags=list(a.flags),
        )


def prepare(bank: QuestionBank) -> None:
    """Precompute every question's matching data (about 0.3 s for the shipped bank) so that no
    candidate's first answer to a question pays for it."""
    for topic in bank.topics.values():
        for question in topic.questions:
            question_profile(question, topic.questions)
