"""migrations/schema.json: the schema each revision builds, so an ordinary open needs no alembic.

The file must describe the migrations exactly; when they change without it, the store still
checks files (building the schema with alembic) and this test says how to rewrite it."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import schema_file
from app import store as store_module

MIGRATIONS = store_module.bundle_root() / "migrations"
ROOT = Path(__file__).resolve().parent.parent


def test_the_file_describes_the_migrations_as_they_are():
    described = schema_file.load(MIGRATIONS)
    assert described is not None, "migrations/schema.json is out of date: run python -m app.schema_file"
    head, schemas = described
    assert head == store_module.alembic_head()
    assert set(schemas) == store_module.alembic_revisions()
    for revision, schema in schemas.items():
        assert schema == store_module.build_schema(revision), (
            f"revision {revision} differs: run python -m app.schema_file")


def _copy_migrations(tmp_path: Path) -> Path:
    copied = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copied, ignore=shutil.ignore_patterns("__pycache__"))
    return copied


def test_crlf_line_endings_still_match(tmp_path):
    copied = _copy_migrations(tmp_path)
    for script in (copied / "versions").glob("*.py"):
        script.write_bytes(script.read_bytes().replace(b"\n", b"\r\n"))
    assert schema_file.load(copied) is not None


def test_a_changed_migration_is_not_described_and_the_guard_builds_the_schema(
        tmp_path, template_db, monkeypatch):
    copied = _copy_migrations(tmp_path)
    first = sorted((copied / "versions").glob("*.py"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert schema_file.load(copied) is None
    monkeypatch.setattr(store_module, "bundle_root", lambda: tmp_path)
    built = []
    real_build = store_module.build_schema
    monkeypatch.setattr(store_module, "build_schema", lambda rev: built.append(rev) or real_build(rev))
    path = tmp_path / "tampered.sqlite3"
    shutil.copyfile(template_db, path)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (x TEXT)")
    con.commit()
    con.close()
    with pytest.raises(store_module.StoreError, match="余分な表 notes"):
        store_module.inspect_file(path)
    assert built == [store_module.alembic_head()]


OPEN_WITHOUT_ALEMBIC = textwrap.dedent("""
    import sqlite3, sys
    from app.store import Store, StoreError
    path, tampered = sys.argv[1], sys.argv[2]
    Store.open(path).close()
    try:
        Store.open(tampered)
    except StoreError as exc:
        print("refused:", exc)
    print("alembic loaded:", "alembic" in sys.modules)
""")


@pytest.mark.slow
def test_an_ordinary_open_does_not_import_alembic_and_still_refuses_a_changed_file(
        tmp_path, demo_template):
    path, tampered = tmp_path / "ok.sqlite3", tmp_path / "changed.sqlite3"
    shutil.copyfile(demo_template, path)
    shutil.copyfile(demo_template, tampered)
    con = sqlite3.connect(tampered)
    con.execute("ALTER TABLE member ADD COLUMN secret TEXT")
    con.commit()
    con.close()
    out = subprocess.run([sys.executable, "-c", OPEN_WITHOUT_ALEMBIC, str(path), str(tampered)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120, check=True).stdout
    assert "refused:" in out and "形の違う表 member" in out
    assert "alembic loaded: False" in out


@pytest.mark.slow
def test_the_councils_command_imports_neither_alembic_nor_printing_nor_exchange(tmp_path, demo_template):
    path = tmp_path / "councils.sqlite3"
    shutil.copyfile(demo_template, path)
    script = textwrap.dedent("""
        import sys
        from app.cli import main
        assert main(["--db", sys.argv[1], "councils"]) == 0
        print("loaded:", sorted(m for m in ("alembic", "reportlab", "openpyxl", "PySide6")
                                if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, check=True).stdout
    assert "八幡" in out
    assert out.strip().endswith("loaded: []")
