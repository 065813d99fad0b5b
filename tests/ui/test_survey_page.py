"""The アンケート page: the seed's 乗附 figures as shown, counts corrected in place with the
percentages following, undo, refused input marked, 配布数/回収数, making and deleting a survey."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from app.services import councils, surveys
from app.ui.pages.survey.dialog import SurveyCreateDialog
from tests.ui.conftest import answer_next_dialog, type_japanese

ALONE = "一人暮らし"
ANYWHERE = "旅行などを含めて自由にどこでも出かけられる"


@pytest.fixture(autouse=True)
def _delete_closed_windows():
    """Windows of earlier tests are only deleteLater()'d; flush them so tests stay fast."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def page(window):
    window.select_council("乗附")
    shown = window.show_page("survey")
    shown.open_dialogs_modeless = True
    return shown


def row(page, text: str) -> list[str]:
    model = page.model
    r = next(i for i, (_q, c) in enumerate(model.rows) if c is not None and c.text == text)
    return [model.data(model.index(r, c)) for c in range(3)]


def count_index(page, text: str):
    model = page.model
    r = next(i for i, (_q, c) in enumerate(model.rows) if c is not None and c.text == text)
    return model.index(r, 1)


def test_noritsuke_survey_as_the_seed_prints_it(page):
    assert page.picker.currentText().startswith("乗附地区困りごとアンケート")
    assert page.rate.text() == "回収率 28.3%（778 / 2,745）"
    assert "平成29年7月3日" in page.about.text()
    assert page.count_fields["distributed"].text() == "2,745"
    assert row(page, ALONE) == [ALONE, "140", "18.2%"]
    assert row(page, ANYWHERE) == [ANYWHERE, "618", "58.1%"]
    headers = [page.model.data(page.model.index(r, 0)) for r, (_q, c) in
               enumerate(page.model.rows) if c is None]
    assert headers[0] == "問1　家族構成をお聞きします（ひとつ選ぶ）"
    assert headers[1] == "問2　生活全般について（いくつでも選ぶ）" and len(headers) == 5
    assert page.model.data(page.model.index(0, 1)) == "計 771"
    assert not page.warnings.isVisible()


