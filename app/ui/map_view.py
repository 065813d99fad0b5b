"""The area map as a widget: the council's stored image (or a pale grid standing in for it),
numbered pins and 町内会 labels that keep their size on screen while the map zooms, and the
mouse and keys to place and move them. Qt only: the tab (pages/resources/map_tab.py) saves what the
view reports through the controller.

The marks themselves are map_marks.py. Positions are fractions of the image (0..1, 0,0 = top left) as stored. Pins are spread apart by
`area_map.spread` on their screen positions (the rule the printed map uses), worked out again
when the zoom or the pins change, never per mouse move; a pin moved aside gets a thin line back
to its true spot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QWidget,
)

from app.services import area_map
from app.ui.basics import button
from app.ui.map_marks import Marker, MarkerItem, cosmetic

GRID_SIZE = (1600.0, 1200.0)  # the stand-in sheet when the council has no map yet (4:3)
STEP, BIG_STEP = 3, 24  # screen pixels per arrow key (Shift: big)
ZOOM_STEP = 1.25
# Pins × (their spacing)² over the map's area on screen: above this the pins cannot all stand
# apart (and spreading them gets slow), so close ones are counted in one mark instead.
CROWDED = 0.45


class MapView(QGraphicsView):
    """Signals carry fractions of the image. `place`: a click on the map (not a drag), or Enter
    (the view's centre). `moved`: a marker dragged or moved with the arrow keys (once per drag
    or key burst). `picked`: a marker clicked. `remove_requested`: Delete."""

    place = Signal(float, float)
    moved = Signal(str, object, float, float)  # kind, ids, x, y
    picked = Signal(str, str)                  # kind, id
    remove_requested = Signal()
    zoomed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # The zoom buttons: small, in a strip above the map inside the view (a full row of
        # buttons would cost a 1024×700 screen with large text too much height; floating over
        # the map they would hide pins).
        self.controls = QWidget(self)
        row = QHBoxLayout(self.controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.zoom_in_button = button("拡大", self.zoom_in, tip="地図を大きくします（＋キー、マウスのホイール）")
        self.zoom_out_button = button("縮小", self.zoom_out, tip="地図を小さくします（－キー、マウスのホイール）")
        self.fit_button = button("全体を表示", self.fit, tip="地図の全体を表示します（0キー）")
        for widget in (self.zoom_in_button, self.zoom_out_button, self.fit_button):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys do the same; Tab goes to pins
            row.addWidget(widget)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor("#e4e4e4"))
        self.setStyleSheet("MapView { border: 2px solid transparent; }"
                           "MapView:focus { border: 2px solid #0b4f8a; }"
                           "MapView QPushButton { padding: 2px 10px; min-height: 0px; }")
        self.setMinimumSize(240, 180)
        self.map_size = GRID_SIZE
        self.has_image = False
        self.markers: list[MarkerItem] = []
        self.clusters: list[MarkerItem] = []  # 「N件」 marks of the current zoom
        self.chosen: tuple[str, str] | None = None
        # Asked on Tab / Shift+Tab: choose the next (+1) or previous (-1) thing; False at the
        # end of the list lets the key move the focus on (the map never traps it).
        self.step_choice: Callable[[int], bool] | None = None
        self._fit = True
        self._image_key: bytes | None = None
        self._background: list[QGraphicsItem] = []
        self._drag: tuple[MarkerItem, QPointF, bool] | None = None  # item, grab offset, moved
        self._press: QPointF | None = None
        self._nudged: MarkerItem | None = None
        self._nudge_timer = QTimer(self, singleShot=True, interval=700)
        self._nudge_timer.timeout.connect(self._end_nudge)
        self.set_image(None)

    def sizeHint(self) -> QSize:
        return QSize(360, 240)  # not the scene's size: the page must not need to scroll

    # --- the image -------------------------------------------------------------------------------
    def set_image(self, data: bytes | None) -> bool:
        """The stored map (PNG/JPEG bytes), or None for the grid. False when Qt cannot decode
        the bytes (the grid is shown then)."""
        if data is not None and data == self._image_key:
            return True
        for item in self._background:
            self.scene().removeItem(item)
        self._background = []
        image = QImage.fromData(data) if data else QImage()
        self.has_image = not image.isNull()
        self._image_key = data if self.has_image else None
        if self.has_image:
            pixmap = QGraphicsPixmapItem(QPixmap.fromImage(image))
            pixmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            # Scaled once per zoom, then copied: scrolling and dragging do not rescale the image.
            pixmap.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.map_size = (float(image.width()), float(image.height()))
            self._background.append(pixmap)
        else:
            self.map_size = GRID_SIZE
            self._background += self._grid()
        frame = QGraphicsRectItem(QRectF(0, 0, *self.map_size))
        frame.setPen(cosmetic(QColor("#555555"), 2))
        self._background.append(frame)
        for item in self._background:
            self.scene().addItem(item)
        self.scene().setSceneRect(QRectF(0, 0, *self.map_size))
        self.fit()
        return self.has_image or not data

    def _grid(self) -> list[QGraphicsItem]:
        w, h = GRID_SIZE
        sheet = QGraphicsRectItem(QRectF(0, 0, w, h))
        sheet.setBrush(QColor("#f5f6ef"))
        sheet.setPen(QPen(Qt.PenStyle.NoPen))
        lines: list[QGraphicsItem] = [sheet]
        pen = cosmetic(QColor("#dcdfd0"), 1)
        for i in range(1, 10):
            for line in (QLineF(w * i / 10, 0, w * i / 10, h), QLineF(0, h * i / 10, w, h * i / 10)):
                item = QGraphicsLineItem(line)
                item.setPen(pen)
                lines.append(item)
        return lines

    # --- markers ---------------------------------------------------------------------------------
    def pin_radius(self) -> float:
        metrics = QFontMetricsF(self._marker_font())
        return max(metrics.height() * 0.72, metrics.horizontalAdvance("888") / 2 + 4)

    def _marker_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def set_markers(self, markers: Sequence[Marker]) -> None:
        """Replace every marker (after a change of data); pins are spread again."""
        self._drag = self._nudged = None
        self._nudge_timer.stop()
        for item in self.markers:
            self.scene().removeItem(item.line)
            self.scene().removeItem(item.dot)
            self.scene().removeItem(item)
        font, radius = self._marker_font(), self.pin_radius()
        self.markers = []
        for marker in markers:
            item = MarkerItem(marker, font, radius)
            item.home = self.scene_point(marker.x, marker.y)
            item.setPos(item.home)
            item.dot.setPos(item.home)
            for part, z in ((item.line, 1), (item.dot, 1.5), (item, 3 if item.is_pin else 2)):
                part.setZValue(z)
                self.scene().addItem(part)
            self.markers.append(item)
        self._show_chosen()
        self.spread_pins()

    def set_chosen(self, kind: str | None, row_id: str | None) -> None:
        self.chosen = (kind, row_id) if kind and row_id else None
        self._show_chosen()
        if self.clusters:  # the chosen pin may be counted in a 「N件」 mark: draw it on its own
            self.spread_pins()

    def _show_chosen(self) -> None:
        for item in self.markers:
            chosen = self.chosen is not None and item.marker.kind == self.chosen[0] \
                and self.chosen[1] in item.marker.ids
            if chosen != item.chosen:
                item.chosen = chosen
                item.update()
            base = 3 if item.is_pin else 2
            item.setZValue(base + (1 if chosen else 0))

    def chosen_item(self) -> MarkerItem | None:
        return next((i for i in self.markers if i.chosen), None)

    def spread_pins(self) -> None:
        """Pins moved apart on screen so none hides another (area_map.spread, as on paper).
        When the map on screen is too small to hold every pin apart (a council of hundreds,
        seen whole), pins close together are drawn as one 「N件」 mark instead; a click on it
        zooms in. The chosen pin is always drawn on its own."""
        for cluster in self.clusters:
            for part in (cluster.line, cluster.dot, cluster):
                self.scene().removeItem(part)
        self.clusters = []
        scale = self.transform().m11() or 1.0
        self._keep_labels_inside(scale)
        pins = [i for i in self.markers if i.is_pin]
        if not pins:
            return
        radius = self.pin_radius()
        distance = 2 * radius + 2
        w, h = self.map_size[0] * scale, self.map_size[1] * scale
        shown = pins
        if len(pins) * distance ** 2 > CROWDED * w * h:
            distance = max(distance, self._cluster_width() + 2)
            shown = self._gather(pins, scale, 1.5 * distance)
        else:
            for item in pins:
                item.show()
        bounds = (distance / 2, distance / 2, max(distance / 2, w - distance / 2),
                  max(distance / 2, h - distance / 2))
        places = area_map.spread([(p.home.x() * scale, p.home.y() * scale) for p in shown], distance, bounds)
        for item, (x, y) in zip(shown, places, strict=True):
            item.setPos(QPointF(x / scale, y / scale))
            # A 「N件」 mark stands for an area, not a spot: no line back.
            aside = item.marker.kind != "cluster" \
                and math.hypot(x - item.home.x() * scale, y - item.home.y() * scale) > radius * 0.5
            item.line.setLine(QLineF(item.home, item.pos()))
            item.line.setVisible(aside)
            item.dot.setVisible(aside)
        for item in self.markers:
            if not item.is_pin or not item.isVisible():
                item.line.hide()
                item.dot.hide()

    def _keep_labels_inside(self, scale: float) -> None:
        """A 町内会 label near the edge is drawn wholly on the map (its size is in screen pixels)."""
        w, h = self.map_size
        for item in self.markers:
            if item.is_pin:
                continue
            half_w, half_h = item.boundingRect().width() / 2 / scale, item.boundingRect().height() / 2 / scale
            item.setPos(QPointF(min(max(item.home.x(), half_w), max(half_w, w - half_w)),
                                min(max(item.home.y(), half_h), max(half_h, h - half_h))))

    def _cluster_width(self) -> float:
        return QFontMetricsF(self._marker_font()).horizontalAdvance("99件") + 12

    def _gather(self, pins: list[MarkerItem], scale: float, cell: float) -> list[MarkerItem]:
        """Pins in one screen cell become one 「N件」 mark (a count badge); returns what is drawn.
        Cells of 1.5 times the spreading distance leave room for spread() to keep the marks
        apart quickly (at most 0.44 of the map covered)."""
        cells: dict[tuple[int, int], list[MarkerItem]] = {}
        shown: list[MarkerItem] = []
        for item in pins:
            if item.chosen:
                item.show()
                shown.append(item)
            else:
                cells.setdefault((int(item.home.x() * scale // cell), int(item.home.y() * scale // cell)),
                                 []).append(item)
        font = self._marker_font()
        for (cx, cy), group in cells.items():
            if len(group) == 1:
                group[0].show()
                shown.append(group[0])
                continue
            for item in group:
                item.hide()
            ids = tuple(i for item in group for i in item.marker.ids)
            tips = [item.marker.tip for item in group if item.marker.tip]
            tip = "\n".join(tips[:12] + ([f"ほか{len(tips) - 12}件"] if len(tips) > 12 else []))
            # At the middle of its cell: the marks stand in a grid, apart without moving.
            x = min((cx + 0.5) * cell / scale, self.map_size[0])
            y = min((cy + 0.5) * cell / scale, self.map_size[1])
            cluster = MarkerItem(Marker("cluster", ids, f"{len(ids)}件", f"{tip}\n（クリックで拡大）",
                                        x / self.map_size[0], y / self.map_size[1]), font, self.pin_radius())
            cluster.setCursor(Qt.CursorShape.PointingHandCursor)
            cluster.home = QPointF(x, y)
            cluster.dot.setPos(cluster.home)
            for part, z in ((cluster.line, 1), (cluster.dot, 1.5), (cluster, 3)):
                part.setZValue(z)
                self.scene().addItem(part)
            self.clusters.append(cluster)
        # Pins first, so they keep their true spots; the marks (areas) give way around them.
        return shown + self.clusters

    # --- positions -------------------------------------------------------------------------------
    def scene_point(self, x: float, y: float) -> QPointF:
        return QPointF(x * self.map_size[0], y * self.map_size[1])

    def fraction(self, point: QPointF) -> tuple[float, float]:
        """A scene point as stored fractions, kept on the map."""
        x = min(max(point.x() / self.map_size[0], 0.0), 1.0)
        y = min(max(point.y() / self.map_size[1], 0.0), 1.0)
        return round(x, 4), round(y, 4)

    def view_point(self, x: float, y: float) -> QPointF:
        """Where a fraction of the map is in the viewport (tests click there)."""
        return QPointF(self.mapFromScene(self.scene_point(x, y)))

    def centre_fraction(self) -> tuple[float, float]:
        return self.fraction(self.mapToScene(self.viewport().rect().center()))

    # --- zoom ------------------------------------------------------------------------------------
    def fit(self) -> None:
        """The whole map in view (全体を表示)."""
        self._fit = True
        self.resetTransform()
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self.spread_pins()
        self.zoomed.emit()

    def _fit_scale(self) -> float:
        view = self.viewport().rect()
        return min(view.width() / self.map_size[0], view.height() / self.map_size[1])

    def zoom(self, factor: float, under_mouse: bool = False) -> None:
        scale = self.transform().m11()
        lowest = self._fit_scale()
        highest = max(lowest * 10, 3.0)  # three screen pixels per image pixel at most
        new = min(max(scale * factor, lowest), highest)
        if abs(new - scale) < 1e-9:
            return
        self._fit = new <= lowest + 1e-9
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse if under_mouse
                                     else QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(new / scale, new / scale)
        self.spread_pins()
        self.zoomed.emit()

    def zoom_in(self) -> None:
        self.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(1 / ZOOM_STEP)

    def wheelEvent(self, event) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(ZOOM_STEP ** steps, under_mouse=True)
        event.accept()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_controls()
        if self._fit:
            self.fit()

    def _place_controls(self) -> None:
        self.controls.adjustSize()
        self.controls.move(4, 3)
        top = self.controls.height() + 6
        if self.viewportMargins().top() != top:
            self.setViewportMargins(0, top, 0, 0)

    # --- mouse -----------------------------------------------------------------------------------
    def marker_at(self, pos) -> MarkerItem | None:
        """The topmost pin or label under a viewport point."""
        return next((i for i in self.items(pos) if isinstance(i, MarkerItem)), None)

    def mousePressEvent(self, event) -> None:
        self._end_nudge()
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.marker_at(event.position().toPoint())
            if item is not None and item.marker.kind == "cluster":
                self.centerOn(item.pos())  # a 「N件」 mark: look closer
                self.zoom(2)
                event.accept()
                return
            if item is not None:
                grab = self.mapToScene(event.position().toPoint()) - item.pos()
                self._drag = (item, grab, False)
                item.setZValue(5)
                event.accept()
                return
            self._press = event.position()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._drag is not None:
            item, grab, moved = self._drag
            pos = self.mapToScene(event.position().toPoint()) - grab
            if not moved and (self.mapFromScene(pos) - self.mapFromScene(item.pos())).manhattanLength() \
                    < QApplication.startDragDistance():
                return
            self._drag = (item, grab, True)
            self._move_item(item, pos)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            item, _grab, moved = self._drag
            self._drag = None
            if moved:
                self.moved.emit(item.marker.kind, item.marker.ids, *self.fraction(item.pos()))
            else:
                self._show_chosen()  # its z value back
                chosen = self.chosen[1] if self.chosen and self.chosen[1] in item.marker.ids \
                    else item.marker.ids[0]
                self.picked.emit(item.marker.kind, chosen)
            event.accept()
            return
        press, self._press = self._press, None
        super().mouseReleaseEvent(event)
        if press is not None and event.button() == Qt.MouseButton.LeftButton \
                and (event.position() - press).manhattanLength() < QApplication.startDragDistance():
            spot = self.mapToScene(press.toPoint())
            if self.sceneRect().contains(spot):
                self.place.emit(*self.fraction(spot))

    def _move_item(self, item: MarkerItem, pos: QPointF) -> None:
        rect = self.sceneRect()
        pos = QPointF(min(max(pos.x(), rect.left()), rect.right()),
                      min(max(pos.y(), rect.top()), rect.bottom()))
        item.setPos(pos)
        item.line.hide()
        item.dot.hide()

    # --- keys ------------------------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange, QEvent.Type.Polish):
            self._place_controls()  # 大きい文字
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) \
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            back = event.key() == Qt.Key.Key_Backtab or event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self._end_nudge()
            if self.step_choice is not None and self.step_choice(-1 if back else 1):
                return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        arrows = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                  Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        item = self.chosen_item()
        if key in arrows and item is not None:
            step = (BIG_STEP if shift else STEP) / (self.transform().m11() or 1.0)
            if self._nudged is not item:
                self._end_nudge()
                self._nudged = item
                item.setPos(item.home)  # from its true spot, not from where it was spread to
            dx, dy = arrows[key]
            self._move_item(item, item.pos() + QPointF(dx * step, dy * step))
            self.ensureVisible(QRectF(item.pos(), item.pos()), 40, 40)
            self._nudge_timer.start()  # fallback for a key release that never comes
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Semicolon):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.place.emit(*self.centre_fraction())
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event) -> None:
        if not event.isAutoRepeat() and self._nudged is not None:
            self._end_nudge()  # the burst of repeats is over: one save, one undo step
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:
        self._end_nudge()
        super().focusOutEvent(event)

    def _end_nudge(self) -> None:
        self._nudge_timer.stop()
        item, self._nudged = self._nudged, None
        if item is not None and item.pos() != item.home:
            self.moved.emit(item.marker.kind, item.marker.ids, *self.fraction(item.pos()))
