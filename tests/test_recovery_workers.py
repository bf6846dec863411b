"""A crash leaves interviews in grading; `viva serve --workers 2` restarts on the same database, again
and again: both workers start, and every left-over answer is graded exactly once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.engine.machine import Answer, transition
from app.engine.plan import InterviewOptions
from app.main import create_app
from app.records import AnswerWritten, Step
from tests.conftest import FIXTURE_RUBRICS
from tests.server_process import Server

pytestmark = [pytest.mark.slow, pytest.mark.anyio]
ROUNDS = 10
LEFT_IN_GRADING = 30


async def _leave_in_grading(database_url: str, n: int) -> set[str]:
    app = create_app(Settings(_env_file=None, database_url=database_url, rubrics_dir=FIXTURE_RUBRICS,
                              llm_base_url=None, llm_api_key=None))
    service = app.state.service
    ids = set()
    for i in range(n):
        created = await service.create(InterviewOptions(topics=["optimisation"], questions_per_topic=1, max_follow_ups=0))
        loaded = service.store.load(created.id)
        grading, _ = transition(loaded.plan, loaded.state, Answer())
        service.store.save_step(loaded.id, loaded.version, Step(grading, answer=AnswerWritten(loaded.turns[-1].seq, f"against the gradient {i}")))
        ids.add(created.id)
    service.store.engine.dispose()
    return ids


def _recovered(log: str, ids: set[str]) -> list[str]:
    out = []
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("msg") == "recovered interview left in grading" and record.get("interview_id") in ids:
            out.append(record["interview_id"])
    return out


async def test_two_workers_restart_ten_times_and_grade_every_answer_once(database_url: str, tmp_path: Path) -> None:
    from app.store import InterviewStore
    from app.db import make_engine

    store = InterviewStore(make_engine(database_url))
    for round_ in range(ROUNDS):
        ids = await _leave_in_grading(database_url, LEFT_IN_GRADING)
        server = Server(tmp_path, {"VIVA_DATABASE_URL": database_url}, name=f"round-{round_}", workers=2)
        with server:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                states = {store.load(i).state.status.value for i in ids}
                if states == {"completed"}:
                    break
                time.sleep(0.2)
            assert states == {"completed"}, (round_, states)
            assert httpx.get(f"{server.base_url}/api/info", timeout=5).status_code == 200
            time.sleep(0.3)  # let the log catch up
            recovered = _recovered(server.log(), ids)
        assert sorted(recovered) == sorted(ids), f"round {round_}: each left-over answer graded exactly once"
        assert "Traceback" not in server.log(), server.log()[-2000:]
        for i in ids:
            assert store.load(i).turns[0].grade is not None
