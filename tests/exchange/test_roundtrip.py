"""Acceptance: what leaves comes back equal, formula-looking text stays text, and a file
re-saved by LibreOffice (as a coordinator's office PC may do) still merges cleanly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from app.exchange.export_file import export_councils
from app.exchange.merge import import_files
from app.exchange.workbook import open_workbook
from app.services import councils, members, resources
from app.store import Store
from tests.exchange.test_merge import dump

pytestmark = pytest.mark.slow  # whole files written and read back (and LibreOffice, when there)

TRICKY_MEMBER = {"name": "=SUM(A1:A9)", "furigana": "@IMPORT", "phone": "+81-90-1234-5678",
                 "address": "-1番地", "note": "=1+1\n二行目", "consent_share_contact": True}
TRICKY_RESOURCE = {"name": "=1+1", "content": "+αの集い", "note": "tab\tinside _x0041_ literal"}


@pytest.fixture(scope="module")
def source(tmp_path_factory, demo_template) -> Path:
    """The demo plus a council whose texts look like formulas, exported once."""
    folder = tmp_path_factory.mktemp("roundtrip")
    db = shutil.copyfile(demo_template, folder / "source.sqlite3")
    with Store.open(db) as store:
        council = councils.create_council(store, {"name": "記号地区", "tier": 2})
        members.create_member(store, council.id, TRICKY_MEMBER)
        resources.create_resource(store, council.id, TRICKY_RESOURCE)
        export_councils(store, folder / "all.xlsx")
    return folder


def _empty(tmp_path, template_db) -> Store:
    return Store.open(shutil.copyfile(template_db, tmp_path / "empty.sqlite3"))


def _same_as_source(source: Path, store: Store) -> None:
    with Store.open(shutil.copyfile(source / "source.sqlite3", source / "check.sqlite3")) as original:
        expected = dump(original)
    got = dump(store)
    assert {t: len(r) for t, r in got.items()} == {t: len(r) for t, r in expected.items()}
    for table, rows in expected.items():
        for key, row in rows.items():
            if table == "member" and not row["consent_share_contact"]:
                row = {**row, "phone": "", "address": ""}
            assert got[table][key] == row, (table, key)


def test_formula_looking_text_stays_text_through_export_and_import(source, tmp_path, template_db):
    with _empty(tmp_path, template_db) as store:
        import_files(store, [source / "all.xlsx"])
        council = councils.find_council(store, "記号地区")
        member = members.list_members(store, council.id)[0]
        for key, value in TRICKY_MEMBER.items():
            assert getattr(member, key) == value, key
        resource = resources.list_resources(store, council.id)[0]
        for key, value in TRICKY_RESOURCE.items():
            assert getattr(resource, key) == value, key
        _same_as_source(source, store)
        assert not import_files(store, [source / "all.xlsx"]).changed


def test_carriage_returns_and_control_characters_survive(store, council, tmp_path, template_db):
    """XML folds a CR into a newline and cannot carry control characters at all: both travel
    as _xHHHH_ escapes. (LibreOffice itself turns a CR inside a cell into a newline.)"""
    note = "\r先頭\r\n途中\r末尾\x01\x1f _x0041_"
    members.create_member(store, council.id, {"name": "改行 太郎", "note": note})
    export_councils(store, tmp_path / "cr.xlsx", [council.id])
    target = tmp_path / "target"
    target.mkdir()
    with _empty(target, template_db) as other:
        import_files(other, [tmp_path / "cr.xlsx"])
        assert members.list_members(other, council.id)[0].note == note.strip()


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def resaved(source) -> Path:
    if not SOFFICE:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = source / "libreoffice"
    out.mkdir()
    profile = (source / "lo-profile").as_uri()
    result = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless",
                             "--convert-to", "xlsx", "--outdir", str(out), str(source / "all.xlsx")],
                            capture_output=True, text=True, timeout=300)
    path = out / "all.xlsx"
    assert path.exists(), result.stdout + result.stderr
    return path


def test_libreoffice_keeps_what_matters(resaved):
    wb = openpyxl.load_workbook(resaved)
    assert wb["_meta"].sheet_state == "hidden"
    ws = wb["メンバー"]
    headers = [c.value for c in ws[1]]
    last = openpyxl.utils.get_column_letter(len(headers))
    assert ws.column_dimensions[last].hidden
    name = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "=SUM(A1:A9)")[1]
    assert name.data_type == "s"  # still text, not a formula
    book = open_workbook(resaved)
    assert book._strings_part  # LibreOffice writes shared strings: the other read path


def test_libreoffice_resave_changes_nothing_on_import(resaved, source):
    db = shutil.copyfile(source / "source.sqlite3", source / "again.sqlite3")
    with Store.open(db) as store:
        report = import_files(store, [resaved])
        assert not report.changed, report.sheets
        assert report.sheets["メンバー"].unchanged == 23


def test_libreoffice_resave_round_trips_into_an_empty_database(resaved, source, tmp_path, template_db):
    with _empty(tmp_path, template_db) as store:
        import_files(store, [resaved])
        _same_as_source(source, store)
