"""Real widgets, offscreen, on a real demo database copied per test."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from app.ui import crash
from app.ui.controller import Controller
from app.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def _delete_closed_windows(qapp):
    """Windows closed by qtbot are only deleteLater()'d; without this every later window
    restyles all the dead ones and each test gets slower than the last."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(qtbot, demo_store):
    """The main window on the demo data, showing 八幡."""
    win = MainWindow(Controller(demo_store))
    qtbot.addWidget(win)
    win.show()
    win.select_council("八幡")
    qtbot.waitExposed(win)
    return win


def type_japanese(widget: QWidget, text: str) -> None:
    """What an IME does when the user confirms a conversion: a commit string.
    (qtbot.keyClicks with kanji aborts Qt; see the design notes.)"""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answer_next_dialog(button_text: str) -> None:
    """Click a button of the next modal dialog (a confirmation) as soon as it opens."""
    def click() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, click)
            return
        for b in dialog.findChildren(QAbstractButton):
            if b.text() == button_text:
                b.click()
                return
        raise AssertionError(f"no button {button_text!r} in {dialog.windowTitle()!r}")

    QTimer.singleShot(0, click)


@pytest.fixture
def crash_handler(tmp_path):
    """The crash dialog and log, installed for one test, logging under tmp_path."""
    handler = crash.install(tmp_path / "logs")
    yield handler
    crash.uninstall()
