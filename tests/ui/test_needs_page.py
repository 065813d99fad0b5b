"""The ニーズ page driven as a user would: list and filters, add typed in Japanese, edit, undo,
delete with confirmation; the crosstab's totals; the gaps beside the vision."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from app.services import councils, needs, neighbourhoods, tallies
from app.ui.widgets import FormDialog
from tests.ui.conftest import answer_next_dialog, type_japanese

VISION = "動ける人がお互いに見守る交流のあるまち"
# 八幡's gaps: the two recorded ones, then what only its needs table counts
GAPS = ["通院", "移動手段", "調理・弁当", "掃除", "入浴", "住環境", "布団干し", "床屋"]


@pytest.fixture(autouse=True)
def _delete_closed_windows():
    """Windows of earlier tests are only deleteLater()'d; without this each one keeps
    listening to style changes and every later test gets slower."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_page(window):
    page = window.show_page("needs")
    page.open_dialogs_modeless = True
    return page


def descriptions(page) -> list[str]:
    return [n.description for n in page.model.rows]


def select(page, description: str) -> None:
    page.table.selectRow(descriptions(page).index(description))


def yawata_needs(store):
    return needs.list_needs(store, councils.find_council(store, "八幡").id)


def test_list_shows_yawatas_seven_needs_and_filters(window):
    page = open_page(window)
    assert len(page.model.rows) == 7
    assert page.count.text() == "7件を表示（全7件）"
    first = [page.model.data(page.model.index(0, c)) for c in range(8)]
    assert first == ["居場所・運動", "金井淵", "気軽に集まれる場所がほしい", "12", "ワークショップ",
                     "平成29年7月1日", "対応中", "八起きサロン、サポーターのいきいきサロン"]
    page.category_filter.setCurrentText("買い物")
    assert {n.neighbourhood_name for n in page.model.rows} == {"上剣崎", "群馬八幡"}
    page.category_filter.setCurrentText("すべて")
    page.status_filter.setCurrentText("未対応")
    assert sorted(n.category for n in page.model.rows) == ["移動手段", "通院"]
    page.status_filter.setCurrentText("解決していないもの")
    assert len(page.model.rows) == 7
    page.status_filter.setCurrentText("解決")
    assert page.model.rows == [] and page.count.text() == "0件を表示（全7件）"


@pytest.mark.slow
def test_add_need_typed_in_japanese_then_undo_and_redo(window, qtbot, demo_store):
    page = open_page(window)
    dialog: FormDialog = page.add()
    type_japanese(dialog.inputs["count"], "たくさん")
    dialog._save()  # refused: the message sits at 人数, nothing is saved, the dialog stays
    assert dialog.isVisible() and dialog.inputs["count"].property("invalid") is True
    assert "数ではありません" in dialog.errors["count"].text()
    assert len(yawata_needs(demo_store)) == 7
    dialog.inputs["count"].clear()
    dialog.inputs["category"].setCurrentText("通院")
    dialog.inputs["neighbourhood"].setCurrentText("八幡1")
    type_japanese(dialog.inputs["description"], "バス停が遠くて病院に行けない")
    type_japanese(dialog.inputs["count"], "３")  # 全角 as an IME gives it
    dialog.inputs["source"].setCurrentText("ワークショップ")
    dialog.inputs["noted_on"].setText("令和7年5月10日")
    dialog.inputs["resources"].boxes["移動販売"].setChecked(True)
    dialog._save()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    added = next(n for n in yawata_needs(demo_store) if n.description.startswith("バス停"))
    assert (added.category, added.neighbourhood_name, added.count, added.status) == (
        "通院", "八幡1", 3, "未対応")
    assert added.noted_on.isoformat() == "2025-05-10" and len(added.resource_ids) == 1
    assert len(page.model.rows) == 8
    assert window.statusBar().currentMessage() == "保存しました"
    assert page.crosstab.total.persons == 49 + 3  # the other tabs follow at once

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(page.model.rows) == 7 and len(yawata_needs(demo_store)) == 7
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    again = next(n for n in yawata_needs(demo_store) if n.description.startswith("バス停"))
    assert again.id == added.id and again.resource_ids == added.resource_ids


