"""Prompt tokens per LLM grading call against interview length: they must stay flat.

    python bench/bench_llm_tokens.py [--turns 40] [--rubrics DIR]

Runs one long interview (turn 1 to ``--turns``; every third turn answers a follow-up, so that
question's thread has two answers) through the real ``LLMExaminer`` against a fake
OpenAI-compatible endpoint that counts tokens (about four characters a token, as the fake reports
them). Each grading call carries only its question's rubric and thread, so its prompt size depends
on the question, never on the turn. For contrast, the last column shows what a prompt carrying the
whole transcript so far would cost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bank.loader import load_bank  # noqa: E402
from app.config import PROJECT_ROOT  # noqa: E402
from app.examiners.base import Exchange, GradingRequest  # noqa: E402
from app.examiners.llm import LLMExaminer  # noqa: E402
from app.llm.usage import approx_tokens  # noqa: E402
from tests.fakes.fake_llm import FakeLLM  # noqa: E402

ANSWER = (
    "The idea is to move every weight a little in the direction that lowers the loss, which is the "
    "negative gradient. The step size matters: too large and training diverges, too small and it crawls. "
    "In practice we compute the gradient on mini-batches, so each step is a noisy estimate. Turn {n}."
)
FOLLOW_UP_ANSWER = "On reflection I would add that momentum smooths the noisy steps. Turn {n}."


def grade_for(body: dict[str, Any]) -> dict[str, Any]:
    """A valid reply for whatever rubric the request's schema names."""
    defs = body["response_format"]["json_schema"]["schema"]["$defs"]
    return {
        "scores": {cid: 3 for cid in defs["CriterionScores"]["required"]},
        "overall": 3,
        "evidence": {kid: "" for kid in defs["KeyPointEvidence"]["required"]},
        "feedback": "A fair answer.",
        "follow_up_warranted": False,
        "follow_up": "",
        "follow_up_point": "",
    }


async def run(turns: int, rubrics: Path) -> list[dict[str, Any]]:
    bank = load_bank(rubrics)
    questions = [(topic, q) for topic in bank.topics.values() for q in topic.questions]
    fake = FakeLLM(default=grade_for)
    examiner = LLMExaminer(fake.client())
    rows: list[dict[str, Any]] = []
    transcript_chars = 0
    used = 0
    index = -1
    thread: list[Exchange] = []
    for n in range(1, turns + 1):
        follow_up = n % 3 == 0 and thread
        if follow_up:
            thread = [*thread, Exchange(prompt="Can you say more about that?", answer=FOLLOW_UP_ANSWER.format(n=n))]
        else:
            index += 1
            topic, question = questions[index % len(questions)]
            thread = [Exchange(prompt=question.prompt, answer=ANSWER.format(n=n))]
        request = GradingRequest(topic=topic, question=question, thread=thread)
        grade = await examiner.grade_answer(request)
        assert grade.usage is not None and grade.examiner == examiner.name, grade.flags
        used += grade.usage.total_tokens
        transcript_chars += len(thread[-1].prompt) + len(thread[-1].answer)
        rows.append({
            "turn": n, "question": f"{topic.id}/{question.id}", "answers": len(thread),
            "prompt_tokens": grade.usage.prompt_tokens, "interview_tokens": used,
            "whole_transcript_tokens": grade.usage.prompt_tokens + approx_tokens("x" * transcript_chars),
        })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40)
    default_rubrics = PROJECT_ROOT / "rubrics"
    if not any(p for p in default_rubrics.glob("*.yaml") if not p.name.startswith("_")):
        default_rubrics = PROJECT_ROOT / "tests" / "data" / "rubrics"
    parser.add_argument("--rubrics", type=Path, default=default_rubrics)
    args = parser.parse_args()
    rows = asyncio.run(run(args.turns, args.rubrics))

    print(f"Prompt tokens per grading call, rubrics from {args.rubrics}")
    print(f"{'turn':>4}  {'question':<40} {'answers':>7}  {'prompt':>6}  {'interview total':>15}  {'if whole transcript':>19}")
    for r in rows:
        print(f"{r['turn']:>4}  {r['question']:<40} {r['answers']:>7}  {r['prompt_tokens']:>6}  "
              f"{r['interview_tokens']:>15}  {r['whole_transcript_tokens']:>19}")
    prompts = [r["prompt_tokens"] for r in rows]
    first, last = rows[: len(rows) // 4], rows[-(len(rows) // 4):]
    mean_first = statistics.mean(r["prompt_tokens"] for r in first)
    mean_last = statistics.mean(r["prompt_tokens"] for r in last)
    print()
    print(f"prompt tokens per call: min {min(prompts)}, max {max(prompts)}, mean {statistics.mean(prompts):.0f}")
    print(f"mean of the first quarter {mean_first:.0f} vs the last quarter {mean_last:.0f} "
          f"(ratio {mean_last / mean_first:.2f}; flat means ~1.0 - the spread comes from the questions' rubric sizes)")
    print(f"a whole-transcript prompt would reach {rows[-1]['whole_transcript_tokens']} tokens by turn {rows[-1]['turn']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
