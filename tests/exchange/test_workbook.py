"""The spreadsheet reader: the fast path and the expat path agree, whoever wrote the file."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from app.exchange.workbook import _SheetReader, open_workbook
from app.exchange.xlsx_package import FileRefused

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def both(path: Path, sheet: str) -> list:
    book = open_workbook(path)
    fast = list(book.rows(sheet))
    slow = list(_SheetReader(book, book.sheets[sheet], 10**6).run())
    assert fast == slow
    return fast


def test_our_export_reads_the_same_both_ways(demo_export):
    book = open_workbook(demo_export)
    for sheet in book.sheets:
        both(demo_export, sheet)


def test_openpyxl_normal_mode_shared_strings_formulas_rich_text(tmp_path):
    path = tmp_path / "normal.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["氏名", "登録日", "数", "式", "時刻"])
    ws.append(["山田 太郎", dt.date(2024, 4, 1), 3, "=1+2", dt.time(10, 30)])
    ws.append([CellRichText(["太字", TextBlock(InlineFont(b=True), "と普通")]), None, 2.5, None, None])
    ws["A5"] = "&<>\"' 記号"
    wb.save(path)
    rows = both(path, "表")
    assert rows[1] == (2, ["山田 太郎", dt.datetime(2024, 4, 1), 3, None, dt.time(10, 30)])
    assert rows[2] == (3, ["太字と普通", None, 2.5])
    assert rows[3] == (5, ["&<>\"' 記号"])


def make_xlsx(path: Path, sheet_xml: str, strings: str | None = None, date1904: bool = False,
              styles: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_rels/.rels", f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="r1" Type="{REL}/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr '
                   f'date1904="{int(date1904)}"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                   '</sheets></workbook>')
        rels = f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        if strings is not None:
            rels += f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        if styles is not None:
            rels += f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>'
            z.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                   f'package/2006/relationships">{rels}</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def test_furigana_runs_are_not_part_of_the_text(tmp_path):
    path = make_xlsx(tmp_path / "kana.xlsx",
                     f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
                     '<c r="C1" t="s"><v>1</v></c></row></sheetData></worksheet>',
                     strings='<si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh>'
                             '<phoneticPr fontId="1"/></si><si><r><t>a&amp;</t></r><r><t>b</t></r></si>')
    assert both(path, "S") == [(1, ["山田", None, "a&b"])]


def test_prefixed_tags_and_other_attribute_orders(tmp_path):
    path = make_xlsx(tmp_path / "prefixed.xlsx",
                     f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2"><x:c r="B2" t="inlineStr">'
                     '<x:is><x:t>前置</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>')
    assert both(path, "S") == [(2, [None, "前置"])]
    path = make_xlsx(tmp_path / "order.xlsx",
                     f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c t="inlineStr" r="A1">'
                     '<is><t>順序</t></is></c><c r="B1" t="b"><v>1</v></c>\n<c r="C1"><f>A1</f>'
                     '<v>7</v></c></row></sheetData></worksheet>')
    assert both(path, "S") == [(1, ["順序", True, 7])]


def test_dates_in_1904_workbooks_and_japanese_builtin_formats(tmp_path):
    styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="57"/></cellXfs>'  # 和暦 built-in
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" s="1"><v>1</v></c>'
             '<c r="B1" s="1"><v>0.5</v></c></row></sheetData></worksheet>')
    path = make_xlsx(tmp_path / "1904.xlsx", sheet, date1904=True, styles=styles)
    assert both(path, "S") == [(1, [dt.datetime(1904, 1, 2), dt.time(12, 0)])]


def test_escaped_carriage_return_and_underscore(tmp_path):
    path = make_xlsx(tmp_path / "escape.xlsx",
                     f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
                     '<t>a_x000D_b_x005F_x0041_</t></is></c><c r="B1" t="inlineStr"><is><t>x&#13;y</t>'
                     '</is></c></row></sheetData></worksheet>')
    assert both(path, "S") == [(1, ["a\rb_x0041_", "x\ry"])]


def test_undefined_entity_is_refused(tmp_path):
    path = make_xlsx(tmp_path / "entity.xlsx",
                     f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
                     '<t>&secret;</t></is></c></row></sheetData></worksheet>')
    with pytest.raises(FileRefused, match="XMLとして壊れています"):
        list(open_workbook(path).rows("S"))
