"""ニーズ集計表: the crosstabs あんしんセンター hands over (町内会 × category) with their totals,
a bar chart of the column totals, needs per 100 世帯 and per 100 aged 65+ by 町内会
(services.need_rates), and the council's own list of needs with the gaps (services.needs: the
newest needs table's persons beside the records', never added).

対象人数 is printed as typed per row and summed down; it is not the row sum (one person has
several needs), which the page says beside the table.
"""

from __future__ import annotations

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError
from app.printing.flowables import Bar, KText, table
from app.services import need_rates
from app.services import needs as need_service
from app.services import tallies as tally_service
from app.services.need_rates import RateTable
from app.services.tallies import CrosstabDTO
from app.services.wareki import wareki

# Landscape: fifteen columns (町内会, 世帯数, twelve needs, 対象人数) with readable headings.
PAGE = landscape(A4)
WIDTH = PAGE[0] - 2 * S.A4_MARGIN
HEAD = ParagraphStyle("needs.head", parent=S.DOC_CELL_HEAD, fontSize=9.5, leading=12)
NUM = ParagraphStyle("needs.num", parent=S.DOC_CELL_NUM, fontSize=10.5, leading=13)
NUM_BOLD = ParagraphStyle("needs.num.bold", parent=S.DOC_CELL_NUM_BOLD, fontSize=10.5, leading=13)
CELL = ParagraphStyle("needs.cell", parent=S.DOC_CELL, fontSize=10.5, leading=13)
CELL_BOLD = ParagraphStyle("needs.cell.bold", parent=S.DOC_CELL_BOLD, fontSize=10.5, leading=13)


def _n(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _period(t: CrosstabDTO | RateTable) -> str:
    if t.period_from and t.period_to:
        return f"{wareki(t.period_from)}〜{wareki(t.period_to)}"
    if t.period_to:
        return f"{wareki(t.period_to)}まで"
    return ""


def crosstab_table(t: CrosstabDTO) -> list[Flowable]:
    cols = len(t.columns)
    label_w, hh_w, persons_w = 76, 50, 54
    col_w = (WIDTH - label_w - hh_w - persons_w) / max(cols, 1)
    groups = [c.group for c in t.columns]
    grouped = any(groups)
    head_top = ["町内会", "世帯数", *[(c.group or c.label) for c in t.columns], "対象人数"]
    head_low = ["", "", *[c.label for c in t.columns], ""]
    rows: list[list] = [head_top, head_low] if grouped else [head_top]
    for r in t.rows:
        rows.append([KText(r.label, CELL), KText(_n(r.households), NUM),
                     *[KText(_n(c), NUM) for c in r.counts], KText(_n(r.target_persons), NUM)])
    totals = t.totals
    rows.append([KText("合計", CELL_BOLD), KText(_n(totals.households), NUM_BOLD),
                 *[KText(_n(c), NUM_BOLD) for c in totals.columns],
                 KText(_n(totals.persons), NUM_BOLD)])
    header_rows = 2 if grouped else 1
    extra: list[tuple] = [("BACKGROUND", (0, -1), (-1, -1), S.LIGHT),
                          ("LINEABOVE", (0, -1), (-1, -1), 1.5, S.INK),
                          ("LINEAFTER", (1, 0), (1, -1), 1.2, S.INK),
                          ("LINEBEFORE", (-1, 0), (-1, -1), 1.2, S.INK),
                          ("LEFTPADDING", (1, 0), (-1, -1), 3),
                          ("RIGHTPADDING", (1, 0), (-1, -1), 4)]
    if grouped:
        extra += [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (-1, 0), (-1, 1))]
        start = 0
        while start < cols:  # one spanning cell per run of the same group
            end = start
            while end + 1 < cols and groups[end + 1] == groups[start]:
                end += 1
            if end > start:
                extra.append(("SPAN", (2 + start, 0), (2 + end, 0)))
            start = end + 1
    return [table(rows, [label_w, hh_w, *[col_w] * cols, persons_w], header_rows=header_rows,
                  head_style=HEAD, pad=3, extra=extra)]


