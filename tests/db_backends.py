"""Database backends for tests: a throwaway SQLite file, or a throwaway PostgreSQL database.

PostgreSQL comes from ``VIVA_TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``).
One fresh database (``viva_test_<random>``) is created per test session and dropped at the end;
tests marked ``postgres`` skip, with the reason, when no server is reachable (and fail in CI).

Use in a test module::

    from tests.db_backends import database_url, pg_database  # noqa: F401  (fixtures)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_base_url() -> str:
    return os.environ.get("VIVA_TEST_POSTGRES_URL", DEFAULT_PG)


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg."""
    u = make_url(url)
    parts = {"host": u.host or "127.0.0.1", "port": u.port or 5432, "user": u.username or "postgres",
             "dbname": u.database or "postgres", "connect_timeout": 3}
    if u.password:
        parts["password"] = u.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


def postgres_unreachable_reason() -> str | None:
    import psycopg

    try:
        psycopg.connect(_libpq(postgres_base_url()), autocommit=True).close()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"no PostgreSQL at {make_url(postgres_base_url()).render_as_string(hide_password=True)}: {exc}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """URL of a fresh PostgreSQL database for this test session; dropped afterwards."""
    reason = postgres_unreachable_reason()
    if reason:
        pytest.skip(reason + " (set VIVA_TEST_POSTGRES_URL)")
    import psycopg

    base = postgres_base_url()
    name = f"viva_test_{secrets.token_hex(6)}"
    with psycopg.connect(_libpq(base), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(database=name, drivername="postgresql+psycopg")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_libpq(base), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on SQLite, and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'viva.db'}"
    return request.getfixturevalue("pg_database")
