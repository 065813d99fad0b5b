"""社会資源マップ: the council's stored map as large as the page allows, numbered pins, 町内会
names, and the numbered legend (continued on further pages when long).

The page follows the map's shape (a landscape map prints on landscape paper), A4 or A3. The
layout is computed here in page points before anything is drawn (`plan`): the map's frame, each
pin's spot and drawn centre, the legend's columns. Page 1 and each continuation page are one
flowable filling the body frame, so reportlab only stacks them.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence

from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError, warn
from app.printing.flowables import KText
from app.printing.fonts import GOTHIC_BOLD, text_width
from app.printing.images import draw_image
from app.services import area_map as map_service
from app.services.area_map import AreaMapDTO
from app.services.normalize import nfkc
from app.services.wareki import wareki

PAPERS = {"A4": A4, "A3": A3}
GAP = 12.0                  # between the map and the legend, and between legend columns
LEGEND_COLUMN = 160.0       # narrowest legend column: about 14 characters at 10.5 pt
LEGEND_SHARE = 0.4          # a legend below the map takes at most this share of the page
FRAME_LINE = 1.2
PIN_LINE = 1.5

HEAD = ParagraphStyle("map.head", parent=S.DOC_H, spaceBefore=0)
HEAD_MORE = ParagraphStyle("map.head.more", parent=S.DOC_H, spaceBefore=0, spaceAfter=8)
PIN = ParagraphStyle("map.pin", parent=S.DOC_CELL_BOLD, spaceBefore=5)
ITEM = ParagraphStyle("map.item", parent=S.DOC_CELL, leading=14, leftIndent=2)
SECTION = ParagraphStyle("map.section", parent=S.DOC_CELL_BOLD, fontSize=11.5, leading=16,
                         spaceBefore=10, spaceAfter=1)
LABEL_SIZE = 9.5            # 町内会 names on the map


@dataclasses.dataclass(frozen=True)
class Rect:
    """Page points, origin at the bottom left as in PDF."""
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclasses.dataclass(frozen=True)
class Pin:
    number: int
    spot: tuple[float, float]    # the resources' true place (page points)
    centre: tuple[float, float]  # where the pin is drawn (moved off another pin if it had to)
    moved: bool                  # moved off another pin: a leader line from the spot


@dataclasses.dataclass(frozen=True)
class Label:
    text: str
    centre: tuple[float, float]
    width: float


@dataclasses.dataclass(frozen=True)
class Unit:
    """One legend paragraph; `keep` holds a pin's name with its first resource."""
    text: str
    style: ParagraphStyle
    bullet: str | None = None
    keep: bool = False


@dataclasses.dataclass
class Plan:
    pagesize: tuple[float, float]
    body: Rect                    # the page's body frame (inside the margins, above the footer)
    frame: Rect                   # the map (image or placeholder) on page 1
    radius: float
    pins: list[Pin]
    labels: list[Label]
    note: str
    legend: Rect                  # page 1's legend area
    columns: int
    units: list[Unit]
    area_map: AreaMapDTO | None
    title: str


# --- the plan --------------------------------------------------------------------------------

def paper_size(value: object) -> tuple[float, float]:
    key = nfkc(str(value or "A4")).strip().upper()
    if key not in PAPERS:
        raise PrintError(f"用紙「{value}」は選べません。A4 か A3 を指定してください。")
    return PAPERS[key]


