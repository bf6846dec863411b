"""Recovery after a crash: several workers on one database grade every left-over answer exactly once,
and no fault in recovery stops a worker."""

from __future__ import annotations

import asyncio

import pytest

from app.config import Settings
from app.engine.machine import Answer, transition
from app.engine.plan import InterviewOptions
from app.examiners.base import Examiner, Grade, GradingRequest
from app.examiners.offline import OfflineExaminer
from app.main import create_app
from app.records import AnswerWritten, Step

pytestmark = pytest.mark.anyio


class CountingExaminer(Examiner):
    """The offline examiner's grades, counting calls and taking a little time (as a real grade does)."""

    name = "counting"

    def __init__(self, calls: list[str], fail_on: set[str] | None = None) -> None:
        self.calls = calls
        self.fail_on = fail_on or set()

    async def grade_answer(self, request: GradingRequest) -> Grade:
        self.calls.append(request.latest_answer)
        await asyncio.sleep(0.01)
        if request.latest_answer in self.fail_on:
            raise RuntimeError("boom")
        return OfflineExaminer().grade(request)


async def _left_in_grading(settings: Settings, n: int) -> list[str]:
    app = create_app(settings)
    service = app.state.service
    ids = []
    for i in range(n):
        created = await service.create(InterviewOptions(topics=["optimisation"], questions_per_topic=1, max_follow_ups=0))
        loaded = service.store.load(created.id)
        grading, _ = transition(loaded.plan, loaded.state, Answer())
        service.store.save_step(loaded.id, loaded.version,
                                Step(grading, answer=AnswerWritten(loaded.turns[-1].seq, f"answer {i}: against the gradient")))
        ids.append(created.id)
    return ids


async def test_two_workers_recover_thirty_interviews_each_graded_once(settings: Settings) -> None:
    ids = await _left_in_grading(settings, 30)
    calls: list[str] = []
    workers = [create_app(settings, examiner=CountingExaminer(calls)).state.service for _ in range(2)]
    recovered = await asyncio.gather(*(w.recover() for w in workers))
    assert sum(recovered) == 30
    assert sorted(calls) == sorted(f"answer {i}: against the gradient" for i in range(30))  # each graded once
    for iid in ids:
        loaded = workers[0].store.load(iid)
        assert loaded.state.status.value != "grading" and loaded.turns[0].grade is not None


async def test_a_fault_while_recovering_one_interview_leaves_the_others_graded(settings: Settings) -> None:
    await _left_in_grading(settings, 3)
    calls: list[str] = []
    worker = create_app(settings, examiner=CountingExaminer(calls, fail_on={"answer 1: against the gradient"}))
    # the fallback policy grades the failing one offline: recovery completes every interview, raising nothing
    assert await worker.state.service.recover() == 3


async def test_serving_starts_while_recovery_runs(settings: Settings) -> None:
    import httpx

    await _left_in_grading(settings, 5)
    slow: list[str] = []

    class Slow(CountingExaminer):
        async def grade_answer(self, request: GradingRequest) -> Grade:
            await asyncio.sleep(0.5)
            return await super().grade_answer(request)

    app = create_app(settings, examiner=Slow(slow))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            started = asyncio.get_running_loop().time()
            assert (await client.get("/api/topics")).status_code == 200
            assert asyncio.get_running_loop().time() - started < 0.4  # not behind 5 slow re-grades


async def test_start_up_recovery_never_takes_an_answer_this_process_is_grading(settings: Settings) -> None:
    """Recovery runs in the background after start-up: an answer that arrives meanwhile is this process's
    own to grade, not a crash's leftover (taking it made that request fail with a conflict)."""
    service = create_app(settings).state.service
    created = await service.create(InterviewOptions(topics=["optimisation"], questions_per_topic=1, max_follow_ups=0))
    accepted = await service.accept_answer(created.id, created.token, "Against the gradient.")
    await service.recover()  # (it may finish other tests' leftovers on a shared database)
    assert service.store.load(created.id).version == accepted.version  # ours was not claimed
    reply = await service.grade_and_reply(accepted)  # no conflict: nobody took it
    assert reply.state.value == "completed"
