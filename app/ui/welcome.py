"""First start: no council yet. Offer to make one or to look around with the demo data."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services import councils
from app.ui.controller import Controller
from app.ui.widgets import FormDialog, FormField, button, label


class WelcomePage(QWidget):
    def __init__(self, controller: Controller, done: Callable[[bool], None]) -> None:
        super().__init__()
        self.controller, self._done = controller, done
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(label("ささえあいノートへようこそ", "heading"))
        layout.addWidget(label("協議体のメンバー、ニーズ、社会資源、会議の記録をこのパソコンに保存し、"
                               "回覧チラシなどを印刷できます。\nはじめに、どちらかを選んでください。",
                               wrap=True))
        self.create_button = button("協議体を作る", self.create_council, role="primary",
                                    tip="自分たちの協議体の名前を入れて始めます")
        self.demo_button = button("見本のデータで試す", lambda: self._done(True),
                                  tip="高崎市の26協議体（八幡など）の見本で、使い方を試せます")
        for widget in (self.create_button, self.demo_button):
            widget.setMinimumWidth(360)
            layout.addWidget(widget)

    def create_council(self) -> None:
        fields = [FormField("name", "協議体の名前", tip="例: 八幡"),
                  FormField("tier", "層", "choice", ("第2層（日常生活圏域）", "第1層（市全域）")),
                  FormField("area_name", "地区名")]

        def save(values: dict) -> object:
            values["tier"] = 1 if values["tier"].startswith("第1層") else 2
            return councils.create_council(self.controller.store, values)

        dialog = FormDialog("協議体を作る", fields, {}, save, self)
        if dialog.exec():
            self.controller.set_council(dialog.result_value.id)
            self._done(False)
