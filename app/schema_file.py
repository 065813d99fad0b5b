"""migrations/schema.json: what each migration revision builds, written down once.

Opening a file compares its schema with what our migrations build (app.store's guard). Building
that in a database in memory needs alembic, which took most of a second of every start although
no migration was due. The description is therefore kept beside the migrations, together with a
digest of the migration scripts it was made from: while the digest matches, the store reads the
head, the known revisions and the expected schema from here and never imports alembic. When the
scripts change (a new migration) and the file was not rewritten, the store builds the schema
with alembic as before: slower, never wrong. tests/test_schema_file.py fails until

    python -m app.schema_file

rewrites it. Here too: how a file's schema is described (`schema_of`) and compared
(`differences`), for the store's guard and for reading a file before the store opens it
(services/plain_read.py). Only the standard library here: this runs on every start.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

NAME = "schema.json"

Schema = dict[str, tuple]


Described = tuple[str, Mapping[str, Schema]]  # (head, {revision: schema})
_loaded: dict[str, tuple[tuple, Described | None]] = {}


def _scripts(migrations: Path) -> list[Path]:
    return [migrations / "env.py", *sorted((migrations / "versions").glob("*.py"))]


def digest(migrations: Path) -> str:
    """The migration scripts as alembic runs them (line endings aside: a Windows checkout may
    turn them into CRLF)."""
    h = hashlib.sha256()
    for script in _scripts(migrations):
        h.update(script.name.encode() + b"\0")
        h.update(script.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


class _Revisions(Mapping[str, Schema]):
    """{revision: schema}, each revision's JSON turned into tuples when first asked for: a start
    compares the file with the head's alone."""

    def __init__(self, raw: dict[str, dict]) -> None:
        self._raw = raw
        self._done: dict[str, Schema] = {}

    def __getitem__(self, revision: str) -> Schema:
        if revision not in self._done:
            self._done[revision] = {name: _tuples(shape) for name, shape in self._raw[revision].items()}
        return self._done[revision]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def load(migrations: Path) -> Described | None:
    """(head, {revision: schema}) when the file describes these very scripts, else None. Read
    again only when one of the files changed (the store asks several times per open)."""
    try:
        stamp = tuple((p.name, s.st_mtime_ns, s.st_size)
                      for p in (migrations / NAME, *_scripts(migrations)) for s in [p.stat()])
    except OSError:
        return None
    cached = _loaded.get(str(migrations))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    described: Described | None = None
    try:
        data = json.loads((migrations / NAME).read_text(encoding="utf-8"))
        if data.get("digest") == digest(migrations):
            described = data["head"], _Revisions(data["revisions"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        described = None
    _loaded[str(migrations)] = (stamp, described)
    return described


_INTERNAL_TABLES = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}


def _norm_sql(sql: str | None) -> str:
    return " ".join((sql or "").replace('"', "").replace("`", "").lower().split())


def schema_of(con: Any, errors: tuple[type[Exception], ...] = (sqlite3.Error,)) -> Schema:
    """Every object of the file, described by what SQLite reports about it (not by the text of
    its CREATE statement, which batch migrations and SQLite versions may word differently).
    con: a DB-API connection; errors: what its driver raises (SQLCipher's are not sqlite3's)."""
    found: Schema = {}
    rows = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        if kind == "table":
            if name in _INTERNAL_TABLES:
                continue
            try:
                found.update(_table_shape(con, name, sql))
            except errors:  # e.g. a virtual table of a module we do not have
                found[f"表 {name}"] = ("読めない", _norm_sql(sql))
        elif kind == "index":
            if sql is not None:  # the partial-index condition only shows in its SQL
                found[f"索引の条件 {name}"] = (table, _norm_sql(sql).partition(" where ")[2])
        else:  # triggers and views: nothing of the kind is ours unless a migration made it
            label = {"trigger": "トリガー", "view": "ビュー"}.get(kind, kind)
            found[f"{label} {name}"] = (table, _norm_sql(sql))
    return found


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_shape(con: Any, name: str, sql: str | None) -> Schema:
    virtual = _norm_sql(sql).startswith("create virtual")
    columns = tuple(tuple(r[1:]) for r in con.execute(f"PRAGMA table_xinfo({_quoted(name)})"))
    keys = tuple(sorted(tuple(r[2:]) for r in con.execute(f"PRAGMA foreign_key_list({_quoted(name)})")))
    shape: Schema = {f"表 {name}": (virtual, columns, keys)}
    for index in con.execute(f"PRAGMA index_list({_quoted(name)})").fetchall():
        cols = tuple(tuple(r[1:]) for r in con.execute(f"PRAGMA index_xinfo({_quoted(index[1])})"))
        shape[f"索引 {index[1]}"] = (name, index[2], index[3], index[4], cols)
    return shape


def differences(have: Schema, want: Schema) -> list[str]:
    """What a file has that the migrations do not build, what it lacks, and what is shaped
    otherwise, in words (the store's refusal names them)."""
    extra = [name for name in have if name not in want]
    missing = [name for name in want if name not in have]
    changed = [name for name in want if name in have and have[name] != want[name]]
    problems = [f"余分な{name}" for name in extra]
    problems += [f"足りない{name}" for name in missing]
    problems += [f"形の違う{name}" for name in changed]
    return problems


def write(migrations: Path, head: str, schemas: dict[str, Schema]) -> Path:
    """One line per object, so a new migration reads as a short diff."""
    def line(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    revisions = ",\n".join(
        f" {line(rev)}: {{\n" + ",\n".join(f"  {line(name)}: {line(shape)}"
                                           for name, shape in sorted(schemas[rev].items())) + "\n }"
        for rev in sorted(schemas))
    path = migrations / NAME
    path.write_text(f'{{"digest": {line(digest(migrations))}, "head": {line(head)}, "revisions": {{\n'
                    f"{revisions}\n}}}}\n", encoding="utf-8")
    return path


def main() -> None:
    """Rewrite migrations/schema.json from the migrations (run after adding one)."""
    from app import store

    migrations = store.bundle_root() / "migrations"
    head = store.alembic_head()
    schemas = {rev: store.build_schema(rev) for rev in sorted(store.alembic_revisions())}
    print(f"{write(migrations, head, schemas)}: {len(schemas)}つの版（最新 {head}）")


if __name__ == "__main__":
    main()
