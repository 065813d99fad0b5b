"""Starting the window, and rendering a page offscreen to PNG for docs and checks."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import UserError

if TYPE_CHECKING:
    from app.store import Store


def _application():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("ささえあいノート")
    return app


def build_window(store: Store):
    from app.ui.controller import Controller
    from app.ui.main_window import MainWindow

    return MainWindow(Controller(store))


def start_window(db_path: Path | None):
    """The window as a user starts it: painted first, filled in right after."""
    _application()
    from app.ui.main_window import MainWindow

    return MainWindow.start(db_path)


def run_window(db_path: Path | None) -> int:
    app = _application()
    window = start_window(db_path)  # installs the crash dialog and log right after it paints
    code = app.exec()
    del window
    return code


def screenshot(db_path: Path | None, council: str, page: str, output: Path,
               size: tuple[int, int] = (1280, 800), large_text: bool = False) -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _application()
    if page == "home":
        from app.paths import default_db_path
        from app.services import home

        early = home.start_state(Path(db_path) if db_path else default_db_path(), council=council)
        if early is not None:  # ホーム as the start shows it: the live page has the same pixels
            from app.ui.main_window import MainWindow

            window = MainWindow()
            window._show_start_home({**early, "large_text": large_text})
            return _save(app, window, size, output)
    from app.store import Store

    with Store.open(db_path) as store:
        window = build_window(store)
        if page not in window.pages:
            raise UserError(f"ページ「{page}」はありません（{'、'.join(window.pages)}）。")
        window.select_council(council)
        if window.large_text.isChecked() != large_text:
            window.large_text.setChecked(large_text)
            window._apply_text_scale()
        window.show_page(page)
        return _save(app, window, size, output)


def _save(app, window, size: tuple[int, int], output: Path) -> Path:
    window.resize(*size)
    window.show()
    for _ in range(3):
        app.processEvents()
    output.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(output), "PNG", 70):  # zlib's faster setting, no bigger here
        raise UserError(f"{output} に保存できませんでした。")
    window.hide()
    window.deleteLater()
    app.processEvents()
    return output
