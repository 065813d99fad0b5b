"""ホーム: first steps for a new council, the vision, the next meeting, the numbers, what needs
attention, and for the tier-1 council every area council side by side."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QListWidget, QVBoxLayout

from app.services import home
from app.ui.overview_table import OverviewTable
from app.ui.pages.base import Page
from app.ui.widgets import button, label, wareki

FLYER_PRINTED = "flyer_printed:"  # preference key prefix + council id, set by the 印刷 page

# (what to do, the button's words, the page it opens) for a council's first day.
FIRST_STEPS = (
    ("町内会を登録する（名前と世帯数）", "協議体の設定へ", "settings"),
    ("メンバーを登録する（または名簿を読み込む）", "メンバーへ", "members"),
    ("次の会議の日を入れる", "会議・活動へ", "meetings"),
    ("最初の回覧チラシを印刷する", "印刷へ", "print"),
)


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
        self.steps_card, steps_box = card("はじめにすること")
        self.step_labels: list = []
        self.step_buttons: list = []
        for text, words, key in FIRST_STEPS:
            row = QHBoxLayout()
            mark = label(text, wrap=True)
            go = button(words, lambda _=False, k=key: self.controller.go_to.emit(k),
                        tip=f"「{text}」のページを開きます")
            row.addWidget(mark, 1)
            row.addWidget(go)
            steps_box.addLayout(row)
            self.step_labels.append(mark)
            self.step_buttons.append(go)
        self.overview_card, overview_box = card("第2層の協議体")
        self.overview_note = label("", "note", wrap=True)
        self.overview = OverviewTable()
        self.overview.setMinimumHeight(self.fontMetrics().height() * 12)
        self.add_councils = button("下の協議体を一覧から追加", self._add_councils,
                                   tip="第2層の協議体の名前を貼り付けて、まとめて追加します")
        overview_box.addWidget(self.overview_note)
        overview_box.addWidget(self.overview, 1)
        overview_box.addWidget(self.add_councils)
        # The coordinator's first question is "which councils sent their file": the overview
        # comes first on a tier-1 ホーム (it is hidden for an area council).
        grid.addWidget(self.steps_card, 0, 0, 1, 2)
        grid.addWidget(self.overview_card, 1, 0, 1, 2)
        grid.addWidget(vision_card, 2, 0, 1, 2)
        grid.addWidget(meeting_card, 3, 0)
        grid.addWidget(counts_card, 3, 1)
        grid.addWidget(notice_card, 4, 0, 1, 2)
        grid.setRowStretch(4, 1)
        self.body.addLayout(grid, 1)

    def _add_councils(self) -> None:
        from app.ui.councils_menu import add_council_list

        add_council_list(self.window())

    def refresh(self) -> None:
        view = home.home_view(self.store, self.council_id)
        council = view.council
        self.heading.setText(f"ホーム — {council.name}")
        if council.vision:
            self.vision.setText(f"「{council.vision.phrase}」")
            self.subtitle.setText(f"〜{council.vision.subtitle}〜" if council.vision.subtitle else "")
        else:
            self.vision.setText("まだ決めていません（「協議体の設定」で入力できます）")
            self.subtitle.setText("")
        upcoming = view.next_meeting
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
        self.counts.setText(
            f"メンバー（活動中）: {view.active_members}人\n"
            f"サポーター: {view.supporters}人\n"
            f"　うち担い手: {view.providers}人\n"
            f"社会資源: {view.resources}件\n"
            f"対応中・未対応のニーズ: {view.open_needs}件")
        self.notices.clear()
        messages = [n.message for n in view.notices]
        from app.exchange.conflicts import count_conflicts

        waiting = count_conflicts(self.store)
        if waiting:
            messages.insert(0, f"ファイルの読み込みで、決めることが{waiting}件あります"
                               "（「ファイル」ページの「決めることの一覧」）")
        self.notices.addItems(messages or ["今、気をつけることはありません。"])
        self._first_steps(council.tier, view.has_neighbourhoods, view.any_members, upcoming is not None)
        self.overview_card.setVisible(council.tier == 1)
        if council.tier == 1:
            self._fill_overview()

    def _first_steps(self, tier: int, has_neighbourhoods: bool, has_members: bool,
                     has_meeting: bool) -> None:
        """An area council's first day: shown until each step has been done once."""
        done = (has_neighbourhoods, has_members, has_meeting,
                self.controller.preference(FLYER_PRINTED + self.council_id) == "1")
        for (text, _words, _key), mark, is_done in zip(FIRST_STEPS, self.step_labels, done, strict=True):
            mark.setText(f"✓ {text}（済み）" if is_done else f"□ {text}")
        self.steps_card.setVisible(tier == 2 and not all(done))

    def _fill_overview(self) -> None:
        from app.services.overview import coordinator_overview

        view = coordinator_overview(self.store)
        self.overview.fill(view)
        area = [c for c in view.councils if c.tier == 2]
        self.overview_note.setText(
            f"{len(area)}の協議体。受け取ったファイルは「ファイル」ページの「ファイルを読み込む」で"
            "まとめます。メンバーは活動中の人の数です。" if area else
            "まだ第2層の協議体がありません。下のボタンで、名前を貼り付けてまとめて追加できます。")
