"""The keys of every form: Enter moves on (it also confirms the input method, so it must never
save), Ctrl+Enter saves, Esc asks before typed input is thrown away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from app.services import councils, members
from tests.ui.conftest import answer_next_dialog, type_japanese


def member_names(store) -> list[str]:
    yawata = councils.find_council(store, "八幡")
    return [m.name for m in members.list_members(store, yawata.id)]


def open_member_dialog(window, qtbot):
    page = window.show_page("members")
    page.open_dialogs_modeless = True
    dialog = page.add()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return page, dialog


def test_enter_moves_to_the_next_field_and_never_saves(window, qtbot, demo_store):
    _page, dialog = open_member_dialog(window, qtbot)
    name = dialog.inputs["name"]
    type_japanese(name, "山田 花子")
    assert dialog.focusWidget() is name
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.focusWidget() is dialog.inputs["furigana"]
    assert "山田 花子" not in member_names(demo_store)
    qtbot.keyClick(dialog.inputs["furigana"], Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert dialog.isVisible() and dialog.focusWidget() is not dialog.inputs["furigana"]
    assert "山田 花子" not in member_names(demo_store)
    # Neither button takes Enter, even when it has the focus.
    assert not dialog.save_button.autoDefault() and not dialog.save_button.isDefault()
    dialog.cancel_button.setFocus()
    qtbot.keyClick(dialog.cancel_button, Qt.Key.Key_Return)
    assert dialog.isVisible()
    dialog.reject()


def test_enter_in_a_note_is_a_new_line(window, qtbot, demo_store):
    _page, dialog = open_member_dialog(window, qtbot)
    note = dialog.inputs["note"]
    type_japanese(note, "一行目")
    qtbot.keyClick(note, Qt.Key.Key_Return)
    type_japanese(note, "二行目")
    assert note.toPlainText() == "一行目\n二行目"
    assert dialog.isVisible() and dialog.focusWidget() is note
    dialog.reject()


def test_ctrl_enter_saves_from_any_field(window, qtbot, demo_store):
    page, dialog = open_member_dialog(window, qtbot)
    type_japanese(dialog.inputs["name"], "山田 花子")
    type_japanese(dialog.inputs["furigana"], "やまだ はなこ")
    type_japanese(dialog.inputs["note"], "メモ")
    qtbot.keyClick(dialog.inputs["note"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == dialog.DialogCode.Accepted and not dialog.isVisible()
    assert "山田 花子" in member_names(demo_store)
    assert window.statusBar().currentMessage() == "保存しました"


def test_ctrl_enter_with_a_mistake_keeps_the_dialog(window, qtbot, demo_store):
    _page, dialog = open_member_dialog(window, qtbot)
    type_japanese(dialog.inputs["name"], "佐藤 一郎")
    dialog.inputs["registered_on"].setText("2025年2月30日")
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and dialog.errors["registered_on"].isVisible()
    assert "佐藤 一郎" not in member_names(demo_store)
    dialog.reject()


def test_esc_asks_only_when_something_was_typed(window, qtbot, demo_store):
    _page, dialog = open_member_dialog(window, qtbot)
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Escape)  # nothing typed: closes at once
    assert not dialog.isVisible()

    _page, dialog = open_member_dialog(window, qtbot)
    type_japanese(dialog.inputs["name"], "山田 花子")
    asked: list[str] = []

    def answer(text: str) -> None:
        """answer_next_dialog, noting the question asked."""
        def click() -> None:
            box = QApplication.activeModalWidget()
            if box is None:
                QTimer.singleShot(10, click)
                return
            asked.append(box.text())
            next(b for b in box.findChildren(QAbstractButton) if b.text() == text).click()
        QTimer.singleShot(0, click)

    answer("閉じない")
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Escape)
    assert asked == ["入力した内容を保存せずに閉じますか？"]
    assert dialog.isVisible() and dialog.inputs["name"].text() == "山田 花子"

    answer_next_dialog("閉じない")
    dialog.cancel_button.click()  # やめる asks the same
    assert dialog.isVisible()

    answer_next_dialog("保存せずに閉じる")
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert "山田 花子" not in member_names(demo_store)


def test_close_box_asks_when_something_was_typed(window, qtbot):
    _page, dialog = open_member_dialog(window, qtbot)
    type_japanese(dialog.inputs["furigana"], "やまだ")
    answer_next_dialog("閉じない")
    dialog.windowHandle().close()  # what the window's close box does
    assert dialog.isVisible()
    answer_next_dialog("保存せずに閉じる")
    dialog.windowHandle().close()
    assert not dialog.isVisible()


@pytest.mark.slow
def test_resource_dialog_keys_are_the_same(window, qtbot, demo_store):
    page = window.show_page("resources")
    page.open_dialogs_modeless = True
    dialog = page.add()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    name = dialog.inputs["name"]
    type_japanese(name, "ミチの会")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.focusWidget() is not name
    answer_next_dialog("閉じない")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.isVisible()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    assert "ミチの会" in [r.name for r in page.model.rows]


# --- 協議体の設定: saved on leaving a field, no 「設定を保存」 ------------------------------


@pytest.mark.slow
def test_settings_field_saves_when_left_with_one_undo_step(window, qtbot, demo_store):
    page = window.show_page("settings")
    yawata = councils.find_council(demo_store, "八幡")
    assert not [b for b in page.findChildren(QAbstractButton) if b.text() == "設定を保存"]
    place = page.form.inputs["meeting_place"]
    place.clear()
    type_japanese(place, "八幡コミュニティセンター")
    steps = window.controller.undo_stack.count()
    qtbot.keyClick(place, Qt.Key.Key_Return)  # Enter: saved, and on to the next field
    assert page.focusWidget() is page.form.inputs["meeting_schedule"]
    assert councils.get_council(demo_store, yawata.id).meeting_place == "八幡コミュニティセンター"
    assert window.statusBar().currentMessage() == "保存しました"
    assert window.controller.undo_stack.count() == steps + 1

    population = page.form.inputs["population"]
    population.setFocus()
    population.selectAll()
    qtbot.keyClicks(population, "12000")
    page.form.inputs["households"].setFocus()  # leaving the field saves it
    assert councils.get_council(demo_store, yawata.id).population == 12000
    assert window.controller.undo_stack.count() == steps + 2
    window.controller.undo_stack.undo()
    assert councils.get_council(demo_store, yawata.id).population != 12000
    assert councils.get_council(demo_store, yawata.id).meeting_place == "八幡コミュニティセンター"


@pytest.mark.slow
def test_settings_wrong_value_stays_and_leaving_asks(window, qtbot, demo_store):
    page = window.show_page("settings")
    yawata = councils.find_council(demo_store, "八幡")
    founded = page.form.inputs["founded_on"]
    founded.setFocus()
    founded.selectAll()
    type_japanese(founded, "2016年2月30日")
    page.form.inputs["area_name"].setFocus()
    assert "30日はありません" in page.form.errors["founded_on"].text()
    assert founded.text() == "2016年2月30日"  # kept as typed, with its message

    answer_next_dialog("戻って直す")
    window.show_page("members")
    assert window.current_page() is page and founded.text() == "2016年2月30日"

    answer_next_dialog("保存せずに移る")
    window.show_page("members")
    assert window.current_page() is window.pages["members"]
    assert councils.get_council(demo_store, yawata.id).founded_on.isoformat() == "2016-01-01"
    window.show_page("settings")
    assert founded.text() != "2016年2月30日"


@pytest.mark.slow
def test_settings_typed_but_not_left_is_saved_when_the_page_changes(window, qtbot, demo_store):
    page = window.show_page("settings")
    yawata = councils.find_council(demo_store, "八幡")
    schedule = page.form.inputs["meeting_schedule"]
    schedule.clear()
    type_japanese(schedule, "第2(木) 13:30〜15:00")
    window.show_page("members")  # no question: it is simply saved
    assert councils.get_council(demo_store, yawata.id).meeting_schedule == "第2(木) 13:30〜15:00"


@pytest.mark.slow
def test_contact_kind_is_a_choice_and_saved_at_once(window, qtbot, demo_store):
    from PySide6.QtWidgets import QComboBox

    from app.models import CONTACT_KINDS

    page = window.show_page("settings")
    yawata = councils.find_council(demo_store, "八幡")
    kind = page.contacts.indexWidget(page.contacts.model().index(1, 0))
    assert isinstance(kind, QComboBox) and not kind.isEditable()
    assert [kind.itemText(i) for i in range(kind.count())] == list(CONTACT_KINDS)
    assert kind.currentText() == "社協"
    kind.setCurrentText("市")
    qtbot.waitUntil(lambda: councils.get_council(demo_store, yawata.id).contacts[1].kind == "市")
    assert window.statusBar().currentMessage() == "保存しました"

    count = len(councils.get_council(demo_store, yawata.id).contacts)
    page.add_contact_row()
    row = page.contacts.rowCount() - 1
    new_kind = page.contacts.indexWidget(page.contacts.model().index(row, 0))
    assert new_kind.currentIndex() == -1  # nothing chosen yet
    new_kind.setCurrentText("その他")
    qtbot.wait(20)
    assert "名前を入れると保存されます" in page.error.text()
    assert len(councils.get_council(demo_store, yawata.id).contacts) == count
    from PySide6.QtWidgets import QTableWidgetItem

    page.contacts.setItem(row, 1, QTableWidgetItem("八幡地区見守り隊"))
    qtbot.waitUntil(lambda: len(councils.get_council(demo_store, yawata.id).contacts) == count + 1)
    added = councils.get_council(demo_store, yawata.id).contacts[-1]
    assert (added.kind, added.name) == ("その他", "八幡地区見守り隊")


# --- large text on a small screen ----------------------------------------------------------



def cut_off(window, page) -> list[str]:
    """Buttons, labels and drop-downs of the page that reach past the right (or left) edge of
    what the window shows of it. Widgets inside the page's own scrolling lists are left out:
    those scroll by design."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QAbstractScrollArea, QComboBox, QLabel

    shown = page.visibleRegion().boundingRect()
    left = page.mapTo(window, shown.topLeft()).x()
    right = page.mapTo(window, shown.topRight()).x()
    assert right - left > 300
    problems = []
    for widget in page.findChildren(QWidget):
        if not isinstance(widget, (QAbstractButton, QLabel, QComboBox)) or not widget.isVisibleTo(page):
            continue
        parent, inner = widget.parentWidget(), False
        while parent is not None and parent is not page:
            inner = inner or isinstance(parent, QAbstractScrollArea) or not parent.isVisibleTo(page)
            parent = parent.parentWidget()
        if inner or widget.width() == 0:
            continue
        x0 = widget.mapTo(window, QPoint(0, 0)).x()
        x1 = widget.mapTo(window, QPoint(widget.width() - 1, 0)).x()
        if x0 < left - 1 or x1 > right + 1:
            text = widget.text() if hasattr(widget, "text") else ""
            problems.append(f"{type(widget).__name__} {text!r} {x0}..{x1} not in {left}..{right}")
    return problems


