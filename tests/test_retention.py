"""Interviews do not pile up forever: idle ones are closed, old finished ones deleted when asked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.config import Settings
from app.engine.plan import InterviewOptions
from app.main import create_app
from app.models import InterviewRow, TurnRow, utcnow
from app.retention import sweep
from sqlmodel import Session, select

pytestmark = pytest.mark.anyio


async def test_idle_interviews_are_closed_and_old_finished_ones_deleted(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"expire_after_hours": 24, "retention_days": 30}))
    service = app.state.service
    idle = await service.create(InterviewOptions(topics=["optimisation"], questions_per_topic=1))
    fresh = await service.create(InterviewOptions(topics=["optimisation"], questions_per_topic=1))
    old = await service.create(InterviewOptions(topics=["optimisation"], questions_per_topic=1))
    await service.finish(old.id, old.token)
    engine = service.store.engine
    with engine.begin() as conn:
        conn.execute(update(InterviewRow).where(InterviewRow.id == idle.id).values(updated_at=utcnow() - timedelta(hours=25)))
        conn.execute(update(InterviewRow).where(InterviewRow.id == old.id).values(finished_at=utcnow() - timedelta(days=31)))

    assert await sweep(service.store, app.state.settings) == (1, 1)

    assert (await service.view(idle.id, idle.token)).state.value == "abandoned"  # closed, answers kept
    assert (await service.view(fresh.id, fresh.token)).state.value == "awaiting_answer"
    with Session(engine) as session:
        assert session.get(InterviewRow, old.id) is None
        assert not session.exec(select(TurnRow).where(TurnRow.interview_id == old.id)).all()
    assert await sweep(service.store, app.state.settings) == (0, 0)  # idempotent
