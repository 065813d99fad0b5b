"""社会資源を追加 / 編集: a FormDialog laid out in two columns, the fields of RESOURCE_FIELDS on the
left and the schedule editor on the right; on a screen too narrow for two columns (large text)
the schedule comes right under 内容."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QVBoxLayout, QWidget

from app.services.resources import RESOURCE_FIELDS
from app.ui.pages.resources.schedule_editor import ScheduleEditor
from app.ui.widgets import FormDialog, fit_to_screen, form_fields, label, screen_room

NONE = "（なし）"
# The dialog's left column, in this order (日程 and 祝日は休み are the schedule editor's).
LEFT_FIELDS = ("name", "category", "content", "operator_type", "representative", "phone", "venue",
               "neighbourhood", "target", "fee", "created_by_council", "started_on", "last_verified_on",
               "note")


class ResourceDialog(FormDialog):
    """The same inputs, keys and messages as every FormDialog (its FormPanel makes the rows and
    reads and marks the schedule editor's inputs too); only the arrangement is its own."""

    def __init__(self, title: str, categories: Sequence[str], neighbourhood_names: Sequence[str],
                 values: dict[str, Any], on_save: Callable[[dict[str, Any]], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, (), values, on_save, parent)
        panel = self.panel
        # The general message stays in view under the scrolling part, above the buttons.
        self.general_error = panel.take_general_error()
        self.layout().insertWidget(1, self.general_error)
        # Labels, kinds and tips from resources.RESOURCE_FIELDS, declared there once.
        left_fields = form_fields(RESOURCE_FIELDS, {"category": [NONE, *categories],
                                                    "neighbourhood": [NONE, *neighbourhood_names]},
                                  only=LEFT_FIELDS)
        # Two forms so that, stacked on a narrow screen, the schedule comes right after 内容.
        top, rest = QFormLayout(), QFormLayout()
        em = self.fontMetrics().horizontalAdvance("あ")
        label_width = max(self.fontMetrics().horizontalAdvance(f.label) for f in left_fields) + em // 2
        for index, field in enumerate(left_fields):
            row_label = label(field.label)
            row_label.setMinimumWidth(label_width)  # both forms line up
            widget = panel.add_field(field, values.get(field.name), top if index < 3 else rest,
                                     row_label)
            if field.kind != "bool":
                widget.setMinimumWidth(12 * em)
            if field.kind == "long":  # short notes here: two to four lines, the dialog has two columns
                widget.setMinimumHeight(widget.fontMetrics().lineSpacing() * 2 + 12)
                widget.setMaximumHeight(widget.fontMetrics().lineSpacing() * 4 + 12)

        self.schedule = ScheduleEditor(values.get("schedule_text") or "",
                                       bool(values.get("skip_holidays")))
        self.schedule.line.setMinimumWidth(18 * em)
        labels = {f.name: f.label for f in RESOURCE_FIELDS}
        panel.register("schedule_text", labels["schedule_text"], self.schedule, self.schedule.error)
        panel.register("skip_holidays", labels["skip_holidays"], self.schedule.skip_holidays,
                       self.schedule.skip_error)
        self._schedule_box = QGroupBox("日程")
        QVBoxLayout(self._schedule_box).addWidget(self.schedule)

        panel.layout().setContentsMargins(-1, -1, -1, -1)  # the style's margins around the columns
        self._grid = QGridLayout()
        panel.layout().addLayout(self._grid)
        self._top, self._rest = top, rest
        self.stacked: bool | None = None
        self._arrange(stacked=False)
        # The rows came after FormDialog's buttons: Tab still goes from the last input to them.
        QWidget.setTabOrder(self.schedule.skip_holidays, self.save_button)
        QWidget.setTabOrder(self.save_button, self.cancel_button)
        self.fit_to()

    def preferred_size(self) -> QSize:
        hint = self.panel.sizeHint()
        return QSize(hint.width() + 60, hint.height() + 150)

    def fit_to(self, available: QSize | None = None) -> None:
        """As big as the form wants, but never bigger than the screen (or `available`): the rest
        scrolls up and down. A screen too narrow for two columns gets the schedule under 内容."""
        room = screen_room(self, available)
        self._arrange(stacked=False)
        wanted = self.preferred_size()
        if room is not None and wanted.width() > room.width():
            self._arrange(stacked=True)
            wanted = self.preferred_size()
        fit_to_screen(self, wanted, available)

    def _arrange(self, *, stacked: bool) -> None:
        if stacked == self.stacked:
            return
        grid = self._grid
        if self.stacked is not None:
            grid.removeItem(self._top)
            grid.removeItem(self._rest)
            grid.removeWidget(self._schedule_box)
        grid.addLayout(self._top, 0, 0)
        if stacked:
            grid.addWidget(self._schedule_box, 1, 0)
            grid.addLayout(self._rest, 2, 0)
        else:
            grid.addLayout(self._rest, 1, 0)
            grid.addWidget(self._schedule_box, 0, 1, 2, 1)
        for column, stretch in enumerate((1, 0 if stacked else 1)):
            grid.setColumnStretch(column, stretch)
        for row, stretch in enumerate((0, 0, 1) if stacked else (0, 1, 0)):
            grid.setRowStretch(row, stretch)
        self.stacked = stacked
        grid.invalidate()
        grid.activate()