def _circled(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return f"({n})"


def legend_units(resources, numbers: dict[str, int]) -> list[Unit]:
    """A pin's place (the first resource's venue) and the resources meeting there, then the
    resources without a pin under 地図にないもの."""
    by_pin: OrderedDict[int, list] = OrderedDict()
    for r in resources:
        if r.id in numbers:
            by_pin.setdefault(numbers[r.id], []).append(r)
    units: list[Unit] = []
    for n, items in by_pin.items():
        place = items[0].venue or items[0].neighbourhood_name or items[0].name
        units.append(Unit(f"{_circled(n)} {place}", PIN, keep=True))
        units += [Unit(r.name, ITEM, bullet="○") for r in items]
    unplaced = [r for r in resources if r.id not in numbers]
    if unplaced:
        units.append(Unit("地図にないもの", SECTION, keep=True))
        units += [Unit(r.name, ITEM, bullet="○") for r in unplaced]
    return units


class _Measure:
    """Legend paragraphs' heights per column width (each measured once)."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self._heights: dict[float, list[float]] = {}

    def heights(self, width: float) -> list[float]:
        if width not in self._heights:
            self._heights[width] = [KText(u.text, u.style, bullet=u.bullet).wrap(width, 1e6)[1]
                                    for u in self.units]
        return self._heights[width]

    def fill(self, start: int, width: float, height: float, columns: int) -> tuple[list[list[int]], int]:
        """Unit indexes per column, from `start`, as many as fit; and the next index."""
        hs = self.heights(width)
        i, out = start, []
        for _ in range(columns):
            used = 0.0
            col: list[int] = []
            while i < len(hs):
                style = self.units[i].style
                take = (style.spaceBefore if col else 0) + hs[i] + style.spaceAfter
                need = take
                if self.units[i].keep and i + 1 < len(hs):
                    need += self.units[i + 1].style.spaceBefore + hs[i + 1]  # a heading never ends a column
                if col and used + need > height:
                    break
                col.append(i)
                used += take
                i += 1
            out.append(col)
            if i >= len(hs):
                break
        return out, i

    def height_for_all(self, width: float, columns: int, cap: float) -> float:
        """The least column height that holds every unit (at most `cap`)."""
        if self.fill(0, width, cap, columns)[1] < len(self.units):
            return cap
        lo, hi = 0.0, cap
        while hi - lo > 2:
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if self.fill(0, width, mid, columns)[1] >= len(self.units) else (mid, hi)
        return hi


def _columns(width: float) -> tuple[int, float]:
    n = max(1, int((width + GAP) // (LEGEND_COLUMN + GAP)))
    return n, (width - GAP * (n - 1)) / n


def _fit(aspect: float | None, box: Rect, centre: bool) -> Rect:
    """The largest rectangle of the map's shape in `box`, at its top (left, or centred)."""
    if aspect is None:
        return box
    w = min(box.width, box.height * aspect)
    h = w / aspect
    x0 = box.x0 + (box.width - w) / 2 if centre else box.x0
    return Rect(x0, box.y1 - h, x0 + w, box.y1)


def _note_text(m: AreaMapDTO | None) -> str:
    same = "番号は社会資源リストの「地図」の欄の番号と同じです。"
    if m is None:
        return "地図の画像が登録されていないので、枠の中の位置はおおよその目安です。" + same
    text = f"地図: {m.name}" + (f"（出典: {m.source}）" if m.source else "") + "。" + same
    if m.located:
        text += ("この地図には基準点の緯度・経度が登録されているので、社会資源の位置は"
                 "緯度・経度つきで書き出せます（export-resources）。")
    return text


def _note_height(text: str, width: float) -> float:
    return KText(text, S.DOC_NOTE).wrap(width, 1e6)[1] + 4


def _header(job: Job, title: str) -> tuple[list[KText], float]:
    parts = [KText(title, S.DOC_TITLE), KText(f"{job.council.label}　{wareki(job.today)}現在", S.DOC_SUB)]
    return parts, sum(p.wrap(1e4, 1e6)[1] + p.style.spaceAfter for p in parts)


def pin_radius(pagesize: tuple[float, float], frame: Rect, spots: int) -> float:
    """Large enough to read, smaller when the map is crowded (300 places on A4 still spread)."""
    base = 12.0 if max(pagesize) > 1000 else 10.0
    if not spots:
        return base
    return max(7.0, min(base, (frame.width * frame.height / (spots * 12)) ** 0.5))


def _pins(resources, numbers: dict[str, int], frame: Rect, radius: float) -> list[Pin]:
    spots: dict[int, tuple[float, float]] = {}
    for r in resources:
        n = numbers.get(r.id)
        if n is not None and n not in spots:
            spots[n] = (min(max(r.map_x, 0.0), 1.0) * frame.width,
                        min(max(r.map_y, 0.0), 1.0) * frame.height)
    order = sorted(spots)
    # Spread in map points from the top left (as in the window), every pin whole inside the frame.
    inset = radius + PIN_LINE / 2 + FRAME_LINE / 2
    x1, y1 = frame.width - inset, frame.height - inset
    drawn = map_service.spread([spots[n] for n in order], 2 * radius + 1, (inset, inset, x1, y1))

    def page(p: tuple[float, float]) -> tuple[float, float]:
        return frame.x0 + p[0], frame.y1 - p[1]

    pins = []
    for n, (cx, cy) in zip(order, drawn, strict=True):
        sx, sy = spots[n]
        home = (min(max(sx, inset), x1), min(max(sy, inset), y1))  # at the edge: just inside
        pins.append(Pin(n, page(spots[n]), page((cx, cy)), abs(cx - home[0]) + abs(cy - home[1]) > 0.5))
    return pins


def _labels(job: Job, frame: Rect) -> list[Label]:
    from app.services import neighbourhoods

    pad = 3.0
    out = []
    for nb in neighbourhoods.list_neighbourhoods(job.store, job.council.id):
        if nb.map_x is None or nb.map_y is None:
            continue
        w = text_width(nb.name, GOTHIC_BOLD, LABEL_SIZE) + 2 * pad
        h = LABEL_SIZE + 2 * pad
        x = frame.x0 + nb.map_x * frame.width
        y = frame.y1 - nb.map_y * frame.height
        x = min(max(x, frame.x0 + w / 2 + FRAME_LINE), frame.x1 - w / 2 - FRAME_LINE)
        y = min(max(y, frame.y0 + h / 2 + FRAME_LINE), frame.y1 - h / 2 - FRAME_LINE)
        out.append(Label(nb.name, (x, y), w))
    return out


def plan(job: Job) -> Plan:
    resources = job.resources()
    if not resources:
        raise PrintError(f"{job.council.name}には社会資源が登録されていません。先に社会資源を入力してください。")
    m = job.memo("area_map", lambda: map_service.get_map(job.store, job.council.id))
    sheet = paper_size(job.opt("paper"))
    pagesize = landscape(sheet) if m is not None and m.landscape else portrait(sheet)
    pw, ph = pagesize
    margin = S.A4_MARGIN
    body = Rect(margin, margin + 4, pw - margin, ph - margin)
    title = f"{job.council.area_label}の社会資源マップ"
    _, header_h = _header(job, title)
    top = body.y1 - header_h
    numbers = map_service.map_numbers(resources)
    units = legend_units(resources, numbers)
    measure = _Measure(units)
    head_h = HEAD.leading + HEAD.spaceAfter
    note = _note_text(m)
    aspect = m.width / m.height if m is not None else None

    def fit(x0: float, y0: float, x1: float, centre: bool) -> Rect:
        # The note goes under the map at the map's width: measured again once the width is known.
        rect = _fit(aspect, Rect(x0, y0 + _note_height(note, x1 - x0), x1, top), centre)
        if _note_height(note, rect.width) > _note_height(note, x1 - x0):
            rect = _fit(aspect, Rect(x0, y0 + _note_height(note, rect.width), x1, top), centre)
        return rect

    # Beside: one legend column to the right, the map as tall as the page allows.
    beside = fit(body.x0, body.y0, body.x1 - LEGEND_COLUMN - GAP, False)
    # Below: the legend under the map, in columns across the page, sized to what it needs.
    n, col_w = _columns(body.width)
    cap = (top - body.y0) * LEGEND_SHARE
    legend_h = head_h + max(4 * ITEM.leading, measure.height_for_all(col_w, n, cap - head_h))
    below = fit(body.x0, body.y0 + legend_h + GAP, body.x1, True)
    if beside.width * beside.height >= below.width * below.height:
        frame = beside
        legend = Rect(frame.x1 + GAP, body.y0, body.x1, top)
    else:
        frame = below
        legend = Rect(body.x0, body.y0, body.x1, frame.y0 - _note_height(note, frame.width) - GAP)
    columns = _columns(legend.width)[0]
    spots = len(set(numbers.values()))
    radius = pin_radius(pagesize, frame, spots)
    return Plan(pagesize, body, frame, radius, _pins(resources, numbers, frame, radius),
                _labels(job, frame), note, legend, columns, units, m, title)


# --- drawing -----------------------------------------------------------------------------------

def _draw_placeholder(canv, frame: Rect) -> None:
    x0, y0, w, h = frame.x0, frame.y0, frame.width, frame.height
    canv.setFillColor(S.PALE)
    canv.rect(x0, y0, w, h, stroke=0, fill=1)
    canv.setStrokeColor(S.RULE)
    canv.setLineWidth(0.3)
    canv.setDash(2, 3)
    for i in range(1, 8):
        canv.line(x0 + w * i / 8, y0, x0 + w * i / 8, y0 + h)
        canv.line(x0, y0 + h * i / 8, x0 + w, y0 + h * i / 8)
    canv.setDash()
    # No words inside the frame: pins may be anywhere in it. The note under the map says that
    # positions are only a guide.


def _draw_labels(canv, labels: Sequence[Label]) -> None:
    h = LABEL_SIZE + 6
    for lab in labels:
        x, y = lab.centre
        canv.setFillColor(S.WHITE)
        canv.setFillAlpha(0.85)
        canv.setStrokeColor(S.GREY)
        canv.setLineWidth(0.5)
        canv.roundRect(x - lab.width / 2, y - h / 2, lab.width, h, 2, stroke=1, fill=1)
        canv.setFillAlpha(1)
        canv.setFillColor(S.GREY)
        canv.setFont(GOTHIC_BOLD, LABEL_SIZE)
        canv.drawCentredString(x, y - LABEL_SIZE * 0.36, lab.text)


def _draw_pins(canv, pins: Sequence[Pin], radius: float) -> None:
    canv.setStrokeColor(S.INK)
    canv.setFillColor(S.INK)
    for pin in pins:  # leader lines first: no line crosses a pin's number
        (sx, sy), (cx, cy) = pin.spot, pin.centre
        if pin.moved:
            canv.setLineWidth(0.6)
            canv.line(sx, sy, cx, cy)
            canv.circle(sx, sy, 1.6, stroke=0, fill=1)
    for pin in pins:
        cx, cy = pin.centre
        canv.setFillColor(S.WHITE)
        canv.setLineWidth(PIN_LINE)
        canv.circle(cx, cy, radius, stroke=1, fill=1)
        text = str(pin.number)
        size = min(radius * 1.2, (2 * radius - 3.5) / (text_width(text, GOTHIC_BOLD, 1) or 1))
        canv.setFillColor(S.INK)
        canv.setFont(GOTHIC_BOLD, size)
        canv.drawCentredString(cx, cy - size * 0.36, text)


def _draw_columns(canv, units: Sequence[Unit], columns: list[list[int]], area: Rect,
                  col_w: float) -> None:
    for c, indexes in enumerate(columns):
        x, y = area.x0 + c * (col_w + GAP), area.y1
        for k, i in enumerate(indexes):
            u = units[i]
            if k:
                y -= u.style.spaceBefore
            text = KText(u.text, u.style, bullet=u.bullet)
            _, h = text.wrap(col_w, 1e6)
            y -= h
            text.drawOn(canv, x, y)
            y -= u.style.spaceAfter


class _Sheet(Flowable):
    """A whole page's body, drawn in page coordinates from the plan."""

    def __init__(self, body: Rect, paint) -> None:
        super().__init__()
        self.body, self.paint = body, paint

    def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
        self.width, self.height = self.body.width, self.body.height
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.translate(-self.body.x0, -self.body.y0)
        self.paint(self.canv)
        self.canv.restoreState()


def make_map(job: Job) -> tuple[bytes, int]:
    p = plan(job)
    if p.area_map is None:
        warn(f"{job.council.name}には地図の画像が登録されていないため、白い枠に番号だけを印刷します。"
             "社会資源のページの「地図」タブ（コマンドでは map --council 名前 ファイル）で地図の画像"
             "（PNG・JPEG・PDF）を入れると、その上に番号を重ねて印刷します。")
    if not p.pins:
        warn("地図上の位置が登録された社会資源がありません（番号のない一覧だけになります）。")
    measure = _Measure(p.units)
    head_h = HEAD.leading + HEAD.spaceAfter
    col_w = _columns(p.legend.width)[1]
    legend_body = Rect(p.legend.x0, p.legend.y0, p.legend.x1, p.legend.y1 - head_h)
    first, done = measure.fill(0, col_w, legend_body.height, p.columns)
    header, _ = _header(job, p.title)

    def page_one(canv) -> None:
        y = p.body.y1
        for part in header:
            _, h = part.wrap(p.body.width, 1e6)
            y -= h
            part.drawOn(canv, p.body.x0, y)
            y -= part.style.spaceAfter
        if p.area_map is not None:
            f = p.frame
            draw_image(canv, p.area_map.image, p.area_map.image_format, f.x0, f.y0, f.width, f.height)
        else:
            _draw_placeholder(canv, p.frame)
        canv.setStrokeColor(S.INK)
        canv.setLineWidth(FRAME_LINE)
        canv.rect(p.frame.x0, p.frame.y0, p.frame.width, p.frame.height, stroke=1, fill=0)
        _draw_labels(canv, p.labels)
        _draw_pins(canv, p.pins, p.radius)
        note = KText(p.note, S.DOC_NOTE)
        _, h = note.wrap(p.frame.width, 1e6)
        note.drawOn(canv, p.frame.x0, p.frame.y0 - 4 - h)
        heading = KText("番号と場所", HEAD)
        heading.wrap(p.legend.width, 1e6)
        heading.drawOn(canv, p.legend.x0, p.legend.y1 - HEAD.leading)
        _draw_columns(canv, p.units, first, legend_body, col_w)

    story: list[Flowable] = [_Sheet(p.body, page_one)]
    more_h = HEAD_MORE.leading + HEAD_MORE.spaceAfter
    rest = Rect(p.body.x0, p.body.y0, p.body.x1, p.body.y1 - more_h)
    n, more_w = _columns(rest.width)
    while done < len(p.units):
        cols, done = measure.fill(done, more_w, rest.height, n)

        def page_more(canv, cols=cols) -> None:
            heading = KText("番号と場所（つづき）", HEAD_MORE)
            heading.wrap(p.body.width, 1e6)
            heading.drawOn(canv, p.body.x0, p.body.y1 - HEAD_MORE.leading)
            _draw_columns(canv, p.units, cols, rest, more_w)

        story.append(_Sheet(p.body, page_more))
    pw, ph = p.pagesize
    return layout.build_pdf(story, pagesize=p.pagesize, title=p.title,
                            margins=(p.body.x0, pw - p.body.x1, ph - p.body.y1, p.body.y0),
                            footer_left=job.council.label, footer_right=f"{wareki(job.today)}作成")
