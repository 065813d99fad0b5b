"""Write paths never end in a traceback: a full disk, a read-only place or a vanished folder
gives one sentence naming the file, leaves no `.part` and no change in the database."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import cipher
from app import store as store_module
from app.cli import main
from app.errors import UserError
from app.exchange import export_file
from app.exchange.export_file import export_councils, write_atomically
from app.exchange.merge import import_files
from app.services import councils, demo
from app.store import Store

FULL = "database or disk is full"


def logical(path: Path) -> str:
    """The database's content, table by table (not its bytes, which a checkpoint changes)."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    finally:
        con.close()


@contextlib.contextmanager
def failing_writes(path: Path, error: Exception):
    """Every INSERT/UPDATE/DELETE into the database at `path` fails as SQLCipher reports it."""
    def fail(conn, _cursor, statement, *_args):
        if (conn.engine.url.database == str(path)
                and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))):
            raise error

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", fail)


def no_parts(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".part" in p.name]


# --- 1. SQLCipher's errors in the CLI ----------------------------------------------------------

@pytest.mark.parametrize(("message", "words"), [(FULL, "空き容量が足りません"),
                                                ("attempt to write a readonly database", "読み取り専用")])
def test_cli_write_failing_in_sqlcipher_is_one_line_naming_the_file(tmp_path, demo_template, capsys,
                                                                    message, words):
    db = shutil.copyfile(demo_template, tmp_path / "demo.sqlite3")
    before = logical(db)
    with failing_writes(db, cipher.sqlcipher.OperationalError(message)):
        assert main(["--db", str(db), "council", "add", "新町西"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("エラー:") and err.count("\n") == 1 and str(db) in err and words in err
    assert "Traceback" not in err
    assert logical(db) == before


def test_damaged_encrypted_file_is_refused_in_words(tmp_path, template_db):
    path = shutil.copyfile(template_db, tmp_path / "locked.sqlite3")
    key = bytes(range(32))
    staged = cipher.rewrite(path, None, tmp_path / "enc.sqlite3", key)
    data = bytearray(staged.read_bytes())
    data[5000:5100] = b"\x00" * 100  # a page whose HMAC no longer matches
    staged.write_bytes(bytes(data))
    cipher.remember(staged, key)
    try:
        with pytest.raises(UserError) as refused:
            store_module.inspect_file(staged)
        assert str(staged) in str(refused.value)
    finally:
        cipher.forget(staged)


# --- 2. backups ---------------------------------------------------------------------------------

def test_backup_is_in_rollback_mode(store, tmp_path):
    dest = store.backup(tmp_path / "copy.sqlite3")
    assert dest.read_bytes()[18:20] == b"\x01\x01"  # journal_mode=DELETE, like a closed file
    assert store_module.check_file(dest).ok


def _os_error(code: int):
    def fail(*_args, **_kwargs):
        raise OSError(code, "simulated", None)
    return fail


@pytest.mark.parametrize("where", ["replace", "create", "copy"])
def test_failed_backup_leaves_no_part_and_names_the_destination(store, tmp_path, monkeypatch, where):
    dest = tmp_path / "out" / "copy.sqlite3"
    before = logical(store.path)
    if where == "replace":
        monkeypatch.setattr(store_module.os, "replace", _os_error(errno.ENOSPC))
    elif where == "create":  # the folder vanished (USB stick pulled out)
        monkeypatch.setattr(cipher, "create_private", _os_error(errno.ENOENT))
    else:
        class Source:
            def backup(self, _target):
                raise sqlite3.OperationalError(FULL)

            def close(self):
                pass
        monkeypatch.setattr(store_module, "_read_only", lambda _path: Source())
    with pytest.raises(UserError) as failed:
        store.backup(dest)
    assert str(dest) in str(failed.value)
    assert "\n" not in str(failed.value)
    assert not dest.exists() and not no_parts(tmp_path)
    monkeypatch.undo()
    assert logical(store.path) == before


# --- 2. export, import, demo ------------------------------------------------------------------

def test_export_on_a_full_disk_leaves_no_partial_file(demo_store, tmp_path, monkeypatch):
    out = tmp_path / "usb" / "八幡.xlsx"

    real_fsync = export_file.os.fsync

    def full(fd):
        real_fsync(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_file.os, "fsync", full)
    with pytest.raises(UserError) as failed:
        write_atomically(out, b"x" * 1000)
    assert str(out) in str(failed.value) and "空き容量" in str(failed.value)
    assert not out.exists() and not no_parts(tmp_path)


@pytest.mark.parametrize(("error", "said"), [
    (cipher.sqlcipher.OperationalError(FULL), "空き容量"),
    (OSError(errno.EIO, "Input/output error"), ""),
], ids=["disk-full", "os-error"])
def test_import_failing_to_write_changes_nothing(demo_store, tmp_path, template_db, error, said):
    yawata = councils.find_council(demo_store, "八幡")
    source = tmp_path / "八幡.xlsx"
    export_councils(demo_store, source, [yawata.id])
    target = shutil.copyfile(template_db, tmp_path / "new.sqlite3")
    with Store.open(target) as new_pc:
        before = logical(target)
        with failing_writes(target, error), pytest.raises(UserError) as failed:
            import_files(new_pc, [source])
        assert str(target) in str(failed.value) and said in str(failed.value)
        assert logical(target) == before
        assert councils.list_councils(new_pc) == []
    assert not no_parts(tmp_path)


def test_demo_on_a_full_disk_adds_nothing(store, capsys):
    before = logical(store.path)
    with failing_writes(store.path, cipher.sqlcipher.OperationalError(FULL)), pytest.raises(UserError) as failed:
        demo.load_demo(store)
    assert str(store.path) in str(failed.value) and "空き容量" in str(failed.value)
    assert logical(store.path) == before
