"""Exchange fixtures: the demo exported once per session, helpers to edit a file as Excel would."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from app.exchange.export_file import export_councils
from app.store import Store


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def db_state(path: Path) -> tuple[str, str]:
    """The database file and its WAL, byte for byte (a refused import must touch neither)."""
    wal = Path(str(path) + "-wal")
    return sha256(path), sha256(wal) if wal.exists() and wal.stat().st_size else ""


def settled(store: Store) -> tuple[str, str]:
    """db_state after every connection closed (SQLite folds the WAL into the file then)."""
    store.engine.dispose()
    return db_state(store.path)


@pytest.fixture(scope="session")
def demo_export(tmp_path_factory, demo_template) -> Path:
    """All demo councils in one file, exported from a copy of the demo database."""
    folder = tmp_path_factory.mktemp("exchange")
    db = shutil.copyfile(demo_template, folder / "source.sqlite3")
    with Store.open(db) as store:
        export_councils(store, folder / "demo.xlsx")
    return folder / "demo.xlsx"


@pytest.fixture
def exported(tmp_path, demo_export) -> Path:
    """A private copy of the demo export that a test may edit."""
    return shutil.copyfile(demo_export, tmp_path / "demo.xlsx")


def edit_cells(path: Path, sheet: str, changes: dict[tuple[int, str], object]) -> None:
    """Change cells by (row number, header) and save, as someone would in Excel."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    headers = {c.value: c.column for c in ws[1]}
    for (row, header), value in changes.items():
        ws.cell(row=row, column=headers[header]).value = value
    wb.save(path)


def find_row(path: Path, sheet: str, header: str, value: object) -> int:
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[sheet]
    rows = ws.iter_rows(values_only=True)
    headers = next(rows)
    column = headers.index(header)
    for number, row in enumerate(rows, start=2):
        if row[column] == value:
            return number
    raise AssertionError(f"{value!r} not in {sheet}/{header}")


def sheet_dicts(path: Path, sheet: str) -> list[dict]:
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = wb[sheet].iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row, strict=False)) for row in rows]
