"""The frozen program's entry point (PyInstaller runs this file; both .exe files use it).

Without arguments the window opens, with a subcommand the headless CLI runs, exactly as
`python -m app`. One extra, used only by build_linux_bundle.py: with SASAEAI_MEASURE_START set
to the time.time() at which the caller started this process, the window opens on --db, and the
program prints the seconds to the window's first paint and to its pages being ready, then quits.
"""

from __future__ import annotations

import os
import sys


def measure_start(t0: float, argv: list[str]) -> int:
    import json
    import time
    from pathlib import Path

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.main import start_window

    db = Path(argv[argv.index("--db") + 1]) if "--db" in argv else None
    window = start_window(db)
    seen: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, _obj, event) -> bool:
            if event.type() == QEvent.Type.Paint and "first_paint_s" not in seen:
                seen["first_paint_s"] = time.time() - t0
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)

    def poll() -> None:
        if window.controller is not None and window.pages and "ready_s" not in seen:
            seen["ready_s"] = time.time() - t0
        if "first_paint_s" in seen and "ready_s" in seen or time.time() - t0 > 30:
            print(json.dumps(seen), flush=True)
            window.close()
            QApplication.quit()
            return
        QTimer.singleShot(5, poll)

    QTimer.singleShot(0, poll)
    return QApplication.instance().exec()


def main() -> int:
    t0 = os.environ.get("SASAEAI_MEASURE_START")
    if t0:
        return measure_start(float(t0), sys.argv[1:])
    from app.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