@pytest.mark.slow
def test_edit_links_a_resource_and_undo_puts_it_back(window, demo_store):
    page = open_page(window)
    assert [line.split(":")[0] for line in page.gap_lines()] == GAPS
    select(page, "病院に行く足がない")
    dialog = page.edit_selected()
    assert dialog.inputs["count"].text() == "6"
    dialog.inputs["status"].setCurrentText("検討中")
    dialog.inputs["resources"].boxes["支え合いの健康体操"].setChecked(True)
    dialog._save()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    edited = next(n for n in page.model.rows if n.category == "通院")
    assert edited.status == "検討中"
    assert page.model.data(page.model.index(page.model.rows.index(edited), 7)) == "支え合いの健康体操"
    assert [line.split(":")[0] for line in page.gap_lines()] == GAPS[1:]
    window.controller.undo_stack.undo()
    restored = next(n for n in yawata_needs(demo_store) if n.category == "通院")
    assert restored.status == "未対応" and restored.resource_ids == ()
    assert [line.split(":")[0] for line in page.gap_lines()] == GAPS


@pytest.mark.slow
def test_delete_asks_first_and_can_be_undone(window, demo_store):
    page = open_page(window)
    select(page, "ゴミ出しが難しい一人暮らしの方がいる")
    answer_next_dialog("やめる")
    page.delete_selected()
    assert "ゴミ出しが難しい一人暮らしの方がいる" in descriptions(page)
    answer_next_dialog("削除する")
    page.delete_selected()
    assert "ゴミ出しが難しい一人暮らしの方がいる" not in descriptions(page)
    assert len(yawata_needs(demo_store)) == 6
    window.controller.undo_stack.undo()
    back = next(n for n in yawata_needs(demo_store) if n.category == "ゴミだし")
    assert back.resource_ids  # the link to ゴミ出しお手伝い came back too


@pytest.mark.slow
def test_deleting_three_needs_is_one_undo_step_and_one_refresh(window, demo_store):
    page = open_page(window)
    page.table.selectRow(0)
    for row in (1, 2):
        page.table.selectionModel().select(page.model.index(row, 0),
                                           page.table.selectionModel().SelectionFlag.Select
                                           | page.table.selectionModel().SelectionFlag.Rows)
    gone = {n.id for n in page.selected()}
    assert len(gone) == 3
    stack, told = window.controller.undo_stack, []
    window.controller.changed.connect(told.append)
    before = stack.count()
    answer_next_dialog("削除する")
    page.delete_selected()
    assert len(yawata_needs(demo_store)) == 4 and len(page.model.rows) == 4
    assert stack.count() == before + 1 and stack.undoText() == "3件のニーズを削除"
    assert told == [frozenset({"needs"})]
    stack.undo()  # one Ctrl+Z
    assert {n.id for n in yawata_needs(demo_store)} >= gone and len(page.model.rows) == 7


@pytest.mark.slow
def test_crosstab_totals_equal_the_sum_of_persons(window, demo_store):
    page = open_page(window)
    page.tabs.setCurrentIndex(1)
    grid = page.crosstab_table
    total_persons = sum(n.count or 0 for n in yawata_needs(demo_store))
    last_row, last_col = grid.rowCount() - 1, grid.columnCount() - 1
    assert grid.verticalHeaderItem(last_row).text() == "合計"
    assert grid.item(last_row, last_col).text() == str(total_persons) == "49"
    column_sums = [sum(int(grid.item(r, c).text() or 0) for r in range(last_row))
                   for c in range(last_col)]
    assert [int(grid.item(last_row, c).text()) for c in range(last_col)] == column_sums
    row_sums = [sum(int(grid.item(r, c).text() or 0) for c in range(last_col))
                for r in range(last_row)]
    assert [int(grid.item(r, last_col).text() or 0) for r in range(last_row)] == row_sums
    assert grid.rowCount() == 11 + 1
    assert "延べ49人" in page.crosstab_summary.text()
    assert "空欄" in page.crosstab_note.text()
    page.crosstab_all_rows.setChecked(False)
    assert grid.rowCount() == 5 + 1
    page.crosstab_scope.setCurrentText("解決していない記録だけ")
    assert grid.item(grid.rowCount() - 1, grid.columnCount() - 1).text() == "49"


