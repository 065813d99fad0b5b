"""Broken and hostile files: each refused with a line naming the file (and sheet, row and
column where there is one), and the database left byte for byte as it was."""

from __future__ import annotations

import io
import shutil
import struct
import time
import tracemalloc
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app.errors import UserError
from app.exchange import xlsx_package as W
from app.exchange.export_file import export_councils
from app.exchange.merge import ImportFailed, import_files
from app.exchange.workbook import open_workbook
from app.exchange.xlsx_package import FileRefused
from app.store import Store
from tests.exchange.conftest import edit_cells, find_row, settled


@pytest.fixture
def target(tmp_path, demo_template):
    """The database every hostile file is thrown at, with its state before."""
    with Store.open(shutil.copyfile(demo_template, tmp_path / "target.sqlite3")) as store:
        yield store


def refused(store: Store, path: Path, match: str, **kwargs) -> str:
    before = settled(store)
    with pytest.raises(UserError) as exc:
        import_files(store, [path], **kwargs)
    message = str(exc.value)
    assert path.name in message, message
    assert match in message, message
    assert settled(store) == before, "the database changed"
    return message


def rebuild(src: Path, dest: Path, replace: dict[str, bytes] | None = None,
            drop: set[str] = frozenset()) -> Path:
    """The same zip with some parts replaced or left out."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in drop:
                continue
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item.filename)))
    return dest


def part_of(path: Path, sheet: str) -> str:
    return open_workbook(path).sheets[sheet].part


# --- not an exchange file at all ---------------------------------------------------------------

def test_not_a_zip(target, tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(bytes(range(256)) * 40)
    refused(target, path, "Excelのファイル（.xlsx）ではありません")


def test_csv_renamed_to_xlsx(target, tmp_path):
    path = tmp_path / "名簿.xlsx"
    path.write_bytes("氏名,ふりがな,電話\n山田 太郎,やまだ たろう,027-000-0000\n".encode("cp932"))
    message = refused(target, path, "CSV")
    assert "「ファイル」ページの「ほかで作った一覧を読み込む」で読み込めます（コマンドでは import-table）。" in message


def test_empty_file(target, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    refused(target, path, "空のファイル")


def test_a_workbook_that_is_not_ours(target, tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["氏名", "電話"])
    wb.save(path)
    message = refused(target, path, "import-table")
    assert ("ほかで作った名簿や一覧なら、「ファイル」ページの「ほかで作った一覧を読み込む」で読み込めます"
            "（コマンドでは import-table）。データベースは変えていません。") in message


def test_zip_without_a_workbook(target, tmp_path):
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("photo.jpg", b"\xff\xd8\xff" + b"0" * 100)
    refused(target, path, "ではありません")


# --- zip bombs ---------------------------------------------------------------------------------

def test_zip_bomb_by_ratio(target, exported, tmp_path):
    sheet = part_of(exported, "メンバー")
    bomb = rebuild(exported, tmp_path / "bomb.xlsx", {sheet: b"\x20" * (8 * 1024 * 1024)})
    assert bomb.stat().st_size < 200_000  # small on the stick, 8 MB of nothing inside
    refused(target, bomb, "zip爆弾")


def _lie_about_size(path: Path, part: str, size: int) -> None:
    """Patch the declared uncompressed size of one part in the central directory."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_len] == name:
            struct.pack_into("<I", data, at + 24, size)
        at += 4
    path.write_bytes(bytes(data))


def test_zip_bomb_by_declared_size(target, exported, tmp_path):
    bomb = shutil.copyfile(exported, tmp_path / "huge.xlsx")
    _lie_about_size(bomb, part_of(exported, "メンバー"), 3_000_000_000)
    refused(target, bomb, "大きすぎます")


def test_zip_that_inflates_more_than_it_declares(target, exported, tmp_path):
    liar = shutil.copyfile(exported, tmp_path / "liar.xlsx")
    _lie_about_size(liar, part_of(exported, "メンバー"), 100)
    refused(target, liar, "liar.xlsx")


def test_total_size_limit(target, exported, tmp_path, monkeypatch):
    monkeypatch.setattr(W, "MAX_TOTAL_INFLATED", 50_000)
    refused(target, exported, "大きすぎます")


# --- XML tricks --------------------------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>"""


def test_entity_expansion_is_refused(target, exported, tmp_path):
    path = rebuild(exported, tmp_path / "laughs.xlsx", {part_of(exported, "メンバー"): LAUGHS})
    refused(target, path, "DOCTYPE")


def test_external_entity_is_refused(target, exported, tmp_path):
    wb = open_workbook(exported)
    part = wb._strings_part or "xl/sharedStrings.xml"
    path = rebuild(exported, tmp_path / "xxe.xlsx", {part: EXTERNAL})
    if not wb._strings_part:  # openpyxl's write-only files have inline strings only
        path = rebuild(exported, tmp_path / "xxe2.xlsx", {"xl/workbook.xml": EXTERNAL})
    message = refused(target, path, "DOCTYPE")
    assert "root:" not in message


def test_openpyxl_itself_uses_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed for openpyxl"


def test_broken_xml(target, exported, tmp_path):
    path = rebuild(exported, tmp_path / "broken.xlsx", {part_of(exported, "ニーズ"): b"<worksheet><sheetData>"})
    refused(target, path, "ニーズ")


