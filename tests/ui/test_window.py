"""The window as a whole: first start, home, settings, large text, every page rendering."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from app.services import councils
from app.store import Store
from app.ui.controller import Controller
from app.ui.main_window import MainWindow
from app.ui.pages import page_classes
from tests.ui.conftest import type_japanese


@pytest.mark.slow
def test_first_start_offers_demo_or_a_new_council(qtbot, store):
    win = MainWindow(Controller(store))
    qtbot.addWidget(win)
    win.show()
    assert win.root.currentWidget() is win.welcome
    win.welcome.demo_button.click()
    assert win.root.currentWidget() is win.main_area
    assert win.council_box.count() == 27


def test_home_shows_vision_counts_and_notices(window):
    home = window.show_page("home")
    assert home.vision.text() == "「動ける人がお互いに見守る交流のあるまち」"
    assert "メンバー（活動中）: 20人" in home.counts.text()
    notices = [home.notices.item(i).text() for i in range(home.notices.count())]
    assert any("29.86%" in n and "43.55%" in n for n in notices)
    assert any("不定期（申し込み順）" in n for n in notices)


@pytest.mark.slow
def test_settings_edit_contacts_and_vision_history_with_undo(window, demo_store):
    page = window.show_page("settings")
    page.open_dialogs_modeless = True
    yawata = councils.find_council(demo_store, "八幡")
    place = page.form.inputs["meeting_place"]
    place.clear()
    type_japanese(place, "八幡コミュニティセンター")
    assert "印刷される日程: 第3(水) 10:00〜12:00" in page.schedule_preview.text()
    assert "43.55%" in page.rate.text() and "29.86%" in page.rate.text()
    page.save()
    assert councils.get_council(demo_store, yawata.id).meeting_place == "八幡コミュニティセンター"
    window.controller.undo_stack.undo()
    assert councils.get_council(demo_store, yawata.id).meeting_place == "八幡公民館"
    page.form.inputs["founded_on"].setText("2016年2月30日")
    page.save()
    assert "30日はありません" in page.form.errors["founded_on"].text()
    assert page.form.errors["founded_on"].isVisibleTo(page)
    assert councils.get_council(demo_store, yawata.id).founded_on.isoformat() == "2016-01-01"
    page.reload()
    page.form.inputs["households"].setText("たくさん")
    page.save()
    assert "数ではありません" in page.form.errors["households"].text()
    page.reload()
    page.contacts.item(0, 3).setText("０２７－０００－９９９９")
    page.save_contacts()
    assert councils.get_council(demo_store, yawata.id).contacts[0].phone == "027-000-9999"
    page.contacts.item(1, 0).setText("警察")
    page.save_contacts()
    assert "連絡先の種類" in page.error.text()
    assert councils.get_council(demo_store, yawata.id).contacts[1].kind == "社協"
    page.revise_vision().inputs["phrase"].setText("みんなで見守るまち")
    assert councils.get_council(demo_store, yawata.id).vision.phrase == "動ける人がお互いに見守る交流のあるまち"


def test_neighbourhoods_in_settings(window, demo_store):
    from app.services import neighbourhoods

    page = window.show_page("settings")
    page.open_dialogs_modeless = True
    assert "世帯数の合計 5,092世帯" in page.nb_total.text()
    page.nb_table.selectRow(0)  # 金井淵
    dialog = page.edit_neighbourhood()
    dialog.inputs["households"].setText("abc")
    dialog._save()
    assert "数ではありません" in dialog.errors["households"].text() and dialog.isVisible()
    dialog.inputs["households"].setText("５４０")
    dialog._save()
    assert "世帯数の合計 5,102世帯" in page.nb_total.text()
    window.controller.undo_stack.undo()
    assert "世帯数の合計 5,092世帯" in page.nb_total.text()
    dialog = page.add_neighbourhood()
    type_japanese(dialog.inputs["name"], "新町内会")
    dialog.inputs["population"].setText("100")
    dialog.inputs["aged_65_plus"].setText("120")
    dialog._save()
    assert "人口" in dialog.errors["aged_65_plus"].text()
    yawata = councils.find_council(demo_store, "八幡")
    assert len(neighbourhoods.list_neighbourhoods(demo_store, yawata.id)) == 11


@pytest.mark.slow
def test_large_text_scales_the_whole_window_and_is_remembered(window, demo_store):
    before = QApplication.font().pointSize()
    window.large_text.click()
    assert QApplication.font().pointSize() == round(before * 1.3)
    assert window.controller.preference("large_text") == "1"
    window.large_text.click()
    assert QApplication.font().pointSize() == before


@pytest.mark.parametrize("size, large", [((1280, 800), False), ((1024, 700), True)])
@pytest.mark.slow
def test_every_page_renders(window, size, large):
    if large:
        window.large_text.click()
    window.resize(*size)
    for cls in page_classes():
        window.show_page(cls.key)
        QApplication.processEvents()
        image = window.grab().toImage()
        assert image.width() == size[0] and not image.isNull()
    if large:
        window.large_text.click()


@pytest.mark.slow
def test_screenshot_command(tmp_path, demo_template):
    import shutil

    from app.cli import main

    db = tmp_path / "shot.sqlite3"
    shutil.copyfile(demo_template, db)
    out = tmp_path / "home.png"
    assert main(["--db", str(db), "screenshot", "--council", "八幡", "--page", "home",
                 "-o", str(out), "--size", "1024x700"]) == 0
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 700)
    assert main(["--db", str(db), "screenshot", "--council", "八幡", "--page", "nowhere",
                 "-o", str(out)]) == 1
    Store.open(db).close()  # the command released the database


@pytest.mark.slow
@pytest.mark.parametrize("large_text", [False, True])
def test_the_home_screenshot_read_at_start_is_the_live_window(tmp_path, demo_template, monkeypatch,
                                                            large_text):
    """`screenshot --page home` draws ホーム as the start reads it (sqlite3, no store): the
    same pixels as the window with the store open, but for the status bar's line (the store's
    way picks the council, and the bar says so)."""
    import shutil

    from PySide6.QtGui import QImage

    from app.services import home
    from app.ui.main import screenshot

    db = tmp_path / "shot.sqlite3"
    shutil.copyfile(demo_template, db)
    early = screenshot(db, "八幡", "home", tmp_path / "early.png", (1024, 700), large_text)
    monkeypatch.setattr(home, "start_state", lambda *a, **k: None)  # the store's way
    live = screenshot(db, "八幡", "home", tmp_path / "live.png", (1024, 700), large_text)
    above_status_bar = (0, 0, 1024, 700 - 60)
    assert QImage(str(early)).copy(*above_status_bar) == QImage(str(live)).copy(*above_status_bar)
    assert QImage(str(early)) != QImage(str(live))  # the status bar: a real difference is seen
