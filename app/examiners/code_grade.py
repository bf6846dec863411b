"""The grade of a code question: the hidden tests fix how high it can go, the explanation moves it
within that.

Correctness comes from running the code, never from reading words about it: the tests' share gives
``5 * passed / total``; the explanation (graded on its key points by either examiner, the LLM also
reviewing the code) counts for EXPLANATION_SHARE of the grade and can lift it at most EXPLANATION_LIFT
above what the tests show. Code that passes everything with a sound explanation scores 5; code that
passes nothing stays at or below EXPLANATION_LIFT however well it is described. The follow-up asks about
the first failing test, or - when everything passed but the explanation was thin - the task's own
follow-up (complexity, a case to think about).
"""

from __future__ import annotations

from app.examiners.base import Grade, Submission, TestsCheck

EXPLANATION_SHARE = 0.2
EXPLANATION_LIFT = 0.5


def with_tests(grade: Grade, submission: Submission | None, task_follow_up: str) -> Grade:
    """``grade`` (of the explanation) combined with the hidden tests of the last submission."""
    if submission is None or submission.total == 0:
        tests = TestsCheck(submitted=submission is not None, ceiling=EXPLANATION_LIFT,
                           problem=submission.problem if submission else "")
        share = 0.0
    else:
        share = submission.passed / submission.total
        tests = TestsCheck(
            submitted=True, passed=submission.passed, total=submission.total,
            failing=[t.name for t in submission.tests if not t.passed], problem=submission.problem,
            ceiling=round(min(5.0, 5.0 * share + EXPLANATION_LIFT), 1),
        )
    blended = (1 - EXPLANATION_SHARE) * 5.0 * share + EXPLANATION_SHARE * grade.overall
    overall = round(max(0.0, min(tests.ceiling, blended)), 1)
    follow_up, point = _follow_up(grade, submission, task_follow_up)
    return grade.model_copy(update={
        "overall": overall, "tests": tests, "follow_up": follow_up, "follow_up_point": point,
        "feedback": f"{_tests_sentence(tests)} {grade.feedback}".strip(),
    })


def _follow_up(grade: Grade, submission: Submission | None, task_follow_up: str) -> tuple[str | None, str | None]:
    if submission is None:
        return ("No code was submitted for this task. Submit your implementation (the Submit button runs the hidden "
                "tests), then tell me how it behaves on the hardest input you can think of."), None
    failing = [t for t in submission.tests if not t.passed]
    if failing:
        first = failing[0]
        why = f" ({first.message})" if first.message else ""
        return (f"Your code failed the hidden test {first.name}{why}. What input do you think that test gives, "
                "and what would you change so the code handles it? You can submit a fixed version."), None
    if submission.problem:
        return (f"The run failed as a whole: {submission.problem}. What in your code could cause that, and how "
                "would you fix it?"), None
    return (grade.follow_up, grade.follow_up_point) if grade.follow_up else (task_follow_up, None)


def _tests_sentence(tests: TestsCheck) -> str:
    if not tests.submitted:
        return "No code was submitted, so the grade cannot go above what an explanation alone earns."
    if tests.total == 0:
        return f"The code did not run: {tests.problem or 'no test could run'}."
    if tests.passed == tests.total:
        return f"Hidden tests: all {tests.total} passed."
    failed = ", ".join(tests.failing[:4]) + ("..." if len(tests.failing) > 4 else "")
    return f"Hidden tests: {tests.passed} of {tests.total} passed (failed: {failed})."
