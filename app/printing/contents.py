"""A もくじ (table of contents) laid out in one pass.

reportlab's TableOfContents lays the whole document out twice (multiBuild). Here the もくじ page
draws a PDF form that does not exist yet; each chapter heading notes the page it lands on, and a
last, empty flowable defines the form once every heading is known (reportlab resolves a form
by name when the file is saved). The もくじ must fit one page, which a handbook's ten chapters do.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from app.printing import styles as S
from app.printing.flowables import ASCENT, KText
from app.printing.fonts import text_width


class Contents:
    """The chapters found while drawing, and the flowables that show them."""

    def __init__(self, style: ParagraphStyle, *, pitch: float = 30, name: str = "contents") -> None:
        self.style = style
        self.pitch = pitch
        self.name = name
        self.entries: list[tuple[str, int]] = []
        self.box = (0.0, 0.0)

    def adopt(self, story: list[Flowable]) -> int:
        """Enter the story's chapter headings in this もくじ; returns how many there are."""
        chapters = [f for f in story if isinstance(f, Chapter)]
        for chapter in chapters:
            chapter.contents = self
        return len(chapters)

    def page(self, rows: int) -> Flowable:
        """Room for `rows` entries, where the もくじ appears."""
        return _Placeholder(self, rows * self.pitch)

    def close(self) -> Flowable:
        """Put after the last chapter heading: it writes the entries into the form."""
        return _Define(self)

    def draw_entries(self, canv) -> None:
        st = self.style
        width, height = self.box
        size = st.fontSize
        number_room = text_width("000", st.fontName, size)
        canv.setFillColor(st.textColor)
        canv.setStrokeColor(S.RULE)
        canv.setLineWidth(0.8)
        room = width - number_room - 12
        for row, (title, page) in enumerate(self.entries):
            y = height - (row + 1) * self.pitch + (self.pitch - size) / 2 + (1 - ASCENT) * size
            # A long council name shrinks to stay clear of the page number.
            fit = min(size, size * room / max(text_width(title, st.fontName, size), 1))
            canv.setFont(st.fontName, fit)
            canv.drawString(0, y, title)
            canv.setFont(st.fontName, size)
            canv.drawRightString(width, y, str(page))
            start = text_width(title, st.fontName, fit) + 6
            end = width - number_room - 6
            if end > start:
                canv.setDash(1, 3)
                canv.line(start, y + 2, end, y + 2)
                canv.setDash()


class Chapter(KText):
    """A chapter heading; once adopted by a Contents it enters itself with its page."""

    contents: Contents | None = None

    def draw(self) -> None:
        if self.contents is not None:
            self.contents.entries.append((self.text, self.canv.getPageNumber()))
        super().draw()


class _Placeholder(Flowable):
    def __init__(self, contents: Contents, height: float) -> None:
        super().__init__()
        self.contents = contents
        self.height = height

    def wrap(self, aw: float, _ah: float) -> tuple[float, float]:
        self.width = aw
        self.contents.box = (aw, self.height)
        return aw, self.height

    def draw(self) -> None:
        self.canv.doForm(self.contents.name)


class _Define(Flowable):
    def __init__(self, contents: Contents) -> None:
        super().__init__()
        self.contents = contents
        self.width = self.height = 0

    def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canv = self.canv
        width, height = self.contents.box
        canv.beginForm(self.contents.name, 0, 0, width, height)
        self.contents.draw_entries(canv)
        canv.endForm()
