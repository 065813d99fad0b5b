"""Fonts and the look, in one place: BIZ UD Gothic at 14 pt or more, big labelled buttons."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import bundle_root

BASE_POINT_SIZE = 14
LARGE_TEXT_SCALE = 1.3
_family: str | None = None


def load_fonts() -> str:
    """Register the bundled fonts (the PC may have no Japanese font at all); returns the family."""
    global _family
    if _family is None:
        families: list[str] = []
        for path in sorted((bundle_root() / "resources" / "fonts").glob("BIZUDGothic-*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(path))
            families += QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _family = families[0] if families else QFont().family()
    return _family


def app_icon():
    """The program's icon (resources/icons/sasaeai-*.png), for the window, the lock screen and
    the taskbar; loaded without importing anything heavy so the first paint is not delayed."""
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for path in sorted((bundle_root() / "resources" / "icons").glob("sasaeai-*.png")):
        icon.addFile(str(path))
    return icon


def point_size(scale: float, factor: float = 1.0) -> int:
    return round(BASE_POINT_SIZE * scale * factor)


def apply(app: QApplication, scale: float) -> None:
    """Set the application font and style sheet for a text scale (1.0 or LARGE_TEXT_SCALE)."""
    family = load_fonts()
    font = QFont(family)
    font.setPointSize(point_size(scale))
    app.setFont(font)
    app.setStyleSheet(stylesheet(scale, family))


def stylesheet(scale: float, family: str = "BIZ UDGothic") -> str:
    big = point_size(scale, 1.6)
    mid = point_size(scale, 1.15)
    small = point_size(scale, 0.9)
    pad = round(8 * scale)
    # The side list's rows are a little tighter with large text, so every page still fits a
    # 1024x700 screen without scrolling (14 pages).
    side_pad = pad if scale <= 1 else 6
    # The font is also set here: once a style sheet is active, QApplication.setFont no longer
    # reaches widgets created earlier.
    return f"""
    QWidget {{ font-family: "{family}"; font-size: {point_size(scale)}pt; }}
    QLabel[role="heading"] {{ font-size: {big}pt; font-weight: bold; color: #1a1a1a; }}
    QLabel[role="subheading"] {{ font-size: {mid}pt; font-weight: bold; color: #1a1a1a; }}
    QLabel[role="note"] {{ color: #444444; }}
    QLabel[role="hint"] {{ color: #1a1a1a; background: #fff8dc; border: 1px solid #e0c97a;
                           border-radius: 4px; padding: {pad}px; }}
    QLabel[role="error"] {{ color: #b00020; font-weight: bold; font-size: {small}pt; }}
    QLabel[role="vision"] {{ font-size: {mid}pt; font-weight: bold; color: #0b4f8a; }}
    QPushButton {{ padding: {pad}px {pad * 2}px; min-height: {round(30 * scale)}px; }}
    QPushButton[role="primary"] {{ background: #0b4f8a; color: white; font-weight: bold;
                                    border-radius: 4px; border: 1px solid #083a66; }}
    QPushButton[role="primary"]:disabled {{ background: #8aa5bf; }}
    QPushButton[role="danger"] {{ color: #b00020; }}
    QPushButton[role="danger"]:disabled {{ color: #9a9a9a; }}
    QListWidget#pages {{ font-size: {mid}pt; }}
    QListWidget#pages::item {{ padding: {side_pad}px {pad}px; }}
    QListWidget#pages::item:selected {{ background: #0b4f8a; color: white; }}
    QTableView {{ gridline-color: #c8c8c8; }}
    QHeaderView::section {{ padding: 4px; font-weight: bold; }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: {round(18 * scale)}px;
                                                      height: {round(18 * scale)}px; }}
    QCheckBox, QRadioButton {{ spacing: {round(8 * scale)}px; }}
    QFrame[role="card"] {{ border: 1px solid #c8c8c8; border-radius: 6px; background: #ffffff; }}
    QLineEdit[invalid="true"], QTableView[invalid="true"] {{ border: 2px solid #b00020; }}
    """
