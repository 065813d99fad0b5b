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
