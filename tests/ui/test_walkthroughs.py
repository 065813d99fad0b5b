"""A council's first day, as three new users go through it on the real widgets: a volunteer,
the council's secretary on a new PC, and the city's coordinator. Typing goes through the IME's
commit (QInputMethodEvent); Enter confirms and moves on, Ctrl+Enter saves."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.exchange.export_file import export_councils
from app.services import councils, demo, meetings, members, neighbourhoods
from app.store import Store
from app.ui.controller import Controller
from app.ui.councils_menu import CouncilListDialog
from app.ui.main_window import MainWindow
from app.ui.overview_table import DATE_COLUMN
from tests.ui.conftest import type_japanese

CTRL = Qt.KeyboardModifier.ControlModifier


def _window(qtbot, store) -> MainWindow:
    win = MainWindow(Controller(store))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.open_dialogs_modeless = True  # dialogs stay open for the test to drive
    return win


def _create_council(qtbot, win: MainWindow, name: str, tier_one: bool = False) -> None:
    dialog = win.welcome.create_council()
    type_japanese(dialog.inputs["name"], name)
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return)  # confirms the IME, moves on
    assert dialog.isVisible(), "Enter must not save the form"
    if tier_one:
        dialog.inputs["tier"].setCurrentIndex(1)
    qtbot.keyClick(dialog.inputs["area_name"], Qt.Key.Key_Return, CTRL)


def _page(win: MainWindow, key: str):
    page = win.show_page(key)
    page.open_dialogs_modeless = True
    return page


@pytest.mark.slow
def test_a_volunteer_practises_then_starts_yawata_and_prints_the_meeting_flyer(qtbot, store, tmp_path):
    win = _window(qtbot, store)
    win.welcome.demo_button.click()
    assert win.controller.practice and win.banner.isVisible()
    win.select_council("八幡")
    assert win.show_page("members").model.rowCount() > 0  # looks around the demo
    win.back_button.click()
    assert councils.list_councils(store) == [], "no demo council in the real data"
    assert win.root.currentWidget() is win.welcome

    _create_council(qtbot, win, "八幡")
    yawata = councils.find_council(store, "八幡")
    assert win.root.currentWidget() is win.main_area and win.controller.council_id == yawata.id
    home = win.current_page()
    assert home.key == "home" and home.steps_card.isVisibleTo(home)

    home.step_buttons[0].click()
    settings = win.current_page()
    settings.open_dialogs_modeless = True
    assert settings.key == "settings"
    for name, households in (("金井淵", "５４０"), ("上大島", "320"), ("八幡原", "410")):
        dialog = settings.add_neighbourhood()
        type_japanese(dialog.inputs["name"], name)
        qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return)
        type_japanese(dialog.inputs["households"], households)
        qtbot.keyClick(dialog.inputs["households"], Qt.Key.Key_Return, CTRL)
    listed = neighbourhoods.list_neighbourhoods(store, yawata.id)
    assert sorted(n.households for n in listed) == [320, 410, 540]

    win.show_page("home").step_buttons[2].click()
    page = win.current_page()
    page.open_dialogs_modeless = True
    dialog = page.add()
    dialog.inputs["held_on"].selectAll()  # today's date is proposed: typed over
    type_japanese(dialog.inputs["held_on"], "令和９年１月２０日")
    type_japanese(dialog.inputs["start_time"], "１０：００")
    type_japanese(dialog.inputs["end_time"], "12:00")
    dialog.inputs["venue"].clear()
    type_japanese(dialog.inputs["venue"], "八幡公民館")
    qtbot.keyClick(dialog.inputs["venue"], Qt.Key.Key_Return, CTRL)
    upcoming = meetings.next_meeting(store, yawata.id)
    assert upcoming is not None and upcoming.held_on.isoformat() == "2027-01-20"

    win.show_page("home").step_buttons[3].click()
    printing = win.current_page()
    printing.kind.setCurrentIndex(printing.kind.findData("flyer"))
    printing.template.setCurrentIndex(printing.template.findData("meeting"))
    pdf = printing.save_pdf(tmp_path / "flyer.pdf")
    text = "".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "八幡地区協議体" in text and "令和9年1月20日" in text and "八幡公民館" in text
    home = win.show_page("home")
    assert [m.text()[0] for m in home.step_labels] == ["✓", "□", "✓", "✓"]  # members still to come


@pytest.mark.slow
def test_a_secretary_on_a_new_pc_starts_from_yawatas_file_and_finds_every_member(
        qtbot, demo_store, tmp_path, template_db):
    yawata = councils.find_council(demo_store, "八幡")
    out = tmp_path / "八幡.xlsx"
    export_councils(demo_store, out, [yawata.id])
    expected = sorted(m.name for m in members.list_members(demo_store, yawata.id))

    new_pc = tmp_path / "new-pc.sqlite3"
    new_pc.write_bytes(template_db.read_bytes())
    with Store.open(new_pc) as store:
        win = _window(qtbot, store)
        assert win.welcome.start_from_files([out]) is not None
        assert win.root.currentWidget() is win.main_area
        win.select_council("八幡")
        page = win.show_page("members")
        shown = sorted(page.model.rows[i].name for i in range(page.model.rowCount()))
        assert shown == expected and len(expected) == 22
        win.close()


@pytest.mark.slow
def test_a_secretary_who_made_yawata_first_can_still_read_its_file(qtbot, demo_store, tmp_path, store):
    yawata = councils.find_council(demo_store, "八幡")
    out = tmp_path / "八幡.xlsx"
    export_councils(demo_store, out, [yawata.id])
    win = _window(qtbot, store)
    _create_council(qtbot, win, "八幡")
    report = win.show_page("exchange").import_from([out])
    assert "読み込みました" in report
    adopted = councils.find_council(store, "八幡")
    assert adopted.id == yawata.id and [c.name for c in councils.list_councils(store)] == ["八幡"]
    assert len(members.list_members(store, adopted.id)) == 22


@pytest.mark.slow
def test_a_coordinator_adds_26_councils_imports_two_files_and_sees_both_on_home(
        qtbot, demo_store, tmp_path, store):
    files = []
    for name in ("八幡", "榛名"):
        council = councils.find_council(demo_store, name)
        files.append(tmp_path / f"{name}.xlsx")
        export_councils(demo_store, files[-1], [council.id])

    win = _window(qtbot, store)
    _create_council(qtbot, win, "高崎市", tier_one=True)
    home = win.current_page()
    assert home.overview_card.isVisibleTo(home)
    home.add_councils.click()
    dialog = next(d for d in win.findChildren(CouncilListDialog) if d.isVisible())
    type_japanese(dialog.names, "\n".join(demo.AREAS))
    dialog.save()
    assert len([c for c in councils.list_councils(store) if c.tier == 2]) == 26

    report = win.show_page("exchange").import_from(files)
    assert "読み込みました" in report
    win.select_council("高崎市")
    home = win.show_page("home")
    table = home.overview
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    assert len(rows) == 27 and "合計" in rows
    last = DATE_COLUMN
    for name in ("八幡", "榛名"):
        assert table.item(rows[name], last).text().startswith("令和"), name
    assert table.item(rows["倉渕"], last).text() == "まだ受け取っていません"
    assert table.item(rows["合計"], last).text() == "2 / 26 協議体"
    assert table.item(rows["八幡"], 2).text() == "20"  # メンバー: the active ones, as on 八幡's ホーム
