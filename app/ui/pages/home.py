"""ホーム: first steps for a new council, the vision, the next meeting, the numbers, what needs
attention, and for the tier-1 council every area council side by side.

The widgets and their filling are in home_view.py (the start shows them from the last run's
snapshot before the services load); here the displayed state is read from the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.services import home
from app.ui.pages.base import Page
from app.ui.pages.home_view import FIRST_STEPS, HomeWidgets, card
from app.ui.widgets import wareki

__all__ = ["FIRST_STEPS", "FLYER_PRINTED", "HomePage", "card", "home_state"]

FLYER_PRINTED = "flyer_printed:"  # preference key prefix + council id, set by the 印刷 page


def home_state(store, council_id: str, preference: Callable[[str], str | None]) -> dict[str, Any]:
    """What ホーム displays for the council, as plain texts (home_view.HomeWidgets.show_home)."""
    view = home.home_view(store, council_id)
    council = view.council
    if council.vision:
        vision = f"「{council.vision.phrase}」"
        subtitle = f"〜{council.vision.subtitle}〜" if council.vision.subtitle else ""
    else:
        vision, subtitle = "まだ決めていません（「協議体の設定」で入力できます）", ""
    upcoming = view.next_meeting
    if upcoming:
        when = wareki(upcoming.held_on)
        if upcoming.start_time:
            when += f" {upcoming.start_time:%H:%M}"
            if upcoming.end_time:
                when += f"〜{upcoming.end_time:%H:%M}"
        next_meeting = f"{when}\n{upcoming.title or upcoming.kind}\n{upcoming.venue}"
    else:
        schedule = council.meeting_schedule or "（予定はまだありません）"
        next_meeting = f"いつもの会議: {schedule}\n{council.meeting_place}"
    counts = (f"メンバー（活動中）: {view.active_members}人\n"
              f"サポーター: {view.supporters}人\n"
              f"　うち担い手: {view.providers}人\n"
              f"社会資源: {view.resources}件\n"
              f"対応中・未対応のニーズ: {view.open_needs}件")
    messages = [n.message for n in view.notices]
    from app.exchange.conflicts import count_conflicts

    waiting = count_conflicts(store)
    if waiting:
        messages.insert(0, f"ファイルの読み込みで、決めることが{waiting}件あります"
                           "（「ファイル」ページの「決めることの一覧」）")
    # An area council's first day: shown until each step has been done once.
    done = (view.has_neighbourhoods, view.any_members, upcoming is not None,
            preference(FLYER_PRINTED + council_id) == "1")
    steps = [f"✓ {text}（済み）" if is_done else f"□ {text}"
             for (text, _words, _key), is_done in zip(FIRST_STEPS, done, strict=True)]
    return {"heading": f"ホーム — {council.name}", "vision": vision, "subtitle": subtitle,
            "next_meeting": next_meeting, "counts": counts,
            "notices": messages or ["今、気をつけることはありません。"], "steps": steps,
            "steps_visible": council.tier == 2 and not all(done), "tier": council.tier}


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
        state = home_state(self.store, self.council_id, self.controller.preference)
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
