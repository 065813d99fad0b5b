"""Reading the database with plain SQL over a DB-API connection, so that a reading can run before
SQLAlchemy is imported (the window's first paint, the `councils` command) and still be the one
reading the store uses: `connection(store)` hands the store's own connection to the same function.

`open_clean(path)` opens a file read-only with Python's sqlite3 when nothing needs the store
first; otherwise the caller opens the Store, which recovers, migrates, decrypts or refuses.
Only the standard library, app.schema_file and app.file_lock here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app import schema_file
from app.file_lock import DatabaseLock
from app.paths import bundle_root


@contextlib.contextmanager
def connection(source: Any) -> Iterator[Any]:
    """A DB-API connection: the store's own, inside one of its sessions, or the one given."""
    if hasattr(source, "session"):
        with source.session() as s:
            yield s.connection().connection.dbapi_connection
    else:
        yield source


@contextlib.contextmanager
def reading(db_path: Path) -> Iterator[sqlite3.Connection | None]:
    """The file opened read-only while the block runs, or None when the store must open it first
    (open_clean). The -wal and -shm files a read-only connection to a WAL file makes are removed
    again if they were not there before, as the store's own close does."""
    companions = [db_path.with_name(db_path.name + suffix) for suffix in ("-wal", "-shm")]
    existed = [p.exists() for p in companions]
    con = open_clean(db_path)
    try:
        yield con
    finally:
        if con is not None:
            con.close()
            if not DatabaseLock(db_path).path.exists():  # nobody opened it meanwhile
                for path, was in zip(companions, existed, strict=True):
                    if not was:
                        with contextlib.suppress(OSError):
                            path.unlink()


def open_clean(db_path: Path) -> sqlite3.Connection | None:
    """The file opened read-only, or None when the store must open it first: no such file, an
    encrypted file (a .key beside it), a file in use (its lock file is there: the store says
    by whom) or left by a run that did not close (its -wal: Store.open recovers it), a file of
    another revision than this program's or with objects our migrations do not make (the
    store refuses it and says why), or not a database at all. Use it through `reading`."""
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        if (not db_path.is_file() or db_path.with_name(db_path.name + ".key").exists()
                or DatabaseLock(db_path).path.exists() or (wal.exists() and wal.stat().st_size)):
            return None
        described = schema_file.load(bundle_root() / "migrations")
        # No waiting on a busy file (the store will say who has it), no functions run from
        # the schema: as the store's own read-only open.
        con = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        con.execute("PRAGMA trusted_schema = OFF")
        # The store's guard, as it is: a file another program changed is refused, not read.
        # The schema first, then exactly one revision row, this program's.
        if described is not None:
            head, schemas = described
            if (head in schemas and not schema_file.differences(schema_file.schema_of(con), schemas[head])
                    and con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]):
                return con
    except (sqlite3.Error, KeyError, TypeError, ValueError):
        pass
    con.close()
    return None


def one(con: Any, sql: str, *params: Any) -> Any:
    """The first column of the first row, or None."""
    row = con.execute(sql, params).fetchone()
    return row[0] if row else None


def day(value: Any) -> dt.date | None:
    """A Date column as SQLite hands it over without SQLAlchemy ('2026-12-04'), or None."""
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else value or None


def time_of_day(value: Any) -> dt.time | None:
    """A Time column ('10:00:00.000000'), or None."""
    return dt.time.fromisoformat(value) if isinstance(value, str) and value else value or None
