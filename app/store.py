"""The local SQLite store: open safely, migrate, check, back up, one program per file.

Opening never harms a file it cannot use: a damaged, foreign or newer file is refused before
anything is written to it, and every migration is preceded by a verified backup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app import __version__, cipher, paths, schema_file
from app.errors import StoreError
from app.file_lock import DatabaseLock
from app.paths import default_db_path

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

__all__ = ["Store", "StoreError", "default_db_path", "bundle_root", "check_file"]


def bundle_root() -> Path:
    # Looked up through app.paths at call time so tests can point it at another tree.
    return paths.bundle_root()

SQLITE_MAGIC = b"SQLite format 3\x00"

# The store's engine uses SQLCipher (app/cipher.py), whose exceptions are not sqlite3's: every
# place that answers a database error accepts both.
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, cipher.sqlcipher.Error)
# What copying or rewriting a file may raise: the place (disk full, permission) or SQLite.
FILE_ERRORS: tuple[type[Exception], ...] = (OSError, *DB_ERRORS)
# A connection of our own to a file: sqlite3's, or SQLCipher's (the same API) when it has a key.
Connection: TypeAlias = sqlite3.Connection | cipher.sqlcipher.Connection
DB_DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, cipher.sqlcipher.DatabaseError)
DB_OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError,
                                                      cipher.sqlcipher.OperationalError)


def database_error(exc: BaseException) -> Exception | None:
    """The SQLite/SQLCipher error behind `exc` (itself, or what SQLAlchemy wrapped), or None."""
    if isinstance(exc, DB_ERRORS):
        return exc
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, DB_ERRORS) else None


def write_failure(path: Path | str, exc: BaseException) -> StoreError | None:
    """A one-sentence StoreError naming `path` when a write failed for a reason of the place
    (disk full, read-only, permission, a vanished folder or USB stick, I/O), else None."""
    from app.errors import file_problem

    if isinstance(exc, OSError):
        return StoreError(f"{file_problem(path, exc)}。場所と空き容量を確かめてください。")
    db = database_error(exc)
    if db is None:
        return None
    text = str(db).lower()
    if "full" in text:
        reason = "空き容量が足りません"
    elif "readonly" in text or "read-only" in text:
        reason = "読み取り専用です"
    elif "disk i/o" in text or "unable to open" in text:
        reason = "読み書きの途中で失敗しました（USBメモリが抜かれたなど）"
    else:
        return None
    return StoreError(f"{path} に書き込めません（{reason}）。場所と空き容量を確かめてください。")


# alembic (with its dialects, most of a second) is imported only when a migration is due or the
# migrations changed since migrations/schema.json was written (app/schema_file.py).

def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(bundle_root() / "migrations"))
    return cfg


def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def alembic_head() -> str:
    return _script().get_current_head() or ""


def alembic_revisions() -> set[str]:
    return {rev.revision for rev in _script().walk_revisions()}


def _described() -> schema_file.Described | None:
    return schema_file.load(bundle_root() / "migrations")


def program_head() -> str:
    described = _described()
    return described[0] if described else alembic_head()


def known_revisions() -> set[str]:
    described = _described()
    return set(described[1]) if described else alembic_revisions()


def backups_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-backups")


# --- inspecting a file without writing to it ---------------------------------------------------

@dataclass(frozen=True)
class FileState:
    revision: str | None
    written_by: str | None  # program version that last wrote the file, when it says


def _read_only(path: Path) -> Connection:
    # mode=ro: SQLite may not checkpoint, recover or rewrite anything in the file.
    # check_same_thread=False: a read-only store's pool keeps one connection per thread (the
    # window's and a worker's, ui/worker.py) and closes a finished worker's from another thread.
    key = cipher.key_for(path)
    if key is not None:  # encrypted (app/cipher.py): SQLCipher, with the key as first statement
        con = cipher.connect(path, key, read_only=True, check_same_thread=False)
        con.execute("PRAGMA trusted_schema=OFF")
        return con
    # trusted_schema=OFF: nothing the file defines (views, triggers, defaults) may call functions
    # with side effects while we look at it.
    plain = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    plain.execute("PRAGMA trusted_schema=OFF")
    return plain


# --- the schema the migrations build ------------------------------------------------------------

_schema_cache: dict[tuple[str, str], dict[str, tuple]] = {}


def expected_schema(revision: str) -> dict[str, tuple]:
    """The schema the migrations build up to `revision`: read from migrations/schema.json while
    it describes these migrations, else built once per process (per migrations folder) in a
    database in memory, so a new migration is followed even before the file is rewritten."""
    key = (str(bundle_root() / "migrations"), revision)
    if key not in _schema_cache:
        described = _described()
        if described and revision in described[1]:
            _schema_cache[key] = described[1][revision]
        else:
            _schema_cache[key] = build_schema(revision)
    return _schema_cache[key]


def build_schema(revision: str) -> dict[str, tuple]:
    """Run the migrations up to `revision` in a database in memory and describe the result."""
    from alembic import command

    engine = create_engine("sqlite://")
    try:
        with engine.begin() as connection:
            cfg = alembic_config()
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
            driver = connection.connection.driver_connection
            if not isinstance(driver, sqlite3.Connection):  # the engine above is sqlite3's
                raise TypeError(f"not a sqlite3 connection: {driver!r}")
            return schema_file.schema_of(driver)
    finally:
        engine.dispose()


def _schema_problems(con: Connection, revision: str) -> list[str]:
    return schema_file.differences(schema_file.schema_of(con, DB_ERRORS), expected_schema(revision))


def _refuse_schema(path: Path, problems: list[str]) -> None:
    shown = "、".join(problems[:5]) + (f" ほか{len(problems) - 5}件" if len(problems) > 5 else "")
    raise StoreError(f"{path} の中身の作りが、ささえあいノートが作るものと違います（{shown}）。"
                     "ほかのプログラムで変えられたファイルは開きません。ファイルには何も書き込んでいません。"
                     "バックアップから戻してください。")


def _check_header(path: Path) -> None:
    if cipher.require_key(path) is not None:
        return  # the header is ciphertext; SQLCipher checks every page's HMAC instead
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


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def read_only_reason(path: Path) -> str | None:
    """Why this file cannot be written here, or None. (Windows: only the read-only attribute of
    the file is seen; folder ACLs are left to the error SQLite reports on the first write.)"""
    if path.exists() and not os.access(path, os.W_OK):
        return "ファイルが読み取り専用"
    if not os.access(path.parent, os.W_OK):
        return "フォルダーまたは記録媒体が読み取り専用"
    return None


def read_only_notice(path: Path, reason: str) -> str:
    return (f"{path} は読み取り専用です（{reason}）。見ることと印刷はできますが、変更は保存できません。"
            "変更するには、書き込める場所（パソコンの中など）にコピーしてから開いてください。")


def _wal_does_not_belong(path: Path) -> bool:
    """True when the main file alone is healthy, so the -wal beside it is what breaks it."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="sasaeai-check-") as tmp:
        alone = Path(tmp) / "alone.sqlite3"
        with path.open("rb") as src, alone.open("wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        con = _read_only(alone)
        try:
            return [row[0] for row in con.execute("PRAGMA integrity_check")] == ["ok"]
        except DB_DATABASE_ERRORS:
            return False
        finally:
            con.close()


_WAL_MAGIC = (0x377F0682, 0x377F0683)


def _wal_mismatch(path: Path, wal: Path) -> bool:
    """True when the -wal cannot have been written for this main file, from the headers alone.

    SQLite writes a -wal only for a file whose header says WAL mode (bytes 18-19 = 2), and our
    live files always are; a file in rollback mode (1) with a -wal beside it was put there by
    hand (a backup copied over the live file after a crash), so the -wal is another file's."""
    if cipher.key_for(path) is not None:
        return False  # an encrypted header is ciphertext; SQLCipher's page HMACs judge instead
    with path.open("rb") as fh:
        header = fh.read(100)
    with wal.open("rb") as fh:
        wal_header = fh.read(32)
    if len(wal_header) < 32 or int.from_bytes(wal_header[:4], "big") not in _WAL_MAGIC:
        return True
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    return header[18:20] != b"\x02\x02" or int.from_bytes(wal_header[8:12], "big") != page_size


def _refuse_wal(path: Path, wal: Path) -> None:
    raise StoreError(
        f"{path} の横にある {wal.name} は、このファイルのものではありません（古いバックアップを"
        "上書きでコピーしたときなど）。このまま開くと二つの時点が混ざるので開きません。"
        f"{wal.name} を別のフォルダーに移してから開いてください。ファイルには何も書き込んでいません。")


def inspect_file(path: Path) -> FileState:
    """Refuse a file that is not a healthy database of ours, made only by our migrations; opens it
    read-only and touches nothing."""
    _check_header(path)
    wal = _wal_of(path)
    # A -wal is left only by a crash (or copied in by hand): it is checked page by page, since
    # a -wal of another state of the file can still pass quick_check while mixing two states.
    pending_wal = wal.exists() and wal.stat().st_size > 0
    if pending_wal and _wal_mismatch(path, wal):
        _refuse_wal(path, wal)
    con = None
    try:
        con = _read_only(path)
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DB_DATABASE_ERRORS as exc:
        if con is not None:
            con.close()
        reason = read_only_reason(path)
        if reason and isinstance(exc, DB_OPERATIONAL_ERRORS):
            raise StoreError(f"{path} は読み取り専用で、書きかけの記録（{wal.name}）を読めません"
                             f"（{reason}）。書き込める場所にファイルごとコピーしてから開いてください。") from None
        if not isinstance(exc, DB_OPERATIONAL_ERRORS):
            raise StoreError(f"{path} は壊れています（{exc}）。バックアップから戻してください。") from None
        raise StoreError(f"{path} を開けません: {exc}") from None
    try:
        check = "integrity_check" if pending_wal else "quick_check"
        problems = [row[0] for row in con.execute(f"PRAGMA {check}")]
        if problems != ["ok"]:
            if pending_wal and _wal_does_not_belong(path):
                _refuse_wal(path, wal)
            raise StoreError(f"{path} は壊れています（{problems[0]}）。バックアップから戻してください。")
        tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            raise StoreError(f"{path} はささえあいノートのデータベースではありません。")
        versions = [row[0] for row in con.execute("SELECT version_num FROM alembic_version LIMIT 3")]
        written_by = None
        if "app_meta" in tables:
            with contextlib.suppress(*DB_DATABASE_ERRORS):
                meta = con.execute("SELECT value FROM app_meta WHERE key='program_version'").fetchone()
                written_by = str(meta[0]) if meta else None
        if len(versions) != 1 or not isinstance(versions[0], str):
            what = "書かれていません" if not versions else "1つではありません"
            raise StoreError(f"{path} はささえあいノートのデータベースではありません（データの版が{what}）。"
                             "ファイルには何も書き込んでいません。")
        revision = versions[0]
        if revision in known_revisions():
            problems = _schema_problems(con, revision)
            if problems:
                _refuse_schema(path, problems)
        elif written_by is None:  # a newer file of ours always says which version wrote it
            raise StoreError(f"{path} はささえあいノートのデータベースではありません"
                             f"（知らないデータの版 {revision}）。ファイルには何も書き込んでいません。")
        return FileState(revision=revision, written_by=written_by)
    except DB_DATABASE_ERRORS as exc:
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

def _remove_part(part: Path) -> None:
    for leftover in (part, *(part.with_name(part.name + s) for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):
            leftover.unlink(missing_ok=True)


def backup_file(src: Path, dest: Path) -> Path:
    """Copy with SQLite's online backup API, verify the copy, then move it into place.

    The copy is in rollback mode (journal_mode=DELETE), like any closed file: copied by hand over
    the live file after a crash, the -wal rule (`_wal_mismatch`) recognises it. It is created
    readable by the user only. A copy that fails (disk full, no permission, the folder or the
    USB stick gone) leaves no `.part` and raises a StoreError naming `dest`."""
    part = dest.with_name(dest.name + ".part")
    key = cipher.key_for(src)  # an encrypted file's copy keeps its key
    try:
        dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _remove_part(part)
        cipher.create_private(part)
        source = _read_only(src)
        try:
            target = cipher.connect(part, key) if key is not None else sqlite3.connect(part)
            try:
                source.backup(target)  # type: ignore[arg-type]  # both SQLCipher's or both sqlite3's: `key` chose
                target.execute("PRAGMA journal_mode=DELETE")
                verdict = [row[0] for row in target.execute("PRAGMA integrity_check")]
            finally:
                target.close()
        finally:
            source.close()
        if verdict != ["ok"]:
            raise StoreError(f"バックアップ {dest} を確かめたところ壊れていました（{verdict[0]}）。"
                             "元のファイルはそのままです。")
        if key is not None:  # the copy opens only with its key file beside it
            cipher.copy_keyfile(src, dest)
            cipher.remember(dest, key)
        os.replace(part, dest)
    except StoreError:
        _remove_part(part)
        raise
    except FILE_ERRORS as exc:
        _remove_part(part)
        failure = write_failure(dest, exc)
        if failure is None:
            failure = StoreError(f"バックアップ {dest} を作れませんでした（{exc}）。元のファイルはそのままです。")
        raise failure from None
    return dest


def timestamped_backup(db_path: Path, reason: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    return backup_file(db_path, backups_dir(db_path) / f"{db_path.stem}-{stamp}-{reason}.sqlite3")


# --- the store ---------------------------------------------------------------------------------

def _set_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a power cut must not lose a committed edit
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    # Deleted rows are overwritten with zeros, so a backup (which copies free pages too) made
    # after a deletion does not carry the deleted names and phones.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def _make_engine(path: Path) -> Engine:
    engine = cipher.make_engine(path)  # SQLCipher; plain SQLite while the file has no key
    event.listen(engine, "connect", _set_pragmas)
    return engine


def _migrate(path: Path) -> None:
    from alembic import command

    # A plain engine: foreign_keys stays OFF so batch table rebuilds cannot cascade deletes.
    engine = (cipher.make_engine(path) if cipher.key_for(path) is not None
              else create_engine(f"sqlite:///{path}"))
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
    cipher.create_private(part)  # its -wal and -shm take the same mode (SQLite's unix VFS)
    _migrate(part)
    con = sqlite3.connect(part)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    os.replace(part, path)


def _stamp(path: Path) -> tuple:
    """Size and modification time of the file and its -wal: any write changes one of them."""
    found: list[tuple[int, int] | None] = []
    for part in (path, _wal_of(path)):
        try:
            st = part.stat()
            found.append((st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            found.append(None)
    return tuple(found)


class Store:
    """An open database. Services take one and open a short session per operation."""

    #: Set when the file was opened read-only (read-only file, folder or medium): the text for
    #: the window's banner. Reading and printing work; any write fails.
    read_only_notice: str | None = None

    @property
    def read_only(self) -> bool:
        return self.read_only_notice is not None

    def __init__(self, path: Path, engine: Engine, lock: DatabaseLock | None) -> None:
        self.path = path
        self.engine = engine
        self._lock = lock
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, path: Path | str | None = None, *, create: bool = True,
             read_only: bool | None = None) -> Store:
        """`read_only=None` opens a file that cannot be written here (read-only file, folder or
        medium) read-only, with `read_only_notice` saying so; anything else as usual."""
        path = Path(path) if path else default_db_path()
        if path.is_dir():
            raise StoreError(f"{path} はフォルダーです。データベースのファイル名を指定してください。")
        lock = DatabaseLock(path)
        seen = None
        if not path.exists() and not create:
            raise StoreError(f"{path} が見つかりません。")
        if path.exists():
            reason = read_only_reason(path)
            if read_only or (read_only is None and reason):
                return cls._open_read_only(path, reason or "読み取り専用で開きました")
            state = inspect_file(path)  # refuse before the lock file or anything else is written
            _refuse_if_newer(path, state)
            seen = _stamp(path)
        else:
            if read_only_reason(path) and path.parent.exists():
                raise StoreError(f"{path} を作れません（{read_only_reason(path)}です）。"
                                 "書き込める場所を指定してください。")
            path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
        try:
            if not path.exists():
                _create_new(path)
            else:
                # Under the lock: inspected again only if something wrote to the file since (a
                # quick_check reads the whole file; a start should not pay for it twice).
                if seen is None or _stamp(path) != seen:
                    state = inspect_file(path)
                    _refuse_if_newer(path, state)
                if state.revision != program_head():
                    timestamped_backup(path, "before-migration")
                    _migrate(path)
            store = cls(path, _make_engine(path), lock)
            store._record_version()
            return store
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _open_read_only(cls, path: Path, reason: str) -> Store:
        state = inspect_file(path)
        _refuse_if_newer(path, state)
        if state.revision != program_head():
            raise StoreError(f"{path} は前の版のデータで、読み取り専用（{reason}）のため新しい版に"
                             "更新できません。書き込める場所にコピーしてから開いてください。")
        lock: DatabaseLock | None  # None: no lock file can be made here
        lock = DatabaseLock(path)
        try:
            lock.acquire()  # a writer elsewhere on a shared folder still gets its message
        except OSError:  # no lock file can be made beside a file nobody can write here
            lock = None
        engine = create_engine("sqlite://", creator=lambda: _read_only(path))
        store = cls(path, engine, lock)
        store.read_only_notice = read_only_notice(path, reason)
        return store

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

    @property
    def key(self) -> bytes | None:
        """The data key while the file is encrypted (app/cipher.py), else None."""
        return cipher.key_for(self.path)

    def change_key(self, new_key: bytes | None, keyfile: cipher.KeyFile | None) -> None:
        """Encrypt, re-encrypt or decrypt the file (new_key None: plain SQLite). The file is
        written anew beside itself (sqlcipher_export), checked, and moved in; the key file, which
        lists the old and the new key until then, is written before the move."""
        old_key = self.key
        self.engine.dispose()
        con = cipher.connect(self.path, old_key)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
        staged = cipher.rewrite(self.path, old_key, self.path.with_name(self.path.name + ".rekey"),
                                new_key)
        if keyfile is not None:
            keyfile.save(self.path)
        for suffix in ("-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        os.replace(staged, self.path)
        cipher.remember(self.path, new_key)
        if new_key is None:
            cipher.key_path(self.path).unlink(missing_ok=True)
        elif keyfile is not None and len(keyfile.entries) > 1:
            keyfile.entries = keyfile.entries[:1]
            keyfile.save(self.path)

    def close(self) -> None:
        self.engine.dispose()
        cipher.forget(self.path)
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
    from alembic.runtime.migration import MigrationContext

    from app.models import Base

    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)
