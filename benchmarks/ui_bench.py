"""Window figures, all in one run: a bare PySide6 window process against ours (first paint, start
to the ホーム page's data shown for 八幡 and for the 2,000-member 西部中央地区, `screenshot --page
home`, `councils`), filtering 10,000 members, and switching between councils of 2,000 members.

Run: python benchmarks/ui_bench.py [--runs N]   (offscreen; one line per figure with its target)

Process figures are the best of N runs (and their median), each a new process timed from its
start until it prints the moment it waited for, so the exit is not counted; `screenshot` and
`councils` are whole commands as a user runs them. "ホーム data shown" is the moment the page on
show is ホーム with the council's name in its heading, and the whole window repainted (the start
reads it with sqlite3 before SQLAlchemy loads: services/home.py). A paint is seen by an event
filter on the main window alone, for the bare window and ours alike: a filter on the whole
application puts a Python call in every event of every widget (and makes PySide build a Python
class for each kind of event it sees), which the real start does not have; it made ours look
40 ms slower. The floor line is a bare window in a process that has
also imported SQLAlchemy's ORM and our models and mapped them: what a start would pay if it read
ホーム through the services.
The code measured is the tree this file is in (copy it into an older tree to compare).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# One child process: waits for one moment, prints a line and leaves without tearing down.
CHILD = textwrap.dedent("""
    import os
    import sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    def done():
        print("done", flush=True)
        os._exit(0)

    class Painted(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                done()
            return False

    def home_shown(council):
        # The page on show is ホーム with the council's data in it: its heading names the council.
        for w in app.topLevelWidgets():
            stack = getattr(w, "stack", None)
            holder = stack.currentWidget() if stack is not None else None
            page = holder.widget() if hasattr(holder, "widget") else None
            heading = getattr(page, "heading", None)
            if heading is not None and heading.isVisible() and heading.text() == "ホーム — " + council:
                page.window().repaint()  # the whole window painted with the data, not only set
                done()

    app = QApplication(sys.argv[:1])
    watcher = Painted()
    if sys.argv[1] == "home":
        timer = QTimer(interval=2, timeout=lambda: home_shown(sys.argv[3]))
        timer.start()
    if sys.argv[1] == "orm":  # what any data costs while the ORM reads it: models imported, mapped
        import app.models as models  # (not `import app.models`: `app` is the QApplication)
        from sqlalchemy.orm import configure_mappers
        configure_mappers()
    if sys.argv[1] in ("bare", "orm"):
        window = QMainWindow()
        window.installEventFilter(watcher)
        window.resize(1280, 800)
        window.show()
        app.exec()
    else:  # exactly what `python -m app --db FILE` runs (it reuses this QApplication)
        if sys.argv[1] == "paint":  # the same filter, on our main window as it is shown
            from app.ui.main_window import MainWindow
            show = MainWindow.show
            def watched_show(self):
                self.installEventFilter(watcher)
                show(self)
            MainWindow.show = watched_show
        from app.__main__ import main
        main(["--db", sys.argv[2]])
""")


# Our modules run from bytecode, as an installed program's do (pip and the bundle compile them):
# a cache of its own under the work folder, even where the environment says not to write one
# (PYTHONDONTWRITEBYTECODE), which would make every process compile our sources again.
PYCACHE: Path | None = None


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    if PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def until_line(args: list[str]) -> float:
    """Seconds from starting the process until it prints its first line."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=ROOT, env=_env(), text=True)
    line = proc.stdout.readline()
    seconds = time.perf_counter() - start
    proc.kill()
    _out, err = proc.communicate()
    if line.strip() != "done":
        raise RuntimeError(f"{args[2:]}: no result\n{err}")
    return seconds


def whole(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, cwd=ROOT, env=_env())
    return time.perf_counter() - start


def best_of_rounds(runs: int, measures: dict[str, Callable[[], float]]) -> dict[str, tuple[float, float]]:
    """(best, median) of each figure over `runs` rounds, each round running every figure once:
    a machine whose speed drifts slows the bare window as much as ours, so the ratios hold."""
    for measure in measures.values():
        measure()  # the first process writes the bytecode cache; it is not counted
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            times[name].append(measure())
    return {name: (min(t), statistics.median(t)) for name, t in times.items()}


def report(label: str, seconds: float, target: str, median: float | None = None) -> None:
    spread = f" (median {median * 1000:7.1f})" if median is not None else " " * 17
    print(f"{label:<58} {seconds * 1000:8.1f} ms{spread}   target {target}")


def ratio(label: str, seconds: float, bare: float, target: float) -> None:
    print(f"{label:<58} {seconds / bare:8.2f} x {'':17}   target <= {target}")


def make_databases(work: Path) -> tuple[Path, Path]:
    """The demo with 西部中央地区 (demo --stress): one copy opening on 八幡, one on 西部中央地区."""
    from app.services import councils, demo, preferences, stress
    from app.store import Store

    yawata = work / "yawata.sqlite3"
    with Store.open(yawata) as store:
        demo.load_demo(store)
        stress.load_stress(store)
    big = work / "stress.sqlite3"
    shutil.copyfile(yawata, big)
    for path, name in ((yawata, "八幡"), (big, stress.STRESS_COUNCIL)):
        with Store.open(path) as store:
            preferences.put(store, "last_council", councils.find_council(store, name).id)
    return yawata, big


def process_figures(work: Path, runs: int) -> None:
    from app.services import stress

    yawata, big = make_databases(work)
    child = ["-c", CHILD]
    shot = work / "home.png"
    figures = best_of_rounds(runs, {
        "bare": lambda: until_line([*child, "bare", str(yawata)]),
        "orm": lambda: until_line([*child, "orm", str(yawata)]),
        "paint": lambda: until_line([*child, "paint", str(yawata)]),
        "home": lambda: until_line([*child, "home", str(yawata), "八幡"]),
        "home_big": lambda: until_line([*child, "home", str(big), stress.STRESS_COUNCIL]),
        "screenshot": lambda: whole(["-m", "app", "--db", str(yawata), "screenshot", "--council",
                                     "八幡", "--page", "home", "-o", str(shot)]),
        "listing": lambda: whole(["-m", "app", "--db", str(yawata), "councils"]),
    })
    bare, bare_median = figures["bare"]
    orm, orm_median = figures["orm"]
    paint, paint_median = figures["paint"]
    home, home_median = figures["home"]
    home_big, home_big_median = figures["home_big"]
    screenshot, screenshot_median = figures["screenshot"]
    listing, listing_median = figures["listing"]

    report("bare PySide6 window: process start to first paint", bare, "baseline", bare_median)
    report("bare window + SQLAlchemy ORM and our models (a floor)", orm, "for information", orm_median)
    ratio("  floor / bare", orm, bare, 2)
    report("ささえあいノート: process start to first paint", paint, "<= 1.5x bare", paint_median)
    ratio("  first paint / bare", paint, bare, 1.5)
    report("start to ホーム data shown, 八幡", home, "<= 2x bare", home_median)
    ratio("  八幡 / bare", home, bare, 2)
    report(f"start to ホーム data shown, {stress.STRESS_COUNCIL} (2,000 members)", home_big,
           "<= 2x bare", home_big_median)
    ratio(f"  {stress.STRESS_COUNCIL} / bare", home_big, bare, 2)
    report("`screenshot --page home` (whole command)", screenshot, "<= 2.5x bare", screenshot_median)
    ratio("  screenshot / bare", screenshot, bare, 2.5)
    report("`python -m app councils` (whole command, not frozen)", listing, "as fast as possible",
           listing_median)


def in_process_figures(work: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.services import councils, demo, members, stress
    from app.store import Store
    from app.ui.controller import Controller
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    big = work / "big.sqlite3"
    shutil.copyfile(work / "yawata.sqlite3", big)
    store = Store.open(big)
    council = councils.create_council(store, {"name": "一万人"})
    surnames = ("やまだ", "さとう", "すずき", "たかはし", "たなか", "いとう", "わたなべ", "なかむら")
    members.create_members(store, council.id, [
        {"name": f"会員{i}", "furigana": f"{surnames[i % 8]} {i}", "roles": "住民"}
        for i in range(10_000)])
    demo.load_synthetic(store, 1)
    window = MainWindow(Controller(store))
    window.resize(1280, 800)
    window.show()
    try:
        for key in ("home", "members"):
            window.show_page(key)
            switches = []
            for name in (stress.STRESS_COUNCIL, "試験地区001") * 4:
                start = time.perf_counter()
                window.select_council(name)
                app.processEvents()
                switches.append(time.perf_counter() - start)
            switches = switches[2:]  # the first visit of each builds what it caches
            report(f"switch councils of 2,000 members, {key} page (median of 6)",
                   statistics.median(switches), "< 150 ms")

        window.select_council("一万人")
        page = window.show_page("members")
        app.processEvents()
        timings = []
        for text in ("や", "やま", "やまだ", "やまだ 1", "やまだ 12", "やまだ 1", "やまだ", "た", "たな", ""):
            page.search.setText(text)  # the debounce timer is bypassed: we time the filter itself
            start = time.perf_counter()
            page.apply_filter()
            app.processEvents()
            timings.append(time.perf_counter() - start)
        report("filter 10,000 members, per keystroke (mean of 10)", statistics.mean(timings), "< 50 ms")
        report("filter 10,000 members, slowest keystroke", max(timings), "< 50 ms")
    finally:
        window.close()
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per figure (best and median)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sasaeai-ui-bench-"))
    global PYCACHE
    PYCACHE = work / "pycache"
    try:
        process_figures(work, args.runs)
        in_process_figures(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
