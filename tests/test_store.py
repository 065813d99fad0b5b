"""The store refuses what it cannot use without touching it, and migrates only after a backup."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import store as store_module
from app.errors import StoreError
from app.store import Store, backups_dir, check_file, migration_drift, program_head


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_new_database_is_migrated_with_safe_pragmas(tmp_path):
    path = tmp_path / "sub" / "new.sqlite3"
    with Store.open(path) as store:
        with store.engine.connect() as con:
            assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert con.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert con.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert migration_drift(store.engine) == []
    assert check_file(path).ok
    assert not (tmp_path / "sub" / "new.sqlite3.creating").exists()


def test_models_and_migrations_agree(store):
    # Fails when a model changes without a migration (what `alembic check` reports).
    assert migration_drift(store.engine) == []


def test_reference_rows_have_name_derived_ids(store):
    from sqlalchemy import select

    from app.models import NeedCategory, Role, reference_id

    with store.session() as s:
        for model, kind in ((Role, "role"), (NeedCategory, "need_category")):
            rows = s.scalars(select(model)).all()
            assert rows and all(r.id == reference_id(kind, r.name) for r in rows)


@pytest.mark.parametrize("content", [
    b"this is not a database at all\n" * 50,
    b"",
    b"PK\x03\x04" + b"\x00" * 2000,
])
def test_garbage_is_refused_untouched(tmp_path, content):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(StoreError, match="データベース"):
        Store.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage.sqlite3"]


def test_truncated_file_is_refused_untouched(tmp_path, demo_template):
    path = tmp_path / "cut.sqlite3"
    data = demo_template.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = digest(path)
    with pytest.raises(StoreError, match="切れているか壊れて"):
        Store.open(path)
    assert digest(path) == before


def test_corrupted_page_is_refused_untouched(tmp_path, demo_template):
    path = tmp_path / "bad.sqlite3"
    data = bytearray(demo_template.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for offset in range(page * 3, page * 6):  # scribble over b-tree pages, keep the header
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError, match="壊れて"):
        Store.open(path)
    assert digest(path) == before


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(StoreError, match="ささえあいノートのデータベースではありません"):
        Store.open(path)
    assert digest(path) == before


def test_newer_revision_is_refused_and_neither_read_nor_written(tmp_path, template_db):
    path = tmp_path / "future.sqlite3"
    shutil.copyfile(template_db, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.execute("UPDATE app_meta SET value = '9.0.0' WHERE key = 'program_version'")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(StoreError, match=r"9\.0\.0 以降") as info:
        Store.open(path)
    assert "9999" in str(info.value)
    with pytest.raises(StoreError, match="新しい版"):
        check_file(path)
    assert digest(path) == before
    assert not backups_dir(path).exists()


def test_second_instance_is_refused(db_path):
    with Store.open(db_path):
        with pytest.raises(StoreError, match="別のささえあいノートで使われています"):
            Store.open(db_path)
    Store.open(db_path).close()  # free again once closed


@pytest.mark.slow
def test_stale_lock_from_a_killed_process_is_taken_over(db_path):
    script = textwrap.dedent(f"""
        import sys, time
        from app.store import Store
        store = Store.open({str(db_path)!r})
        print("open", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="使われています"):
            Store.open(db_path)
        proc.kill()
        proc.wait(10)
    finally:
        proc.kill()
    assert db_path.with_name(db_path.name + ".lock").exists()  # left behind by the crash
    Store.open(db_path).close()


def test_backup_is_a_verified_copy(demo_store, tmp_path):
    dest = demo_store.backup(tmp_path / "copies" / "b.sqlite3")
    assert check_file(dest).ok
    con = sqlite3.connect(dest)
    assert con.execute("SELECT count(*) FROM member").fetchone()[0] == 22
    con.close()
    with pytest.raises(StoreError, match="同じファイル"):
        demo_store.backup(demo_store.path)


def test_older_revision_is_backed_up_then_upgraded(tmp_path, template_db, monkeypatch):
    # A program one revision ahead: the real migrations plus a new one.
    root = tmp_path / "newer"
    shutil.copytree(store_module.bundle_root() / "migrations", root / "migrations",
                    ignore=shutil.ignore_patterns("__pycache__"))
    current = program_head()
    (root / "migrations" / "versions" / "9000_extra.py").write_text(textwrap.dedent(f"""
        import sqlalchemy as sa
        from alembic import op
        revision = "9000"
        down_revision = "{current}"
        branch_labels = None
        depends_on = None
        def upgrade():
            with op.batch_alter_table("member") as batch:
                batch.add_column(sa.Column("nickname", sa.String(50), nullable=True))
        def downgrade():
            with op.batch_alter_table("member") as batch:
                batch.drop_column("nickname")
    """))
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(template_db, path)
    before = dump(path)
    monkeypatch.setattr(store_module, "bundle_root", lambda: root)
    assert program_head() == "9000"
    Store.open(path).close()
    backups = list(backups_dir(path).glob("*before-migration.sqlite3"))
    assert len(backups) == 1 and dump(backups[0]) == before
    assert check_file(backups[0]).revision == current
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9000"
    assert "nickname" in [r[1] for r in con.execute("PRAGMA table_info(member)")]
    con.close()


def test_check_reports_ok_and_problems(demo_template, tmp_path):
    assert check_file(demo_template).ok
    path = tmp_path / "dangling.sqlite3"
    shutil.copyfile(demo_template, path)
    con = sqlite3.connect(path)  # foreign keys off here: write a dangling reference
    con.execute("UPDATE member SET council_id = 'nowhere' WHERE rowid = 1")
    con.commit()
    con.close()
    report = check_file(path)
    assert not report.ok and "参照切れ" in report.problems[0]