@pytest.mark.slow
def test_every_page_fits_1024x700_with_large_text(window):
    window.large_text.setChecked(True)
    window._apply_text_scale()
    window.resize(1024, 700)
    try:
        for council in ("八幡", "高崎市"):  # an area council, and the tier-1 ホーム with its list
            window.select_council(council)
            for key in window.pages:
                page = window.show_page(key)
                for _ in range(3):
                    QApplication.processEvents()
                assert cut_off(window, page) == [], (council, key)
    finally:
        window.large_text.setChecked(False)
        window._apply_text_scale()


# --- buttons that need a chosen row; what to do on an empty list ---------------------------

SELECTION_BUTTONS = {
    "members": ("edit_button", "delete_button", "confirm_button"),
    "resources": ("edit_button", "delete_button", "verify_button"),
    "meetings": ("edit_button", "delete_button"),
}


@pytest.mark.slow
def test_buttons_need_a_chosen_row(window, qtbot):
    for key, names in SELECTION_BUTTONS.items():
        page = window.show_page(key)
        page.table.clearSelection()
        assert [getattr(page, n).isEnabled() for n in names] == [False] * len(names), key
        page.table.selectRow(0)
        assert [getattr(page, n).isEnabled() for n in names] == [True] * len(names), key
        assert not page.empty.isVisibleTo(page), key  # 八幡 has rows
        page.table.clearSelection()
        assert not page.edit_button.isEnabled(), key
    for key, table, names in (("needs", "table", ("edit_button", "delete_button")),
                              ("trainings", "table", ("edit_button", "delete_button")),
                              ("settings", "nb_table", ("nb_edit_button", "nb_delete_button"))):
        page = window.show_page(key)
        view = getattr(page, table)
        view.clearSelection()
        assert not any(getattr(page, n).isEnabled() for n in names), key
        view.selectRow(0)
        assert all(getattr(page, n).isEnabled() for n in names), key


@pytest.mark.slow
def test_empty_lists_say_what_to_do(window, qtbot, demo_store):
    new = councils.create_council(demo_store, {"name": "新しい協議体", "tier": 2})
    window.reload_councils(new.id)
    window.select_council("新しい協議体")
    for key in (*SELECTION_BUTTONS, "needs", "trainings"):
        page = window.show_page(key)
        QApplication.processEvents()
        assert page.table.model().rowCount() == 0, key
        assert page.empty.isVisibleTo(page), key
        assert not page.edit_button.isEnabled(), key
    assert window.pages["members"].empty.text().startswith("まだメンバーがいません。")
    assert "ほかで作った一覧を読み込む" in window.pages["members"].empty.text()
    window.select_council("八幡")
    for key in (*SELECTION_BUTTONS, "needs", "trainings"):
        page = window.show_page(key)
        assert not page.empty.isVisibleTo(page), key
