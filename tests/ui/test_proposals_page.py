"""The 提言 page driven as a user would: the demo's log newest first, a proposal typed in Japanese,
an answer written in with its date given by the rule, a refusal shown at the field, undo and redo,
delete with confirmation; what a new council sees; the side list and the page at 1024×700 with
large text; the tier-1 ホーム's count of proposals."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import councils, proposals
from app.services.wareki import wareki
from app.ui.widgets import FormDialog
from tests.ui.conftest import answer_next_dialog, type_japanese


def open_page(window):
    page = window.show_page("proposals")
    page.open_dialogs_modeless = True
    return page


def titles(page) -> list[str]:
    return [p.title for p in page.model.rows]


def cells(page, row: int) -> list[str]:
    return [page.model.data(page.model.index(row, c)) for c in range(page.model.columnCount())]


def select(page, title: str) -> None:
    page.select_id(next(p.id for p in page.model.rows if p.title == title))


def test_the_demos_log_newest_first_with_the_selected_one_in_the_pane(window):
    page = open_page(window)
    assert [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == \
        ["提出日", "内容", "提出先", "状況", "回答日"]
    assert titles(page) == ["ゴミ出しを手伝うサポーターの保険を案内してほしい", "通院の足を確保する（乗り合いの試行）",
                            "移動販売の停留所を増やす"]
    assert cells(page, 0)[0] == "まだ" and cells(page, 0)[3] == "準備中"  # not submitted yet: on top
    answered = page.model.rows[2]
    assert cells(page, 2) == [wareki(answered.raised_on), "移動販売の停留所を増やす", "高崎市 長寿社会課",
                              "回答あり", wareki(answered.answered_on)]
    assert cells(page, 2)[0].startswith("令和") and answered.answered_on > answered.raised_on
    assert page.count.text() == "3件（回答のあったもの 1件）"
    select(page, "移動販売の停留所を増やす")
    assert page.detail_title.text() == "移動販売の停留所を増やす"
    assert "金井淵集会所前" in page.answer_text.toPlainText() and "坂道" in page.detail_text.toPlainText()
    assert "状況: 回答あり" in page.detail_when.text() and not page.empty.isVisibleTo(page)


def test_add_answer_undo_redo_and_delete_with_confirmation(window, demo_store):
    page = open_page(window)
    yawata = councils.find_council(demo_store, "八幡").id
    dialog: FormDialog = page.add()
    assert dialog.inputs["status"].currentText() == "提出済"
    assert dialog.inputs["raised_on"].date() == dt.date.today()
    offered = dialog.inputs["raised_to"].completer().model()
    assert [offered.index(r, 0).data() for r in range(offered.rowCount())][:2] == ["第1層協議体", "高崎市 長寿社会課"]
    type_japanese(dialog.inputs["title"], "夜道に街灯を増やす")
    type_japanese(dialog.inputs["raised_to"], "高崎市 長寿社会課")
    dialog.inputs["raised_on"].setText("令和８年１１月２０日")  # 全角 digits
    type_japanese(dialog.inputs["detail"], "見守りの帰りが暗くて危ない")
    dialog._save()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    assert window.statusBar().currentMessage() == "保存しました"
    made = page.selected()
    assert (made.title, made.raised_on, made.status) == ("夜道に街灯を増やす", dt.date(2026, 11, 20), "提出済")
    assert "夜道に街灯を増やす" in titles(page) and page.count.text() == "4件（回答のあったもの 1件）"

    # The answer comes: 状況 and 回答 typed, 回答日 left empty gets today.
    edit = page.edit_selected()
    edit.inputs["status"].setCurrentText("回答あり")
    type_japanese(edit.inputs["answer"], "来年度に2基つけます")
    edit._save()
    answered = page.selected()
    assert (answered.status, answered.answer, answered.answered_on) == ("回答あり", "来年度に2基つけます",
                                                                      dt.date.today())
    assert page.answer_text.toPlainText() == "来年度に2基つけます"

    # A 回答日 before the 提出日 is refused at its field; nothing changes, the dialog stays open.
    wrong = page.edit_selected()
    wrong.inputs["answered_on"].setText("令和8年11月1日")
    wrong._save()
    assert wrong.result() != FormDialog.DialogCode.Accepted
    assert not wrong.errors["answered_on"].isHidden() and "提出日より前" in wrong.errors["answered_on"].text()
    assert proposals.get_proposal(demo_store, made.id) == answered
    wrong.reject()

    window.controller.undo_stack.undo()  # the answer
    select(page, "夜道に街灯を増やす")
    assert (page.selected().status, page.selected().answered_on) == ("提出済", None)
    window.controller.undo_stack.undo()  # the proposal itself
    assert "夜道に街灯を増やす" not in titles(page)
    window.controller.undo_stack.redo()
    assert page.model.rows[titles(page).index("夜道に街灯を増やす")].id == made.id  # the very same row

    select(page, "夜道に街灯を増やす")
    before_delete = proposals.get_proposal(demo_store, made.id)
    assert (before_delete.status, before_delete.answer) == ("提出済", "")  # as the undo left it
    answer_next_dialog("やめる")
    page.delete_selected()
    assert "夜道に街灯を増やす" in titles(page)
    answer_next_dialog("削除する")
    page.delete_selected()
    assert "夜道に街灯を増やす" not in titles(page)
    assert all(p.title != "夜道に街灯を増やす" for p in proposals.list_proposals(demo_store, yawata))
    window.controller.undo_stack.undo()
    assert "夜道に街灯を増やす" in titles(page)
    assert proposals.get_proposal(demo_store, made.id) == before_delete


def test_an_empty_title_is_shown_at_the_field_and_nothing_is_saved(window, demo_store):
    page = open_page(window)
    dialog = page.add()
    dialog._save()
    assert not dialog.errors["title"].isHidden() and "入力してください" in dialog.errors["title"].text()
    assert len(titles(page)) == 3 and window.controller.undo_stack.count() == 0
    dialog.reject()


def test_a_new_council_sees_what_a_proposal_is(window, demo_store):
    new = councils.create_council(demo_store, {"name": "新しい協議体", "tier": 2})
    window.reload_councils(new.id)
    window.select_council("新しい協議体")
    page = open_page(window)
    assert page.empty.isVisibleTo(page) and "提言は、" in page.empty.text()
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()
    assert titles(page) == []


def test_the_side_list_and_the_page_fit_1024x700_with_large_text(window):
    window.large_text.setChecked(True)
    window._apply_text_scale()
    window.resize(1024, 700)
    try:
        page = open_page(window)
        for _ in range(3):
            QApplication.processEvents()
        side = window.page_list
        assert side.verticalScrollBar().maximum() == 0, "every page is listed without scrolling"
        assert side.visualItemRect(side.item(side.count() - 1)).bottom() <= side.viewport().height()
        header = page.table.horizontalHeader()
        assert header.length() <= page.table.viewport().width()  # every column, no sideways scroll
        assert page.table.viewport().height() >= 3 * page.table.rowHeight(0)  # the demo's three rows
    finally:
        window.large_text.setChecked(False)
        window._apply_text_scale()


def test_the_tier1_home_counts_proposals_and_answers(window):
    from app.ui.overview_table import PROPOSALS_COLUMN

    window.select_council("高崎市")
    home = window.show_page("home")
    table = home.overview
    assert table.horizontalHeaderItem(PROPOSALS_COLUMN).text() == "提言"
    rows = {table.item(r, 0).text(): table.item(r, PROPOSALS_COLUMN).text() for r in range(table.rowCount())}
    assert rows["八幡"] == "3件（回答 1件）" and rows["豊岡"] == "—" and rows["合計"] == "3件（回答 1件）"
