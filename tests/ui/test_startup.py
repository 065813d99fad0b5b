"""A start loads what ホーム needs and no more: no alembic, printing or spreadsheets, and the
other pages are built the first time they are shown (once)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.pages import PAGES, page_classes
from app.ui.pages.base import Page

ROOT = Path(__file__).resolve().parents[2]

# The window as `python -m app --db FILE` starts it: frame first, then the database and ホーム.
START = textwrap.dedent("""
    import json, os, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    from app.ui.main import start_window
    window = start_window(sys.argv[1])

    def check():
        home = window.pages.built().get("home") if window.pages else None
        if home is None or not home.isVisible() or home.heading.text() != "ホーム — 八幡":
            return
        heavy = ["alembic", "reportlab", "openpyxl", "app.printing", "app.exchange.workbook",
                 "app.ui.pages.members", "app.ui.pages.printing"]
        loaded = [m for m in heavy if m in sys.modules]
        built_at_start = sorted(window.pages.built())
        first = window.show_page("members")
        window.show_page("home")
        again = window.show_page("members")
        print(json.dumps({"loaded": loaded, "built_at_start": built_at_start,
                          "notices": home.notices.count(), "same": first is again,
                          "built": sorted(window.pages.built())}), flush=True)
        os._exit(0)

    QTimer(window, interval=5, timeout=check).start()
    QTimer.singleShot(60000, lambda: os._exit(3))
    app.exec()
""")


@pytest.mark.slow  # a start in a process of its own
def test_a_start_loads_only_home(tmp_path, demo_template):
    from app.services import councils, preferences
    from app.store import Store

    db = tmp_path / "start.sqlite3"
    shutil.copyfile(demo_template, db)
    with Store.open(db) as store:
        preferences.put(store, "last_council", councils.find_council(store, "八幡").id)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}  # the log goes under tmp_path
    out = subprocess.run([sys.executable, "-c", START, str(db)], capture_output=True, text=True,
                         cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    assert result["built_at_start"] == ["home"]
    assert result["notices"] > 0  # ホーム shows its data, not only its frame
    assert result["same"] and result["built"] == ["home", "members"]


def test_pages_are_built_on_their_first_visit_and_once(window):
    assert set(window.pages.built()) == {"home"}
    assert list(window.pages) == [entry.key for entry in PAGES]  # every page listed
    assert window.page_list.count() == len(PAGES)
    first = window.show_page("tallies")
    QApplication.processEvents()
    window.show_page("home")
    assert window.show_page("tallies") is first
    assert set(window.pages.built()) == {"home", "tallies"}
    assert len([p for p in window.findChildren(Page) if p.key == "tallies"]) == 1
    assert window.stack.currentWidget().widget() is first and first.isVisible()
    assert window.current_page() is first
    assert first.heading.text().startswith("集計表")


def test_every_entry_names_its_page(window):
    for entry, cls in zip(PAGES, page_classes(), strict=True):
        assert (cls.key, cls.title) == (entry.key, entry.title), entry.module
        assert window.page_list.item(PAGES.index(entry)).text() == entry.title


@pytest.mark.slow
def test_the_practice_database_starts_with_home_only(window):
    window.show_page("members")
    window.open_practice()
    try:
        assert window.controller.practice
        assert set(window.pages.built()) == {"home"}
        assert window.current_page() is window.pages["home"]
    finally:
        window.back_to_real()
    assert set(window.pages.built()) == {"home"}


# --- ホーム read with sqlite3 before SQLAlchemy loads ---------------------------------------------

# A start that records what the first paint shows (and whether SQLAlchemy is loaded then), then
# ホーム once the database is open.
EARLY_START = textwrap.dedent("""
    import json, os, sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv[:1])
    from app.ui.main import start_window
    seen = {}

    def home_texts(page):
        return {"kind": type(page).__name__, "heading": page.heading.text(),
                "counts": page.counts.text(), "vision": page.vision.text(),
                "next_meeting": page.next_meeting.text(),
                "notices": [page.notices.item(i).text() for i in range(page.notices.count())],
                "steps": [m.text() for m in page.step_labels],
                "council": window.council_box.currentText()}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "first" not in seen and obj is window:
                page = window.stack.currentWidget()
                page = page.widget() if hasattr(page, "widget") else None
                seen["sqlalchemy"] = "sqlalchemy" in sys.modules
                seen["first"] = home_texts(page) if hasattr(page, "counts") else None
            return False

    painted = FirstPaint()
    app.installEventFilter(painted)
    window = start_window(sys.argv[1])

    def check():
        home = window.pages.built().get("home") if window.pages else None
        if "first" in seen and sys.argv[2:] == ["first"]:  # the first paint is all that is asked
            print(json.dumps(seen), flush=True)
            os._exit(0)
        if home is None or not home.isVisible() or "first" not in seen:
            return
        seen["live"] = home_texts(home)
        print(json.dumps(seen), flush=True)
        os._exit(0)

    QTimer(window, interval=5, timeout=check).start()
    QTimer.singleShot(60000, lambda: os._exit(3))
    app.exec()
