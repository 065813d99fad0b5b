"""Long work off the window's thread: reading files in, writing the coordinator's file, saving a
PDF, a backup, a restore.

`run(parent, text, work)` calls `work(tell)` on a worker thread and waits for it while the
window's events go on (it repaints, timers tick); a progress window with 「中止」 appears when the
work takes longer than a moment. `tell(step, done, total)` is the progress callback the services
and exchange already take: it moves the bar and, once 中止 was pressed, raises `Cancelled`, so
the work stops at its next step and undoes what it began there (the import's one transaction
rolls back, an export or a PDF is not written). The work calls services, which open their own
short database sessions on the worker's thread: no session crosses threads, and nothing writes
to the database from the window's thread meanwhile.

Until the progress window appears the user's clicks and keys wait (a second click on 読み込む
must not start the work twice); from then on the window is modal to the whole application.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QDialog, QProgressBar, QVBoxLayout, QWidget

from app.ui.widgets import button, fit_to_screen, label, text_size

SHOW_AFTER_MS = 300  # shorter work finishes without a window flashing up
Tell = Callable[[str, int, int], None]


class Cancelled(Exception):
    """中止 was pressed; the work stopped at a step where nothing is left half-done."""


class Job(QThread):
    """Runs `work(tell)` once; `result` or `error` afterwards (read them on the window's thread).
    Started on its own (not through `run`), it lets the window go on with no progress window:
    the 地図 tab reads a scan so, and takes the image when `finished` arrives."""

    moved = Signal(str, int, int)  # step, done, total

    def __init__(self, work: Callable[[Tell], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self._work(self.tell)
        except BaseException as exc:  # noqa: BLE001 - raised again on the window's thread
            self.error = exc

    def tell(self, step: str, done: int, total: int) -> None:
        """The progress callback, called on the worker thread."""
        if self._cancel.is_set():
            raise Cancelled
        self.moved.emit(step, done, total)

    def cancel(self) -> None:
        self._cancel.set()


class ProgressWindow(QDialog):
    """What is being done, how far, and 「中止」 (closing the window asks the same)."""

    def __init__(self, parent: QWidget | None, text: str, job: Job, cancellable: bool) -> None:
        super().__init__(parent)
        self.job = job
        self.setWindowTitle("お待ちください")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        layout = QVBoxLayout(self)
        layout.addWidget(label(text, "subheading", wrap=True))
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # moving to and fro until the first step is told
        layout.addWidget(self.bar)
        self.step = label("", "note", wrap=True)
        layout.addWidget(self.step)
        self.cancel_button = None
        if cancellable:
            self.cancel_button = button("中止", self.cancel,
                                        tip="ここまでにしたことを取り消して止めます（データは始める前のままです）")
            layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        fit_to_screen(self, text_size(self, 28, 8))
        job.moved.connect(self.show_step)

    def show_step(self, step: str, done: int, total: int) -> None:
        if self.cancel_button is not None and not self.cancel_button.isEnabled():
            return
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        self.step.setText(f"{step}: {done} / {total}")

    def cancel(self) -> None:
        self.job.cancel()
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(False)
        self.step.setText("中止しています…（したことを取り消しています）")

    def reject(self) -> None:  # Esc or the title bar's ×: never just hide while work runs
        if self.cancel_button is not None and self.cancel_button.isEnabled():
            self.cancel()


def run(parent: QWidget | None, text: str, work: Callable[[Tell], Any], *,
        cancellable: bool = True) -> Any:
    """`work(tell)` on a worker thread; returns its result or raises its exception here
    (`Cancelled` when 中止 stopped it). `cancellable=False`: work with no point where it could
    stop cleanly shows no 中止."""
    job = Job(work)
    window = ProgressWindow(parent, text, job, cancellable)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    timer = QTimer(loop, singleShot=True, interval=SHOW_AFTER_MS)
    timer.timeout.connect(loop.quit)
    job.start()
    timer.start()
    loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    if job.isRunning():
        window.show()
        loop.exec()
    job.wait()
    timer.stop()
    window.hide()
    window.deleteLater()
    job.deleteLater()
    error, job.error = job.error, None
    if error is not None:
        try:
            raise error
        finally:  # no cycle through this frame: the work's objects go when the caller is done
            error = None
    return job.result
