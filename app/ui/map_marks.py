"""What the area map draws over the image: numbered pins, 「N件」 marks standing for several
pins on a crowded map, and 町内会 labels with their count of needs. Each keeps its size on
screen at any zoom (ItemIgnoresTransformations); map_view.MapView places them."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsLineItem

PIN, CHOSEN, INK, PAPER = QColor("#0b4f8a"), QColor("#e8720c"), QColor("#1a1a1a"), QColor("white")
NEEDS = QColor("#a0001c")


@dataclasses.dataclass(frozen=True)
class Marker:
    """Something drawn on the map: a pin (one or more resources at one spot, kind "resource")
    or a 町内会's label (kind "neighbourhood"), at fractions x, y of the image."""
    kind: str
    ids: tuple[str, ...]
    text: str            # the pin's number, or the 町内会's name ("" when names are hidden)
    tip: str
    x: float
    y: float
    badge: str = ""      # e.g. 「ニーズ 3」 beside a 町内会's name


def cosmetic(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCosmetic(True)  # the same width at any zoom
    return pen


class MarkerItem(QGraphicsItem):
    """A pin (a numbered circle) or a label; drawn in screen pixels around its position."""

    def __init__(self, marker: Marker, font: QFont, radius: float) -> None:
        super().__init__()
        self.marker = marker
        self.chosen = False
        self.home = QPointF()  # the true spot in scene coordinates
        self.font = font
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setToolTip(marker.tip)
        self.setCursor(Qt.CursorShape.SizeAllCursor)
        # A pin spread away from its spot: a thin line and a dot back to it (scene-owned).
        self.line = QGraphicsLineItem()
        self.line.setPen(cosmetic(QColor("#333333"), 1.5))
        self.dot = QGraphicsEllipseItem(-3.5, -3.5, 7, 7)
        self.dot.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.dot.setBrush(QBrush(QColor("#333333")))
        self.dot.setPen(QPen(Qt.PenStyle.NoPen))
        metrics = QFontMetricsF(font)
        if marker.kind == "cluster":  # a pill: 「12件」 must not pass for pin number 12
            width, height = metrics.horizontalAdvance(marker.text) + 12, 2 * radius
            self.radius = radius
            self._rect = QRectF(-width / 2 - 2, -radius - 2, width + 4, height + 4)
        elif self.is_pin:
            self.radius = radius
            self._rect = QRectF(-radius - 2, -radius - 2, 2 * radius + 4, 2 * radius + 4)
        else:
            pad = metrics.height() * 0.25
            self._name_w = metrics.horizontalAdvance(marker.text) + 2 * pad if marker.text else 0
            self._badge_w = metrics.horizontalAdvance(marker.badge) + 2 * pad if marker.badge else 0
            gap = pad if self._name_w and self._badge_w else 0
            width, height = self._name_w + gap + self._badge_w, metrics.height() + pad
            self._rect = QRectF(-width / 2, -height / 2, width, height)
            self._gap = gap
            self.radius = height / 2

    @property
    def is_pin(self) -> bool:
        """A numbered circle (a resource, a reference point), spread apart; not a name label."""
        return self.marker.kind != "neighbourhood"

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font)
        if self.marker.kind == "cluster":
            box = self._rect.adjusted(2, 2, -2, -2)
            painter.setPen(QPen(PIN, 3))
            painter.setBrush(PAPER)
            painter.drawRoundedRect(box, self.radius, self.radius)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.marker.text)
            return
        if self.is_pin:
            r = self.radius
            painter.setPen(QPen(INK if self.chosen else PAPER, 3 if self.chosen else 2))
            painter.setBrush(CHOSEN if self.chosen else PIN)
            painter.drawEllipse(QPointF(0, 0), r, r)
            painter.setPen(INK if self.chosen else PAPER)
            painter.drawText(QRectF(-r, -r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, self.marker.text)
            return
        rect = self._rect
        if self._name_w:
            box = QRectF(rect.left(), rect.top(), self._name_w, rect.height())
            painter.setPen(QPen(CHOSEN if self.chosen else QColor("#555555"), 3 if self.chosen else 1))
            painter.setBrush(QColor(255, 255, 255, 225))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(INK)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.marker.text)
        if self._badge_w:
            box = QRectF(rect.right() - self._badge_w, rect.top(), self._badge_w, rect.height())
            painter.setPen(QPen(CHOSEN if self.chosen else PAPER, 3 if self.chosen else 1))
            painter.setBrush(NEEDS if not self.marker.badge.endswith(" 0") else QColor("#777777"))
            painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
            painter.setPen(PAPER)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.marker.badge)