# --- passwords ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def locked(tmp_path_factory, demo_template):
    folder = tmp_path_factory.mktemp("locked")
    with Store.open(shutil.copyfile(demo_template, folder / "db.sqlite3")) as store:
        export_councils(store, folder / "locked.xlsx", password="合言葉")
    return folder / "locked.xlsx"


def test_missing_password(target, locked):
    refused(target, locked, "パスワードがかかっています")


def test_wrong_password(target, locked):
    refused(target, locked, "パスワードが違います", password="ちがう")


@pytest.mark.slow
def test_right_password(target, locked):
    report = import_files(target, [locked], password="合言葉")
    assert not report.changed  # the same data the target already has


# --- sheets, headers, cells, references --------------------------------------------------------

def test_missing_sheet(target, exported):
    wb = openpyxl.load_workbook(exported)
    del wb["ニーズ"]
    wb.save(exported)
    refused(target, exported, "シート「ニーズ」がありません")


@pytest.mark.slow
def test_missing_header(target, exported):
    wb = openpyxl.load_workbook(exported)
    ws = wb["メンバー"]
    column = [c.value for c in ws[1]].index("登録日") + 1
    ws.delete_cols(column)
    wb.save(exported)
    refused(target, exported, "見出し「登録日」がありません")


def test_impossible_date(target, exported):
    row = find_row(exported, "メンバー", "氏名", "小林 美智子")
    edit_cells(exported, "メンバー", {(row, "登録日"): "2024-02-30"})
    message = refused(target, exported, "2024-02-30")
    assert f"demo.xlsx のシート「メンバー」 {row}行目「登録日」" in message
    assert "30日はありません" in message


def test_unknown_id_reference(target, exported):
    ghost = str(uuid.uuid4())
    edit_cells(exported, "研修の出席", {(2, "メンバーID"): ghost})
    message = refused(target, exported, ghost)
    assert "シート「研修の出席」 2行目「メンバーID」" in message


def test_unknown_neighbourhood_and_role(target, exported):
    row = find_row(exported, "メンバー", "氏名", "小林 美智子")
    edit_cells(exported, "メンバー", {(row, "町内会"): "存在しない町", (row + 1, "役割"): "魔法使い"})
    with pytest.raises(ImportFailed) as exc:
        import_files(target, [exported])
    problems = exc.value.problems
    assert any("存在しない町" in p and "「町内会」" in p for p in problems)
    assert any("魔法使い" in p and "「役割」" in p for p in problems)


@pytest.mark.slow
def test_duplicate_ids(target, exported):
    first = sheet_value(exported, "町内会", 2, "ID")
    edit_cells(exported, "町内会", {(3, "ID"): first})
    refused(target, exported, "同じです")


def sheet_value(path: Path, sheet: str, row: int, header: str):
    ws = openpyxl.load_workbook(path)[sheet]
    column = [c.value for c in ws[1]].index(header) + 1
    return ws.cell(row=row, column=column).value


@pytest.mark.slow
def test_several_problems_are_counted(target, exported):
    edit_cells(exported, "ニーズ", {(2, "人数"): "たくさん", (3, "把握日"): "2024-13-01",
                                    (4, "状況"): "やる気"})
    with pytest.raises(ImportFailed) as exc:
        import_files(target, [exported])
    assert len(exc.value.problems) == 3
    assert "ほかにも2件" in str(exc.value)


# --- 100,000 rows of junk ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def junk(tmp_path_factory, demo_export) -> Path:
    """The demo file with its メンバー sheet replaced by 100,000 rows of junk, built as XML."""
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>junk-{n}</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>{"ゴミ" * 5}</t></is></c>'
        f'<c r="H{n}" t="inlineStr"><is><t>2024-02-{n % 40}</t></is></c></row>'
        for n in range(2, 100_002))
    wb = open_workbook(demo_export)
    header = next(wb.rows("メンバー"))[1]
    head = "".join(f'<c r="{openpyxl.utils.get_column_letter(i + 1)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                   for i, h in enumerate(header))
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           f'<row r="1">{head}</row>{rows}</sheetData></worksheet>').encode()
    path = tmp_path_factory.mktemp("junk") / "junk.xlsx"
    return rebuild(demo_export, path, {wb.sheets["メンバー"].part: xml})


@pytest.mark.slow
def test_100000_rows_of_junk_fail_fast_in_bounded_memory(target, junk):
    tracemalloc.start()
    started = time.perf_counter()
    message = refused(target, junk, "シート「メンバー」 2行目")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "ほかにも49件以上" in message
    assert elapsed < 10, elapsed
    assert peak < 60 * 1024 * 1024, peak


def test_row_limit(junk):
    wb = open_workbook(junk)
    with pytest.raises(FileRefused, match="行が多すぎます"):
        for _ in wb.rows("メンバー", max_rows=1000):
            pass


def test_cells_too_far_right(target, exported, tmp_path):
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           b'<row r="1"><c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
    path = rebuild(exported, tmp_path / "wide.xlsx", {part_of(exported, "研修"): xml})
    refused(target, path, "列が多すぎます")


def test_encrypted_zip_entries(target, tmp_path):
    path = tmp_path / "zipcrypto.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
    data = bytearray(buffer.getvalue())
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(sig)
        struct.pack_into("<H", data, at + flag_at, 1)
    path.write_bytes(bytes(data))
    refused(target, path, "暗号化されたzip")
