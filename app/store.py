"""The local SQLite store: open safely, migrate, check, back up, one program per file.

Opening never harms a file it cannot use: a damaged, foreign or newer file is refused before
anything is written to it, and every migration is preceded by a verified backup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import __version__, paths
from app.errors import StoreError
from app.paths import default_db_path

__all__ = ["Store", "StoreError", "default_db_path", "bundle_root", "check_file"]


def bundle_root() -> Path:
    # Looked up through app.paths at call time so tests can point it at another tree.
    return paths.bundle_root()

SQLITE_MAGIC = b"SQLite format 3\x00"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(bundle_root() / "migrations"))
    return cfg


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def program_head() -> str:
    return _script().get_current_head() or ""


def known_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def backups_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-backups")


# --- inspecting a file without writing to it ---------------------------------------------------

@dataclass(frozen=True)
class FileState:
    revision: str | None
    written_by: str | None  # program version that last wrote the file, when it says


def _read_only(path: Path) -> sqlite3.Connection:
    # mode=ro: SQLite may not checkpoint, recover or rewrite anything in the file.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_header(path: Path) -> None:
    size = path.stat().st_size
    with path.open("rb") as fh:
        header = fh.read(100)
    if size == 0:
        raise StoreError(f"{path} は空のファイルです。ささえあいノートのデータベースではありません。")
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} はデータベースのファイルではありません（SQLite形式ではありません）。"
                         "ファイルを確かめるか、バックアップから戻してください。")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]
    # With a non-empty WAL the main file may legitimately lag behind its header (a checkpoint
    # cut short writes page 1 first); SQLite completes it from the WAL, quick_check judges then.
    wal = path.with_name(path.name + "-wal")
    pending_wal = wal.exists() and wal.stat().st_size > 0
    short = header_valid and size < pages * page_size and not pending_wal
    if page_size < 512 or size % page_size or short:
        raise StoreError(f"{path} は途中で切れているか壊れています（{size:,}バイト）。"
                         "バックアップから戻してください。")


def inspect_file(path: Path) -> FileState:
    """Refuse a file that is not a healthy database of ours; touches nothing."""
    _check_header(path)
    try:
        con = _read_only(path)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} を開けません: {exc}") from None
    try:
        problems = [row[0] for row in con.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise StoreError(f"{path} は壊れています（{problems[0]}）。バックアップから戻してください。")
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            raise StoreError(f"{path} はささえあいノートのデータベースではありません。")
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        written_by = None
        if "app_meta" in tables:
            meta = con.execute("SELECT value FROM app_meta WHERE key='program_version'").fetchone()
            written_by = meta[0] if meta else None
        return FileState(revision=row[0] if row else None, written_by=written_by)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} は壊れています（{exc}）。バックアップから戻してください。") from None
    finally:
        con.close()


def _refuse_if_newer(path: Path, state: FileState) -> None:
    if state.revision is None or state.revision in known_revisions():
        return
    needed = f"ささえあいノート {state.written_by} 以降" if state.written_by else "新しい版のささえあいノート"
    raise StoreError(
        f"{path} は新しい版のささえあいノートで保存されています（データの版 {state.revision}）。"
        f"この版（{__version__}）では開けません。{needed}に更新してから開いてください。"
        "ファイルには何も書き込んでいません。")


# --- backups -----------------------------------------------------------------------------------

def backup_file(src: Path, dest: Path) -> Path:
    """Copy with SQLite's online backup API, verify the copy, then move it into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    source = _read_only(src)
    target = sqlite3.connect(part)
    try:
        source.backup(target)
        verdict = [row[0] for row in target.execute("PRAGMA integrity_check")]
    finally:
        target.close()
        source.close()
    if verdict != ["ok"]:
        part.unlink(missing_ok=True)
        raise StoreError(f"バックアップ {dest} を確かめたところ壊れていました（{verdict[0]}）。"
                         "元のファイルはそのままです。")
    os.replace(part, dest)
    return dest


