"""The bundled BIZ UD fonts, registered once per process as TrueType (subset-embedded).

Never the built-in CID fonts (HeiseiKakuGo...): they are not embedded, so a flyer would print
with whatever font each PC substitutes.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.errors import UserError
from app.store import bundle_root

GOTHIC = "BIZUDGothic"
GOTHIC_BOLD = "BIZUDGothic-Bold"
MINCHO = "BIZUDMincho"

FONT_FILES = {
    GOTHIC: "BIZUDGothic-Regular.ttf",
    GOTHIC_BOLD: "BIZUDGothic-Bold.ttf",
    MINCHO: "BIZUDMincho-Regular.ttf",
}

_lock = threading.Lock()
_registered = False


def fonts_dir() -> Path:
    return bundle_root() / "resources" / "fonts"


def register_fonts() -> None:
    """Idempotent; cheap after the first call (about 0.15 s for the three files)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, file_name in FONT_FILES.items():
            path = fonts_dir() / file_name
            if not path.is_file():
                raise UserError(f"印刷用のフォント {path} が見つかりません。"
                                "プログラムを入れ直してください。")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # <b> inside a reportlab Paragraph and bold=1 lookups map to the real bold face.
        addMapping(GOTHIC, 0, 0, GOTHIC)
        addMapping(GOTHIC, 1, 0, GOTHIC_BOLD)
        addMapping(GOTHIC, 0, 1, GOTHIC)
        addMapping(GOTHIC, 1, 1, GOTHIC_BOLD)
        addMapping(MINCHO, 0, 0, MINCHO)
        addMapping(MINCHO, 1, 0, MINCHO)
        addMapping(MINCHO, 0, 1, MINCHO)
        addMapping(MINCHO, 1, 1, MINCHO)
        _registered = True


@lru_cache(maxsize=8)
def _metrics(font_name: str) -> tuple[dict[int, float], float, frozenset[int]]:
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    if not isinstance(font, TTFont):  # a Type 1 font has no such tables
        raise TypeError(f"not one of our TrueType fonts: {font_name}")
    face = font.face
    return face.charWidths, face.defaultWidth, frozenset(face.charToGlyph)


def text_width(text: str, font_name: str, size: float) -> float:
    """Same result as pdfmetrics.stringWidth (no kerning), from a cached width table."""
    return _units(text, font_name) * size / 1000.0


@lru_cache(maxsize=1 << 16)
def _units(text: str, font_name: str) -> float:
    # Line breaking measures the same short pieces (characters, phrases) over and over.
    widths, default, _ = _metrics(font_name)
    get = widths.get
    return sum(get(ord(c), default) for c in text)


@lru_cache(maxsize=1 << 14)
def missing_glyphs(text: str, font_name: str) -> str:
    """Characters the font cannot draw (they would print as empty boxes), in order, once each."""
    _, _, covered = _metrics(font_name)
    seen: dict[str, None] = {}
    for c in text:
        if ord(c) not in covered and not c.isspace() and c not in seen:
            seen[c] = None
    return "".join(seen)
