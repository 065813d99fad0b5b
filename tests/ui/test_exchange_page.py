"""ファイルのやりとり: write the coordinator's file, read it into another database, overview."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from app.errors import UserError
from app.services import councils, members
from app.store import Store
from app.ui.controller import Controller
from app.ui.main_window import MainWindow


@pytest.mark.slow
def test_export_then_import_into_an_empty_database(window, qtbot, tmp_path, template_db):
    page = window.show_page("exchange")
    assert not page.overview_hint.isVisibleTo(page)  # tier 2: no overview
    out = tmp_path / "yawata.xlsx"
    text = page.export_to(out)
    assert "書き出しました" in text
    book = load_workbook(out)
    assert "メンバー" in book.sheetnames and book["_meta"].sheet_state == "hidden"

    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(template_db.read_bytes())
    other = MainWindow(Controller(Store.open(empty)))
    qtbot.addWidget(other)
    assert other.root.currentWidget() is other.welcome  # first start
    councils.create_council(other.controller.store, {"name": "高崎市（第1層）", "tier": 1})
    other.reload_councils()
    receiving = other.show_page("exchange")
    report = receiving.import_from([out])
    assert "読み込みました" in report
    assert other.council_box.findText("八幡（第2層）") >= 0
    yawata = councils.find_council(other.controller.store, "八幡")
    assert len(members.list_members(other.controller.store, yawata.id)) == 22
    other.select_council("高崎市")
    receiving.reload()
    assert receiving.overview_hint.isVisibleTo(receiving)
    home = other.show_page("home")  # the coordinator's overview is on ホーム
    home.reload()
    names = [home.overview.item(r, 0).text() for r in range(home.overview.rowCount())]
    assert "八幡" in names


def test_a_bad_file_is_refused_and_explained(window, tmp_path):
    page = window.show_page("exchange")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("氏名,電話\n山田,090\n", encoding="utf-8")
    with pytest.raises(UserError):
        page.import_from([bad])
    assert "読み込めませんでした" in page.report.toPlainText()
    assert "bad.xlsx" in page.report.toPlainText()


def test_report_shows_warnings_first_and_in_view(window, qtbot, tmp_path):
    window.large_text.setChecked(True)
    window._apply_text_scale()
    window.resize(1024, 700)
    page = window.show_page("exchange")
    text = "\n".join(["読み込みました: a.xlsx", "協議体: 八幡"] + [f"シート{i}  {i}" for i in range(30)]
                     + ["注意: 町内会「若田」の世帯数が違います", "読み込む前のバックアップ: x.sqlite3"])
    shown = page.show_report(text)
    assert shown.splitlines()[0] == "注意: 町内会「若田」の世帯数が違います"
    assert "1件" in page.warnings.text() and page.warnings.isVisibleTo(page)
    qtbot.wait(20)
    assert page.report.verticalScrollBar().value() == 0
    assert page.report.textCursor().position() == 0
    first = page.report.cursorRect()
    assert page.report.viewport().rect().contains(first.center())
    assert page.report.viewport().height() > page.report.fontMetrics().height() * 3

    page.show_report("書き出しました: b.xlsx")
    assert not page.warnings.isVisibleTo(page)
