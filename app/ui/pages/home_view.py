"""ホーム's widgets and how its displayed state fills them: the start paints ホーム with this
module and services/home.py alone (read with sqlite3), before SQLAlchemy is imported. The live
page (pages/home.py) uses the same widgets, the same filling and the same reading, so it replaces
the start's ホーム with the same pixels unless something changed in between.

The state is a plain dict of what is displayed (services/home.home_state): heading, vision,
subtitle, next_meeting, counts, notices (list), steps (list of 4 texts), steps_visible, tier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QListWidget, QVBoxLayout, QWidget

from app.services.home import FIRST_STEPS
from app.ui.basics import button, label


def card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.addWidget(label(title, "subheading"))
    return frame, layout


class HomeWidgets:
    """The cards of ホーム, built into a page's body (mixed into a QWidget)."""

    def _build_home(self: Any, body: QVBoxLayout, go: Callable[[str], None],
                    add_councils: Callable[[], None]) -> None:
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
            to_page = button(words, lambda _=False, k=key: go(k), tip=f"「{text}」のページを開きます")
            row.addWidget(mark, 1)
            row.addWidget(to_page)
            steps_box.addLayout(row)
            self.step_labels.append(mark)
            self.step_buttons.append(to_page)
        # The coordinator's first question is "which councils sent their file": the table of
        # councils comes first on a tier-1 ホーム (row 1), built when one is first shown.
        self.overview_card: QFrame | None = None
        self._home_grid, self._add_councils = grid, add_councils
        grid.addWidget(self.steps_card, 0, 0, 1, 2)
        grid.addWidget(vision_card, 2, 0, 1, 2)
        grid.addWidget(meeting_card, 3, 0)
        grid.addWidget(counts_card, 3, 1)
        grid.addWidget(notice_card, 4, 0, 1, 2)
        grid.setRowStretch(4, 1)
        body.addLayout(grid, 1)

    def show_home(self: Any, state: dict[str, Any]) -> None:
        """Fill the cards from the displayed state (the overview table is filled by the live page)."""
        self.heading.setText(state["heading"])
        self.vision.setText(state["vision"])
        self.subtitle.setText(state["subtitle"])
        self.next_meeting.setText(state["next_meeting"])
        self.counts.setText(state["counts"])
        self.notices.clear()
        self.notices.addItems(state["notices"])
        for mark, text in zip(self.step_labels, state["steps"], strict=True):
            mark.setText(text)
        self.steps_card.setVisible(state["steps_visible"])
        if state["tier"] == 1 and self.overview_card is None:
            self._build_overview()
        if self.overview_card is not None:
            self.overview_card.setVisible(state["tier"] == 1)

    def _build_overview(self: Any) -> None:
        from app.ui.overview_table import OverviewTable  # a tier-1 ホーム only

        self.overview_card, overview_box = card("第2層の協議体")
        self.overview_note = label("", "note", wrap=True)
        self.overview = OverviewTable()
        self.overview.setMinimumHeight(self.fontMetrics().height() * 12)
        self.add_councils = button("下の協議体を一覧から追加", self._add_councils,
                                   tip="第2層の協議体の名前を貼り付けて、まとめて追加します")
        overview_box.addWidget(self.overview_note)
        overview_box.addWidget(self.overview, 1)
        overview_box.addWidget(self.add_councils)
        self._home_grid.addWidget(self.overview_card, 1, 0, 1, 2)


class StartHome(QWidget, HomeWidgets):
    """ホーム as the start read it (services/home.start_state), shown until the database is open
    (nothing in it reacts)."""

    def __init__(self, title: str, state: dict[str, Any]) -> None:
        super().__init__()
        # The same frame as pages.base.Page, whose module imports the controller.
        self.heading = label(title, "heading")
        body = QVBoxLayout(self)
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(10)
        body.addWidget(self.heading)
        self._build_home(body, lambda _key: None, lambda: None)
        self.show_home(state)
