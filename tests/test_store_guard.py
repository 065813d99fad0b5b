"""A file is used only when it is exactly what our migrations build, whole, and ours to write:
anything added, missing, half-swapped or read-only is refused (or opened read-only), untouched."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.errors import StoreError
from app.file_lock import DatabaseLock, real_path
from app.store import Store, check_file


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _our_index(con: sqlite3.Connection) -> str:
    return con.execute("SELECT name FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
                       "ORDER BY name").fetchone()[0]


TAMPERING = {
    "trigger": ["CREATE TRIGGER wipe AFTER UPDATE ON app_meta BEGIN DELETE FROM member; END"],
    "extra table": ["CREATE TABLE notes (x TEXT)"],
    "view": ["CREATE VIEW everyone AS SELECT name, phone FROM member"],
    "missing index": ["DROP INDEX {index}"],
    "extra column": ["ALTER TABLE member ADD COLUMN secret TEXT"],
    "empty alembic_version": ["DELETE FROM alembic_version"],
    "two revisions": ["INSERT INTO alembic_version SELECT version_num || 'x' FROM alembic_version"],
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_a_file_changed_by_another_program_is_refused_untouched(tmp_path, demo_template, kind):
    path = tmp_path / "tampered.sqlite3"
    shutil.copyfile(demo_template, path)
    con = sqlite3.connect(path)
    for statement in TAMPERING[kind]:
        con.execute(statement.format(index=_our_index(con)))
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(StoreError, match="ささえあいノート") as refused:
        Store.open(path)
    assert str(path) in str(refused.value)
    with pytest.raises(StoreError):
        check_file(path)
    assert digest(path) == before
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM member").fetchone()[0] == 22
    con.close()


@pytest.mark.parametrize("revision", ["0001", "a1b2c3d4e5f6"])
def test_a_foreign_file_with_an_alembic_version_table_is_refused(tmp_path, revision):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    con.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(StoreError, match="ささえあいノートのデータベースではありません|作りが"):
        Store.open(path)
    with pytest.raises(StoreError):
        check_file(path)
    assert digest(path) == before
    header = path.read_bytes()[18:20]
    assert header == b"\x01\x01"  # still a rollback-journal file: never converted to WAL
    assert not path.with_name(path.name + ".lock").exists()


@pytest.mark.slow
def test_the_trigger_never_runs_from_a_read_only_command(tmp_path, demo_template):
    path = tmp_path / "trap.sqlite3"
    shutil.copyfile(demo_template, path)
    con = sqlite3.connect(path)
    con.execute(TAMPERING["trigger"][0])
    con.commit()
    con.close()
    out = subprocess.run([sys.executable, "-m", "app", "--db", str(path), "councils"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and out.stderr.startswith("エラー:") and "トリガー wipe" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM member").fetchone()[0] == 22
    con.close()


def test_restore_refuses_a_backup_with_extra_objects(demo_store, tmp_path):
    from app.services import backups

    bad = tmp_path / "bad-backup.sqlite3"
    demo_store.backup(bad)
    con = sqlite3.connect(bad)
    con.execute(TAMPERING["trigger"][0])
    con.commit()
    con.close()
    count = len(backups.list_backups(demo_store.path))
    with pytest.raises(StoreError, match="トリガー wipe"):
        backups.restore(demo_store, bad)
    assert len(backups.list_backups(demo_store.path)) == count
    with demo_store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name='wipe'").scalar() == 0


def test_the_expected_schema_follows_the_migrations(template_db):
    from app.schema_file import schema_of
    from app.store import expected_schema, program_head

    con = sqlite3.connect(f"{template_db.as_uri()}?mode=ro", uri=True)
    try:
        assert schema_of(con) == expected_schema(program_head())
    finally:
        con.close()
    assert any(name.startswith("表 member") for name in expected_schema(program_head()))


def _live_with_wal(path: Path, tmp_path: Path) -> Path:
    """Later work checkpointed into `path`, the newest still in its -wal (kept as after a crash)."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("UPDATE member SET note = hex(randomblob(1500))")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("UPDATE member SET address = hex(randomblob(300))")
    con.execute("DELETE FROM member WHERE rowid % 3 = 0")
    con.commit()
    kept = tmp_path / "kept-wal"
    shutil.copyfile(path.with_name(path.name + "-wal"), kept)
    con.close()
    return kept


def _refused_untouched(path: Path) -> None:
    wal = path.with_name(path.name + "-wal")
    before, wal_before = digest(path), digest(wal)
    with pytest.raises(StoreError, match="このファイルのものではありません") as refused:
        Store.open(path)
    assert wal.name in str(refused.value) and "移して" in str(refused.value)
    with pytest.raises(StoreError, match="このファイルのものではありません"):
        check_file(path)
    assert digest(path) == before and digest(wal) == wal_before


