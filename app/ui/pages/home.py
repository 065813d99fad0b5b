"""ホーム: the vision, the next meeting, the numbers, and what needs attention."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QListWidget, QVBoxLayout

from app.services import attention, councils, meetings, members, needs, resources
from app.ui.pages.base import Page
from app.ui.widgets import label, wareki


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.addWidget(label(title, "subheading"))
    return frame, layout


class HomePage(Page):
    key = "home"
    title = "ホーム"
    areas = frozenset({"council", "members", "needs", "tallies", "surveys", "resources",
                       "meetings", "neighbourhoods"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        grid = QGridLayout()
        grid.setSpacing(12)
        vision_card, vision_box = card("目指す地域像")
        self.vision = label("", "vision", wrap=True)
        self.subtitle = label("", wrap=True)
        vision_box.addWidget(self.vision)
        vision_box.addWidget(self.subtitle)
        meeting_card, meeting_box = card("次の会議・行事")
        self.next_meeting = label("", wrap=True)
        meeting_box.addWidget(self.next_meeting)
        counts_card, counts_box = card("数")
        self.counts = label("", wrap=True)
        counts_box.addWidget(self.counts)
        notice_card, notice_box = card("気をつけること")
        self.notices = QListWidget()
        self.notices.setWordWrap(True)
        self.notices.setToolTip("確認や見直しが必要なことの一覧です")
        self.notices.setMinimumHeight(self.fontMetrics().height() * 8)
        notice_box.addWidget(self.notices)
        grid.addWidget(vision_card, 0, 0, 1, 2)
        grid.addWidget(meeting_card, 1, 0)
        grid.addWidget(counts_card, 1, 1)
        grid.addWidget(notice_card, 2, 0, 1, 2)
        grid.setRowStretch(2, 1)
        self.body.addLayout(grid, 1)

    def refresh(self) -> None:
        store, council_id = self.store, self.council_id
        council = councils.get_council(store, council_id)
        self.heading.setText(f"ホーム — {council.name}")
        if council.vision:
            self.vision.setText(f"「{council.vision.phrase}」")
            self.subtitle.setText(f"〜{council.vision.subtitle}〜" if council.vision.subtitle else "")
        else:
            self.vision.setText("まだ決めていません（「協議体の設定」で入力できます）")
            self.subtitle.setText("")
        upcoming = meetings.next_meeting(store, council_id)
        if upcoming:
            when = wareki(upcoming.held_on)
            if upcoming.start_time:
                when += f" {upcoming.start_time:%H:%M}"
                if upcoming.end_time:
                    when += f"〜{upcoming.end_time:%H:%M}"
            self.next_meeting.setText(f"{when}\n{upcoming.title or upcoming.kind}\n{upcoming.venue}")
        else:
            schedule = council.meeting_schedule or "（予定はまだありません）"
            self.next_meeting.setText(f"いつもの会議: {schedule}\n{council.meeting_place}")
        people = members.list_members(store, council_id, status="活動中")
        open_needs = [n for n in needs.list_needs(store, council_id) if n.is_open]
        self.counts.setText(
            f"メンバー（活動中）: {len(people)}人\n"
            f"サポーター: {sum(m.is_supporter for m in people)}人"
            f"（うち担い手 {sum(m.is_provider for m in people)}人）\n"
            f"社会資源: {len(resources.list_resources(store, council_id))}件\n"
            f"対応中・未対応のニーズ: {len(open_needs)}件")
        self.notices.clear()
        found = attention.notices(store, council_id)
        self.notices.addItems([n.message for n in found] or ["今、気をつけることはありません。"])
