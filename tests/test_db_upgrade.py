"""A database made by an earlier version opens with the current one: columns added since are added,
and every stored row is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect, text

from app.db import make_engine
from app.models import TurnRow


def test_an_older_turn_table_gains_new_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    # The turn table as an earlier version made it: fewer columns, one stored answer.
    old.execute("CREATE TABLE turn (id INTEGER PRIMARY KEY, interview_id VARCHAR(40), seq INTEGER, topic_id VARCHAR(100),"
                " question_id VARCHAR(100), kind VARCHAR(16), message VARCHAR, prompt VARCHAR, answer VARCHAR)")
    old.execute("INSERT INTO turn VALUES (1, 'abc', 1, 'optimization', 'adam', 'question', 'hi', 'What is Adam?', 'my answer')")
    old.commit()
    old.close()

    engine = make_engine(f"sqlite:///{path}")
    columns = {c["name"] for c in inspect(engine).get_columns("turn")}
    assert set(TurnRow.model_fields) <= columns
    with engine.connect() as connection:
        row = connection.execute(text("SELECT answer, skipped, prompt_tokens FROM turn WHERE id = 1")).one()
    assert row.answer == "my answer"
    assert row.skipped in (0, False) and row.prompt_tokens == 0  # the new columns' defaults
    make_engine(f"sqlite:///{path}").dispose()  # opening again changes nothing
