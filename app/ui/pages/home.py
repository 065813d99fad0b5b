"""ホーム: first steps for a new council, the vision, the next meeting, the numbers, what needs
attention, and for the tier-1 council every area council side by side.

The widgets and their filling are in home_view.py (the start shows them, read with sqlite3,
before SQLAlchemy loads: services/home.py); here the page reads the same texts through the store."""

from __future__ import annotations

from app.services import home
from app.ui.pages.base import Page
from app.ui.pages.home_view import HomeWidgets


class HomePage(Page, HomeWidgets):
    key = "home"
    title = "ホーム"
    areas = frozenset({"council", "members", "needs", "tallies", "surveys", "resources",
                       "meetings", "neighbourhoods"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self._build_home(self.body, self.controller.go_to.emit, self._add_councils)

    def _add_councils(self) -> None:
        from app.ui.councils_menu import add_council_list

        add_council_list(self.window())

    def refresh(self) -> None:
        state = home.home_state(self.store, self.council_id)
        self.show_home(state)
        if state["tier"] == 1:
            self._fill_overview()

    def _fill_overview(self) -> None:
        from app.services.overview import coordinator_overview

        view = coordinator_overview(self.store)
        self.overview.fill(view)
        area = [c for c in view.councils if c.tier == 2]
        self.overview_note.setText(
            f"{len(area)}の協議体。受け取ったファイルは「ファイル」ページの「ファイルを読み込む」で"
            "まとめます。メンバーは活動中の人の数です。" if area else
            "まだ第2層の協議体がありません。下のボタンで、名前を貼り付けてまとめて追加できます。")
