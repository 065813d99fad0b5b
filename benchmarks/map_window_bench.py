"""The area map in the window: showing a stored map, and dragging a pin among 300.

    python benchmarks/map_window_bench.py

Offscreen (software painting, like a PC without a graphics driver), a 1280×800 window:
- a stored 3,000×2,250 JPEG map shown: QImage.fromData, the scene, the first paint
  (widget alone, and the 地図 tab's refresh with the database read)     target < 1 s
- dragging a pin with 300 pins on the map, 50 small mouse moves: the move and the repaint of
  what changed (as on screen), and a full repaint of the map for comparison,
  fitted to the window and zoomed in                                    target < 16 ms each
- spreading 300 pins apart (on every zoom and change of data)
- letting go of a dragged pin: saved (one undo step) and the tab drawn again
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from map_store_bench import paper_map
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.services import area_map, councils, resources
from app.store import Store
from app.ui import style
from app.ui.map_view import MapView, Marker

PINS = 300
MOVES = 50


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


def mouse(view: MapView, kind: QEvent.Type, pos: QPointF, buttons=Qt.MouseButton.LeftButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, view.viewport().mapToGlobal(pos), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def jpeg_map() -> bytes:
    photo = io.BytesIO()
    paper_map((3000, 2250)).save(photo, "JPEG", quality=85)
    return photo.getvalue()


def markers(rng: random.Random) -> list[Marker]:
    return [Marker("resource", (f"r{i}",), str(i + 1), "", rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95))
            for i in range(PINS)]


def show_map(app: QApplication, data: bytes) -> float:
    times = []
    for _ in range(3):
        view = MapView()
        view.resize(900, 650)
        view.show()
        app.processEvents()
        start = time.perf_counter()
        view.set_image(data)
        view.viewport().repaint()
        times.append(time.perf_counter() - start)
        view.close()
        view.deleteLater()
        app.processEvents()
    return min(times)


class Paints(QObject):
    """Counts the viewport's paint events: the figures are of real painting."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _obj, event) -> bool:
        self.count += event.type() == QEvent.Type.Paint
        return False


def drag(app: QApplication, view: MapView) -> tuple[list[float], list[float]]:
    """Per move: (mouse move + the repaint it causes), and a full repaint of the viewport."""
    centre = view.mapToScene(view.viewport().rect().center())
    near = min(view.markers, key=lambda m: (m.home - centre).manhattanLength())
    view.set_chosen("resource", near.marker.ids[0])  # the user chose it: drawn on its own
    item = view.chosen_item()
    start = QPointF(view.mapFromScene(item.pos()))
    mouse(view, QEvent.Type.MouseButtonPress, start)
    app.processEvents()
    moved, full = [], []
    paints, painted = Paints(), []
    view.viewport().installEventFilter(paints)
    for k in range(1, MOVES + 1):
        pos = start + QPointF(3 * k, 2 * k)
        t0 = time.perf_counter()
        before = paints.count
        mouse(view, QEvent.Type.MouseMove, pos)
        app.processEvents()  # the scene's update: only what changed is painted
        moved.append(time.perf_counter() - t0)
        painted.append(paints.count - before)
        t0 = time.perf_counter()
        view.viewport().repaint()
        full.append(time.perf_counter() - t0)
    print(f"    {sum(1 for p in painted if p)} of {MOVES} moves painted (the first stays within the "
          "distance that starts a drag)")
    moved = [t for t, p in zip(moved, painted, strict=True) if p]
    view.moved.disconnect()
    mouse(view, QEvent.Type.MouseButtonRelease, start + QPointF(3 * MOVES, 2 * MOVES), Qt.MouseButton.NoButton)
    return moved, full


def marks(view: MapView) -> str:
    alone = sum(m.isVisible() for m in view.markers)
    return f"{alone} pins drawn on their own, {len(view.clusters)} 「N件」 marks for the other {PINS - alone}"


def report(label: str, values: list[float]) -> None:
    print(f"{label:46s} median {ms(statistics.median(values))}, slowest {ms(max(values))}  (target < 16 ms)")


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    style.apply(app, 1.0)
    rng = random.Random(11)
    data = area_map.read_image(jpeg_map(), "bench").data  # as stored: re-encoded, ≤ 2 MB
    print(f"stored map: 3,000×2,250 JPEG, {len(data) / 1e6:.2f} MB")
    print(f"{'show the stored map (decode + first paint)':46s} {ms(show_map(app, data))}  (target < 1 s)")

    view = MapView()
    view.resize(900, 650)
    view.show()
    view.set_image(data)
    pins = markers(rng)
    start = time.perf_counter()
    view.set_markers(pins)
    print(f"{'300 pins built and spread':46s} {ms(time.perf_counter() - start)}")
    start = time.perf_counter()
    for _ in range(10):
        view.spread_pins()
    print(f"{'300 pins spread again (each zoom)':46s} {ms((time.perf_counter() - start) / 10)}")
    view.moved.connect(lambda *_a: None)
    app.processEvents()
    print(f"  fitted: {marks(view)}")
    moved, full = drag(app, view)
    report("drag among 300 pins, fitted: move + repaint", moved)
    report("  full repaint of the map, fitted", full)
    view.set_markers(pins)
    view.zoom(3)
    view.moved.connect(lambda *_a: None)
    app.processEvents()
    print(f"  zoomed ×3: {marks(view)}")
    moved, full = drag(app, view)
    report("drag among 300 pins, zoomed ×3: move + repaint", moved)
    report("  full repaint of the map, zoomed ×3", full)
    view.close()

    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.sqlite3") as store:
        from app.ui.main import build_window

        council = councils.create_council(store, {"name": "測定地区", "tier": 2})
        area_map.set_map(store, council.id, area_map.read_image(jpeg_map(), "bench"), "bench.jpg")
        for i in range(PINS):
            resources.create_resource(store, council.id, {"name": f"社会資源{i + 1}", "map_x": rng.uniform(0.05, 0.95),
                                                          "map_y": rng.uniform(0.05, 0.95)})
        window = build_window(store)
        window.resize(1280, 800)
        window.select_council("測定地区")
        page = window.show_page("resources")
        window.show()
        app.processEvents()
        tab = page.map_tab
        start = time.perf_counter()
        page.tabs.setCurrentIndex(1)
        tab.view.viewport().repaint()
        print(f"{'the 地図 tab shown (database read + paint)':46s} {ms(time.perf_counter() - start)}  (target < 1 s)")
        view = tab.view
        tab.choose("resource", view.markers[PINS // 2].marker.ids[0])  # chosen: drawn on its own
        item = view.chosen_item()
        at = QPointF(view.mapFromScene(item.pos()))
        times = []
        for k in range(5):
            mouse(view, QEvent.Type.MouseButtonPress, at)
            for step in range(1, 6):
                mouse(view, QEvent.Type.MouseMove, at + QPointF(4 * step, 0))
            start = time.perf_counter()
            mouse(view, QEvent.Type.MouseButtonRelease, at + QPointF(20, 0), Qt.MouseButton.NoButton)
            app.processEvents()
            times.append(time.perf_counter() - start)
            item = view.chosen_item()
            at = QPointF(view.mapFromScene(item.pos()))
            assert k + 1 == window.controller.undo_stack.count()
        print(f"{'let go of a pin: saved, undo step, tab redrawn':46s} median {ms(statistics.median(times))}")
        window.close()


if __name__ == "__main__":
    main()