def totals_chart(t: CrosstabDTO) -> list[Flowable]:
    """Column totals as bars, in two columns so the chart fits under the table."""
    top = max(t.totals.columns, default=0)
    if not top:
        return []
    items = []
    for c, total in zip(t.columns, t.totals.columns, strict=True):
        name = f"{c.group}・{c.label}" if c.group else c.label
        items.append([KText(name, S.DOC_CELL), Bar(total / top, height=9),
                      KText(f"{total:,}", S.DOC_CELL_NUM)])
    half = (len(items) + 1) // 2
    gap = 24
    col = (WIDTH - gap) / 2
    rows = []
    for i in range(half):
        right = items[half + i] if half + i < len(items) else ["", "", ""]
        rows.append([*items[i], "", *right])
    widths = [118, col - 118 - 40, 40, gap, 118, col - 118 - 40, 40]
    chart = table(rows, widths, header_rows=0, grid=0, pad=2,
                  extra=[("LINEBELOW", (0, 0), (2, -1), 0.25, S.LIGHT),
                         ("LINEBELOW", (4, 0), (6, -1), 0.25, S.LIGHT)])
    return [KeepTogether([KText("項目ごとの合計", S.scaled(S.DOC_H, 11.5)), chart])]


def _tally_block(t: CrosstabDTO) -> list[Flowable]:
    story: list[Flowable] = [KText(t.title, S.DOC_H)]
    kind = "" if t.kind_label[:5] in t.title else f"種類：{t.kind_label}"
    info = "　".join(x for x in (kind,
                                 f"期間：{_period(t)}" if _period(t) else "",
                                 f"出典：{t.source}" if t.source else "") if x)
    if info:
        story.append(KText(info, S.DOC_NOTE))
    story.append(Spacer(1, 3))
    story += crosstab_table(t)
    story += [Spacer(1, 3), KText(
        f"対象人数の合計 {t.totals.persons:,}人は、町内会ごとの対象人数を足したものです。"
        f"一人が複数の項目に当てはまるため、項目の件数の合計（{t.totals.cells:,}件）とは"
        "一致しません。空欄は0件です。", S.DOC_NOTE)]
    if t.note:
        story.append(KText(t.note, S.DOC_NOTE))
    story += [Spacer(1, 6), *totals_chart(t)]
    return story


def _needs_list(job: Job) -> list[Flowable]:
    needs = need_service.list_needs(job.store, job.council.id)
    if not needs:
        return []
    names = {r.id: r.name for r in job.resources()}
    rows: list[list] = [["項目", "町内会", "内容", "人数", "把握", "状況", "対応する社会資源"]]
    for n in needs:
        rows.append([n.category, n.neighbourhood_name or "—", n.description,
                     KText(_n(n.count), S.DOC_CELL_NUM), n.source or "—", n.status,
                     "、".join(names[i] for i in n.resource_ids if i in names) or "—"])
    widths = [80, 70, 260, 40, 90, 56, WIDTH - 80 - 70 - 260 - 40 - 90 - 56]
    story: list[Flowable] = [KText("協議体で把握したニーズ", S.DOC_H),
                             table(rows, widths, extra=[("VALIGN", (0, 1), (-1, -1), "TOP")])]
    return story


def _gap_text(g: need_service.GapDTO) -> str:
    parts = [f"記録{g.open_needs}件・{g.persons:,}人" if g.open_needs else "",
             f"集計表{g.table_persons:,}人" if g.table_persons is not None else ""]
    return f"{g.category}（{'／'.join(p for p in parts if p)}）"


def _gaps(job: Job) -> list[Flowable]:
    gaps = need_service.gaps(job.store, job.council.id)
    if not gaps:
        return []
    story: list[Flowable] = [
        Spacer(1, 4),
        KText("まだ対応する社会資源がないニーズ：" + "、".join(_gap_text(g) for g in gaps), S.DOC_WARN)]
    if any(g.table_persons is not None for g in gaps):
        story.append(KText("集計表の人数（一番新しいニーズの集計表）と記録の人数は並べて書き、足して"
                           "いません（同じ人が両方に入っていることがあるため）。", S.DOC_NOTE))
    return story


def _r(value) -> KText:
    return KText("" if value is None else f"{value:,}" if isinstance(value, int) else f"{value}", NUM)


