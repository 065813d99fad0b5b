"""Small Platypus flowables: text wrapped by our 禁則 step, shrink-to-fit text, tick boxes, bars,
ruled note lines, and the table helper every document uses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table, TableStyle

from app.printing import styles as S
from app.printing.base import warn
from app.printing.fonts import GOTHIC, missing_glyphs, text_width
from app.printing.kinsoku import glues_back, wrap_text

ASCENT = 0.88  # BIZ UD faces: ascent 880/1000, descent 120/1000


def _short(text: str, n: int = 16) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "…"


@lru_cache(maxsize=1 << 14)
def break_lines(text: str, font: str, size: float, avail: float,
                balanced: bool) -> tuple[str, ...]:
    """The lines of one paragraph style's text in `avail` points. Cached: a roster repeats the
    same 町内会, roles and kinds in thousands of cells."""
    def width(piece: str) -> float:
        return text_width(piece, font, size)

    lines = wrap_text(text, avail, width, phrases=balanced)
    if balanced and len(lines) > 1:
        lines = _at_spaces(text, lines, avail, width) or _balance(text, lines, avail, width)
    elif len(lines) > 1:
        lines = _no_lone_last(text, lines, avail, width, size)
    return tuple(lines)


def _at_spaces(text: str, lines: list[str], avail: float, width) -> list[str] | None:
    """「八起きサロン／代表」 rather than 「八起きサロン 代／表」, 「町屋、／群馬八幡」 rather than
    「町屋、群／馬八幡」: when the text has spaces or 、 and every part between them fits a line,
    break only there (if that takes no more lines)."""
    if "\n" in text:
        return None
    parts = [(m.group(1), m.group(2)) for m in
             re.finditer(r"([^ \u3000、]+、?|、)([ \u3000]*)", text)]
    if len(parts) < 2 or any(width(p) > avail for p, _ in parts):
        return None
    out, cur, gap = [], "", ""
    for part, space in parts:
        trial = cur + gap + part
        if cur and width(trial) > avail:
            out.append(cur)
            cur = part
        else:
            cur = trial
        gap = " " if space else ""
    out.append(cur)
    return out if len(out) <= len(lines) else None


def _lone(line: str) -> bool:
    core = "".join(ch for ch in line if not glues_back(ch) and ch not in " \u3000")
    return len(core) < 2


def _no_lone_last(text: str, lines: list[str], avail: float, width, size: float) -> list[str]:
    """No last line of one character (plus punctuation) when narrowing the lines a little
    moves a unit down to it without adding a line."""
    if "\n" in text or not _lone(lines[-1]):
        return lines
    for k in range(1, 4):
        trial = wrap_text(text, avail - k * size, width)
        if len(trial) > len(lines):
            break
        if not _lone(trial[-1]):
            return trial
    return lines


def _balance(text: str, lines: list[str], avail: float, width) -> list[str]:
    """The narrowest wrap with the same number of lines: even lines, no lone last character
    (「調理・/弁当」 rather than 「調理・弁/当」). Half a point is as close as print shows."""
    n = len(lines)
    lo, hi = avail / n, avail
    best = lines
    while hi - lo > 0.5:
        mid = (lo + hi) / 2
        trial = wrap_text(text, mid, width, phrases=True)
        if len(trial) <= n:
            best, hi = trial, mid
        else:
            lo = mid
    return best


class KText(Flowable):
    """One paragraph in a single style, broken into lines by `kinsoku.wrap_text`.

    Splits across frames line by line (two lines at least stay together at a page end when the
    paragraph is long enough), so a long text flows on to the next page instead of being lost.
    `bullet` is drawn in the hanging indent; `box=True` draws an empty tick box there instead.
    """

    def __init__(self, text: str, style: ParagraphStyle, *, bullet: str | None = None,
                 box: bool = False, balanced: bool = False,
                 _lines: list[str] | None = None) -> None:
        super().__init__()
        self.balanced = balanced
        self.text = "" if text is None else str(text)
        self.style = style
        self.bullet = bullet
        self.box = box
        self._given_lines = _lines
        self.lines: list[str] = _lines or []
        self.hang_override: float | None = None  # a continued part's indent (no bullet)
        self.spaceBefore = style.spaceBefore
        self.spaceAfter = style.spaceAfter
        self.keepWithNext = style.keepWithNext
        if _lines is None:
            missing = missing_glyphs(self.text, style.fontName)
            if missing:
                warn(f"印刷できない文字があります（空白の四角になります）: {missing}"
                     f"（「{_short(self.text)}」）")

    # -- geometry --
    @property
    def font(self) -> str:
        return self.style.fontName

    @property
    def size(self) -> float:
        return self.style.fontSize

    def _width(self, s: str) -> float:
        return text_width(s, self.style.fontName, self.style.fontSize)

    def _hang(self) -> float:
        if self.box:
            return self.size * 1.45
        if self.bullet:
            return self._width(self.bullet) + self.size * 0.25
        return 0.0

    def _indent(self) -> float:
        return self.style.leftIndent + self._hang()

    def _avail(self, aw: float) -> float:
        return max(aw - self._indent() - self.style.rightIndent, self.size)

    def _wrap_lines(self, aw: float) -> list[str]:
        if self._given_lines is not None:
            return self._given_lines
        # Tables wrap each cell several times (measure, split, draw) at the same width.
        cached = getattr(self, "_cache", None)
        if cached is not None and cached[0] == aw:
            return cached[1]
        lines = list(break_lines(self.text, self.font, self.size, self._avail(aw), self.balanced))
        self._cache = (aw, lines)
        return lines

    def wrap(self, aw: float, _ah: float) -> tuple[float, float]:
        self.lines = self._wrap_lines(aw)
        self.width = aw
        self.height = len(self.lines) * self.style.leading
        return aw, self.height

    def minWidth(self) -> float:
        return max((self._width(u) for u in self.text.split()), default=0.0) + self._indent()

    def _part(self, lines: list[str], first: bool) -> KText:
        part = KText(self.text, self.style, bullet=self.bullet if first else None,
                     box=self.box and first, _lines=lines)
        part.hang_override = self._hang() if not first else None
        part.spaceBefore = self.spaceBefore if first else 0
        part.spaceAfter = 0 if first else self.spaceAfter
        return part

    def split(self, aw: float, ah: float) -> list[Flowable]:
        lines = self._wrap_lines(aw)
        n = int((ah + 1e-6) // self.style.leading)
        if n >= len(lines):
            return [self]
        if len(lines) >= 4:
            n = min(n, len(lines) - 2)  # no single widow line on the next page
            if n < 2:
                return []
        if n <= 0:
            return []
        return [self._part(lines[:n], True), self._part(lines[n:], False)]

    def draw(self) -> None:
        canv = self.canv
        st = self.style
        hang = self.hang_override
        indent = st.leftIndent + (hang if hang is not None else self._hang())
        avail = self.width - indent - st.rightIndent
        first_base = self.height - (st.leading - self.size) / 2 - ASCENT * self.size
        canv.setFillColor(st.textColor)
        if self.lines and (self.bullet or self.box) and hang is None:
            if self.box:
                side = self.size * 0.95
                y = first_base - 0.08 * self.size
                canv.setStrokeColor(S.INK)
                canv.setLineWidth(1)
                canv.rect(st.leftIndent + 0.5, y, side, side, stroke=1, fill=0)
            elif self.bullet:
                canv.setFont(self.font, self.size)
                canv.drawString(st.leftIndent, first_base, self.bullet)
        canv.setFont(self.font, self.size)
        for i, line in enumerate(self.lines):
            y = first_base - i * st.leading
            if st.alignment == S.CENTER:
                canv.drawCentredString(indent + avail / 2, y, line)
            elif st.alignment == S.RIGHT:
                canv.drawRightString(indent + avail, y, line)
            else:
                canv.drawString(indent, y, line)


class FitText(KText):
    """Text in a fixed box: shrinks from the style's size down to `min_size` to stay within
    `max_lines`; if even that is not enough it keeps `min_size` and grows (nothing is cut) and
    says so. With `one_line_min`, a single line down to that size is preferred to two lines;
    several lines are balanced (no lone last character).
    """

    def __init__(self, text: str, style: ParagraphStyle, *, min_size: float,
                 max_lines: int = 1, one_line_min: float | None = None,
                 what: str = "文字") -> None:
        super().__init__(text, style)
        self.base_style = style
        self.min_size = min_size
        self.max_lines = max_lines
        self.one_line_min = one_line_min
        self.what = what

    def _lines_at(self, size: float, aw: float) -> list[str]:
        self.style = S.scaled(self.base_style, size)
        return wrap_text(self.text, self._avail(aw), self._width, phrases=True)

    def _balanced(self, lines: list[str], aw: float) -> list[str]:
        if len(lines) < 2:
            return lines
        return _balance(self.text, lines, self._avail(aw), self._width)

    def _choose(self, aw: float) -> list[str]:
        base = self.base_style.fontSize
        if self.one_line_min is not None:
            size = base
            while size >= self.one_line_min:
                lines = self._lines_at(size, aw)
                if len(lines) <= 1:  # a choice of looks, not a squeeze: no warning
                    return lines
                size -= 1
        size = base
        while True:
            lines = self._lines_at(size, aw)
            if len(lines) <= self.max_lines:
                if size < base:
                    warn(f"{self.what}「{_short(self.text)}」が長いため、{size:g}pt に縮めて"
                         "収めました。")
                return self._balanced(lines, aw)
            if size - 1 < self.min_size:
                warn(f"{self.what}「{_short(self.text)}」は {self.min_size:g}pt に縮めても"
                     f"{self.max_lines}行に収まらないため、{len(lines)}行で印刷します。"
                     "短くすることをおすすめします。")
                return self._balanced(lines, aw)
            size -= 1

    def wrap(self, aw: float, _ah: float) -> tuple[float, float]:
        if getattr(self, "_chosen_for", None) != aw:
            self.lines = self._choose(aw)
            self._chosen_for = aw
        self.width = aw
        self.height = len(self.lines) * self.style.leading
        return aw, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        return [] if self.wrap(aw, ah)[1] > ah else [self]


class Bar(Flowable):
    """A horizontal bar for a share (0..1): black fill in a thin frame, clear in black and white."""

    def __init__(self, fraction: float, height: float = 9) -> None:
        super().__init__()
        self.fraction = max(0.0, min(1.0, fraction))
        self.bar_height = height

    def wrap(self, aw: float, _ah: float) -> tuple[float, float]:
        self.width = aw
        self.height = self.bar_height
        return aw, self.bar_height

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(0.5)
        c.setStrokeColor(S.RULE)
        c.setFillColor(S.PALE)
        c.rect(0, 0, self.width, self.bar_height, stroke=1, fill=1)
        if self.fraction > 0:
            c.setFillColor(S.GREY)
            c.rect(0, 0, max(self.width * self.fraction, 0.8), self.bar_height, stroke=0, fill=1)


class NoteLines(Flowable):
    """Ruled lines that fill the rest of the frame (the handbook's notes page)."""

    def __init__(self, pitch: float = 24, min_lines: int = 3, lines: int | None = None) -> None:
        super().__init__()
        self.pitch = pitch
        self.min_lines = min_lines
        self.fixed = lines

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        n = self.fixed or max(int(ah // self.pitch) - 1, self.min_lines)
        self.width, self.height = aw, n * self.pitch
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(S.RULE)
        c.setLineWidth(0.6)
        c.setDash(1, 2)
        y = self.height
        while y > 0.5:
            y -= self.pitch
            c.line(0, y, self.width, y)
        c.setDash()


class Blank(Flowable):
    """An empty box of fixed size (a space to write or stamp in), optionally framed."""

    def __init__(self, width: float | None, height: float, *, frame: bool = False) -> None:
        super().__init__()
        self.fixed_width = width
        self.height = height
        self.frame = frame

    def wrap(self, aw: float, _ah: float) -> tuple[float, float]:
        self.width = self.fixed_width if self.fixed_width is not None else aw
        return self.width, self.height

    def draw(self) -> None:
        if self.frame:
            self.canv.setStrokeColor(S.INK)
            self.canv.setLineWidth(0.8)
            self.canv.rect(0, 0, self.width, self.height)


Cell = str | int | float | Flowable | None | list | tuple


def cell(value: Cell, style: ParagraphStyle = S.DOC_CELL, *, balanced: bool = False) -> Flowable | list:
    """Table cells are always our flowables: a plain string would be drawn in Helvetica."""
    if isinstance(value, Flowable):
        return value
    if isinstance(value, (list, tuple)):  # several flowables in one cell (Table.split makes tuples)
        if all(isinstance(v, Flowable) for v in value):
            return value if isinstance(value, list) else list(value)
        return [cell(v, style, balanced=balanced) for v in value]
    if value is None or value == "":
        return Blank(None, 0)
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:,}"
    return KText(str(value), style, balanced=balanced)


class JTable(Table):
    """A Table whose cells are always our flowables and whose cell font is ours.

    reportlab sets the cell style's font (Helvetica by default) before drawing any cell, even a
    flowable one, which would put an unembedded font into the PDF.
    """

    def __init__(self, data, *args, **kwargs) -> None:
        if not kwargs.get("normalizedData"):  # the halves of a split hold converted cells
            data = [[v if isinstance(v, Flowable) else cell(v) for v in row] for row in data]
        super().__init__(data, *args, **kwargs)
        # The halves of a split come with their cells' styles (font included): styling every
        # remaining cell again at each page break made a 2,000-row roster quadratic.
        if "cellStyles" not in kwargs:
            super().setStyle(TableStyle([("FONT", (0, 0), (-1, -1), GOTHIC, 9)]))


_GEOMETRY = {"LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING", "SPAN"}


def _natural_heights(data: list[list], widths: Sequence[float], hpad: float,
                     vpad: float) -> list[float]:
    """Each row's height, measured once here as Table would (same padding, same sums).

    Given to Table up front, it spares Table re-measuring every remaining row at every page
    break: a 400-row member list spent a fifth of its time there.
    """
    heights = []
    for row in data:
        tallest = 0.0
        for value, w in zip(row, widths, strict=True):
            items = value if isinstance(value, list) else [value]
            total, first_before, last_after = 0.0, None, 0.0
            for f in items:
                h = f.wrap(w - 2 * hpad, 72000)[1]
                before, after = f.getSpaceBefore(), f.getSpaceAfter()
                total += h + before + after
                if first_before is None:
                    first_before = before
                last_after = after
            if items:
                total -= (first_before or 0) + last_after
            tallest = max(tallest, total)
        heights.append(tallest + 2 * vpad)
    return heights


def table(rows: Sequence[Sequence[Cell]], widths: Sequence[float], *, header_rows: int = 1,
          style: ParagraphStyle = S.DOC_CELL, head_style: ParagraphStyle = S.DOC_CELL_HEAD,
          extra: Sequence[tuple] = (), zebra: bool = False, pad: float = 3.5,
          grid: float = 0.5, row_heights: Sequence[float | None] | None = None) -> Table:
    """A ruled table, header rows shaded and repeated on every page."""
    data = [[cell(v, head_style if r < header_rows else style, balanced=True) for v in row]
            for r, row in enumerate(rows)]
    commands: list[tuple] = [("GRID", (0, 0), (-1, -1), grid, S.INK)] if grid > 0 else []
    commands += [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad - 0.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad - 0.5),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), S.LIGHT))
    if zebra:  # one command, not one per row: Table re-applies every command at each split
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [S.WHITE, S.PALE]))
    commands.extend(extra)
    if row_heights is None and not any(c[0] in _GEOMETRY for c in extra):
        row_heights = _natural_heights(data, widths, pad, pad - 0.5)
    t = JTable(data, colWidths=list(widths), rowHeights=row_heights, repeatRows=header_rows,
               hAlign="LEFT")
    t.setStyle(TableStyle(commands))
    return t