def timestamped_backup(db_path: Path, reason: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return backup_file(db_path, backups_dir(db_path) / f"{db_path.stem}-{stamp}-{reason}.sqlite3")


# --- one program per file ----------------------------------------------------------------------

class DatabaseLock:
    """An OS lock on `<db>.lock`: released by the OS when the process dies, so a crash leaves no
    stale lock that blocks the next start; the file's text only says who holds it."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fh = None

    def acquire(self) -> None:
        fh = open(self.path, "a+b")  # noqa: SIM115 - held open for the lock's lifetime
        try:
            _lock(fh)
        except OSError:
            fh.seek(1)
            holder = fh.read().decode("utf-8", "replace")
            fh.close()
            raise StoreError(f"{self.path.with_suffix('')} は別のささえあいノートで使われています"
                             f"（{_describe_holder(holder)}）。開いている画面を閉じてから、"
                             "もう一度開いてください。") from None
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        fh.seek(0)
        fh.truncate()
        fh.write(b" " + json.dumps(info).encode())  # byte 0 stays free for the Windows lock
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                _unlock(self._fh)
            self._fh.close()
            self._fh = None
            self.path.unlink(missing_ok=True)


def _describe_holder(text: str) -> str:
    try:
        info = json.loads(text)
        return f"{info['host']} のプロセス {info['pid']}、{info['since']} から"
    except (ValueError, KeyError, TypeError):
        return "使用中"


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --- the store ---------------------------------------------------------------------------------

def _set_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a power cut must not lose a committed edit
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_pragmas)
    return engine


def _migrate(path: Path) -> None:
    # A plain engine: foreign_keys stays OFF so batch table rebuilds cannot cascade deletes.
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def _create_new(path: Path) -> None:
    """Build the new database beside its final name and move it in only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".creating")
    part.unlink(missing_ok=True)
    _migrate(part)
    con = sqlite3.connect(part)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    os.replace(part, path)


class Store:
    """An open database. Services take one and open a short session per operation."""

    def __init__(self, path: Path, engine: Engine, lock: DatabaseLock | None) -> None:
        self.path = path
        self.engine = engine
        self._lock = lock
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path | str | None = None, *, create: bool = True) -> Store:
        path = Path(path) if path else default_db_path()
        if path.is_dir():
            raise StoreError(f"{path} はフォルダーです。データベースのファイル名を指定してください。")
        lock = DatabaseLock(path)
        if not path.exists() and not create:
            raise StoreError(f"{path} が見つかりません。")
        if path.exists():
            state = inspect_file(path)  # refuse before the lock file or anything else is written
            _refuse_if_newer(path, state)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
        try:
            if not path.exists():
                _create_new(path)
            else:
                state = inspect_file(path)
                if state.revision != program_head():
                    timestamped_backup(path, "before-migration")
                    _migrate(path)
            store = cls(path, _make_engine(path), lock)
            store._record_version()
            return store
        except BaseException:
            lock.release()
            raise

    def _record_version(self) -> None:
        from app.models import AppMeta

        with self.session() as s:
            meta = s.get(AppMeta, "program_version")
            if meta is None:
                s.add(AppMeta(key="program_version", value=__version__))
            elif meta.value != __version__:
                meta.value = __version__

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls everything back on any error."""
        with self._sessions() as s, s.begin():
            yield s

    def backup(self, dest: Path | str) -> Path:
        dest = Path(dest)
        if dest.resolve() == self.path.resolve():
            raise StoreError("バックアップ先が元のデータベースと同じファイルです。別の名前にしてください。")
        return backup_file(self.path, dest)

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- check -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckReport:
    path: Path
    revision: str | None
    head: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_file(path: Path) -> CheckReport:
    """Full integrity, foreign keys and revision, read-only: safe while the window has it open."""
    if not path.exists():
        raise StoreError(f"{path} が見つかりません。")
    state = inspect_file(path)
    _refuse_if_newer(path, state)
    problems: list[str] = []
    con = _read_only(path)
    try:
        verdict = [row[0] for row in con.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            problems += [f"整合性: {line}" for line in verdict[:10]]
        for table, rowid, parent, _fk in con.execute("PRAGMA foreign_key_check").fetchall()[:10]:
            problems.append(f"参照切れ: {table} の行 {rowid} が {parent} にない行を指しています")
    finally:
        con.close()
    head = program_head()
    if state.revision != head:
        problems.append(f"データの版 {state.revision} は古いままです（最新 {head}）。開けば更新されます。")
    return CheckReport(path=path, revision=state.revision, head=head, problems=tuple(problems))


def migration_drift(engine: Engine) -> list:
    """Differences between the models and the migrated schema; empty when they agree."""
    from alembic.autogenerate import compare_metadata

    from app.models import Base

    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)