@pytest.mark.parametrize("old", ["rollback-mode backup", "empty file of ours"])
def test_a_wal_that_does_not_belong_is_refused_untouched(tmp_path, demo_template, template_db, old):
    path = tmp_path / "live.sqlite3"
    shutil.copyfile(demo_template, path)
    old_backup = tmp_path / "old-backup.sqlite3"
    if old == "rollback-mode backup":  # a backup written in rollback mode, like any copy
        shutil.copyfile(path, old_backup)   # closed outside WAL mode
        con = sqlite3.connect(old_backup)
        con.execute("PRAGMA journal_mode=DELETE")
        con.close()
    else:  # a WAL-mode file from long before: caught by the full integrity check
        shutil.copyfile(template_db, old_backup)
    kept = _live_with_wal(path, tmp_path)
    wal = path.with_name(path.name + "-wal")
    shutil.copyfile(old_backup, path)   # the old backup copied over the file by hand...
    shutil.copyfile(kept, wal)          # ...with the newer -wal left beside it
    _refused_untouched(path)
    wal.unlink()  # the advice: move the -wal away; the old backup then opens as it was
    path.with_name(path.name + "-shm").unlink(missing_ok=True)
    with Store.open(path) as store, store.engine.connect() as c:
        expected = 22 if old == "rollback-mode backup" else 0
        assert c.exec_driver_sql("SELECT count(*) FROM member").scalar() == expected


def test_a_wal_of_its_own_file_is_kept(tmp_path, demo_template):
    path = tmp_path / "crashed.sqlite3"
    shutil.copyfile(demo_template, path)
    kept = _live_with_wal(path, tmp_path)
    shutil.copyfile(kept, path.with_name(path.name + "-wal"))  # as a crash leaves it
    with Store.open(path) as store, store.engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM member").scalar() == 22 - 22 // 3


def test_the_lock_is_keyed_on_the_real_file(db_path, tmp_path):
    link = tmp_path / "elsewhere" / "link.sqlite3"
    link.parent.mkdir()
    link.symlink_to(db_path)
    assert real_path(link) == real_path(db_path)
    with Store.open(db_path):
        with pytest.raises(StoreError, match="別のささえあいノートで使われています") as refused:
            Store.open(link)
        assert str(link) in str(refused.value)
    assert DatabaseLock(link).path == DatabaseLock(db_path).path


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_the_lock_file_is_private(db_path):
    with Store.open(db_path) as store:
        assert (store._lock.path.stat().st_mode & 0o777) == 0o600


def _made_read_only(target: Path, mode: int) -> bool:
    target.chmod(mode)
    return not os.access(target, os.W_OK)


@pytest.mark.parametrize("where", ["file", "folder"])
def test_read_only_files_open_for_reading_never_called_damaged(tmp_path, demo_template, where):
    folder = tmp_path / "media"
    folder.mkdir()
    path = folder / "ro.sqlite3"
    shutil.copyfile(demo_template, path)
    target, mode = (path, 0o444) if where == "file" else (folder, 0o555)
    try:
        if not _made_read_only(target, mode):
            pytest.skip("chmod does not stop this user (root)")
        before = digest(path)
        with Store.open(path) as store:
            assert store.read_only and "読み取り専用です" in store.read_only_notice
            from app.services import councils

            assert len(councils.list_councils(store)) == 27
            with pytest.raises(Exception, match="readonly|read-only|読み取り"):
                councils.create_council(store, {"name": "新しい地区", "tier": 2})
        assert check_file(path).ok
        assert digest(path) == before
        out = subprocess.run([sys.executable, "-m", "app", "--db", str(path), "council", "add", "新地区"],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 1 and "読み取り専用" in out.stderr and "壊れて" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    finally:
        target.chmod(0o755 if where == "folder" else 0o644)


def test_a_file_seen_as_read_only_opens_read_only_everywhere(tmp_path, demo_template, monkeypatch,
                                                             capsys):
    # The same path as chmod/read-only media, for users (root) that chmod does not stop.
    from app import cli
    from app import store as store_module
    from app.services import councils

    path = tmp_path / "ro.sqlite3"
    shutil.copyfile(demo_template, path)
    monkeypatch.setattr(store_module, "read_only_reason", lambda p: "ファイルが読み取り専用")
    before = digest(path)
    with Store.open(path) as store:
        assert store.read_only and store.read_only_notice.startswith(f"{path} は読み取り専用です")
        assert len(councils.list_councils(store)) == 27
        with pytest.raises(Exception, match="readonly"):
            councils.create_council(store, {"name": "新しい地区", "tier": 2})
    assert cli.main(["--db", str(path), "council", "add", "新地区"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"エラー: {path} は読み取り専用です") and len(err.strip().splitlines()) == 1
    assert cli.main(["--db", str(path), "councils"]) == 0
    assert "八幡" in capsys.readouterr().out
    assert digest(path) == before


def test_read_only_window_shows_the_banner(qtbot, tmp_path, demo_template):
    from app.ui.controller import Controller
    from app.ui.main_window import MainWindow

    path = tmp_path / "ro.sqlite3"
    shutil.copyfile(demo_template, path)
    with Store.open(path, read_only=True) as store:
        window = MainWindow()
        qtbot.addWidget(window)
        window.attach(Controller(store))
        assert not window.read_only_banner.isHidden()
        assert "読み取り専用です" in window.read_only_banner.text()