RATE_NOTE = ("割合は、町内会の世帯数100世帯あたり・65歳以上の人100人あたりの人数です（小数第1位まで、"
             "四捨五入）。{figures}世帯数や65歳以上の人数が分からない町内会は空欄です。合計の行は、その数が"
             "分かっている町内会だけで割っています。")


def rates_block(rates: RateTable) -> list[Flowable]:
    """Per 町内会: the needs table's 対象人数 (when the council has a needs table) and the records'
    人数, each per 100 世帯 and per 100 aged 65+; a blank where the 町内会 lacks the number."""
    with_table = rates.table_id is not None
    per = ["100世帯あたり", "65歳以上100人あたり"]
    groups: list[tuple[str, list]] = [("記録の人数（延べ）", ["record_persons", "record_per_households",
                                                           "record_per_aged"])]
    if with_table:
        groups.insert(0, ("集計表の対象人数", ["table_persons", "table_per_households", "table_per_aged"]))
    head_top = ["町内会", "世帯数", "65歳以上の人数", *(x for name, _k in groups for x in (name, "", ""))]
    head_low = ["", "", "", *(x for _g in groups for x in ("人数", *per))]
    rows: list[list] = [head_top, head_low]
    for r in [*rates.rows, rates.total]:
        rows.append([KText(r.neighbourhood, CELL_BOLD if r is rates.total else CELL),
                     _r(r.households), _r(r.aged_65_plus),
                     *(_r(getattr(r, key)) for _g, keys in groups for key in keys)])
    label_w = 150
    count = 2 + 3 * len(groups)
    number_w = min((WIDTH - label_w) / count, 84)
    extra = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (2, 1)),
             ("BACKGROUND", (0, -1), (-1, -1), S.LIGHT), ("LINEABOVE", (0, -1), (-1, -1), 1.5, S.INK)]
    for g in range(len(groups)):
        first = 3 + 3 * g
        extra += [("SPAN", (first, 0), (first + 2, 0)), ("LINEBEFORE", (first, 0), (first, -1), 1.2, S.INK)]
    period = _period(rates)
    source = (f"集計表：{rates.table_title}" + (f"（{period}）" if period else "") if with_table
              else "ニーズの集計表がないので、協議体の記録の人数だけで割っています。")
    figures = ("集計表の対象人数（一人は一回だけ数えます）と、記録の人数（解決していないニーズの「人数」を"
               "足した延べ人数）は足さずに別々に割っています。" if with_table else
               "記録の人数は、解決していないニーズの「人数」を足した延べ人数です。")
    return [KText("町内会ごとの割合（100世帯あたり・65歳以上100人あたり）", S.DOC_H),
            KText(source, S.DOC_NOTE), Spacer(1, 3),
            table(rows, [label_w, *[number_w] * count], header_rows=2, pad=3, extra=extra),
            Spacer(1, 3), KText(RATE_NOTE.format(figures=figures), S.DOC_NOTE)]


def make(job: Job) -> tuple[bytes, int]:
    tallies = tally_service.list_tallies(job.store, job.council.id)
    tallies.sort(key=lambda t: (t.kind != "needs", t.period_to or job.today))
    needs_list = _needs_list(job)
    if not tallies and not needs_list:
        raise PrintError(f"{job.council.name}にはニーズの集計表も、把握したニーズも登録されていません。")
    title = f"{job.council.area_label}のニーズ集計"
    story: list[Flowable] = [KText(title, S.DOC_TITLE),
                             KText(f"{job.council.label}　{wareki(job.today)}作成", S.DOC_SUB)]
    for i, t in enumerate(tallies):
        if i:
            story.append(PageBreak())  # one crosstab per landscape page
        story += _tally_block(t)
    rates = need_rates.rates(job.store, job.council.id)
    if rates.table_id or rates.total.record_persons is not None:
        story += [Spacer(1, 10), CondPageBreak(220), *rates_block(rates)]
    if needs_list:
        story += [Spacer(1, 10), CondPageBreak(160), *needs_list]
    story += _gaps(job)
    return layout.build_pdf(story, pagesize=PAGE, title=title,
                            footer_left=job.council.label,
                            footer_right=f"{wareki(job.today)}作成")
