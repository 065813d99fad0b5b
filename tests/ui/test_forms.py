"""The keys of every form: Enter moves on (it also confirms the input method, so it must never
save), Ctrl+Enter saves, Esc asks before typed input is thrown away."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication

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
