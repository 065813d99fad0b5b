"""社会資源 (social resources): the list grouped by category (A4); its 「地図」 column holds the
pin numbers of the map (area_map.py). The list is also the handbook's resource pages (A5), from
the same table builder.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError, warn
from app.printing.flowables import KText, table
from app.services import resources as resource_service
from app.services.area_map import map_numbers
from app.services.resources import ResourceDTO
from app.services.wareki import short_date, wareki

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
