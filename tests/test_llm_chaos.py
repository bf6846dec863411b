"""LLM chaos: a fake endpoint failing a set share of calls in every way (timeouts, 5xx, 429, garbage),
driven through many complete interviews at once. Every answer is stored and graded - by the LLM or
by the recorded offline fallback - and no interview is left stuck."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.chaos_driver import run_chaos
from tests.conftest import FIXTURE_RUBRICS

pytestmark = pytest.mark.anyio


def check(result: dict, interviews: int) -> None:
    assert result["errors"] == {}, result
    assert result["interviews"] == interviews and result["stuck"] == 0, result
    assert result.get("ungraded", 0) == 0 and result.get("unanswered_turns", 0) == 0, result
    graded = result.get("graded_llm", 0) + result.get("graded_fallback", 0) + result.get("graded_pre_scored_empty", 0)
    assert graded == result["answers_stored"] > 0, result
    assert result.get("graded_other", 0) == 0, result


async def test_many_interviews_against_a_failing_endpoint_all_complete(tmp_path: Path) -> None:
    result = await run_chaos(interviews=30, seed=1, rubrics_dir=FIXTURE_RUBRICS, workdir=tmp_path)
    check(result, 30)
    served = result["served"]
    assert all(served.get(kind, 0) > 0 for kind in ("timeout", "server_error", "rate_limited", "garbage", "ok")), served
    assert result["graded_llm"] > 0 and result["graded_fallback"] > 0, result


async def test_an_endpoint_that_always_fails_still_grades_everything_offline(tmp_path: Path) -> None:
    shares = {"timeout": 0.25, "server_error": 0.25, "rate_limited": 0.25, "garbage": 0.25}
    result = await run_chaos(interviews=10, shares=shares, seed=2, rubrics_dir=FIXTURE_RUBRICS, workdir=tmp_path)
    check(result, 10)
    assert result.get("graded_llm", 0) == 0 and result["graded_fallback"] > 0, result
