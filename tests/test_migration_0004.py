"""Migration 0004 (survey forms, proposals, the year report's dates) on a database made by the
previous version: data kept, the rebuilt survey tables keep their deletion triggers, a 'text'
question is allowed afterwards, and the way back leaves 0003's schema exactly."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from app.schema_file import schema_of
from app.store import Store, expected_schema
from tests.test_migration_0003 import _to

TABLES = ("council", "neighbourhood", "member", "resource", "need", "survey", "survey_question",
          "survey_choice")


def _rows(path) -> dict[str, list]:
    with sqlite3.connect(path) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}


def test_a_0003_database_opens_upgraded_with_its_data(tmp_path, demo_template):
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(demo_template, path)
    with sqlite3.connect(path) as con:  # a 0003 database had no survey entered form by form
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("DELETE FROM survey WHERE entry = 'forms'")
    _to(path, "0003", down=True)
    with sqlite3.connect(path) as con:
        assert schema_of(con) == expected_schema("0003")
        with pytest.raises(sqlite3.IntegrityError):  # 0003 allows no open question
            con.execute("UPDATE survey_question SET kind = 'text'")
    before = _rows(path)
    Store.open(path).close()  # backs up, then migrates to the head
    after = _rows(path)
    for table in TABLES:  # every old row is there, the new columns at the end hold NULL/default
        width = len(before[table][0]) if before[table] else 0
        assert [r[:width] for r in after[table]] == before[table], table
    with sqlite3.connect(path) as con:
        assert schema_of(con) == expected_schema("0004")
        assert {r[0] for r in con.execute("SELECT DISTINCT entry FROM survey")} == {"totals"}
        con.execute("UPDATE survey_question SET kind = 'text' WHERE position = 0")
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        for table in ("survey_question", "survey_choice", "survey_response", "survey_answer",
                      "proposal", "member", "need", "resource", "survey"):
            assert {f"deletion_record_{table}", f"deletion_forget_{table}"} <= names, table
        con.execute("PRAGMA foreign_keys = OFF")
        choice = con.execute("SELECT id FROM survey_choice LIMIT 1").fetchone()[0]
        con.execute("DELETE FROM survey_choice WHERE id = ?", (choice,))
        assert con.execute("SELECT count(*) FROM deletion WHERE row_id = ?", (choice,)).fetchone()[0] == 1


def test_the_way_back_to_0003_is_exact(tmp_path, template_db):
    path = tmp_path / "t.sqlite3"
    shutil.copyfile(template_db, path)
    _to(path, "0003", down=True)
    with sqlite3.connect(path) as con:
        assert schema_of(con) == expected_schema("0003")
