"""A fake OpenAI-compatible endpoint that fails a set share of calls in each way, for the chaos test
and ``bench/bench_chaos.py``.

Built on ``FakeLLM`` (HTTP-level, so the real SDK, retries and fallbacks run). Each call is, at
random (seeded): a timeout, a 5xx, a 429, garbage (not JSON, truncated, wrong shape, a refusal), or a
well-formed reply - a grade whose quotes come from the candidate's own answer, a short interviewer
line, or a summary. ``counts`` tallies what was served. Not for production use.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from typing import Any

import httpx

from tests.fakes.fake_llm import FakeLLM, FakeReply, Reply

FAULTS = ("timeout", "server_error", "rate_limited", "garbage")
GARBAGE = [
    "{not json at all",
    "Sure! Here is my assessment: the candidate did well.",
    '{"scores": "five", "overall": "high"}',
    "```json\n{\"scores\": [}\n```",
    "",
    '{"scores": [{"criterion_id": "correctness", "score": 4}], "overall": 4, "covered": [{"key_point_id"',
]
_ANSWER = re.compile(r"<candidate_answer[^>]*>(.*?)</candidate_answer>", re.DOTALL)
_CRITERION = re.compile(r"^- ([a-z0-9][a-z0-9-]*) \(.*, weight [\d.]+\)", re.MULTILINE)
_KEY_POINT = re.compile(r"^- ([a-z0-9][a-z0-9-]*) \(weight [\d.]+\):", re.MULTILINE)


def schema_name(body: dict[str, Any]) -> str:
    """Which structured output a request wants: 'GradingOutput', 'SummaryOutput', or 'text'."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt["json_schema"]["name"]
    text = " ".join(str(m.get("content", "")) for m in body.get("messages", []))
    if "follow_up_warranted" in text:
        return "GradingOutput"
    if "study_next" in text:
        return "SummaryOutput"
    return "text"


def answers_in(body: dict[str, Any]) -> list[str]:
    text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    return [a.strip() for a in _ANSWER.findall(text)]


def honest_grade(body: dict[str, Any]) -> dict[str, Any]:
    """A plausible grade: middling scores, one key point covered by a real quote from the answer."""
    text = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    criteria = _CRITERION.findall(text)
    points = _KEY_POINT.findall(text)
    answer = (answers_in(body) or [""])[-1]
    words = answer.split()
    covered = [{"key_point_id": points[0], "quote": " ".join(words[:8])}] if points and len(words) >= 4 else []
    return {
        "scores": [{"criterion_id": c, "score": 3} for c in criteria],
        "overall": 3,
        "covered": covered,
        "missed": points[1:],
        "feedback": "A reasonable start; say more about the mechanism.",
        "follow_up_warranted": False,
        "follow_up": "",
        "follow_up_point": "",
    }


class ChaosLLM(FakeLLM):
    def __init__(self, shares: dict[str, float] | None = None, *, seed: int = 0) -> None:
        super().__init__(default=self._reply)
        self.shares = shares if shares is not None else {fault: 0.1 for fault in FAULTS}
        unknown = set(self.shares) - set(FAULTS)
        if unknown or sum(self.shares.values()) > 1:
            raise ValueError(f"bad shares {self.shares}: faults are {FAULTS}, summing to at most 1")
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()

    def _pick(self) -> str:
        roll, edge = self.rng.random(), 0.0
        for fault in FAULTS:
            edge += self.shares.get(fault, 0.0)
            if roll < edge:
                return fault
        return "ok"

    def _reply(self, body: dict[str, Any]) -> Reply:
        kind = self._pick()
        self.counts[kind] += 1
        self.counts["calls"] += 1
        if kind == "timeout":
            return FakeReply(raise_exc=httpx.ReadTimeout("chaos: the endpoint did not answer in time"))
        if kind == "server_error":
            return FakeReply(status=self.rng.choice([500, 502, 503]))
        if kind == "rate_limited":
            return FakeReply(status=429, headers={"retry-after": "0"})
        if kind == "garbage":
            if body.get("stream"):
                return FakeReply(content="Thanks - let us", fail_after_chunks=1)
            return FakeReply(content=self.rng.choice(GARBAGE), finish_reason=self.rng.choice(["stop", "length"]))
        return self.well_formed(body)

    def well_formed(self, body: dict[str, Any]) -> Reply:
        name = schema_name(body)
        if name == "GradingOutput":
            return FakeReply(content=json.dumps(honest_grade(body)))
        if name == "SummaryOutput":
            return FakeReply(content=json.dumps({"strengths": ["Clear explanations"], "gaps": [],
                                                 "study_next": ["Revise optimisers"], "text": "A solid session."}))
        return FakeReply(content="Thanks - that covers the main idea. Let us move on.")
