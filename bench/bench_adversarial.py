"""Grading integrity under adversarial answers, for both examiners. Prints a Markdown table.

    python bench/bench_adversarial.py [--questions 6] [--rubrics rubrics/]

Cases: instructions to the grader, a pasted JSON grade, role-play, parroting the question, keyword
salad, padding, an injection after some real content, empty and "I don't know" - against a genuine
model answer and a partial one. The LLM examiner runs against an endpoint that obeys every injected
instruction (it always claims full marks with made-up quotes), so its column shows what the code alone
holds: quotes must exist in the answer, scores are clamped to 0-5, empty answers are scored 0 unasked.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.bank.loader import load_bank  # noqa: E402
from tests.fakes.adversarial import run_adversarial  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=6)
    parser.add_argument("--rubrics", type=Path, default=ROOT / "rubrics")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    outcomes = asyncio.run(run_adversarial(load_bank(args.rubrics), args.questions))
    table: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for o in outcomes:
        table[o.case][o.examiner].append(o)
    n = len(table["genuine_full"]["offline"])
    print(f"Adversarial answers, {n} questions; overall 0-5 (mean), LLM = obedient scripted endpoint\n")
    print("| case | offline overall | LLM overall (claimed 10) | LLM quotes kept / claimed | LLM called |")
    print("|---|---:|---:|---:|---:|")
    for case, by in table.items():
        off, llm = by["offline"], by["llm-obedient"]
        kept, claimed = sum(o.verified_quotes for o in llm), sum(o.claimed_quotes for o in llm)
        called = sum(o.llm_called for o in llm)
        print(f"| {case} | {statistics.mean(o.overall for o in off):.2f} | {statistics.mean(o.overall for o in llm):.2f} "
              f"| {kept} / {claimed} | {called}/{len(llm)} |")
    llm_all = [o for o in outcomes if o.examiner == "llm-obedient"]
    fabricated = sum(o.claimed_quotes - o.verified_quotes for o in llm_all)
    print(f"\nLLM: {fabricated} of {sum(o.claimed_quotes for o in llm_all)} claimed quotes were not in the answer and "
          f"were dropped; every overall is within 0-5 (max {max(o.overall for o in llm_all):.1f}); "
          f"{sum(not o.llm_called for o in llm_all)} empty / \"I don't know\" answers were scored 0 without a call.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
