"""決めることの一覧 in the window: both versions in words, one click to keep either."""

from __future__ import annotations

import pytest

from app.ui.controller import Controller
from app.ui.main_window import MainWindow
from tests.exchange.test_two_pcs import _exchange, _member, two_pcs  # noqa: F401 - the fixture


@pytest.mark.slow
def test_the_window_lists_a_conflict_and_puts_the_other_version_back(qtbot, two_pcs, tmp_path):  # noqa: F811 - the fixture imported above
    a, b = two_pcs
    person = _member(a, "大澤 勝利")
    from app.services import members

    members.update_member(a, person.id, {"phone": "027-000-1111"})
    members.update_member(b, person.id, {"phone": "027-000-2222"})
    _exchange(a, b, tmp_path, "first")
    win = MainWindow(Controller(a))
    qtbot.addWidget(win)
    win.show()
    win.select_council("八幡")
    home = win.show_page("home")
    assert "決めることが1件" in home.notices.item(0).text()
    page = win.show_page("exchange")
    page.open_dialogs_modeless = True
    assert page.conflicts_button.isVisibleTo(page) and "1件" in page.conflicts_button.text()
    dialog = page.open_conflicts()
    assert "大澤 勝利" in dialog.list.item(0).text()
    cells = [dialog.versions.item(0, c).text() for c in range(3)]
    assert cells == ["電話", "027-000-2222", "027-000-1111"]
    assert "もう一方の内容に戻しました" in dialog.decide("other")
    assert _member(a, "大澤 勝利").phone == "027-000-1111"
    assert dialog.list.count() == 0 and dialog.empty.isVisibleTo(dialog)
    page._count_conflicts()
    assert not page.conflicts_button.isVisibleTo(page)
