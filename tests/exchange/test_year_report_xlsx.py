"""年度のまとめ as .xlsx, read back with openpyxl: a row per council and 合計, numbers as numbers,
dates as dates, text that looks like a formula kept as text, and the file written whole."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from app.errors import UserError
from app.exchange import year_report_xlsx as X
from app.models import Meeting, Proposal, Resource
from app.services import councils
from app.services import year_report as Y
from app.store import Store

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def city_store(tmp_path, demo_template):
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template, path)
    with Store.open(path) as store:
        yawata = councils.find_council(store, "八幡").id
        toyooka = councils.find_council(store, "豊岡").id
        with store.session() as s:
            s.add_all([Proposal(council_id=toyooka, title="=HYPERLINK(\"http://x\")", raised_to="+81 市",
                                raised_on=dt.date(2017, 10, 2), status="回答あり", answered_on=dt.date(2018, 2, 1)),
                       Resource(council_id=yawata, name="@ベンチ", created_by_council=True,
                                started_on=dt.date(2018, 3, 31)),
                       Meeting(council_id=toyooka, held_on=dt.date(2017, 5, 10), kind="行事", attendance_count=80)])
        yield store


def test_the_city_sheet_a_row_per_council_and_the_total(city_store, tmp_path):
    city = Y.city_report(city_store, 2017, today=TODAY)
    out = X.write_year_report(city, tmp_path / "まとめ.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [X.SUMMARY_SHEET, X.PROPOSALS_SHEET, X.RESOURCES_SHEET, X.NOTES_SHEET]
    rows = list(wb[X.SUMMARY_SHEET].iter_rows(values_only=True))
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert len(set(header)) == len(header)  # every column named once
    assert [r[0] for r in body] == [c.name for c in city.councils] and len(body) == 26
    assert total[0] == "合計"
    for column in range(1, len(header)):
        assert all(isinstance(r[column], int) for r in body), header[column]
        assert total[column] == sum(r[column] for r in body), header[column]
    got = dict(zip(header, total, strict=True))
    assert got["会議・活動（回）"] == 2 and got["会議・活動の参加者"] == 16 + 80
    assert got["会議・活動: 行事（回）"] == 1 and got["会議・活動: 行事の参加者"] == 80
    assert got["担い手養成講座（回）"] == 1 and got["担い手養成講座の参加者"] == 45
    assert got["提言の提出"] == 1 and got["始めた社会資源"] == 1
    yawata = dict(zip(header, next(r for r in body if r[0] == "八幡"), strict=True))
    assert yawata["始めた日なしの社会資源"] == 1 and yawata["担い手養成講座の修了者"] == 6


def test_user_text_stays_text_and_dates_are_dates(city_store, tmp_path):
    out = X.write_year_report(Y.city_report(city_store, 2017, today=TODAY), tmp_path / "y.xlsx")
    wb = openpyxl.load_workbook(out)
    proposals = wb[X.PROPOSALS_SHEET]
    title, to = proposals["C2"], proposals["D2"]
    assert title.value == "=HYPERLINK(\"http://x\")" and title.data_type == "s"
    assert to.value == "+81 市" and to.data_type == "s"
    assert proposals["B2"].value == dt.datetime(2017, 10, 2) and proposals["B2"].is_date
    assert proposals["F2"].value == dt.datetime(2018, 2, 1)
    resources = {r[1]: r for r in wb[X.RESOURCES_SHEET].iter_rows(min_row=2, values_only=True)}
    assert resources["@ベンチ"][3] == dt.datetime(2018, 3, 31)
    assert resources["お休み処のベンチ"][3] == "始めた日なし"
    notes = [r[0] for r in wb[X.NOTES_SHEET].iter_rows(values_only=True)]
    assert notes[0] == "高崎市 平成29年度（2017年度）のまとめ" and any("最後の1回だけ" in (n or "") for n in notes)


def test_one_councils_file_has_its_row_and_no_total(city_store, tmp_path):
    report = Y.council_report(city_store, councils.find_council(city_store, "八幡").id, 2016, today=TODAY)
    wb = openpyxl.load_workbook(X.write_year_report(report, tmp_path / "八幡.xlsx"))
    rows = list(wb[X.SUMMARY_SHEET].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "八幡"
    assert dict(zip(rows[0], rows[1], strict=True))["担い手養成講座の参加者"] == 65


def test_a_wrong_suffix_or_a_folder_writes_nothing(city_store, tmp_path):
    city = Y.city_report(city_store, 2017, today=TODAY)
    with pytest.raises(UserError, match=".xlsx"):
        X.write_year_report(city, tmp_path / "x.csv")
    (tmp_path / "d.xlsx").mkdir()
    with pytest.raises(UserError, match="フォルダー"):
        X.write_year_report(city, tmp_path / "d.xlsx")
    assert not (tmp_path / "x.csv").exists() and not list((tmp_path / "d.xlsx").iterdir())
    out = X.write_year_report(city, tmp_path / "ok.xlsx")
    assert openpyxl.load_workbook(out).sheetnames[0] == X.SUMMARY_SHEET
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
