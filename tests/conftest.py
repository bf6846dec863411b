"""Shared fixtures: the real app in-process over httpx's ASGI transport, on a fresh SQLite file."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.sandbox import Limits, Sandbox
from app.main import create_app
from tests.db_backends import database_url, pg_database  # noqa: F401  (fixtures for every test module)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_RUBRICS = Path(__file__).parent / "data" / "rubrics"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Offline settings on a throwaway database (every test using it runs on SQLite and on PostgreSQL),
    using the small fixture question bank."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        rubrics_dir=FIXTURE_RUBRICS,
        llm_base_url=None,
        llm_api_key=None,
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://viva.test") as c:
            yield c


def usable_sandbox(limits: Limits) -> Sandbox:
    """A code sandbox with ``limits``, or a skip (a failure in CI) naming why code cannot run here."""
    box = Sandbox(concurrency=2, limits=limits)
    ok, why = box.available()
    if not ok:
        pytest.skip(why)
    return box


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


SERVICE_MARKERS = ("postgres", "redis", "browser", "llm_server", "sandbox", "speech")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI, a test that needs a service must run: its skip becomes a failure."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and any(item.get_closest_marker(m) for m in SERVICE_MARKERS):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every service must be available: {report.longrepr}"
