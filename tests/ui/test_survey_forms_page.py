"""The アンケート page with a survey entered form by form: forms typed with the keyboard give the
same counts and percentages as the typed totals; a mistake is shown at once and nothing is saved;
a form corrected (one undo step) or deleted; results by 町内会 and a cross-table; questions edited
(refused while a form refers to a choice) and a survey made from last year's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from app.services import councils, neighbourhoods, survey_forms, surveys
from tests.services.survey_data import FORMS, QUESTIONS
from tests.ui.conftest import answer_next_dialog, type_japanese

TITLE = "困りごとアンケート（用紙）"
AREAS = ("本町1", "本町2", "本町3")


@pytest.fixture(autouse=True)
def _delete_closed_windows():
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def page(window, demo_store):
    council = councils.find_council(demo_store, "乗附")
    for name in AREAS:
        neighbourhoods.create_neighbourhood(demo_store, council.id, {"name": name})
    surveys.create_survey(demo_store, council.id, {"title": TITLE, "distributed": "10"}, QUESTIONS,
                          entry="forms")
    window.select_council("乗附")
    shown = window.show_page("survey")
    shown.open_dialogs_modeless = True
    shown.choose(TITLE)
    return shown


class Keys:
    """Keys pressed into the entry, counted as a person would press them."""

    def __init__(self, qtbot) -> None:
        self.qtbot, self.count = qtbot, 0

    def type(self, widget, text: str) -> None:
        for ch in text:
            self.qtbot.keyClick(widget, ch)
            self.count += 1

    def enter(self, widget, ctrl: bool = False) -> None:
        modifier = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier
        self.qtbot.keyClick(widget, Qt.Key.Key_Return, modifier)
        self.count += 1


def type_form(keys: Keys, dialog, area: int | None, typed: tuple[str, ...]) -> list[int]:
    """One form as a person types it: 町内会, then each question, Enter after each. Returns the
    keys pressed for each single-choice question."""
    entry = dialog.entry
    focused = QApplication.focusWidget()
    assert focused is entry.area_row.field  # each form starts at 町内会
    keys.type(focused, "" if area is None else str(area + 1))
    keys.enter(focused)
    single = []
    for row, text in zip(entry.rows[2:], typed, strict=True):
        assert QApplication.focusWidget() is row.field, row.title.text()
        before = keys.count
        if row.digits:
            keys.type(row.field, text)
        elif text:
            type_japanese(row.field, text)
            keys.count += len(text)  # converted words: at least a key each
        keys.enter(row.field)
        if row.question.kind == "single":
            single.append(keys.count - before)
    return single


def figures(result):
    return [(q.total, [(c.number, c.count, c.percent) for c in q.choices])
            for q in result.questions if q.kind != "text"]


@pytest.mark.slow
def test_forms_typed_with_the_keyboard_give_the_totals_figures(page, qtbot, demo_store):
    dialog = page.forms_tab.open_entry()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keys = Keys(qtbot)
    single = []
    for number, (area, *typed) in enumerate(FORMS, start=1):
        assert dialog.entry.number_row.field.placeholderText() == str(number)
        single += type_form(keys, dialog, area, tuple(typed))
        assert dialog.entry.saved.text() == f"整理番号 {number} の用紙を保存しました"
        assert dialog.list.model.rows[0].number == number  # the newest on top, chosen
        assert dialog.list.selected().number == number
    assert single == [2, 2, 2, 2, 2, 1]  # a digit and Enter (just Enter when blank): under 10
    result = page.current
    assert result.forms == 6 and page.rate.text() == "回収率 60.0%（6 / 10）"
    # The same counts typed as totals give the same percentages.
    council = councils.find_council(demo_store, "乗附")
    typed_totals = [{**q, "choices": [{"text": c.text, "count": c.count, "subs": [
        {"text": s.text, "count": s.count} for s in rq.subs(c.id)]} for c in rq.top()]}
        for q, rq in zip(QUESTIONS, result.questions, strict=True)]
    totals = surveys.create_survey(demo_store, council.id, {"title": "合計", "distributed": 10,
                                                           "returned": 6}, typed_totals)
    assert figures(totals) == figures(result)
    # What the window shows: the page's table and the legend of the entry.
    shown = {page.model.data(page.model.index(r, 0)): page.model.data(page.model.index(r, 2))
             for r, (_q, c) in enumerate(page.model.rows) if c is not None}
    assert shown["はい"] == "60.0%" and shown["　└ 車"] == "66.7%"
    dialog.entry.rows[3].field.setFocus()
    assert "自分で出かける" in dialog.entry.legend.text() and "50.0%" in dialog.entry.legend.text()
    assert page.controller.undo_stack.count() == 6


@pytest.mark.slow
def test_a_mistake_is_shown_at_once_and_nothing_is_saved(page, qtbot, demo_store):
    dialog = page.forms_tab.open_entry()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    keys = Keys(qtbot)
    area, alone = dialog.entry.area_row.field, dialog.entry.rows[2]
    keys.type(area, "4")
    keys.enter(area)
    assert QApplication.focusWidget() is area and "4番の町内会はありません（1〜3）" in \
        dialog.entry.area_row.echo.text()
    area.setText("2")
    keys.enter(area)
    assert dialog.entry.area_row.echo.text() == "本町2"
    keys.type(alone.field, "12")
    keys.enter(alone.field)
    assert QApplication.focusWidget() is alone.field
    assert alone.echo.text() == "ひとつ選ぶ問ですが、2つ選ばれています（1、2）"
    assert alone.field.property("invalid") is True
    keys.enter(alone.field, ctrl=True)  # Ctrl+Enter: the same check, nothing saved
    assert survey_forms.list_forms(demo_store, page.current.id) == []
    alone.field.setText("2")
    keys.enter(alone.field, ctrl=True)
    (saved,) = survey_forms.list_forms(demo_store, page.current.id)
    assert saved.neighbourhood == "本町2" and saved.number == 1
    # A number already used is refused by the service and shown at 整理番号.
    dialog.entry.number_row.field.setText("1")
    keys.enter(dialog.entry.area_row.field, ctrl=True)
    assert "1 はもう入力されています" in dialog.entry.number_row.echo.text()
    assert len(survey_forms.list_forms(demo_store, page.current.id)) == 1


@pytest.mark.slow
def test_a_form_corrected_in_one_undo_step_and_deleted_after_asking(page, qtbot, demo_store):
    survey = page.current
    alone = survey.questions[0]
    for _area, *typed in FORMS[:2]:
        survey_forms.save_form(demo_store, survey.id, {}, {alone.id: survey_forms.parse_codes(alone, typed[0])})
    page.reload()
    dialog = page.forms_tab.open_entry()
    dialog.list.select_number(2)
    dialog.list.open_button.click()
    entry = dialog.entry
    assert entry.mode.text() == "整理番号 2 の用紙を直しています" and entry.rows[2].field.text() == "2"
    assert entry.save_button.text() == "直した内容を保存"
    entry.rows[2].field.setText("1")
    qtbot.keyClick(entry.rows[2].field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert entry.saved.text() == "整理番号 2 の用紙を直しました" and entry.editing is None
    assert [c.count for c in surveys.results(demo_store, survey.id).questions[0].choices] == [2, 0]
    page.controller.undo_stack.undo()
    assert [c.count for c in surveys.results(demo_store, survey.id).questions[0].choices] == [1, 1]
    assert [c.count for c in dialog.entry._question(dialog.entry.rows[2]).choices] == [1, 1]
    dialog.list.select_number(1)
    answer_next_dialog("やめる")
    dialog.list.delete_button.click()
    assert len(survey_forms.list_forms(demo_store, survey.id)) == 2
    answer_next_dialog("削除する")
    dialog.list.delete_button.click()
    assert [f.number for f in survey_forms.list_forms(demo_store, survey.id)] == [2]
    assert [f.number for f in dialog.list.model.rows] == [2]
    page.controller.undo_stack.undo()
    assert len(survey_forms.list_forms(demo_store, survey.id)) == 2


def _entered(page, demo_store):
    survey = page.current
    areas = [n.id for n in neighbourhoods.list_neighbourhoods(demo_store, survey.council_id)]
    for area, *typed in FORMS:
        answers = {q.id: t if q.kind == "text" else survey_forms.parse_codes(q, t)
                   for q, t in zip(survey.questions, typed, strict=True)}
        survey_forms.save_form(demo_store, survey.id,
                               {"neighbourhood_id": None if area is None else areas[area]}, answers)
    page.reload()


@pytest.mark.slow
def test_results_by_neighbourhood_cross_table_and_open_answers(page, demo_store):
    _entered(page, demo_store)
    page.tabs.setCurrentWidget(page.area_tab)
    table = page.area_tab.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == ["本町1", "本町2", "未記入", "合計"]
    assert [table.item(0, c).text() for c in range(table.columnCount())] == \
        ["本町1", "2", "2", "1（50.0%）", "1（50.0%）"]
    page.area_tab.question.setCurrentIndex(1)
    assert table.horizontalHeaderItem(4).text() == "1-1 車"
    page.tabs.setCurrentWidget(page.cross_tab)
    cross = page.cross_tab
    cross.columns.setCurrentIndex(2)  # 問1 × 問3
    rows = [[cross.table.item(r, c).text() for c in range(cross.table.columnCount())]
            for r in range(cross.table.rowCount())]
    assert rows == [["1. はい", "3", "4", "1（25.0%）", "1（25.0%）", "2（50.0%）"],
                    ["2. いいえ", "2", "3", "2（66.7%）", "1（33.3%）", "0（0.0%）"],
                    ["全体", "5", "7", "3（42.9%）", "2（28.6%）", "2（28.6%）"]]
    page.tabs.setCurrentWidget(page.open_tab)
    texts = [page.open_tab.table.item(r, 3).text() for r in range(page.open_tab.table.rowCount())]
    assert texts == ["草むしりなら手伝えます", "話し相手"]


@pytest.mark.slow
def test_question_edit_refused_while_a_form_refers_to_the_choice(page, demo_store):
    _entered(page, demo_store)
    dialog = page.edit_questions()
    first = dialog.questions[0]
    first.choices.setPlainText("はい")  # いいえ was ticked on forms 2 and 4
    dialog._save()
    assert dialog.isVisible() and first.error.isVisible()
    assert "回答用紙（整理番号 2、4）で選ばれているため消せません" in first.error.text()
    first.choices.setPlainText("はい\nいいえ\nわからない")
    type_japanese(first.text, "（追加）")
    dialog._save()
    assert not dialog.isVisible()
    assert [c.text for c in page.current.questions[0].choices] == ["はい", "いいえ", "わからない"]
    page.controller.undo_stack.undo()
    assert [c.text for c in page.current.questions[0].choices] == ["はい", "いいえ"]
    assert page.current.forms == len(FORMS)


@pytest.mark.slow
def test_copy_last_years_survey_and_switch_how_it_is_entered(page, demo_store):
    _entered(page, demo_store)
    dialog = page.copy_last_year()
    assert dialog.inputs["source"].currentText().startswith(TITLE)
    dialog.inputs["title"].setText("困りごとアンケート（来年）")
    dialog.inputs["conducted_on"].setText("令和9年7月1日")
    dialog._save()
    copied = page.current
    assert copied.title == "困りごとアンケート（来年）" and copied.forms == 0 and copied.entry == "forms"
    assert [q.text for q in copied.questions] == [q["text"] for q in QUESTIONS]
    page.choose("乗附地区困りごとアンケート（乗附・八千代全体）")
    asked = []
    assert not page.switch_entry("forms", ask=lambda m: asked.append(m) or False)
    assert "合計の数が入っています（問1「一人暮らし」140" in asked[0]
    assert page.current.entry == "totals"
    assert page.switch_entry("forms", ask=lambda m: True)
    assert page.current.entry == "forms" and page.tabs.currentWidget() is page.forms_tab
    assert page.count_fields["returned"].isReadOnly()
    page.controller.undo_stack.undo()
    assert page.current.entry == "totals" and page.current.questions[0].choices[0].count == 140


@pytest.mark.slow
def test_print_page_adds_a_cross_table_and_open_answers_when_asked(page, window, demo_store, tmp_path):
    from pypdf import PdfReader

    _entered(page, demo_store)
    printing = window.show_page("print")
    printing.kind.setCurrentIndex(printing.kind.findData("survey-results"))
    printing.survey.setCurrentIndex(printing.survey.findText(TITLE))
    assert printing.cross.isVisible() and printing.open_answers.isVisible()

    def text() -> str:
        printing.update_preview()
        saved = printing.save_pdf(tmp_path / "r.pdf")
        return "".join(p.extract_text() for p in PdfReader(saved).pages).replace("\n", "")

    first = text()
    assert "町内会別の集計" in first and "クロス集計：" not in first and "草むしり" not in first
    printing.cross.setText("１×３")
    printing.open_answers.setChecked(True)
    second = text()
    assert "クロス集計：問1「一人暮らしですか」×問3「買い物」" in second
    assert "草むしりなら手伝えます" in second and "個人が分かる" in second
    printing.cross.setText("1×9")
    printing.update_preview()
    assert "問9はありません" in printing.info.text() and printing.preview.page_count == 0
