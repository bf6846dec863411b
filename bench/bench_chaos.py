"""LLM chaos benchmark: many complete interviews at once against an endpoint that fails a set share
of calls in each way; prints what the endpoint served and what became of every answer.

    python bench/bench_chaos.py [--interviews 100] [--share 0.1] [--seed 0]

``--share`` is the share of calls failed in *each* way (timeout, 5xx, 429, garbage); 0.1 fails 40%
of calls. The LLM client retries transient faults twice (without waiting: the fake says Retry-After 0);
what still fails is graded by the offline examiner and flagged ``fallback:<code>``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.chaos_driver import run_chaos  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=int, default=100)
    parser.add_argument("--share", type=float, default=0.1, help="share of calls failed in each way")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the retries and fallbacks are expected; the counts tell the story
    shares = {k: args.share for k in ("timeout", "server_error", "rate_limited", "garbage")}
    started = time.perf_counter()
    r = asyncio.run(run_chaos(interviews=args.interviews, shares=shares, seed=args.seed))
    seconds = time.perf_counter() - started
    served = r["served"]
    print(f"chaos: {args.interviews} interviews at once, {args.share:.0%} of LLM calls failed in each way "
          f"(seed {args.seed}), {seconds:.1f} s")
    print(f"endpoint served   {served.get('calls', 0)} calls: ok {served.get('ok', 0)}, timeout {served.get('timeout', 0)}, "
          f"5xx {served.get('server_error', 0)}, 429 {served.get('rate_limited', 0)}, garbage {served.get('garbage', 0)}")
    print(f"interviews        {r['interviews']} run, {r.get('status_completed', 0)} completed, {r['stuck']} stuck")
    print(f"answers stored    {r.get('answers_stored', 0)} (+ {r.get('skipped', 0)} skipped), ungraded {r.get('ungraded', 0)}")
    print(f"graded by LLM     {r.get('graded_llm', 0)}")
    fallbacks = ", ".join(f"{k.removeprefix('fallback_')} {v}" for k, v in r.items() if k.startswith("fallback_"))
    print(f"graded offline    {r.get('graded_fallback', 0)} after LLM failure ({fallbacks or 'none'})")
    print(f"pre-scored 0      {r.get('graded_pre_scored_empty', 0)} empty / \"I don't know\" answers (no LLM call)")
    print(f"HTTP errors       {sum(r['errors'].values())} {r['errors'] or ''}")
    ok = r["stuck"] == 0 and not r["errors"] and not r.get("ungraded") and not r.get("unanswered_turns")
    print("RESULT            " + ("every answer stored and graded, no interview stuck" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
