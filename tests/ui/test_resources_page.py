"""The 社会資源 page driven as a user would: read the list, edit a schedule with the controls or
by typing, mark rows as checked, delete with a confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from app.services import councils, resources
from app.services.wareki import month_day, wareki
from app.ui.pages.resources.columns import fit_widths
from app.ui.pages.resources.dialog import ResourceDialog
from app.ui.pages.resources.table_model import STALE_BACKGROUND, ResourceTableModel
from app.ui.widgets import DTO_ROLE
from tests.ui.conftest import answer_next_dialog, type_japanese

M = ResourceTableModel


@pytest.fixture(autouse=True)
def _delete_closed_windows():
    """pytest-qt closes each test's window with deleteLater, which never runs without an event
    loop: windows pile up and every new one restyles them all. Delete them now."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_page(window):
    page = window.show_page("resources")
    page.open_dialogs_modeless = True
    return page


def names(page) -> list[str]:
    return [page.proxy.index(r, M.NAME).data() for r in range(page.proxy.rowCount())]


def cell(page, name: str, column: int, role=Qt.ItemDataRole.DisplayRole):
    return page.proxy.index(names(page).index(name), column).data(role)


def select(page, name: str) -> None:
    page.table.selectRow(names(page).index(name))


def stored(demo_store, name: str):
    yawata = councils.find_council(demo_store, "八幡")
    return next(r for r in resources.list_resources(demo_store, yawata.id) if r.name == name)


@pytest.mark.slow
def test_list_prints_schedules_flags_unreadable_and_stale_rows(window, qtbot):
    page = open_page(window)
    assert len(names(page)) == 14
    type_japanese(page.search, "上町崎")
    qtbot.waitUntil(lambda: len(names(page)) == 7, timeout=2000)
    assert names(page)[:2] == ["ミチの会", "アロハクラブメウアラ"]
    assert cell(page, "ミチの会", M.SCHEDULE) == "第2(木) 12:00〜13:00"
    assert cell(page, "カラオケ", M.SCHEDULE) == "毎週(火、金) 10:00〜12:00又は18:00〜21:00"
    michi = cell(page, "ミチの会", M.NAME, DTO_ROLE)
    next_two = resources.upcoming_dates(michi, dt.date.today(), 2)
    assert cell(page, "ミチの会", M.NEXT) == "\n".join(month_day(d) for d in next_two)
    assert "次の5回" in cell(page, "ミチの会", M.NEXT, Qt.ItemDataRole.ToolTipRole)
    assert cell(page, "ミチの会", M.VERIFIED).startswith("令和")
    assert "7件を表示（全14件）" in page.count.text()

    # 楽音(マナ)の会 was last checked 15 months ago: highlighted, with the reason on hover.
    assert cell(page, "楽音(マナ)の会", M.NAME, Qt.ItemDataRole.BackgroundRole).color() == STALE_BACKGROUND
    assert "1年以上確認していません" in cell(page, "楽音(マナ)の会", M.VENUE, Qt.ItemDataRole.ToolTipRole)
    assert cell(page, "ミチの会", M.NAME, Qt.ItemDataRole.BackgroundRole) is None

    page.search.clear()
    qtbot.waitUntil(lambda: len(names(page)) == 14, timeout=2000)
    flagged = cell(page, "ゴミ出しお手伝い", M.SCHEDULE)
    assert flagged.startswith("⚠ 読み取れません") and "不定期（申し込み順）" in flagged
    assert "読み取れません" in cell(page, "ゴミ出しお手伝い", M.SCHEDULE, Qt.ItemDataRole.ToolTipRole)
    assert cell(page, "ゴミ出しお手伝い", M.NEXT) == ""

    page.category_filter.setCurrentText("健康・体操")
    assert set(names(page)) == {"卓球クラブ", "生命の野薑体操", "支え合いの健康体操"}
    page.category_filter.setCurrentText("すべての分類")
    page.stale_only.setChecked(True)
    assert set(names(page)) == {"楽音(マナ)の会", "支え合いの健康体操"}
    page.stale_only.setChecked(False)


