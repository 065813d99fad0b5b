"""Migration 0003 (the area map) on a database made by the previous version: data kept, the
deletion triggers of 0002 still fire, and the way back leaves 0002's schema exactly."""

from __future__ import annotations

import shutil
import sqlite3

from alembic import command
from sqlalchemy import create_engine

from app.schema_file import schema_of
from app.store import Store, alembic_config, expected_schema


def _to(path, revision: str, down: bool = False) -> None:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(cfg, revision)
    finally:
        engine.dispose()


def _counts(path) -> dict[str, int]:
    with sqlite3.connect(path) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("council", "neighbourhood", "member", "resource", "need", "meeting")}


def test_a_0002_database_opens_upgraded_with_its_data(tmp_path, demo_template):
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(demo_template, path)
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("DELETE FROM area_map")  # a 0002 database had no map
        con.execute("DELETE FROM survey WHERE entry = 'forms'")  # nor forms (0004 can't take them back)
    _to(path, "0002", down=True)
    with sqlite3.connect(path) as con:
        assert schema_of(con) == expected_schema("0002")
    before = _counts(path)
    Store.open(path).close()  # backs up, then migrates to the head
    assert _counts(path) == before
    with sqlite3.connect(path) as con:
        assert schema_of(con) == expected_schema("0004")
        assert con.execute("SELECT count(*) FROM neighbourhood WHERE map_x IS NOT NULL").fetchone()[0] == 0
        # 0002's trigger on neighbourhood survived the added columns; area_map has its own.
        con.execute("PRAGMA foreign_keys = OFF")
        nb = con.execute("SELECT id FROM neighbourhood LIMIT 1").fetchone()[0]
        con.execute("DELETE FROM neighbourhood WHERE id = ?", (nb,))
        assert con.execute("SELECT count(*) FROM deletion WHERE row_id = ?", (nb,)).fetchone()[0] == 1
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"deletion_record_area_map", "deletion_forget_area_map",
                "deletion_record_neighbourhood"} <= names


def test_the_way_back_to_0002_is_exact(tmp_path, template_db):
    path = tmp_path / "t.sqlite3"
    shutil.copyfile(template_db, path)
    _to(path, "0002", down=True)
    with sqlite3.connect(path) as con:
        assert schema_of(con) == expected_schema("0002")
