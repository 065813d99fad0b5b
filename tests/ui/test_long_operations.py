"""Import, export, a PDF, a backup and a restore run on a worker (app/ui/worker.py): the window
keeps handling events meanwhile, and 中止 pressed in the progress window leaves nothing half-done.

The work is held at one of its progress steps (on the worker) until the test has pressed 中止 in
the real progress window (on the window's thread), so the cancel lands at a known point."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.exchange import export_file, merge
from app.services import backups, councils
from app.store import Store
from app.ui import worker
from app.ui.controller import Controller
from app.ui.main_window import MainWindow

HOLD_S = 10  # a broken worker fails the test after this long instead of hanging it


@pytest.fixture(scope="module")
def all_councils(tmp_path_factory, demo_template) -> Path:
    """The demo's 26 councils and 高崎市 in one file, as `export --all` writes it."""
    folder = tmp_path_factory.mktemp("long")
    with Store.open(shutil.copyfile(demo_template, folder / "demo.sqlite3")) as store:
        export_file.export_councils(store, folder / "all.xlsx")
    return folder / "all.xlsx"


@pytest.fixture
def receiving(qtbot, tmp_path, template_db):
    """A window on a database with one council of its own, where every council of the file
    is new: the import writes thousands of rows in its one transaction."""
    db = shutil.copyfile(template_db, tmp_path / "receiving.sqlite3")
    store = Store.open(db)
    councils.create_council(store, {"name": "テスト地区", "tier": 2})
    win = MainWindow(Controller(store))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    store.close()


def digest(path: Path) -> str:
    """Every row of every table (the WAL included), whatever the order they are stored in."""
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
            h.update(name.encode())
            for row in sorted(repr(r) for r in con.execute(f'SELECT * FROM "{name}"')):
                h.update(row.encode())
        return h.hexdigest()
    finally:
        con.close()


