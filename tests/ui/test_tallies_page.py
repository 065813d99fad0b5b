"""The 集計表 page driven as a user would: read the totals, type into cells (全角 too), paste
blocks from Excel with Ctrl+V, have bad values refused and marked, undo with Ctrl+Z."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from app.services import councils, tallies
from app.ui.pages.tallies.page import NOTE
from app.ui.pages.tallies.table_model import BAD, TOTAL_LABEL
from tests.ui.conftest import answer_next_dialog, type_japanese

NEEDS_TOTALS = ["61", "48", "39", "21", "5", "32", "28", "21", "7", "7", "6", "8"]


def open_page(window, kind: str = "needs"):
    page = window.show_page("tallies")
    page.open_dialogs_modeless = True
    for i in range(page.tabs.count()):
        tally = next(t for t in page.all if t.id == page.tabs.tabData(i))
        if tally.kind == kind:
            page.tabs.setCurrentIndex(i)
    assert page.tally.kind == kind
    return page


def totals(page) -> list[str]:
    """The 合計 row as shown: 町内会名, 世帯数, one per category, 対象人数."""
    m = page.model
    return [m.data(m.index(m.data_rows, c)) for c in range(m.columnCount())]


def cell(page, row: int, col: int) -> str:
    return page.model.data(page.model.index(row, col))


def select_cell(page, row: int, col: int) -> None:
    page.table.setCurrentIndex(page.model.index(row, col))


def stored(demo_store, page):
    return tallies.crosstab(demo_store, page.tally.id)


@pytest.mark.slow
def test_yawata_needs_grid_shows_the_seed_totals(window):
    page = open_page(window)
    row = totals(page)
    assert row[0] == TOTAL_LABEL and row[1] == "5,092"
    assert row[2:-1] == NEEDS_TOTALS and row[-1] == "194"
    m = page.model
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert headers[:2] == ["町内会名", "世帯数"] and headers[-1] == "対象人数"
    assert headers[2] == "居場所・\n運動"
    assert page.note.text() == NOTE and page.note.property("role") == "note"
    assert page.title_label.text() == "高齢者ニーズ（総合相談・実態把握より）"
    assert "平成27年4月1日〜平成29年4月30日" in page.period_label.text()
    assert "高齢者あんしんセンター（委託包括）" in page.period_label.text()
    # 世帯数 comes from the 町内会 and cannot be typed; the 合計 row is never typed either
    assert not (m.flags(m.index(0, 1)) & Qt.ItemFlag.ItemIsEditable)
    assert not (m.flags(m.index(m.data_rows, 2)) & Qt.ItemFlag.ItemIsEditable)
    assert m.flags(m.index(0, 2)) & Qt.ItemFlag.ItemIsEditable
    # the 合計 row sits in the frozen footer, 町内会名 in the frozen column
    assert page.table.isRowHidden(m.data_rows) and not page.table.footer.isRowHidden(m.data_rows)
    assert page.table.frozen.isColumnHidden(2) and not page.table.frozen.isColumnHidden(0)


def test_service_use_grid_has_group_headers(window):
    page = open_page(window, "service_use")
    m = page.model
    from app.ui.widgets.group_header import GROUP_ROLE

    assert m.headerData(2, Qt.Orientation.Horizontal) == "リハビリ"
    assert m.headerData(2, Qt.Orientation.Horizontal, GROUP_ROLE) == "デイサービス"
    assert m.headerData(4, Qt.Orientation.Horizontal, GROUP_ROLE) == "訪問介護"
    assert totals(page)[2:] == ["74", "24", "24", "13", "37", "8", "9", "7", "1", "102"]


@pytest.mark.slow
def test_typing_zenkaku_digits_updates_the_total_and_undo(window, qtbot, demo_store):
    page = open_page(window)
    m = page.model
    # 金井淵 × 見守り = 8 (column 3), 対象人数 31
    assert m.setData(m.index(0, 3), "１０")
    assert cell(page, 0, 3) == "10" and totals(page)[3] == "50"
    assert stored(demo_store, page).rows[0].counts[1] == 10
    assert window.statusBar().currentMessage() == "保存しました"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert cell(page, 0, 3) == "8" and totals(page)[3] == "48"


@pytest.mark.slow
def test_typing_in_the_cell_editor_then_enter_moves_down(window, qtbot):
    page = open_page(window)
    index = page.model.index(0, 4)  # 金井淵 × 買い物 = 11
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = page.table.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    type_japanese(editor, "２０")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: cell(page, 0, 4) == "20", timeout=2000)
    assert totals(page)[4] == str(39 - 11 + 20)
    assert page.table.currentIndex().row() == 1 and page.table.currentIndex().column() == 4


@pytest.mark.slow
def test_a_count_above_target_persons_is_refused_and_marked(window, demo_store):
    page = open_page(window)
    m = page.model
    before = stored(demo_store, page)
    assert not m.setData(m.index(0, 3), "３２")  # 対象人数 is 31
    assert cell(page, 0, 3) == "8" and stored(demo_store, page) == before
    assert m.data(m.index(0, 3), Qt.ItemDataRole.BackgroundRole).color() == BAD
    tip = m.data(m.index(0, 3), Qt.ItemDataRole.ToolTipRole)
    assert "金井淵の「見守り」" in tip and "対象人数（31人）より多い" in tip
    assert page.error.isVisible() and "31人" in page.error.text()
    assert "対象人数（31人）より多い" in window.statusBar().currentMessage()
    assert not m.setData(m.index(0, 3), "abc")
    assert "数ではありません" in page.error.text() and stored(demo_store, page) == before
    # a good value clears the mark and the message
    assert m.setData(m.index(0, 3), "9")
    assert m.data(m.index(0, 3), Qt.ItemDataRole.BackgroundRole) is None
    assert not page.error.isVisible()


@pytest.mark.slow
def test_paste_a_block_with_ctrl_v_then_undo_in_one_step(window, qtbot, demo_store):
    page = open_page(window)
    select_cell(page, 0, 2)  # 金井淵 × 居場所・運動
    QApplication.clipboard().setText("１\t2\t３\r\n4\t5\t6\r\n")
    qtbot.keyClick(page.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert [cell(page, r, c) for r in (0, 1) for c in (2, 3, 4)] == ["1", "2", "3", "4", "5", "6"]
    expected = [61 - 4 - 12 + 1 + 4, 48 - 8 - 7 + 2 + 5, 39 - 11 - 6 + 3 + 6]
    assert totals(page)[2:5] == [str(v) for v in expected]
    assert totals(page)[5:] == NEEDS_TOTALS[3:] + ["194"]
    assert window.controller.undo_stack.count() == 1
    assert window.controller.undo_stack.undoText() == "貼り付け（2行×3列）"
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert totals(page)[2:-1] == NEEDS_TOTALS
    assert [cell(page, 0, c) for c in (2, 3, 4)] == ["4", "8", "11"]
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert cell(page, 1, 4) == "6"


@pytest.mark.slow
def test_paste_with_a_bad_cell_saves_nothing_and_marks_it(window, demo_store):
    page = open_page(window)
    before = stored(demo_store, page)
    select_cell(page, 0, 2)
    QApplication.clipboard().setText("1\tx\t3\n4\t5\t99")  # x is no number, 99 > 35
    page.paste_button.click()
    assert stored(demo_store, page) == before
    assert totals(page)[2:-1] == NEEDS_TOTALS
    m = page.model
    assert set(m.marks) == {(0, 3), (1, 4)}
    assert m.data(m.index(0, 3), Qt.ItemDataRole.BackgroundRole).color() == BAD
    assert "「x」は数ではありません" in m.data(m.index(0, 3), Qt.ItemDataRole.ToolTipRole)
    assert "金井淵の「見守り」" in page.error.text() and "ほかに1か所" in page.error.text()
    assert page.table.currentIndex().row() == 0 and page.table.currentIndex().column() == 3
    assert window.controller.undo_stack.count() == 0


@pytest.mark.slow
def test_paste_that_does_not_fit_is_refused(window, demo_store):
    page = open_page(window)
    before = stored(demo_store, page)
    select_cell(page, 10, 2)  # 若田, the last row
    assert not page.paste("1\n2")
    assert "2行×1列は表からはみ出します" in page.error.text()
    assert not page.paste("")
    assert "貼り付けるものがありません" in page.error.text()
    assert stored(demo_store, page) == before


@pytest.mark.slow
def test_delete_key_clears_the_selection_in_one_step_and_copy(window, qtbot):
    page = open_page(window)
    m = page.model
    selection = QItemSelection(m.index(0, 2), m.index(1, 3))
    page.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert page.copy() == "4\t8\n12\t7\n"
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert [cell(page, r, c) for r in (0, 1) for c in (2, 3)] == ["", "", "", ""]
    assert totals(page)[2] == str(61 - 16)
    window.controller.undo_stack.undo()
    assert [cell(page, r, c) for r in (0, 1) for c in (2, 3)] == ["4", "8", "12", "7"]


def test_switching_to_toyooka_shows_its_totals(window):
    page = open_page(window)
    window.select_council("豊岡")
    assert page.tabs.count() == 1 and page.tally.kind == "service_use"
    assert totals(page)[2:] == ["64", "14", "17", "11", "29", "3", "8", "1", "2", "81"]
    assert not page.error.isVisible()
    window.select_council("乗附")  # no tally yet: the page says so and offers to make one
    assert page.tally is None and page.empty.isVisible() and not page.sheet.isVisible()


@pytest.mark.slow
def test_create_a_blank_tally_then_add_and_delete_rows(window, demo_store):
    page = open_page(window)
    dialog = page.create_tally()
    dialog.inputs["kind"].setCurrentText("高齢者ニーズ（総合相談・実態把握）")
    dialog.inputs["period_to"].setText("令和7年3月31日")
    type_japanese(dialog.inputs["source"], "あんしんセンター八幡")
    dialog._save()
    assert not dialog.isVisible()
    assert page.tabs.count() == 3 and page.tally.source == "あんしんセンター八幡"
    assert page.model.data_rows == 11 and totals(page)[1] == "5,092" and totals(page)[-1] == "0"
    assert any("令和" in page.tabs.tabText(i) for i in range(page.tabs.count()))

    dialog = page.add_row()
    type_japanese(dialog.inputs["label"], "金井淵")
    dialog._save()  # already there: the message sits at the field
    assert "もうあります" in dialog.errors["label"].text()
    dialog.inputs["label"].clear()
    type_japanese(dialog.inputs["label"], "新町")
    qtbot_keys = dialog.inputs["target_persons"]
    qtbot_keys.setText("３")
    dialog._save()
    assert page.model.data_rows == 12 and cell(page, 11, 0) == "新町"
    assert totals(page)[-1] == "3"

    select_cell(page, 11, 2)
    answer_next_dialog("削除する")
    page.delete_row()
    assert page.model.data_rows == 11
    window.controller.undo_stack.undo()
    assert page.model.data_rows == 12
    window.controller.undo_stack.undo()
    window.controller.undo_stack.undo()
    assert page.tabs.count() == 2
    yawata = councils.find_council(demo_store, "八幡")
    assert len(tallies.list_tallies(demo_store, yawata.id)) == 2


@pytest.mark.slow
def test_edit_table_info_and_delete_the_table(window, demo_store):
    page = open_page(window)
    dialog = page.edit_info()
    dialog.inputs["period_to"].setText("H26.1.1")  # before the start: refused at the field
    dialog._save()
    assert "始めより前" in dialog.errors["period_to"].text()
    dialog.inputs["period_to"].setText("H29.5.31")
    dialog._save()
    assert "平成29年5月31日" in page.period_label.text()
    answer_next_dialog("削除する")
    page.delete_tally()
    assert page.tabs.count() == 1 and page.tally.kind == "service_use"
    window.controller.undo_stack.undo()
    assert page.tabs.count() == 2


def test_one_value_pasted_into_a_selection_fills_it(window, demo_store):
    page = open_page(window)
    m = page.model
    page.table.selectionModel().select(QItemSelection(m.index(0, 2), m.index(2, 2)),
                                       QItemSelectionModel.SelectionFlag.ClearAndSelect)
    assert page.paste("１\r\n")
    assert [cell(page, r, 2) for r in range(3)] == ["1", "1", "1"]
    assert window.controller.undo_stack.undoText() == "3個の欄に「１」を貼り付け"
    assert stored(demo_store, page).rows[2].counts[0] == 1


@pytest.mark.slow
def test_large_text_widens_the_grid_and_keeps_the_frozen_parts_in_line(window, qtbot):
    page = open_page(window)
    table = page.table
    before = table.columnWidth(0)
    window.large_text.click()
    qtbot.waitUntil(lambda: table.columnWidth(0) > before, timeout=3000)
    assert table.frozen.columnWidth(0) == table.columnWidth(0)
    assert table.footer.columnWidth(5) == table.columnWidth(5)
    assert table.frozen.horizontalHeader().height() == table.horizontalHeader().height()
    window.large_text.click()