""")


def _start(db: Path, tmp_path: Path, *then: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", EARLY_START, str(db), *then], capture_output=True,
                         text=True, cwd=ROOT, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _opening_on(template: Path, db: Path, council: str) -> Path:
    from app.services import councils, preferences
    from app.store import Store

    shutil.copyfile(template, db)
    with Store.open(db) as store:
        preferences.put(store, "last_council", councils.find_council(store, council).id)
    return db


@pytest.mark.slow  # a start in a process of its own
def test_the_first_paint_shows_home_before_sqlalchemy_then_the_same_live_data(tmp_path, demo_template):
    db = _opening_on(demo_template, tmp_path / "early.sqlite3", "八幡")
    left = db.with_name(db.name + "-home.json")  # what earlier builds wrote beside the file
    left.write_text('{"home": "阿部 千代さん"}', encoding="utf-8")
    result = _start(db, tmp_path)
    assert not left.exists()
    assert result["sqlalchemy"] is False
    shown = result["first"]
    assert shown["kind"] == "StartHome" and shown["heading"] == "ホーム — 八幡"
    assert shown["council"] == "八幡（第2層）" and "メンバー（活動中）: 20人" in shown["counts"]
    assert shown["notices"][0].startswith("八幡の高齢化率は資料では29.86%")
    live = result["live"]
    assert live["kind"] == "HomePage"
    assert {**shown, "kind": ""} == {**live, "kind": ""}  # the live page shows the same


@pytest.mark.slow  # a start in a process of its own
def test_with_a_passcode_the_first_paint_is_the_frame_alone(tmp_path, demo_template):
    from app.services import preferences, privacy
    from app.store import Store

    db = _opening_on(demo_template, tmp_path / "locked.sqlite3", "八幡")
    with Store.open(db) as store:  # the screen lock of older files: no key, a passcode all the same
        preferences.put(store, privacy.PASSCODE_KEY, '{"alg": "scrypt"}')
    result = _start(db, tmp_path, "first")
    assert result["first"] is None  # no member's name shows before the lock


@pytest.mark.slow
def test_the_live_page_replaces_the_start_home_with_the_same_pixels(qtbot, tmp_path, demo_template):
    from app.services import home
    from app.store import Store
    from app.ui.controller import Controller
    from app.ui.main_window import MainWindow

    db = _opening_on(demo_template, tmp_path / "same.sqlite3", "八幡")
    win = MainWindow()
    qtbot.addWidget(win)
    win._show_start_home(home.start_state(db))
    win.resize(1024, 700)
    win.show()
    qtbot.waitExposed(win)
    QApplication.processEvents()  # the status bar's layout, as the first paint has it
    from_start = win.grab().toImage()
    picked = []
    win.page_list.currentRowChanged.connect(picked.append)
    qtbot.keyClick(win.page_list, Qt.Key.Key_Down)
    assert picked == []  # the side list takes no page change until the database is open
    store = Store.open(db)
    win.attach(Controller(store))
    QApplication.processEvents()
    assert win.grab().toImage() == from_start  # no flicker: the same pixels
    qtbot.keyClick(win.page_list, Qt.Key.Key_Down)
    assert picked == [1] and win.current_page().key == "members"
    win.close()
    store.close()