class Holder:
    """Holds the work at the progress step `at`: (step, done), done a number, "middle" or
    "last" (done == total)."""

    def __init__(self, at: tuple[str, int | str]) -> None:
        self.at = at
        self.reached = threading.Event()
        self.release = threading.Event()
        self.thread: int | None = None

    def hold(self) -> None:
        """Called on the worker: stop here until released."""
        self.thread = threading.get_ident()
        self.reached.set()
        assert self.release.wait(HOLD_S), "the window's thread never released the work"

    def wrap(self, progress):
        def tell(step: str, done: int, total: int) -> None:
            wanted_step, wanted = self.at
            wanted_done = {"middle": total // 2, "last": total}.get(wanted, wanted)  # type: ignore[call-overload]
            if step == wanted_step and done == wanted_done and not self.reached.is_set():
                self.hold()
            progress(step, done, total)

        return tell


def press_cancel_when_held(holder: Holder, qtbot) -> QTimer:
    """On the window's thread: once the work is held and the progress window is up, click 中止,
    then let the work go on (its next progress call stops it)."""
    timer = QTimer(interval=10)
    pressed = []

    def look() -> None:
        shown = QApplication.activeModalWidget()
        if holder.reached.is_set() and not pressed and isinstance(shown, worker.ProgressWindow):
            qtbot.mouseClick(shown.cancel_button, Qt.MouseButton.LeftButton)
            pressed.append(shown.step.text())
            holder.release.set()

    timer.timeout.connect(look)
    timer.start()
    timer.pressed = pressed  # type: ignore[attr-defined]
    return timer


def open_sheet_files() -> set[str]:
    """openpyxl's temporary files of write-only sheets still on disk."""
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    return {f for f in ALL_TEMP_FILES if Path(f).exists()}


def hold_import(monkeypatch, holder: Holder) -> None:
    real = merge.import_files

    def import_files(store, paths, *, progress, **options):
        return real(store, paths, progress=holder.wrap(progress), **options)

    monkeypatch.setattr(merge, "import_files", import_files)


# --- import -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_window_keeps_working_during_a_26_council_import(receiving, all_councils, monkeypatch):
    page = receiving.show_page("exchange")
    store = receiving.controller.store
    before = len(councils.list_councils(store))
    holder = Holder(("まとめ", "middle"))  # half the sheets merged, the transaction open
    hold_import(monkeypatch, holder)
    ticks, seen = [], []

    def tick() -> None:
        if holder.reached.is_set() and not holder.release.is_set():
            ticks.append(1)
            if len(ticks) == 1:  # the window reads meanwhile, and sees none of the import yet
                seen.append(len(councils.list_councils(store)))
            if len(ticks) >= 5:
                holder.release.set()

    timer = QTimer(interval=5)
    timer.timeout.connect(tick)
    timer.start()
    try:
        text = page.import_from([all_councils])
    finally:
        timer.stop()
        holder.release.set()
    assert len(ticks) >= 5  # the window's timer ran while the import's transaction was open
    assert holder.thread != threading.get_ident()  # the transaction lives on the worker
    assert seen == [before]
    assert "読み込みました" in text
    assert len(councils.list_councils(store)) == before + 27
    assert receiving.council_box.findText("八幡（第2層）") >= 0


@pytest.mark.slow
def test_an_import_stopped_half_way_leaves_the_database_as_it_was(receiving, all_councils,
                                                                   monkeypatch, qtbot):
    page = receiving.show_page("exchange")
    controller = receiving.controller
    store = controller.store
    test = councils.find_council(store, "テスト地区")
    controller.update("備考を変更", "council", test.id,
                      lambda: councils.update_council(store, test.id, {"note": "メモ"}), {"council"})
    store.engine.dispose()  # nothing but the file and its WAL hold the data
    before, kept = digest(store.path), backups.list_backups(store.path)
    holder = Holder(("まとめ", "middle"))
    hold_import(monkeypatch, holder)
    timer = press_cancel_when_held(holder, qtbot)
    try:
        text = page.import_from([all_councils])
    finally:
        timer.stop()
        holder.release.set()

    assert timer.pressed == ["中止しています…（したことを取り消しています）"]
    assert "中止しました" in text and "データベースは変えていません" in text
    assert digest(store.path) == before
    made = [b for b in backups.list_backups(store.path) if b not in kept]
    assert [b.reason for b in made] == ["before-import"]  # the backup taken before stays
    assert controller.undo_stack.count() == 1  # nothing was replaced: the step is still there
    assert [c.name for c in councils.list_councils(store)] == ["テスト地区"]
    assert QApplication.activeModalWidget() is None  # the progress window is gone


# --- export -------------------------------------------------------------------------------------

@pytest.mark.parametrize("done", ["middle", "last"])
@pytest.mark.slow
def test_an_export_stopped_leaves_no_file(window, monkeypatch, qtbot, tmp_path, done):
    page = window.show_page("exchange")
    holder = Holder(("書き出し", done))
    real = export_file.export_councils

    def export_councils(store, out, ids, *, progress, **options):
        return real(store, out, ids, progress=holder.wrap(progress), **options)

    monkeypatch.setattr(export_file, "export_councils", export_councils)
    folder = tmp_path / "usb"
    folder.mkdir()
    out = folder / "yawata.xlsx"
    temporary = open_sheet_files()
    timer = press_cancel_when_held(holder, qtbot)
    try:
        text = page.export_to(out)
    finally:
        timer.stop()
        holder.release.set()
    assert timer.pressed and holder.reached.is_set()
    assert "中止しました" in text
    assert list(folder.iterdir()) == []  # no file, no .part
    assert open_sheet_files() <= temporary  # nor the sheets' temporary files (names, phones)


@pytest.mark.slow
def test_an_export_runs_on_the_worker_and_writes_the_file(window, monkeypatch, tmp_path):
    page = window.show_page("exchange")
    holder = Holder(("書き出し", 0))
    holder.release.set()  # only noted, not held
    real = export_file.export_councils
    monkeypatch.setattr(export_file, "export_councils", lambda store, out, ids, *, progress, **o:
                        real(store, out, ids, progress=holder.wrap(progress), **o))
    text = page.export_to(tmp_path / "yawata.xlsx")
    assert "書き出しました" in text and (tmp_path / "yawata.xlsx").is_file()
    assert holder.thread not in (None, threading.get_ident())


# --- PDF ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_pdf_stopped_while_it_is_laid_out_is_not_written(window, monkeypatch, qtbot, tmp_path):
    from app.ui.pages import printing

    page = window.show_page("print")
    holder = Holder(("", 0))
    real = printing.render_bytes

    def render_bytes(*args, **options):
        holder.hold()
        return real(*args, **options)

    monkeypatch.setattr(printing, "render_bytes", render_bytes)
    folder = tmp_path / "usb"
    folder.mkdir()
    timer = press_cancel_when_held(holder, qtbot)
    try:
        saved = page.save_pdf(folder / "flyer.pdf")
    finally:
        timer.stop()
        holder.release.set()
    assert saved is None and list(folder.iterdir()) == []
    assert holder.thread != threading.get_ident()
    assert "中止しました" in window.statusBar().currentMessage()


# --- backup and restore ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_backup_stopped_leaves_no_backup(window, monkeypatch, qtbot):
    page = window.show_page("backups")
    store = window.controller.store
    holder = Holder(("", 0))
    real = backups.timestamped_backup

    def timestamped_backup(path, reason):
        made = real(path, reason)
        holder.hold()  # the copy is complete; 中止 now must remove it again
        return made

    monkeypatch.setattr(backups, "timestamped_backup", timestamped_backup)
    timer = press_cancel_when_held(holder, qtbot)
    try:
        assert page.backup_now() is None
    finally:
        timer.stop()
        holder.release.set()
    assert timer.pressed
    assert backups.list_backups(store.path) == []
    assert not any(backups.backups_dir(store.path).iterdir())
    assert "中止しました" in window.statusBar().currentMessage()


@pytest.mark.slow
def test_backup_and_restore_from_the_page_run_on_the_worker(window, monkeypatch, demo_store):
    page = window.show_page("backups")
    threads = []
    for name in ("backup_now", "restore"):
        real = getattr(backups, name)
        monkeypatch.setattr(backups, name, lambda *a, real=real, **k: threads.append(
            threading.get_ident()) or real(*a, **k))
    assert page.backup_now() is not None
    yawata = councils.find_council(demo_store, "八幡")
    window.controller.update("備考を変更", "council", yawata.id,
                             lambda: councils.update_council(demo_store, yawata.id, {"note": "新しいメモ"}),
                             {"council"})
    told = []
    window.controller.changed.connect(told.append)
    page.refresh()
    page.table.selectRow(0)
    page.ask_restore = lambda chosen: True
    assert page.restore_selected()
    assert councils.get_council(demo_store, yawata.id).note != "新しいメモ"
    assert window.controller.undo_stack.count() == 0
    assert frozenset() in told  # every page reads again
    assert len(threads) == 3  # the backup, the restore, and its backup of the state before
    assert threading.get_ident() not in threads


@pytest.mark.slow
def test_a_restore_stopped_before_the_database_is_written_changes_nothing(window, monkeypatch,
                                                                        qtbot, demo_store):
    page = window.show_page("backups")
    assert page.backup_now() is not None
    yawata = councils.find_council(demo_store, "八幡")
    councils.update_council(demo_store, yawata.id, {"note": "新しいメモ"})
    demo_store.engine.dispose()
    before = digest(demo_store.path)
    holder = Holder(("準備", 3))  # the safety backup is made; the live file is next
    real = backups.restore
    monkeypatch.setattr(backups, "restore", lambda store, chosen, *, progress:
                        real(store, chosen, progress=holder.wrap(progress)))
    page.refresh()
    page.table.selectRow(0)
    page.ask_restore = lambda chosen: True
    timer = press_cancel_when_held(holder, qtbot)
    try:
        assert not page.restore_selected()
    finally:
        timer.stop()
        holder.release.set()
    assert timer.pressed
    assert digest(demo_store.path) == before
    assert councils.get_council(demo_store, yawata.id).note == "新しいメモ"


def test_a_read_only_store_serves_workers_too(demo_store, caplog):
    """A file opened read-only (a CD, a locked folder) keeps a connection per thread; a finished
    worker's is closed from another thread without an error."""
    path = demo_store.path
    demo_store.close()
    with Store.open(path, read_only=True) as store, caplog.at_level("ERROR"):
        for _ in range(8):  # more threads than the pool keeps connections
            worker_thread = threading.Thread(target=councils.list_councils, args=(store,))
            worker_thread.start()
            worker_thread.join()
        assert len(councils.list_councils(store)) == 27
    assert [r.getMessage() for r in caplog.records] == []
