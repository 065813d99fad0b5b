"""回答用紙の入力: a window for typing returned forms one after another. The form's rows
(entry.py) on the left; on the right the choices of the question being typed with their counts
so far, and the forms entered, newest first, where the one just saved can be opened and
corrected or deleted. It takes as much of the screen as there is (large text on 1024×700)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.services.survey_forms import FormDTO
from app.services.surveys import SurveyResult
from app.ui.pages.survey.entry import FormEntry
from app.ui.pages.survey.forms_tab import FormsList
from app.ui.widgets import EditDialog, button, fit_to_screen, label, scroll_area, text_size


class FormEntryDialog(EditDialog):
    def __init__(self, tab, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("回答用紙の入力")
        self.entry = FormEntry(tab.save)
        self.save_button = self.entry.save_button  # Ctrl+Enter presses it (EditDialog)
        self.cancel_button = button("閉じる", self.request_close, tip="入力を終えて閉じます（Esc）")
        self.heading = label("", "subheading", wrap=True)
        legend = QWidget()
        legend_box = QVBoxLayout(legend)
        legend_box.setContentsMargins(4, 0, 4, 0)
        legend_box.addWidget(self.entry.legend_title)
        legend_box.addWidget(self.entry.legend)
        legend_box.addStretch(1)
        self.list = FormsList(self.entry.load_form, tab.delete, buttons_below=True)
        side = QWidget()
        side_box = QVBoxLayout(side)
        side_box.setContentsMargins(0, 0, 0, 0)
        side_box.addWidget(scroll_area(legend), 1)
        side_box.addWidget(self.list, 1)
        self.entry.actions.addWidget(self.cancel_button)
        halves = QHBoxLayout()
        halves.addWidget(scroll_area(self.entry), 3)
        halves.addWidget(side, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(halves, 1)
        fit_to_screen(self, text_size(self, 60, 30))

    def set_data(self, result: SurveyResult | None, areas: list[tuple[str, str]],
                 recent: list[FormDTO], next_number: int) -> None:
        """recent: the last forms saved, the last first."""
        if result is None:  # switched to totals or deleted meanwhile (undo)
            self.reject()
            return
        self.heading.setText(f"{result.title}　回収 {result.forms:,}枚")
        self.entry.set_survey(result, areas, next_number)
        self.list.set_forms(result, recent)

    def forget(self, form_id: str) -> None:
        """A form deleted while it was open for correction: back to a new form."""
        if self.entry.editing is not None and self.entry.editing.id == form_id:
            self.entry.start_new()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.entry.editing is None:
            self.entry.first_row().field.setFocus()

    def _save(self) -> None:
        self.entry.save()
