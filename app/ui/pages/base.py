"""A page of the main window: a heading, its content, and a refresh when its data changes."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.controller import Controller
from app.ui.widgets import label


class Page(QWidget):
    key = ""            # used by the screenshot command and tests: home, members, ...
    title = ""          # shown in the side list and as the heading
    areas: frozenset[str] = frozenset()  # data areas whose change needs a refresh

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.controller = controller
        self.heading = label(self.title, "heading")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(10)
        self.body.addWidget(self.heading)
        self._stale = True
        controller.changed.connect(self._on_changed)
        controller.council_changed.connect(lambda _id: self.mark_stale())

    @property
    def store(self):
        return self.controller.store

    @property
    def council_id(self) -> str | None:
        return self.controller.council_id

    # Tests set this to drive a dialog themselves; in use every dialog is modal.
    open_dialogs_modeless = False

    def open_dialog(self, dialog):
        """Show a dialog the way the page's user gets it, and return it (tests read it back)."""
        if self.open_dialogs_modeless:
            dialog.show()
        else:
            dialog.exec()
        return dialog

    def mark_stale(self) -> None:
        """Reload now if shown, else on the next show: switching councils stays fast."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def _on_changed(self, areas: frozenset[str]) -> None:
        if not areas or areas & self.areas:
            self.mark_stale()

    def showEvent(self, event) -> None:
        if self._stale:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        self._stale = False
        if self.council_id:
            self.refresh()

    def refresh(self) -> None:
        """Read the council's data through the services and fill the widgets."""

    def can_leave(self) -> bool:
        """Asked before the window shows another page or council or closes: a page holding
        typed input that is not saved yet asks the user (and may say no)."""
        return True
