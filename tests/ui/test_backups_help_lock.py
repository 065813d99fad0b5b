"""バックアップ and 使い方 pages, the passcode lock, the 電話・住所 toggle and the crash dialog,
driven in a real window on the demo data. The pages are added here when the window does not
list them yet, so these tests work before and after they are wired into the page list."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton, QScrollArea

from app.services import backups, councils, privacy
from app.ui import crash, privacy_guard
from app.ui.controller import Controller
from app.ui.main_window import MainWindow
from app.ui.pages.backups import BackupsPage
from app.ui.pages.help import HelpPage
from tests.ui.conftest import type_japanese

PASSCODE = "24681357"


def add_page(window, cls):
    if cls.key in window.pages:
        return window.pages[cls.key]
    page = cls(window.controller)
    window.pages[page.key] = page
    holder = QScrollArea()
    holder.setWidget(page)
    holder.setWidgetResizable(True)
    holder.setFrameShape(QFrame.Shape.NoFrame)
    window.stack.addWidget(holder)
    window.page_list.addItem(page.title)
    return page


def open_backups(window) -> BackupsPage:
    add_page(window, BackupsPage)
    page = window.show_page("backups")
    page.open_dialogs_modeless = True
    return page


def members_table(window):
    return window.show_page("members").table


# --- passcode and lock ------------------------------------------------------------------------

@pytest.mark.slow
def test_passcode_set_on_the_page_is_asked_at_the_next_start(window, qtbot, demo_store):
    guard = privacy_guard.install_privacy(window, window.controller)
    assert not guard.locked  # no passcode yet: nothing to ask
    page = open_backups(window)
    assert "まだ決めていません" in page.passcode_state.text()
    assert not page.lock_button.isEnabled()
    dialog = page.open_passcode_dialog()
    qtbot.keyClicks(dialog.inputs["new"], PASSCODE)
    qtbot.keyClicks(dialog.inputs["again"], "24681358")
    dialog._save()
    assert dialog.isVisible() and "同じもの" in dialog.errors["again"].text()
    dialog.inputs["again"].clear()
    qtbot.keyClicks(dialog.inputs["again"], PASSCODE)
    dialog._save()
    assert not dialog.isVisible()
    assert privacy.verify(demo_store, PASSCODE)
    assert page.passcode_button.text() == "パスコードを変える"
    assert page.lock_button.isEnabled()
    assert window.statusBar().currentMessage() == "パスコードを決めました"

    second = MainWindow(Controller(demo_store))
    qtbot.addWidget(second)
    second.show()
    started = privacy_guard.install_privacy(second, second.controller)
    assert started.locked and started.reason == "start"
    assert not members_table(second).isVisible()
    cover = started.cover_of(second)
    assert cover.isVisible() and cover.geometry() == second.rect()
    assert cover.panel.message.text() == "パスコードを入れてください。"


@pytest.mark.slow
def test_wrong_passcode_is_refused_and_the_right_one_opens(window, qtbot, demo_store):
    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)
    table = members_table(window)
    guard = privacy_guard.install_privacy(window, window.controller)
    assert guard.locked and not table.isVisible()
    panel = guard.cover_of(window).panel
    qtbot.keyClicks(panel.field, "1357")
    panel.open_button.click()
    assert guard.locked and not table.isVisible()
    assert panel.error.isVisible() and "違います" in panel.error.text()
    assert panel.field.text() == ""
    qtbot.keyClicks(panel.field, PASSCODE)
    qtbot.keyClick(panel.field, Qt.Key.Key_Return)
    assert not guard.locked
    assert table.isVisible() and window.centralWidget().isEnabled()
    assert guard.cover_of(window) is None


@pytest.mark.slow
def test_the_guard_follows_practice_and_asks_again_on_the_way_back(window, qtbot, demo_store,
                                                                  demo_template):
    import shutil

    from app.paths import practice_db_path

    shutil.copyfile(demo_template, practice_db_path(demo_store.path))
    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)
    real = window.controller
    guard = privacy_guard.install_privacy(window, real)
    guard.try_unlock(PASSCODE)
    privacy_guard.reveal_state(real).set_shown(True)
    assert privacy_guard.privacy_guard(real) is guard and not hasattr(guard, "set_idle_ms")
    window.open_practice()
    practice = window.controller
    assert practice is not real and practice.practice
    assert privacy_guard.privacy_guard(practice) is guard and guard.controller is practice
    assert privacy_guard.privacy_guard(real) is None
    assert not guard.enabled and not guard.locked  # the practice file has no passcode
    assert guard.reveal is privacy_guard.reveal_state(practice) and not guard.reveal.shown
    window.back_to_real()
    back = window.controller
    assert back.store is demo_store and guard.controller is back
    assert privacy_guard.privacy_guard(back) is guard and privacy_guard.privacy_guard(practice) is None
    assert guard.locked and guard.reason == "start"  # the real data asks for the passcode again


@pytest.mark.slow
def test_idle_lock_after_a_short_timeout_hides_the_member_table(window, qtbot, demo_store):
    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)
    guard = privacy_guard.install_privacy(window, window.controller, idle_ms=400)
    guard.try_unlock(PASSCODE)
    table = members_table(window)
    assert table.isVisible()
    for _ in range(4):  # someone working: each key press starts the wait again
        qtbot.wait(100)
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert not guard.locked
    qtbot.waitUntil(lambda: guard.locked, timeout=5000)
    assert guard.reason == "idle"
    assert not table.isVisible()
    cover = guard.cover_of(window)
    assert cover.isVisible() and "しばらく操作がなかった" in cover.panel.message.text()
    grabbed = window.grab().toImage()  # what a passer-by would see: the cover, not the table
    assert grabbed.pixelColor(5, grabbed.height() // 2).name() == "#e9eff5"


@pytest.mark.slow
def test_lock_covers_an_open_member_form_and_keeps_what_was_typed(window, qtbot, demo_store):
    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)
    guard = privacy_guard.install_privacy(window, window.controller)
    guard.try_unlock(PASSCODE)
    members = window.show_page("members")
    members.open_dialogs_modeless = True
    dialog = members.add()
    type_japanese(dialog.inputs["name"], "山田 花子")
    assert guard.lock("manual")
    cover = guard.cover_of(dialog)
    assert cover is not None and cover.isVisible()
    assert not dialog.inputs["name"].isEnabled()
    assert not window.undo_action.isEnabled()  # no Ctrl+Z behind the lock
    assert dialog.width() >= cover.panel.minimumSizeHint().width()
    qtbot.keyClicks(cover.panel.field, PASSCODE)
    cover.panel.open_button.click()
    assert not guard.locked and dialog.isVisible()
    assert dialog.inputs["name"].isEnabled() and dialog.inputs["name"].text() == "山田 花子"
    dialog.reject()


def test_no_passcode_means_no_lock(window):
    guard = privacy_guard.install_privacy(window, window.controller, idle_ms=50)
    assert not guard.lock("manual")
    assert not guard._timer.isActive()
    assert members_table(window).isVisible()


@pytest.mark.slow
def test_remove_passcode_needs_the_current_one(window, qtbot, demo_store):
    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)
    guard = privacy_guard.install_privacy(window, window.controller)
    guard.try_unlock(PASSCODE)
    page = open_backups(window)
    dialog = page.open_remove_dialog()
    qtbot.keyClicks(dialog.inputs["current"], "0000")
    dialog._save()
    assert "違います" in dialog.errors["current"].text()
    assert privacy.has_passcode(demo_store)
    dialog.inputs["current"].clear()
    qtbot.keyClicks(dialog.inputs["current"], PASSCODE)
    dialog._save()
    assert not privacy.has_passcode(demo_store)
    assert not guard.enabled and not guard._timer.isActive()
    assert "まだ決めていません" in page.passcode_state.text()


def test_idle_minutes_saved_from_the_page(window, demo_store):
    page = open_backups(window)
    assert page.idle_minutes.value() == 10
    page.idle_minutes.setValue(3)
    page.idle_button.click()
    assert privacy.idle_minutes(demo_store) == 3
    assert window.statusBar().currentMessage() == "3分操作がないとロックするようにしました"


@pytest.mark.slow
def test_reveal_toggle_shows_phones_and_locking_hides_them_again(window, demo_store):
    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)
    guard = privacy_guard.install_privacy(window, window.controller)
    guard.try_unlock(PASSCODE)
    state = privacy_guard.reveal_state(window.controller)
    toggle = privacy_guard.reveal_button(window.controller)
    assert state.phone("090-1234-5678") == "090-****-5678"
    assert toggle.text() == "電話・住所を表示" and toggle.toolTip()
    toggle.click()
    assert state.shown and toggle.text() == "電話・住所を隠す"
    assert state.phone("090-1234-5678") == "090-1234-5678"
    guard.lock("manual")
    assert not state.shown and not toggle.isChecked() and toggle.text() == "電話・住所を表示"
    toggle.deleteLater()


# --- backups page -----------------------------------------------------------------------------

def _council_names(window) -> list[str]:
    return [window.council_box.itemText(i) for i in range(window.council_box.count())]


@pytest.mark.slow
def test_restore_from_the_page_brings_back_the_earlier_state(window, qtbot, demo_store):
    page = open_backups(window)
    assert page.backup_now() is not None
    assert page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 0)).startswith("令和")
    assert page.model.data(page.model.index(0, 1)) == "手動（今すぐバックアップ）"
    window.controller.create("協議体を追加", "council",
                             lambda: councils.create_council(demo_store, {"name": "テスト新地区", "tier": 2}),
                             {"council"})
    assert any(name.startswith("テスト新地区") for name in _council_names(window))
    assert window.controller.undo_stack.count() == 1

    page.refresh()
    page.table.selectRow(0)
    asked = []
    page.ask_restore = lambda chosen: asked.append(chosen) or True
    assert page.restore_selected()

    assert asked and asked[0].reason == "manual"
    assert not any(name.startswith("テスト新地区") for name in _council_names(window))
    assert all(c.name != "テスト新地区" for c in councils.list_councils(demo_store))
    assert window.controller.undo_stack.count() == 0
    reasons = [page.model.data(page.model.index(r, 1)) for r in range(page.model.rowCount())]
    assert reasons[0] == "戻す前の状態（自動）"
    safety = backups.list_backups(demo_store.path)[0]
    assert safety.reason == "before-restore"
    assert "の状態に戻しました" in window.statusBar().currentMessage()


def test_restore_asks_first_and_needs_a_choice(window):
    page = open_backups(window)
    page.backup_now()
    page.table.clearSelection()
    assert not page.restore_selected()
    assert "選んでください" in window.statusBar().currentMessage()
    page.table.selectRow(0)
    page.ask_restore = lambda chosen: False
    assert not page.restore_selected()
    assert len(backups.list_backups(window.controller.store.path)) == 1


def test_save_to_a_usb_folder(window, tmp_path):
    page = open_backups(window)
    page.choose_folder = lambda: tmp_path
    saved = page.save_to_folder()
    assert saved.parent == tmp_path and saved.exists()
    assert "個人情報" in window.statusBar().currentMessage()
    page.choose_folder = lambda: None  # the folder picker was closed
    assert page.save_to_folder() is None


def test_every_button_on_the_new_pages_says_what_it_does(window):
    for cls in (BackupsPage, HelpPage):
        page = add_page(window, cls)
        for b in page.findChildren(QPushButton):
            assert b.text() and b.toolTip(), f"{cls.__name__}: {b.text()!r} has no tooltip"


# --- help page --------------------------------------------------------------------------------

@pytest.mark.slow
def test_help_page_explains_and_jumps_to_the_pages_it_names(window):
    add_page(window, BackupsPage)
    page = add_page(window, HelpPage)
    window.show_page("help")
    texts = "\n".join(w.text() for w in page.findChildren(QLabel))
    for needed in ("回覧チラシ", "ファイルに書き出す", "伏せる", "元に戻す", "この時点に戻す", "ログ",
                   "要配慮個人情報", "見てよいのは"):
        assert needed in texts
    assert page.jump_buttons["backups"].isVisible()
    page.jump_buttons["backups"].click()
    assert window.stack.currentWidget().widget() is window.pages["backups"]
    assert page.open_page("print") == ("print" in window.pages)
    assert not page.open_page("no-such-page")


# --- crash dialog -----------------------------------------------------------------------------

def _read_crash_dialog(seen: list[str], button: str = "続ける") -> None:
    def look() -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "crashDialog":
            QTimer.singleShot(10, look)
            return
        seen.append(f"{box.windowTitle()}\n{box.text()}\n{box.informativeText()}")
        assert not box.detailedText()  # no traceback anywhere in the window
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, look)


def test_forced_exception_shows_a_japanese_dialog_and_is_logged(qapp, crash_handler):
    seen: list[str] = []
    _read_crash_dialog(seen)
    try:
        1 / 0  # noqa: B018 - the forced error
    except ZeroDivisionError as exc:
        crash_handler.excepthook(type(exc), exc, exc.__traceback__)
    assert len(seen) == 1
    text = seen[0]
    assert "思いがけない問題" in text and "保存したもの" in text and "残っています" in text
    assert str(crash_handler.log_path) in text
    assert "Traceback" not in text and "ZeroDivisionError" not in text
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    log = crash_handler.log_path.read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log and "Traceback" in log and "起動: ささえあいノート" in log


@pytest.mark.qt_no_exception_capture
def test_errors_in_slots_and_threads_reach_the_dialog(qapp, qtbot, crash_handler):
    seen: list[str] = []
    _read_crash_dialog(seen)

    def broken_slot() -> None:
        raise RuntimeError("slot went wrong")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)

    _read_crash_dialog(seen)
    worker = threading.Thread(target=lambda: {}["missing"], name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)
    log = crash_handler.log_path.read_text(encoding="utf-8")
    assert "slot went wrong" in log and "KeyError" in log and "スレッド worker" in log


def test_the_same_error_again_is_logged_without_a_second_dialog(qapp, crash_handler):
    seen: list[str] = []
    _read_crash_dialog(seen)
    exc = ValueError("again")
    crash_handler.excepthook(ValueError, exc, None)
    crash_handler.excepthook(ValueError, exc, None)
    assert len(seen) == 1 and crash_handler.shown == 1


def test_qt_japanese_translation_loads(qapp):
    assert crash.install_qt_japanese(qapp)


def test_database_on_a_usb_stick_is_warned_about(window):
    page = open_backups(window)
    assert not page.drive_warning.isVisible()
    page.drive_lookup = lambda _path: "removable"
    page.refresh()
    assert page.drive_warning.isVisible() and "USBメモリ" in page.drive_warning.text()
    from app.ui.pages.backups import warn_about_storage

    assert warn_about_storage(window, window.controller, lambda _p: "fixed") is None
    text = warn_about_storage(window, window.controller, lambda _p: "network")
    assert "ネットワーク" in text
    box = next(w for w in QApplication.topLevelWidgets()
               if w.isVisible() and w.windowTitle() == "データベースの場所")
    box.close()


def test_help_contents_buttons_scroll_to_their_section(window, qtbot):
    page = add_page(window, HelpPage)
    window.show_page("help")
    holder = window.stack.currentWidget()
    qtbot.waitUntil(lambda: holder.verticalScrollBar().maximum() > 0, timeout=2000)
    page.contents_buttons[3].click()  # 4. 困ったとき
    assert holder.verticalScrollBar().value() > 0
    page.contents_buttons[0].click()
    first = holder.verticalScrollBar().value()
    assert first < page.cards[3].y()


@pytest.mark.slow
def test_lock_over_a_small_message_box_makes_room_for_the_passcode(window, qtbot, demo_store):
    from PySide6.QtWidgets import QMessageBox

    privacy.set_passcode(demo_store, PASSCODE, PASSCODE)
    guard = privacy_guard.install_privacy(window, window.controller)
    guard.try_unlock(PASSCODE)
    seen = {}

    def while_asking() -> None:
        box = QApplication.activeModalWidget()
        before = box.size()
        guard.lock("manual")
        cover = guard.cover_of(box)
        need = cover.minimumSizeHint()
        seen["fits"] = (cover.width() >= need.width() and cover.height() >= need.height()
                        and cover.geometry() == box.rect())
        seen["disabled"] = not box.buttons()[0].isEnabled()
        qtbot.keyClicks(cover.panel.field, PASSCODE)
        cover.panel.open_button.click()
        seen["restored"] = box.size() == before and box.buttons()[0].isEnabled()
        guard.lock("idle")  # again: the same cover comes back, usable
        again = guard.cover_of(box)
        seen["reused"] = again is cover and again.panel.field.isEnabled() and again.isVisible()
        qtbot.keyClicks(again.panel.field, PASSCODE)
        qtbot.keyClick(again.panel.field, Qt.Key.Key_Return)
        box.buttons()[0].click()

    QTimer.singleShot(20, while_asking)
    box = QMessageBox(window)
    box.setText("削除しますか？")
    box.addButton("やめる", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    assert seen == {"fits": True, "disabled": True, "restored": True, "reused": True}
    assert not guard.locked
