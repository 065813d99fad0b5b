"""The exported workbook as a person opening it in Excel sees it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import msoffcrypto
import openpyxl
import pytest

from app.errors import UserError
from app.exchange import sheets as S
from app.exchange.export_file import export_councils
from app.services import councils, members, resources
from app.services.overview import last_exchange
from tests.exchange.conftest import sheet_dicts

MEMBER_HEADERS = ["ID", "氏名", "ふりがな", "役割", "区分", "コアメンバー", "町内会", "登録日", "最終確認日",
                  "状況", "電話", "住所", "ハンドブック掲載", "連絡先共有", "備考"]
NEED_HEADERS = ["ID", "町内会", "分類", "内容", "人数", "把握方法", "把握日", "状況", "対応する社会資源"]
RESOURCE_HEADERS = ["ID", "名称", "分類", "内容", "団体・代表者", "電話", "会場", "町内会", "日程", "開始",
                    "終了", "対象", "費用", "運営主体", "協議体で創出", "最終確認日", "備考"]
FORMULA_LIKE = ("=SUM(A1:A9)", "+81-90-1234-5678", "-1番地", "@IMPORT", "=1+1")


@pytest.mark.slow
def test_sheets_headers_and_meta(demo_export):
    wb = openpyxl.load_workbook(demo_export)
    assert wb.sheetnames[:9] == ["協議体", "町内会", "メンバー", "研修", "ニーズ", "集計表", "アンケート",
                                 "社会資源", "会議・活動"]
    assert wb.sheetnames[-1] == "_meta" and wb["_meta"].sheet_state == "hidden"
    for sheet, wanted in (("メンバー", MEMBER_HEADERS), ("ニーズ", NEED_HEADERS),
                          ("社会資源", RESOURCE_HEADERS)):
        headers = [c.value for c in wb[sheet][1]]
        assert headers[:len(wanted)] == wanted, sheet
    for title in wb.sheetnames[:-2]:  # the hidden _deleted and _meta come last
        ws = wb[title]
        assert ws.freeze_panes == "A2", title
        assert all(c.font.bold for c in ws[1] if c.value), title
        last = openpyxl.utils.get_column_letter(ws.max_column)
        assert ws[f"{last}1"].value == S.STAMP_HEADER
        assert ws.column_dimensions[last].hidden, title
        assert ws.column_dimensions["B"].width >= 6
    meta = {row[0]: row[1] for row in wb["_meta"].iter_rows(values_only=True)}
    assert meta["format"] == "sasaeai-exchange" and meta["format_version"] == 1
    assert meta["program_version"] and meta["exported_at"] and meta["anonymized"] == "いいえ"
    counts = {row[1]: row[2] for row in wb["_meta"].iter_rows(values_only=True) if row[0] == "rows"}
    assert counts["メンバー"] == 22 and counts["協議体"] == 27 and counts["集計表の数"] == 204
    assert sum(1 for row in wb["_meta"].iter_rows(values_only=True) if row[0] == "council") == 27


def test_cells_are_typed(demo_export):
    rows = {r["氏名"]: r for r in sheet_dicts(demo_export, "メンバー")}
    kobayashi = rows["小林 美智子"]
    assert isinstance(kobayashi["登録日"], dt.datetime)  # a real date cell, shown as a date
    assert kobayashi["コアメンバー"] == "はい" and kobayashi["連絡先共有"] == "はい"
    assert kobayashi["区分"] == "地域づくりを考える人、サービスの担い手"
    assert kobayashi["電話"] == "090-0000-1002"
    needs = sheet_dicts(demo_export, "ニーズ")
    assert all(isinstance(n["人数"], int) for n in needs)
    assert any(n["対応する社会資源"] == "八起きサロン\nサポーターのいきいきサロン"
               or n["対応する社会資源"] == "サポーターのいきいきサロン\n八起きサロン" for n in needs)
    salon = next(r for r in sheet_dicts(demo_export, "社会資源") if r["名称"] == "ミチの会")
    assert salon["開始"] == dt.time(12, 0) and salon["終了"] == dt.time(13, 0)
    assert salon["地図の位置（横）"] == pytest.approx(0.32)
    council = next(r for r in sheet_dicts(demo_export, "協議体") if r["名前"] == "八幡")
    assert council["人口"] == 14212 and council["資料の高齢化率"] == pytest.approx(29.86)


def test_contact_details_only_with_consent(demo_export):
    rows = {r["氏名"]: r for r in sheet_dicts(demo_export, "メンバー")}
    sato = rows["佐藤 和夫"]  # did not agree to share contact details
    assert sato["電話"] == S.WITHHELD and sato["住所"] == S.WITHHELD
    raw = _all_xml(demo_export)
    assert "090-0000-1003" not in raw  # 佐藤's number appears nowhere in the file
    assert "090-0000-1002" in raw      # 小林 agreed


def _all_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.mark.slow
def test_anonymized_file_has_no_names_addresses_or_notes(demo_store, tmp_path):
    report = export_councils(demo_store, tmp_path / "anon.xlsx", anonymize=True)
    assert report.anonymized
    raw = _all_xml(tmp_path / "anon.xlsx")
    for text in ("大澤 勝利", "おおさわ", "高崎市金井淵", "090-0000-1001", "移動販売の見守り担当"):
        assert text not in raw
    rows = sheet_dicts(tmp_path / "anon.xlsx", "メンバー")
    assert len(rows) == 22 and all(r["氏名"] == S.WITHHELD for r in rows)
    assert rows[0]["役割"] and rows[0]["状況"]  # what the coordinator counts is still there
    meta = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "anon.xlsx")["_meta"].iter_rows(values_only=True)}
    assert meta["anonymized"] == "はい"


def test_one_council_only(demo_store, tmp_path):
    yawata = councils.find_council(demo_store, "八幡")
    report = export_councils(demo_store, tmp_path / "yawata.xlsx", [yawata.id])
    assert report.councils == ("八幡",)
    assert {r["名前"] for r in sheet_dicts(tmp_path / "yawata.xlsx", "協議体")} == {"八幡"}
    # one council per file: the 協議体 column is left blank and read back as the file's council
    assert {r["協議体"] for r in sheet_dicts(tmp_path / "yawata.xlsx", "メンバー")} == {None}
    assert report.rows["集計表"] == 2 and report.rows["アンケート"] == 1  # the forms-entered sample
    assert yawata.id in last_exchange(demo_store)


@pytest.fixture
def tricky(store, council):
    """Text that spreadsheet programs like to turn into formulas."""
    members.create_member(store, council.id, {
        "name": "=SUM(A1:A9)", "furigana": "@IMPORT", "phone": "+81-90-1234-5678",
        "address": "-1番地", "note": "=1+1\n二行目", "consent_share_contact": True})
    resources.create_resource(store, council.id, {"name": "=1+1", "content": "+αの集い",
                                                  "note": "tab\tin the middle _x0041_ literal"})
    return council


def test_formula_looking_text_is_written_as_text(store, tricky, tmp_path):
    export_councils(store, tmp_path / "t.xlsx", [tricky.id])
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    ws = wb["メンバー"]
    headers = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(headers, ws[2], strict=False)}
    for header, wanted in (("氏名", "=SUM(A1:A9)"), ("ふりがな", "@IMPORT"), ("電話", "+81-90-1234-5678"),
                           ("住所", "-1番地"), ("備考", "=1+1\n二行目")):
        assert row[header].value == wanted
        assert row[header].data_type == "s", header
        assert row[header].quotePrefix, header
    raw = _all_xml(tmp_path / "t.xlsx")
    assert "<f>" not in raw  # not a single formula in the whole file
    res = {h: c.value for h, c in zip([c.value for c in wb["社会資源"][1]], wb["社会資源"][2], strict=False)}
    assert res["名称"] == "=1+1" and res["内容"] == "+αの集い"


@pytest.mark.slow
def test_password_makes_excel_ask(demo_store, tmp_path):
    out = tmp_path / "secret.xlsx"
    report = export_councils(demo_store, out, anonymize=True, password="ひみつ123")
    assert report.encrypted
    data = out.read_bytes()
    assert not zipfile.is_zipfile(io.BytesIO(data))  # an encrypted OLE container, as Excel writes
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    assert office.is_encrypted()
    office.load_key(password="ひみつ123", verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    assert openpyxl.load_workbook(plain)["メンバー"].max_row == 23


def test_refuses_a_non_xlsx_target(demo_store, tmp_path):
    with pytest.raises(UserError, match=".xlsx"):
        export_councils(demo_store, tmp_path / "out.csv")
