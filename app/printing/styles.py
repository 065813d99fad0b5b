"""Every size, font and colour the printed documents use, in one place.

Black and greys only (prints the same on a monochrome printer), UD fonts, and sizes chosen for
elderly readers: flyer body 13pt (never below 12), flyer titles 32pt (never below 28).
"""

from __future__ import annotations

from typing import Final, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from app.printing.fonts import GOTHIC, GOTHIC_BOLD, MINCHO

INK = colors.black
GREY = colors.Color(0.35, 0.35, 0.35)
RULE = colors.Color(0.45, 0.45, 0.45)
LIGHT = colors.Color(0.88, 0.88, 0.88)  # header shading: still clear on a monochrome laser
PALE = colors.Color(0.95, 0.95, 0.95)
WHITE = colors.white

Align = Literal[0, 1, 2]  # TA_LEFT, TA_CENTER, TA_RIGHT
LEFT: Final = TA_LEFT
CENTER: Final = TA_CENTER
RIGHT: Final = TA_RIGHT

# Page margins (points).
A4_MARGIN = 15 * mm
A5_MARGIN = 12 * mm

# Limits for text that must fit a fixed box.
FLYER_TITLE_MIN = 28.0
FLYER_BODY_MIN = 12.0


def _style(name: str, size: float, *, font: str = GOTHIC, leading: float | None = None,
           align: Align = LEFT, before: float = 0, after: float = 0, color=INK,
           keep: bool = False, indent: float = 0) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size,
                          leading=leading if leading is not None else round(size * 1.5, 1),
                          alignment=align, spaceBefore=before, spaceAfter=after, textColor=color,
                          keepWithNext=1 if keep else 0, leftIndent=indent)


def scaled(style: ParagraphStyle, size: float) -> ParagraphStyle:
    """The same style at another size, leading kept in proportion."""
    ratio = style.leading / style.fontSize
    return ParagraphStyle(f"{style.name}@{size}", parent=style, fontSize=size,
                          leading=round(size * ratio, 2))


# --- flyer (A4, 回覧) ------------------------------------------------------------------------
FLYER_KICKER = _style("flyer.kicker", 14, font=GOTHIC_BOLD, leading=18)
FLYER_TAG = _style("flyer.tag", 26, font=GOTHIC_BOLD, leading=30, align=CENTER, color=WHITE)
FLYER_TITLE = _style("flyer.title", 32, font=GOTHIC_BOLD, leading=42, align=CENTER)
FLYER_LEAD = _style("flyer.lead", 14, leading=22, after=4)
FLYER_H = _style("flyer.h", 16, font=GOTHIC_BOLD, leading=22, before=10, after=3, keep=True)
FLYER_BODY = _style("flyer.body", 13, leading=20.5)
FLYER_VISION_LABEL = _style("flyer.vision.label", 14, font=GOTHIC_BOLD, leading=18, align=CENTER)
FLYER_VISION = _style("flyer.vision", 24, font=GOTHIC_BOLD, leading=32, align=CENTER)
FLYER_VISION_SUB = _style("flyer.vision.sub", 15, leading=21, align=CENTER)
FLYER_BIG = _style("flyer.big", 18, font=GOTHIC_BOLD, leading=25)
FLYER_CONTACT = _style("flyer.contact", 13, leading=18)
FLYER_PHONE = _style("flyer.phone", 16, font=GOTHIC_BOLD, leading=20, align=RIGHT)
FLYER_SMALL = _style("flyer.small", 12, leading=16)
FLYER_STAMP_HEAD = _style("flyer.stamp", 12, font=GOTHIC_BOLD, leading=15, align=CENTER)

# --- handbook (A5) -------------------------------------------------------------------------
BOOK_COVER_KICKER = _style("book.cover.kicker", 16, font=GOTHIC_BOLD, leading=22, align=CENTER)
BOOK_COVER_TITLE = _style("book.cover.title", 30, font=GOTHIC_BOLD, leading=40, align=CENTER)
BOOK_COVER_EN = _style("book.cover.en", 14, font=GOTHIC_BOLD, leading=18, align=CENTER,
                       color=GREY)
BOOK_COVER_NAME = _style("book.cover.name", 16, font=GOTHIC_BOLD, leading=22, align=CENTER)
BOOK_COVER_VISION = _style("book.cover.vision", 15, font=MINCHO, leading=23, align=CENTER)
BOOK_COVER_DATE = _style("book.cover.date", 11, leading=16, align=CENTER)
BOOK_H1 = _style("book.h1", 16, font=GOTHIC_BOLD, leading=22, after=6, keep=True)
BOOK_H2 = _style("book.h2", 12.5, font=GOTHIC_BOLD, leading=18, before=8, after=2, keep=True)
BOOK_BODY = _style("book.body", 11, leading=17.5, after=3)
BOOK_TOC = _style("book.toc", 12)
BOOK_VISION = _style("book.vision", 15, font=GOTHIC_BOLD, leading=22, align=CENTER)
BOOK_CELL = _style("book.cell", 10.5, leading=14.5)
BOOK_CELL_BOLD = _style("book.cell.bold", 10.5, font=GOTHIC_BOLD, leading=14.5)
BOOK_SMALL = _style("book.small", 9, leading=13, color=GREY)
BOOK_FOOTER = _style("book.footer", 9, align=CENTER)

# --- lists and reports (A4) ----------------------------------------------------------------
DOC_TITLE = _style("doc.title", 18, font=GOTHIC_BOLD, leading=24, after=2)
DOC_SUB = _style("doc.sub", 10.5, leading=15, color=GREY, after=6)
DOC_H = _style("doc.h", 13, font=GOTHIC_BOLD, leading=18, before=10, after=4, keep=True)
DOC_BODY = _style("doc.body", 10.5, leading=16, after=2)
DOC_NOTE = _style("doc.note", 9, leading=13, color=GREY)
DOC_WARN = _style("doc.warn", 10, font=GOTHIC_BOLD, leading=15)
DOC_CELL = _style("doc.cell", 10.5, leading=14.5)
DOC_CELL_BOLD = _style("doc.cell.bold", 10.5, font=GOTHIC_BOLD, leading=14.5)
DOC_CELL_NUM = _style("doc.cell.num", 10.5, leading=14.5, align=RIGHT)
DOC_CELL_NUM_BOLD = _style("doc.cell.num.bold", 10.5, font=GOTHIC_BOLD, leading=14.5,
                           align=RIGHT)
DOC_CELL_HEAD = _style("doc.cell.head", 10.5, font=GOTHIC_BOLD, leading=13.5, align=CENTER)
DOC_FOOTER = _style("doc.footer", 8.5, color=GREY)

# Survey form: read and filled in by residents, so large.
FORM_Q = _style("form.q", 13, font=GOTHIC_BOLD, leading=19, before=10, after=3, keep=True)
FORM_CHOICE = _style("form.choice", 12.5, leading=18)
FORM_BODY = _style("form.body", 12, leading=19)
