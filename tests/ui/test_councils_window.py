"""Councils in the window: the practice database, 協議体の管理, ホーム's first steps and the
tier-1 overview, Qt's dialogs in Japanese."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from app.paths import practice_db_path
from app.services import councils, members, neighbourhoods
from app.ui.controller import Controller
from app.ui.councils_menu import add_council, add_council_list, delete_council, rename_council
from app.ui.main_window import MainWindow
from app.ui.overview_table import DATE_COLUMN
from tests.ui.conftest import type_japanese


def _window(qtbot, store) -> MainWindow:
    win = MainWindow(Controller(store))
    win.open_dialogs_modeless = True
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_demo_opens_in_its_own_practice_file_and_one_click_goes_back(qtbot, store, demo_template):
    shutil.copyfile(demo_template, practice_db_path(store.path))  # the demo's content is tested elsewhere
    win = _window(qtbot, store)
    assert win.root.currentWidget() is win.welcome and not win.banner.isVisible()
    win.welcome.demo_button.click()
    assert win.controller.practice and win.banner.isVisible()
    assert "練習用" in win.windowTitle()
    assert win.controller.store.path == practice_db_path(store.path)
    assert win.council_box.count() == 27
    assert councils.list_councils(store) == []  # nothing of the demo in the real file
    win.back_button.click()
    assert not win.controller.practice and win.controller.store is store
    assert win.windowTitle() == "ささえあいノート" and not win.banner.isVisible()
    assert win.root.currentWidget() is win.welcome  # the real file still has no council


@pytest.mark.slow
def test_add_rename_delete_a_council_with_undo_and_a_backup(qtbot, demo_store):
    from app.services import backups

    win = _window(qtbot, demo_store)
    win.select_council("八幡")
    dialog = add_council(win)
    type_japanese(dialog.inputs["name"], "新しい地区")
    dialog._save()
    assert win.council_box.currentText().startswith("新しい地区")
    new_id = win.controller.council_id
    dialog = rename_council(win)
    dialog.inputs["name"].clear()
    type_japanese(dialog.inputs["name"], "みなみ")
    dialog._save()
    assert councils.get_council(demo_store, new_id).name == "みなみ"
    win.controller.undo_stack.undo()
    assert councils.get_council(demo_store, new_id).name == "新しい地区"

    win.select_council("八幡")
    yawata = win.controller.council_id
    before = len(members.list_members(demo_store, yawata))
    backups_before = len(backups.list_backups(demo_store.path))
    assert delete_council(win, ask=False)
    assert all(c.id != yawata for c in councils.list_councils(demo_store))
    assert len(backups.list_backups(demo_store.path)) == backups_before + 1
    assert win.controller.council_id != yawata
    win.controller.undo_stack.undo()
    assert len(members.list_members(demo_store, yawata)) == before
    assert win.council_box.findData(yawata) >= 0


def test_a_tier1_council_adds_its_councils_from_a_pasted_list(qtbot, store):
    city = councils.create_council(store, {"name": "高崎市", "tier": 1})
    win = _window(qtbot, store)
    win.reload_councils(city.id)
    home = win.show_page("home")
    assert home.overview_card.isVisibleTo(home) and not home.steps_card.isVisibleTo(home)
    assert "まだ第2層の協議体がありません" in home.overview_note.text()
    dialog = add_council_list(win)
    dialog.names.setPlainText("八幡\n豊岡\t中川\n\n八幡\n")
    dialog.save()
    area = [c for c in councils.list_councils(store) if c.tier == 2]
    assert sorted(c.name for c in area) == ["中川", "八幡", "豊岡"]
    assert home.overview.rowCount() == 4  # three councils and the totals row
    assert home.overview.item(3, 0).text() == "合計"
    assert "0 / 3" in home.overview.item(3, DATE_COLUMN).text()
    win.controller.undo_stack.undo()
    assert [c.tier for c in councils.list_councils(store)] == [1]


def test_a_new_councils_home_shows_first_steps_that_open_their_pages(qtbot, store):
    council = councils.create_council(store, {"name": "八幡", "tier": 2})
    win = _window(qtbot, store)
    win.reload_councils(council.id)
    home = win.show_page("home")
    assert home.steps_card.isVisibleTo(home)
    assert all(mark.text().startswith("□") for mark in home.step_labels)
    home.step_buttons[0].click()
    assert win.current_page().key == "settings"
    neighbourhoods.create_neighbourhood(store, council.id, {"name": "金井淵", "households": 500})
    win.controller.changed.emit(frozenset({"neighbourhoods"}))
    home = win.show_page("home")
    assert home.step_labels[0].text().startswith("✓")
    home.step_buttons[3].click()
    assert win.current_page().key == "print"


def test_qt_file_dialog_speaks_japanese(qtbot, window):
    dialog = QFileDialog(window, "選ぶ")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert texts and not any(t.replace("(&", "").isascii() for t in texts), texts
    QApplication.processEvents()
