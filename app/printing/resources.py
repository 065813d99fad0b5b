"""社会資源 (social resources): the list grouped by category (A4) and the map with numbered pins.

The list is also the handbook's resource pages (A5), from the same table builder.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, TableStyle

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError, short_date, wareki, warn
from app.printing.flowables import JTable, KText, table
from app.services import resources as resource_service
from app.services.resources import ResourceDTO

UNCATEGORISED = "その他"


def grouped(resources: Sequence[ResourceDTO]) -> OrderedDict[str, list[ResourceDTO]]:
    """By category, categories in the order their first resource appears (the user's order)."""
    groups: OrderedDict[str, list[ResourceDTO]] = OrderedDict()
    for r in resources:
        groups.setdefault(r.category or UNCATEGORISED, []).append(r)
    return groups


def when_text(r: ResourceDTO, today: dt.date, next_count: int) -> str:
    """「毎週(火) 13:00〜15:30」 plus the next dates; text the parser cannot read, as typed."""
    from app.printing.base import schedule_words

    text = schedule_words(r.schedule_text) if r.schedule_text else "（日時は問い合わせ）"
    if r.schedule_unreadable:
        return text
    if next_count and resource_service.is_stale(r, today):
        return text + "\n次回は要確認"  # unchecked for a year: a confident date may be wrong
    if next_count and r.schedule is not None and r.schedule.freq != "daily":
        dates = resource_service.upcoming_dates(r, today, next_count)
        if dates:
            text += "\n次回 " + "、".join(short_date(d) for d in dates)
    return text


def stale_note(job: Job, resources: Sequence[ResourceDTO]) -> None:
    stale = [r for r in resources if resource_service.is_stale(r, job.today)]
    if stale:
        warn(f"{len(stale)}件の社会資源が1年以上確認されていません（日時が変わっているかもしれません）: "
             + "、".join(r.name for r in stale[:5]) + ("…" if len(stale) > 5 else ""))


def _name_cell(r: ResourceDTO, bold: ParagraphStyle, plain: ParagraphStyle) -> list[Flowable]:
    cell: list[Flowable] = [KText(r.name, bold, balanced=True)]
    if r.content:
        cell.append(KText(r.content, plain))
    return cell


def resource_tables(job: Job, resources: Sequence[ResourceDTO], *, width: float, compact: bool,
                    heading: ParagraphStyle, numbers: dict[str, int] | None = None) -> list[Flowable]:
    """One heading and table per category. compact: the handbook's A5 columns."""
    if compact:
        plain, bold = S.BOOK_CELL, S.BOOK_CELL_BOLD
        widths = [width * 0.40, width * 0.35, width * 0.25]
        head = ["名前・内容", "日時", "場所"]
    else:
        plain, bold = S.DOC_CELL, S.DOC_CELL_BOLD
        widths = [28, 124, 136, 80, 62, width - 28 - 124 - 136 - 80 - 62]
        head = ["地図", "名前・内容", "日時・次の予定", "場所", "対象・費用", "連絡先"]
    story: list[Flowable] = []
    for category, items in grouped(resources).items():
        rows: list[list] = [head]
        for r in items:
            when = when_text(r, job.today, 0 if compact else 3)
            place = r.venue or r.neighbourhood_name or "—"
            if compact:
                rows.append([_name_cell(r, bold, plain), when, place])
            else:
                no = str(numbers.get(r.id, "")) if numbers else ""
                target = "\n".join(t for t in (r.target, r.fee) if t)
                contact = [KText(t, plain, balanced=True) for t in (r.representative, r.phone) if t]
                rows.append([KText(no, S.DOC_CELL_NUM), _name_cell(r, bold, plain), when, place,
                             target, contact or "—"])
        t = table(rows, widths, style=plain, zebra=False,
                  extra=[("VALIGN", (0, 1), (-1, -1), "TOP")])
        story += [KText(f"■ {category}", heading), t]
    return story


# --- the A4 list -----------------------------------------------------------------------------

def _doc_header(job: Job, title: str, sub: str = "") -> list[Flowable]:
    sub = sub or f"{job.council.label}　{wareki(job.today)}現在"
    return [KText(title, S.DOC_TITLE), KText(sub, S.DOC_SUB)]


def make_list(job: Job) -> tuple[bytes, int]:
    resources = job.resources()
    if not resources:
        raise PrintError(f"{job.council.name}には社会資源が登録されていません。先に社会資源を入力してください。")
    stale_note(job, resources)
    width = A4[0] - 2 * S.A4_MARGIN
    pins = map_numbers(resources)
    story = _doc_header(job, f"{job.council.area_label}の社会資源リスト")
    story.append(KText("地域にある集まり・活動・サービスです。日時は変わることがあります。"
                       "参加の前に連絡先にご確認ください。「地図」の欄は社会資源マップの番号です。",
                       S.DOC_BODY))
    story += resource_tables(job, resources, width=width, compact=False, heading=S.DOC_H,
                             numbers=pins)
    return layout.build_pdf(story, pagesize=A4, title=f"{job.council.area_label}の社会資源リスト",
                            footer_left=job.council.label,
                            footer_right=f"{wareki(job.today)}作成")


# --- the map -------------------------------------------------------------------------------

def map_numbers(resources: Sequence[ResourceDTO]) -> dict[str, int]:
    """Pin number per resource: resources at the same spot share one pin (one 公民館, seven
    groups), numbered in list order."""
    spots: dict[tuple[float, float], int] = {}
    numbers: dict[str, int] = {}
    for r in resources:
        if r.map_x is None or r.map_y is None:
            continue
        key = (round(r.map_x, 3), round(r.map_y, 3))
        if key not in spots:
            spots[key] = len(spots) + 1
        numbers[r.id] = spots[key]
    return numbers


class MapFlowable(Flowable):
    """The area map (an image, or a plain placeholder frame) with numbered pins at the
    resources' map_x/map_y fractions (0,0 = top left of the image)."""

    def __init__(self, width: float, height: float, pins: Sequence[tuple[int, float, float]],
                 image: Path | None = None) -> None:
        super().__init__()
        self.box_w, self.box_h = width, height
        self.pins = pins
        self.image = image
        self._img_size: tuple[float, float] | None = None
        if image is not None:
            from reportlab.lib.utils import ImageReader

            try:
                self._reader = ImageReader(str(image))
                self._img_size = self._reader.getSize()
            except Exception as exc:  # noqa: BLE001 - any unreadable image is the same problem
                raise PrintError(f"地図の画像 {image} を読めません（{exc}）。PNG か JPEG を指定してください。") from exc

    def _area(self) -> tuple[float, float, float, float]:
        """x, y, w, h of the map picture inside the box (aspect ratio kept)."""
        if not self._img_size:
            return 0, 0, self.box_w, self.box_h
        iw, ih = self._img_size
        scale = min(self.box_w / iw, self.box_h / ih)
        w, h = iw * scale, ih * scale
        return (self.box_w - w) / 2, self.box_h - h, w, h

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = self.box_w, self.box_h
        return self.box_w, self.box_h

    def draw(self) -> None:
        from app.printing.fonts import GOTHIC, GOTHIC_BOLD, text_width

        c = self.canv
        x0, y0, w, h = self._area()
        if self._img_size:
            c.drawImage(self._reader, x0, y0, w, h)
        else:
            c.setFillColor(S.PALE)
            c.setStrokeColor(S.RULE)
            c.rect(x0, y0, w, h, stroke=0, fill=1)
            c.setLineWidth(0.3)
            c.setDash(2, 3)
            for i in range(1, 8):
                c.line(x0 + w * i / 8, y0, x0 + w * i / 8, y0 + h)
                c.line(x0, y0 + h * i / 8, x0 + w, y0 + h * i / 8)
            c.setDash()
            label = "（地図の画像はまだありません。位置の目安です）"
            c.setFillColor(S.WHITE)
            label_w = text_width(label, GOTHIC, 11) + 8
            c.rect(x0 + (w - label_w) / 2, y0 + 6, label_w, 18, stroke=0, fill=1)
            c.setFillColor(S.GREY)
            c.setFont(GOTHIC, 11)
            c.drawCentredString(x0 + w / 2, y0 + 11, label)
        c.setStrokeColor(S.INK)
        c.setLineWidth(1.2)
        c.rect(x0, y0, w, h, stroke=1, fill=0)
        radius = 11
        for number, fx, fy in self.pins:
            px = x0 + fx * w
            py = y0 + (1 - fy) * h
            c.setFillColor(S.WHITE)
            c.setStrokeColor(S.INK)
            c.setLineWidth(1.5)
            c.circle(px, py, radius, stroke=1, fill=1)
            c.setFillColor(S.INK)
            size = 13 if number < 10 else 10.5
            c.setFont(GOTHIC_BOLD, size)
            c.drawCentredString(px, py - size * 0.36, str(number))


def make_map(job: Job) -> tuple[bytes, int]:
    resources = job.resources()
    if not resources:
        raise PrintError(f"{job.council.name}には社会資源が登録されていません。先に社会資源を入力してください。")
    image = job.opt("map_image")
    image = Path(image) if image else None
    if image is not None and not image.is_file():
        raise PrintError(f"地図の画像 {image} が見つかりません。")
    numbers = map_numbers(resources)
    by_pin: OrderedDict[int, list[ResourceDTO]] = OrderedDict()
    pins: list[tuple[int, float, float]] = []
    for r in resources:
        n = numbers.get(r.id)
        if n is None:
            continue
        if n not in by_pin:
            by_pin[n] = []
            pins.append((n, r.map_x, r.map_y))
        by_pin[n].append(r)
    unplaced = [r for r in resources if r.id not in numbers]
    if not pins:
        warn("地図上の位置が登録された社会資源がありません（番号のない一覧だけになります）。")

    width = A4[0] - 2 * S.A4_MARGIN
    legend_w = 182
    gap = 12
    map_w = width - legend_w - gap
    map_h = 640
    pin_style = ParagraphStyle("map.pin", parent=S.DOC_CELL_BOLD, fontSize=10, leading=14)
    item_style = ParagraphStyle("map.item", parent=S.DOC_CELL, fontSize=9, leading=12.5,
                                leftIndent=4)
    blocks: list[list[Flowable]] = []
    for n, items in by_pin.items():
        venue = items[0].venue or items[0].neighbourhood_name or items[0].name
        block: list[Flowable] = [KText(f"{_circled(n)} {venue}", pin_style)]
        block += [KText(r.name + (f"（{r.content}）" if r.content and len(items) == 1 else ""),
                        item_style, bullet="○") for r in items]
        blocks.append([*block, Spacer(1, 4)])
    if unplaced:
        blocks.append([KText("地図にないもの", S.DOC_H)])
        blocks += [[KText(r.name, item_style, bullet="○")] for r in unplaced]
    # As much of the legend as fits beside the map; the rest follows below it, never lost.
    legend: list[Flowable] = [KText("番号と場所", S.DOC_H)]
    used = _height(legend, legend_w)
    rest: list[Flowable] = []
    for block in blocks:
        h = _height(block, legend_w)
        if not rest and used + h <= map_h:
            legend += block
            used += h
        else:
            rest += block
    body = JTable([[MapFlowable(map_w, map_h, pins, image), legend]],
                  colWidths=[map_w + gap, legend_w], hAlign="LEFT")
    body.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (0, 0), gap),
                              ("RIGHTPADDING", (1, 0), (1, 0), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    story = [*_doc_header(job, f"{job.council.area_label}の社会資源マップ"), body]
    note = "番号は社会資源リストの番号と同じです。"
    if image is None:
        note += "地図の画像を指定すると、その上に番号を重ねて印刷します。"
    story += [Spacer(1, 4), KText(note, S.DOC_NOTE)]
    if rest:
        story += [KText("番号と場所（つづき）", S.DOC_H), *rest]
    return layout.build_pdf(story, pagesize=A4, title=f"{job.council.area_label}の社会資源マップ",
                            footer_left=job.council.label,
                            footer_right=f"{wareki(job.today)}作成")


def _height(flowables: Sequence[Flowable], width: float) -> float:
    return sum(f.wrap(width, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


def _circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else f"({n})"
