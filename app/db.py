"""Engine creation. SQLite (WAL) by default; PostgreSQL through ``VIVA_DATABASE_URL``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Column, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool

from app.errors import DatabaseUnavailable
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, create_engine

from app import models  # noqa: F401  (registers the tables)
from app.accounts import tables as account_tables  # noqa: F401  (registers the account tables)
from app.profiles import tables as profile_tables  # noqa: F401  (registers the profile tables)


POOL_SIZE = 10
MAX_OVERFLOW = 20


def pool_capacity(engine: Engine) -> int:
    """How many connections the engine can hand out at once (the request thread pool is sized to it)."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):  # a single shared connection (SQLite in memory)
        return POOL_SIZE
    return max(1, pool.size() + max(0, pool._max_overflow))


def make_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        in_memory = not url.database or url.database == ":memory:"  # one shared connection: no pool to size
        pooling = {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW}
        engine = create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30}, **pooling)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
        engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW, pool_pre_ping=True)
    SQLModel.metadata.create_all(engine)
    add_missing_columns(engine)
    return engine


def add_missing_columns(engine: Engine) -> None:
    """Bring a database made by an earlier version up to date: ``create_all`` makes missing tables but
    never changes existing ones, so a column added to a table since is added here (nullable, or with its
    default), and every stored row is kept. New columns must therefore be nullable or have a default."""
    found = inspect(engine)
    tables = set(found.get_table_names())
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in tables:
                continue
            present = {c["name"] for c in found.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = _literal_default(column)
                clause = f" DEFAULT {default}" if default is not None else ""
                connection.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{clause}'))


def _literal_default(column: Column) -> str | None:  # type: ignore[type-arg]
    value = getattr(column.default, "arg", None)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return None


def check_database(database_url: str) -> None:
    """Open the database once; raise ``DatabaseUnavailable`` naming it (never its password) if it cannot."""
    try:
        make_engine(database_url).dispose()
    except (SQLAlchemyError, OSError, ValueError) as exc:
        shown = make_url(database_url).render_as_string(hide_password=True) if "://" in database_url else database_url
        raise DatabaseUnavailable(
            f"cannot open the database at {shown}: {type(exc).__name__}",
            hint="check VIVA_DATABASE_URL (sqlite:///path/viva.db or postgresql+psycopg://user@host/db) and that the server is up",
        ) from None


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets readers proceed during a write; NORMAL sync is durable across app crashes in WAL mode.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