@pytest.mark.slow
def test_build_a_schedule_with_the_controls_save_and_undo(window, qtbot, demo_store):
    page = open_page(window)
    select(page, "ミチの会")
    dialog: ResourceDialog = page.edit_selected()
    editor = dialog.schedule
    assert editor.freq.currentData() == "monthly_nth"  # the typed text filled the controls
    assert editor.nth_boxes[2].isChecked() and editor.weekday_boxes[3].isChecked()
    editor.nth_boxes[2].setChecked(False)
    assert "第何週か" in editor.hint.text() and editor.text() == "第2(木) 12:00~13:00"
    editor.nth_boxes[1].setChecked(True)
    editor.nth_boxes[3].setChecked(True)
    editor.weekday_boxes[3].setChecked(False)  # 木
    editor.weekday_boxes[2].setChecked(True)   # 水
    start, end = editor.slot_boxes[0]
    start.setCurrentText("10:00")
    end.lineEdit().clear()
    qtbot.keyClicks(end.lineEdit(), "12:00")
    assert editor.text() == "第1・3(水) 10:00〜12:00"
    assert editor.printed.text() == "印刷される日程: 第1・3(水) 10:00〜12:00"
    rule = resources.read_schedule(editor.text()).schedule
    five = resources.schedule_dates(rule, skip_holidays=editor.skip_holidays.isChecked())
    assert len(five) == 5 and all(d.weekday() == 2 and (d.day - 1) // 7 in (0, 2) for d in five)
    shown = editor.dates.text().replace("\u2060", "")
    assert shown == "次の5回: " + "、".join(wareki(d, with_weekday=True) for d in five)
    assert not editor.problem.isVisible()

    dialog._save()
    assert dialog.result() == ResourceDialog.DialogCode.Accepted
    assert cell(page, "ミチの会", M.SCHEDULE) == "第1・3(水) 10:00〜12:00"
    assert stored(demo_store, "ミチの会").schedule_text == "第1・3(水) 10:00〜12:00"

    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cell(page, "ミチの会", M.SCHEDULE) == "第2(木) 12:00〜13:00"
    assert stored(demo_store, "ミチの会").schedule_text == "第2(木) 12:00~13:00"


@pytest.mark.slow
def test_a_start_without_an_end_fills_the_controls_and_stays_open(window):
    page = open_page(window)
    editor = page.add().schedule
    type_japanese(editor.line, "毎週月曜　午前９時半から")
    assert editor.freq.currentData() == "weekly" and editor.weekday_boxes[0].isChecked()
    start, end = editor.slot_boxes[0]
    assert (start.currentText(), end.currentText()) == ("9:30", "")
    assert editor.printed.text() == "印刷される日程: 毎週(月) 9:30〜"
    editor.weekday_boxes[3].setChecked(True)  # rebuilt from the controls: the end stays open
    assert editor.hint.text() == ""
    assert editor.text() == "毎週(月、木) 9:30〜"


@pytest.mark.slow
def test_typing_fills_the_controls_unreadable_text_is_kept_bad_input_marked(window, demo_store):
    page = open_page(window)
    dialog = page.add()
    editor = dialog.schedule
    type_japanese(editor.line, "隔週（水）　９：３０～１１：００")
    assert editor.freq.currentData() == "biweekly" and editor.weekday_boxes[2].isChecked()
    assert editor.slot_boxes[0][0].currentText() == "9:30"
    assert editor.printed.text() == "印刷される日程: 隔週(水) 9:30〜11:00"

    editor.line.clear()
    type_japanese(editor.line, "月に一度くらい")
    assert editor.problem.isVisible() and "読み取れません" in editor.problem.text()
    assert "消えません" in editor.problem.text()
    assert editor.printed.text() == "印刷される日程: 月に一度くらい（書いたとおり）"
    assert editor.dates.text() == "次の日: 出せません"
    assert editor.freq.currentData() == "biweekly"  # controls left as they were
    assert editor.text() == "月に一度くらい"

    # Bad input: the message sits beside its field, the dialog stays open, nothing is saved.
    dialog._save()
    assert dialog.isVisible() and dialog.errors["name"].isVisible()
    type_japanese(dialog.inputs["name"], "ふれあい喫茶")
    dialog.inputs["phone"].setText("でんわ")
    dialog._save()
    assert "電話番号" in dialog.errors["phone"].text()
    assert dialog.inputs["phone"].property("invalid") is True
    dialog.inputs["phone"].setText("027-111-2222")
    dialog.inputs["last_verified_on"].setText("2025年2月30日")
    dialog._save()
    assert "30日はありません" in dialog.errors["last_verified_on"].text()
    assert not dialog.errors["phone"].isVisible()
    assert "ふれあい喫茶" not in names(page)
    dialog.inputs["last_verified_on"].setText("令和8年4月1日")
    dialog.inputs["category"].setCurrentText("居場所・サロン")
    dialog._save()
    assert dialog.result() == ResourceDialog.DialogCode.Accepted
    kept = stored(demo_store, "ふれあい喫茶")
    assert kept.schedule_text == "月に一度くらい" and kept.schedule is None
    assert kept.last_verified_on == dt.date(2026, 4, 1) and kept.phone == "027-111-2222"
    assert cell(page, "ふれあい喫茶", M.SCHEDULE) == "⚠ 読み取れません：月に一度くらい"


@pytest.mark.slow
def test_checked_clears_the_highlight_and_can_be_undone(window, demo_store):
    page = open_page(window)
    select(page, "楽音(マナ)の会")
    page.verify_selected()
    assert cell(page, "楽音(マナ)の会", M.NAME, Qt.ItemDataRole.BackgroundRole) is None
    assert stored(demo_store, "楽音(マナ)の会").last_verified_on == dt.date.today()
    assert [r.name for r in page.selected()] == ["楽音(マナ)の会"]  # still selected
    window.controller.undo_stack.undo()
    assert cell(page, "楽音(マナ)の会", M.NAME, Qt.ItemDataRole.BackgroundRole).color() == STALE_BACKGROUND
    assert stored(demo_store, "楽音(マナ)の会").last_verified_on != dt.date.today()

    # Several rows at once: one step, one Ctrl+Z.
    page.select_ids([cell(page, n, M.NAME, DTO_ROLE).id for n in ("楽音(マナ)の会", "支え合いの健康体操")])
    page.verify_selected()
    assert "黄色の行" not in page.count.text()
    assert window.controller.undo_stack.undoText() == "2件を確認した"
    window.controller.undo_stack.undo()
    assert "黄色の行は1年以上確認していません（2件）" in page.count.text()


@pytest.mark.slow
def test_delete_asks_first_and_can_be_undone(window):
    page = open_page(window)
    select(page, "移動販売")
    answer_next_dialog("やめる")
    page.delete_selected()
    assert "移動販売" in names(page)
    answer_next_dialog("削除する")
    page.delete_selected()
    assert "移動販売" not in names(page)
    window.controller.undo_stack.undo()
    assert "移動販売" in names(page)


def test_columns_share_the_width_without_going_below_their_minimum():
    assert fit_widths([100, 50], [40, 50], 200) == [100, 50]
    assert fit_widths([300, 50, 200], [60, 50, 60], 330) == [140, 50, 140]
    assert fit_widths([300, 50], [100, 50], 100) == [100, 50]  # too narrow: scroll instead