def test_gap_tab_lists_the_gaps_beside_the_vision(window):
    page = open_page(window)
    page.tabs.setCurrentIndex(2)
    assert VISION in page.gaps.vision.text() and page.gaps.vision.isVisible()
    none = "対応する社会資源がまだありません"
    assert page.gap_lines() == [
        f"通院: 未対応のニーズ 1件（6人）／集計表で21人 — {none}",
        f"移動手段: 未対応のニーズ 1件（5人）／集計表で5人 — {none}",
        f"調理・弁当: 集計表で32人 — {none}", f"掃除: 集計表で28人 — {none}",
        f"入浴: 集計表で21人 — {none}", f"住環境: 集計表で7人 — {none}",
        f"布団干し: 集計表で6人 — {none}", f"床屋: 集計表で8人 — {none}",
    ]
    shown = [w.text() for w in page.findChildren(type(page.gaps.vision)) if w.isVisible()]
    assert all(category in shown for category in GAPS)
    assert "集計表の町内会: 金井淵 2人、八幡3 2人、八幡4 2人" in shown  # 布団干し's card
    assert page.gaps.table_note.isVisible() and "足していません" in page.gaps.table_note.text()
    assert "買い物: 対応中のニーズ 2件（14人）／集計表で39人 — 移動販売、お休み処のベンチ" in shown


@pytest.mark.slow
def test_a_tally_edit_moves_the_gap_figures(window, demo_store):
    page = open_page(window)
    t = next(t for t in tallies.list_tallies(demo_store, councils.find_council(demo_store, "八幡").id)
             if t.kind == "needs")
    row = next(r for r in t.rows if r.label == "若田")
    column = next(c for c in t.columns if c.label == "布団干し")
    window.controller.update("集計表の数を直す", "tally", t.id,
                             lambda: tallies.set_cell(demo_store, row.id, column.id, 3), {"tallies"})
    assert "布団干し: 集計表で9人 — 対応する社会資源がまだありません" in page.gap_lines()
    window.controller.undo_stack.undo()
    assert "布団干し: 集計表で6人 — 対応する社会資源がまだありません" in page.gap_lines()


@pytest.mark.slow
def test_rates_tab_per_100_households_blank_where_unknown(window, qtbot, demo_store):
    page = open_page(window)
    window.resize(1024, 700)
    page.tabs.setCurrentIndex(3)
    view = page.rates
    assert "高齢者ニーズ" in view.source.text()
    assert view.row_texts("金井淵") == ["530", "", "31", "5.8", ""]  # no 65歳以上 figure: blank
    assert view.row_texts("合計") == ["5,092", "", "194", "3.8", ""]
    view.figure.setCurrentText("記録の人数（延べ）")
    assert view.grid.horizontalHeaderItem(3).text() == "記録の\n人数\n（延べ）"
    assert view.row_texts("金井淵") == ["530", "", "17", "3.2", ""]
    assert view.row_texts("下剣崎") == ["485", "", "", "", ""]  # no open need there: blank, not 0
    kanaibuchi = next(n for n in neighbourhoods.list_neighbourhoods(
        demo_store, councils.find_council(demo_store, "八幡").id) if n.name == "金井淵")
    neighbourhoods.update_neighbourhood(demo_store, kanaibuchi.id, {"aged_65_plus": 160})
    page.refresh()
    assert view.figure.currentText() == "記録の人数（延べ）"  # the choice stays
    assert view.row_texts("金井淵") == ["530", "160", "17", "3.2", "10.6"]
    qtbot.waitUntil(lambda: view.grid.viewport().width() > 0)
    header = view.grid.horizontalHeader()
    assert header.length() <= view.grid.viewport().width()  # fits at 1024×700, no sideways scroll


def test_narrow_window_moves_columns_under_the_table(window, qtbot):
    page = open_page(window)
    window.resize(900, 700)
    qtbot.waitUntil(lambda: page.compact, timeout=2000)
    assert page.table.isColumnHidden(5) and not page.table.isColumnHidden(2)
    select(page, "病院に行く足がない")
    assert "平成29年11月28日" in page.detail.text() and page.detail.isVisible()
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: not page.compact, timeout=2000)
    assert not page.table.isColumnHidden(5)