@pytest.mark.slow
def test_edit_a_count_in_the_cell_then_undo_with_ctrl_z(page, window, qtbot):
    index = count_index(page, ALONE)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "140"
    editor.selectAll()
    type_japanese(editor, "２４０")  # 全角 digits, as typed with the IME on
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits on the next turn
    qtbot.waitUntil(lambda: row(page, ALONE) == [ALONE, "240", "27.6%"], timeout=2000)
    assert row(page, "夫婦二人")[2] == "25.1%"  # the whole question follows
    assert row(page, ANYWHERE)[2] == "58.1%"   # other questions do not move
    assert page.model.data(page.model.index(0, 1)) == "計 871"
    assert window.statusBar().currentMessage() == "保存しました"
    assert page.warnings.isVisible()
    assert page.table.currentIndex().row() == index.row()  # the cursor stays on the cell

    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert row(page, ALONE) == [ALONE, "140", "18.2%"]
    assert not page.warnings.isVisible()
    qtbot.keyClick(page.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert row(page, ALONE)[2] == "27.6%"
    # 240 + 219 + 412 = 871 answers to a single-choice question, 778 returned: a note.
    assert page.warnings.isVisible() and "問1はひとつ選ぶ質問ですが" in page.warnings.text()
    assert "871" in page.warnings.text()


@pytest.mark.slow
def test_bad_count_is_refused_marked_and_left_unchanged(page, demo_store):
    index = count_index(page, ALONE)
    for bad, reason in (("abc", "数ではありません"), ("-5", "0以上"), ("たくさん", "数ではありません")):
        assert page.model.setData(index, bad) is False
        assert row(page, ALONE) == [ALONE, "140", "18.2%"]
        assert page.table_error.isVisible()
        assert page.table_error.text().startswith(f"「{ALONE}」の数:")
        assert reason in page.table_error.text() and "数は 140 のまま" in page.table_error.text()
        assert page.model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
        assert page.model.data(index, Qt.ItemDataRole.ToolTipRole).startswith(f"「{ALONE}」の数")
        assert page.table.property("invalid") is True
    assert not page.controller.undo_stack.canUndo()
    council = councils.find_council(demo_store, "乗附")
    (stored,) = surveys.list_surveys(demo_store, council.id)
    assert stored.questions[0].choices[0].count == 140
    assert page.model.setData(index, "141") is True  # fixed: the mark goes away
    assert not page.table_error.isVisible() and page.table.property("invalid") is False
    assert page.model.data(index, Qt.ItemDataRole.BackgroundRole) is None


@pytest.mark.slow
def test_distributed_and_returned(page, qtbot):
    returned, distributed = page.count_fields["returned"], page.count_fields["distributed"]
    returned.clear()
    qtbot.keyClicks(returned, "3000")
    assert page.save_count_field("returned") is False
    assert page.count_errors["returned"].isVisible()
    assert "配布数（2,745）より多く" in page.count_errors["returned"].text()
    assert returned.property("invalid") is True and returned.text() == "3000"
    assert page.rate.text() == "回収率 28.3%（778 / 2,745）"
    distributed.clear()
    type_japanese(distributed, "５００")
    assert page.save_count_field("distributed") is False
    assert page.count_errors["distributed"].text().startswith("回収数:")  # said where typed
    distributed.setText("2,745")
    assert page.save_count_field("distributed")
    returned.setText("８２３")
    assert page.save_count_field("returned")
    assert page.rate.text() == "回収率 30.0%（823 / 2,745）"
    assert not page.count_errors["returned"].isVisible() and returned.property("invalid") is False
    page.controller.undo_stack.undo()
    assert page.rate.text() == "回収率 28.3%（778 / 2,745）" and returned.text() == "778"


def test_council_without_surveys_says_so(window):
    window.select_council("豊岡")  # 豊岡 has none
    page = window.show_page("survey")
    assert page.empty.isVisible() and not page.detail.isVisible()
    assert not page.delete_button.isEnabled() and page.create_button.isEnabled()


@pytest.mark.slow
def test_make_a_survey_and_delete_it(page, demo_store):
    dialog: SurveyCreateDialog = page.create()
    first = dialog.questions[0]
    type_japanese(first.text, "買い物に困っていますか")
    first.choices.setPlainText("はい\nいいえ\n")
    second = dialog.add_question()
    second.choices.setPlainText("サロン\n体操")  # no question text: refused at 問2
    type_japanese(dialog.inputs["title"], "買い物アンケート")
    dialog.inputs["conducted_on"].setText("令和7年6月1日")
    dialog.inputs["distributed"].setText("１００")
    dialog.inputs["returned"].setText("120")
    dialog._save()
    assert dialog.isVisible() and "配布数（100）より多く" in dialog.errors["returned"].text()
    dialog.inputs["returned"].setText("40")
    dialog._save()
    assert dialog.isVisible() and second.error.isVisible() and "問2の文" in second.error.text()
    type_japanese(second.text, "行ってみたい場所")
    second.kind.setCurrentText("いくつでも選ぶ")
    dialog._save()
    assert dialog.result() == SurveyCreateDialog.DialogCode.Accepted
    assert page.current.title == "買い物アンケート" and page.rate.text() == "回収率 40.0%（40 / 100）"
    assert [q.kind for q in page.current.questions] == ["single", "multiple"]
    assert row(page, "いいえ") == ["いいえ", "0", "—"]
    assert page.model.setData(count_index(page, "はい"), "30")
    assert row(page, "はい")[2] == "100.0%"

    answer_next_dialog("やめる")
    page.delete_current()
    assert page.picker.count() == 2
    answer_next_dialog("削除する")
    page.delete_current()
    assert page.picker.count() == 1
    council = councils.find_council(demo_store, "乗附")
    assert len(surveys.list_surveys(demo_store, council.id)) == 1
    page.controller.undo_stack.undo()
    assert page.picker.count() == 2
