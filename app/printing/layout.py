"""The one page setup every document uses: a BaseDocTemplate with a plain cover template and a
body template that carries the footer (page number, council, date printed)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Table,
)

from app import __version__
from app.printing import styles as S
from app.printing.fonts import GOTHIC, register_fonts

A4_PORTRAIT = A4
A5_PORTRAIT = A5

PRODUCER = f"ささえあいノート {__version__}"

# Binary (deflated) streams instead of ASCII85 on top: smaller files, and the pure-Python ASCII85
# encoder was a tenth of a 40-page handbook's time. Only app.printing uses reportlab.
rl_config.useA85 = 0


class KeepWithFirstRows(KeepTogether):
    """A heading kept with the first rows of the table after it, not with the whole table.

    reportlab keeps a keepWithNext heading together with all of the next flowable, so a heading
    before a long table moved it to a new page and left the page before 60–75 % empty. When the
    heading and the table's first rows fit here, the table starts here and splits itself.
    """

    FIRST_ROWS = 3

    def split(self, aw, ah):
        content = self._content  # type: ignore[attr-defined]  # KeepTogether's, not in the stubs
        table = content[-1] if content else None
        if isinstance(table, Table) and self.wrap(aw, ah)[1] > ah:
            lead = sum(f.wrap(aw, ah)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                       for f in content[:-1])
            table.wrap(aw, ah)
            heights = table._rowHeights  # type: ignore[attr-defined]  # set by wrap, not in the stubs
            rows = heights[: getattr(table, "repeatRows", 0) + self.FIRST_ROWS]
            if lead + table.getSpaceBefore() + sum(rows) <= ah:
                return list(content)
        return super().split(aw, ah)


class PrintDoc(BaseDocTemplate):
    """Page templates: "cover" (nothing but the frame) and "body" (frame + footer)."""

    def __init__(self, target, *, pagesize: tuple[float, float], title: str,
                 margins: Sequence[float], footer_left: str = "", footer_right: str = "",
                 page_numbers: bool = True, footer_style=S.DOC_FOOTER,
                 number_style=S.BOOK_FOOTER, subject: str = "", author: str = "") -> None:
        left, right, top, bottom = margins
        super().__init__(target, pagesize=pagesize, leftMargin=left, rightMargin=right,
                         topMargin=top, bottomMargin=bottom, title=title, subject=subject,
                         author=author or "ささえあいノート", creator=PRODUCER, lang="ja-JP",
                         # the page preamble sets this font: Helvetica would be referenced
                         initialFontName=GOTHIC, initialFontSize=10, initialLeading=12,
                         keepTogetherClass=KeepWithFirstRows)
        self.footer_left = footer_left
        self.footer_right = footer_right
        self.page_numbers = page_numbers
        self.footer_style = footer_style
        self.number_style = number_style

        def frame(fid: str) -> Frame:
            return Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id=fid,
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

        self.addPageTemplates([PageTemplate("body", [frame("body")], onPage=self._footer),
                               PageTemplate("cover", [frame("cover")], onPage=self._cover)])

    def _cover(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        """A double rule around the cover page."""
        canv.saveState()
        inset = self.leftMargin * 0.5
        w, h = self.pagesize
        canv.setStrokeColor(S.INK)
        canv.setLineWidth(2.2)
        canv.rect(inset, inset, w - 2 * inset, h - 2 * inset)
        canv.setLineWidth(0.6)
        canv.rect(inset + 4, inset + 4, w - 2 * inset - 8, h - 2 * inset - 8)
        canv.restoreState()

    def _footer(self, canv: Canvas, _doc: BaseDocTemplate) -> None:
        canv.saveState()
        y = self.bottomMargin * 0.45
        fs = self.footer_style
        canv.setFillColor(fs.textColor)
        canv.setFont(fs.fontName, fs.fontSize)
        if self.footer_left:
            canv.drawString(self.leftMargin, y, self.footer_left)
        if self.footer_right:
            canv.drawRightString(self.leftMargin + self.width, y, self.footer_right)
        if self.page_numbers:
            ns = self.number_style
            canv.setFillColor(ns.textColor)
            canv.setFont(ns.fontName, ns.fontSize)
            canv.drawCentredString(self.leftMargin + self.width / 2, y, f"- {canv.getPageNumber()} -")
        canv.restoreState()


def cover_first() -> list[Flowable]:
    """Put at the start of a story whose first page is a cover (no footer)."""
    return [NextPageTemplate("body")]


def build_pdf(story: list[Flowable], *, pagesize: tuple[float, float], title: str,
              margins: Sequence[float] | None = None, cover: bool = False,
              canvasmaker: Callable | None = None, **kwargs) -> tuple[bytes, int]:
    """Lay out `story` and return the PDF bytes and the number of pages."""
    register_fonts()
    if margins is None:
        m = S.A5_MARGIN if pagesize == A5 else S.A4_MARGIN
        margins = (m, m, m, m + 4)
    buffer = io.BytesIO()
    doc = PrintDoc(buffer, pagesize=pagesize, title=title, margins=margins, **kwargs)
    if cover:
        doc.pageTemplates.insert(0, doc.pageTemplates.pop(1))  # start on "cover"
        story = [*cover_first(), *story]
    if canvasmaker:
        doc.build(story, canvasmaker=canvasmaker)
    else:
        doc.build(story)
    return buffer.getvalue(), doc.page
