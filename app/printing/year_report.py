"""年度のまとめ: a council's year on one A4 page where the data allows, and for the tier-1
council the city's year (A4 landscape): a row per tier-2 council with a total row, then the sums
by kind of meeting and by need category, the proposals and the resources the councils began.

The figures come from services/year_report.py; what each one counts (its NOTES) is printed under
every report. Tables are ≥ 10.5 pt; headings carry the 年度 in 和暦 and 西暦.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from app.printing import layout
from app.printing import styles as S
from app.printing.base import Job, PrintError
from app.printing.columns import fit_widths, natural_width
from app.printing.flowables import KText, table
from app.services import year_report as Y
from app.services.wareki import wareki

PORTRAIT_WIDTH = A4[0] - 2 * S.A4_MARGIN
CITY_PAGE = landscape(A4)
CITY_WIDTH = CITY_PAGE[0] - 2 * S.A4_MARGIN
UNDATED_SHOWN = 8  # names listed under 「始めた日なし」 before 「ほか N件」
TOTAL_ROW = [("BACKGROUND", (0, -1), (-1, -1), S.LIGHT), ("LINEABOVE", (0, -1), (-1, -1), 1.5, S.INK)]


def make(job: Job) -> tuple[bytes, int]:
    year = job.opt("year", Y.current_year(job.today))
    if job.council.tier == 1:
        return make_city(Y.city_report(job.store, year, today=job.today))
    return make_council(Y.council_report(job.store, job.council.id, year, today=job.today))


# --- cells ------------------------------------------------------------------------------------

def _n(value: int) -> KText:
    return KText(f"{value:,}", S.DOC_CELL_NUM)


def _nb(value: int) -> KText:
    return KText(f"{value:,}", S.DOC_CELL_NUM_BOLD)


def _day(day: dt.date | None) -> str:
    return wareki(day) if day else "—"


def _notes(extra: Sequence[str] = ()) -> list[Flowable]:
    return [Spacer(1, 6), KText("数え方", S.scaled(S.DOC_H, 11)),
            *[KText(text, S.DOC_NOTE, bullet="※") for text in (*extra, *Y.NOTES)]]


def _names(lines: Sequence[Y.ResourceLine]) -> str:
    shown = "、".join(r.name for r in lines[:UNDATED_SHOWN])
    return shown + (f" ほか{len(lines) - UNDATED_SHOWN}件" if len(lines) > UNDATED_SHOWN else "")


# --- tables shared by both versions -----------------------------------------------------------

def meetings_table(f: Y.Figures, width: float) -> list[Flowable]:
    rows: list[list] = [["種類", "回数", "参加者"]]
    for kind, count in f.meetings_by_kind.items():
        rows.append([kind, _n(count), _n(f.participants_by_kind.get(kind, 0))])
    rows.append([KText("合計", S.DOC_CELL_BOLD), _nb(f.meetings), _nb(f.meeting_participants)])
    return [table(rows, [width - 2 * 64, 64, 64], extra=TOTAL_ROW), *_meeting_remarks(f)]


def meetings_row_table(f: Y.Figures, width: float) -> list[Flowable]:
    """The kinds side by side: three rows on a council's page where seven would not fit."""
    kinds = list(f.meetings_by_kind)
    rows: list[list] = [["", *kinds, "合計"],
                        ["回数", *[_n(f.meetings_by_kind[k]) for k in kinds], _nb(f.meetings)],
                        ["参加者", *[_n(f.participants_by_kind.get(k, 0)) for k in kinds],
                         _nb(f.meeting_participants)]]
    first = 64
    col = (width - first) / (len(kinds) + 1)
    found: list[Flowable] = [table(rows, [first, *[col] * (len(kinds) + 1)],
                                   extra=[("BACKGROUND", (-1, 0), (-1, -1), S.LIGHT),
                                          ("LINEBEFORE", (-1, 0), (-1, -1), 1.5, S.INK)])]
    return found + _meeting_remarks(f)


def _meeting_remarks(f: Y.Figures) -> list[Flowable]:
    said = []
    if f.meetings_from_attendees:
        said.append(f"出席の記録で数えた回 {f.meetings_from_attendees}")
    if f.meetings_uncounted:
        said.append(f"人数の記録がない回 {f.meetings_uncounted}")
    if f.meetings_planned:
        said.append(f"今日より後の予定 {f.meetings_planned}回")
    return [KText("（" + "、".join(said) + "）", S.DOC_NOTE)] if said else []


def members_table(f: Y.Figures, width: float) -> list[Flowable]:
    rows: list[list] = [["", "人数", Y.SUPPORTER_WORD],
                        ["新規登録", _n(f.members_new), _n(f.supporters_new)],
                        ["登録を確かめた", _n(f.members_reconfirmed), _n(f.supporters_reconfirmed)],
                        ["退会", _n(f.members_left), _n(f.supporters_left)]]
    found: list[Flowable] = [table(rows, [width - 56 - 86, 56, 86])]
    if remark := Y.left_undated_remark(f):
        found.append(KText(remark, S.DOC_NOTE))
    return found


def needs_table(f: Y.Figures, width: float) -> list[Flowable]:
    categories = list(dict.fromkeys([*f.needs_opened_by_category, *f.needs_met_by_category]))
    if not categories:
        found: list[Flowable] = [KText("この年度に把握・解決したニーズの記録はありません。", S.DOC_BODY)]
    else:
        rows: list[list] = [["分類", "把握", "解決"]]
        rows += [[c, _n(f.needs_opened_by_category.get(c, 0)), _n(f.needs_met_by_category.get(c, 0))]
                 for c in categories]
        rows.append([KText("合計", S.DOC_CELL_BOLD), _nb(f.needs_opened), _nb(f.needs_met)])
        found = [table(rows, [width - 2 * 56, 56, 56], extra=TOTAL_ROW)]
    if remark := Y.resolved_undated_remark(f):
        found.append(KText(remark, S.DOC_NOTE))
    return found


def _side_by_side(left: list[Flowable], right: list[Flowable], width: float) -> Flowable:
    gap = 14
    return table([[left, "", right]], [(width - gap) / 2, gap, (width - gap) / 2], header_rows=0,
                 grid=0, pad=0, extra=[("VALIGN", (0, 0), (-1, -1), "TOP")])


HEADING = ParagraphStyle("year.h", parent=S.DOC_H, spaceBefore=7, spaceAfter=3)


def _heading(text: str) -> KText:
    return KText(text, HEADING)


# --- one council ------------------------------------------------------------------------------

def _trainings(r: Y.CouncilYearReport, width: float) -> list[Flowable]:
    if not r.trainings:
        return [KText("この年度の研修の記録はありません。", S.DOC_BODY)]
    rows: list[list] = [["開催日", "講座名", "参加者", "修了者"]]
    for t in r.trainings:
        title = t.title + ("（予定）" if t.planned else "")
        people = f"{t.participants:,}" + ("＊" if t.from_attendance else "")
        rows.append([wareki(t.held_on), title, KText(people, S.DOC_CELL_NUM), _n(t.completed)])
    f = r.figures
    extra: list[tuple] = []
    if len(r.trainings) > 1:
        rows.append([KText("合計", S.DOC_CELL_BOLD), f"{f.trainings}回", _nb(f.training_participants),
                     _nb(f.completed)])
        extra = TOTAL_ROW
    # The date on one line (it sits beside the need table in half the page); the title wraps.
    day = natural_width([str(row[0]) for row in rows], S.DOC_CELL, 3.5)
    found: list[Flowable] = [table(rows, [day, width - day - 2 * 48, 48, 48],
                                   extra=[("VALIGN", (0, 1), (-1, -1), "TOP"), *extra])]
    if f.trainings_from_attendance:
        found.append(KText("＊ 参加者数が空欄のため、出席を記録したメンバーの数です。", S.DOC_NOTE))
    return found


def _resources(r: Y.CouncilYearReport, width: float) -> list[Flowable]:
    found: list[Flowable] = []
    if r.resources:
        rows: list[list] = [["始めた日", "名前", "分類"]]
        rows += [[wareki(x.started_on), x.name, x.category or "—"] for x in r.resources]
        found.append(_fitted(rows, width))
    else:
        found.append(KText("この年度に始めた社会資源（協議体がつくったもの）の記録はありません。", S.DOC_BODY))
    if r.undated_resources:
        found.append(Spacer(1, 2))
        found.append(KText(f"始めた日なし（{len(r.undated_resources)}件、年度に入れていません）："
                           f"{_names(r.undated_resources)}", S.DOC_NOTE))
    return found


def _fitted(rows: list[list], width: float, extra: Sequence[tuple] = ()) -> Flowable:
    """A table of text whose columns take the width their text needs (columns.fit_widths)."""
    widths = fit_widths([[getattr(r[i], "text", str(r[i])) for r in rows] for i in range(len(rows[0]))],
                        width, S.DOC_CELL)
    return table(rows, widths, extra=[("VALIGN", (0, 1), (-1, -1), "TOP"), *extra])


def proposals_table(lines: Sequence[Y.ProposalLine], width: float, *, council: bool) -> Flowable:
    rows: list[list] = [["協議体"] * council + ["提出日", "提言の内容", "提出先", "状況", "回答日"]]
    for p in lines:
        rows.append([p.council] * council + [_day(p.raised_on), p.title, p.raised_to or "—", p.status,
                                             _day(p.answered_on)])
    return _fitted(rows, width)


def make_council(r: Y.CouncilYearReport) -> tuple[bytes, int]:
    f = r.figures
    width = PORTRAIT_WIDTH
    half = (width - 14) / 2
    title = f"{r.label}　{r.year_label}のまとめ"
    story: list[Flowable] = [
        KText(title, S.DOC_TITLE),
        KText(f"期間：{r.period_text}　{wareki(r.today)}作成", S.DOC_SUB),
        _heading(f"会議・活動（{f.meetings}回・参加者 {f.meeting_participants:,}人）"),
        *meetings_row_table(f, width),
    ]
    left: list[Flowable] = [_heading("メンバー・サポーター"), *members_table(f, half)]
    trainings = [_heading(f"研修（担い手養成講座 {f.trainings}回）")]
    # Beside a long list of need categories the left column has room for the trainings.
    categories = len({*f.needs_opened_by_category, *f.needs_met_by_category})
    beside = categories - 2 >= 3 * max(len(r.trainings), 1)
    if beside:
        left += [*trainings, *_trainings(r, half)]
    story.append(_side_by_side(left, [_heading(f"ニーズ（把握 {f.needs_opened}件・解決 {f.needs_met}件）"),
                                      *needs_table(f, half)], width))
    if not beside:
        story.append(KeepTogether([*trainings, *_trainings(r, width)]))
    story += [
        KeepTogether([_heading(f"協議体がつくった社会資源（{f.resources_started}件）"), *_resources(r, width)]),
    ]
    story.append(_heading(f"提言（提出 {f.proposals_raised}件・回答 {f.proposals_answered}件）"))
    if r.proposals:
        story.append(proposals_table(r.proposals, width, council=False))
    else:
        story.append(KText("この年度に提出・回答のあった提言の記録はありません。", S.DOC_BODY))
    story += [CondPageBreak(90), *_notes()]
    return layout.build_pdf(story, pagesize=A4, title=title, footer_left=r.label,
                            footer_right=f"{r.year_label}　{wareki(r.today)}作成")


# --- the city -----------------------------------------------------------------------------------

# The headers of Y.city_numbers' columns.
CITY_GROUPS = (("会議・活動", ("回数", "参加者")), ("研修", ("回数", "参加者", "修了者")),
               ("メンバー", ("新規登録", "確かめた", "退会")), ("社会資源", ("始めた",)),
               ("ニーズ", ("把握", "解決")), ("提言", ("提出", "回答")))


def _city_table(city: Y.CityYearReport) -> Flowable:
    top: list[str] = ["協議体"]
    low: list[str] = [""]
    spans: list[tuple] = [("SPAN", (0, 0), (0, 1))]
    for group, columns in CITY_GROUPS:
        at = len(top)
        top += [group] + [""] * (len(columns) - 1)
        low += list(columns)
        if len(columns) > 1:
            spans.append(("SPAN", (at, 0), (at + len(columns) - 1, 0)))
    rows: list[list] = [top, low]
    for c in city.councils:
        rows.append([c.name, *[_n(v) for v in Y.city_numbers(c.figures)]])
    rows.append([KText("合計", S.DOC_CELL_BOLD), *[_nb(v) for v in Y.city_numbers(city.total)]])
    name_w = 112
    col = (CITY_WIDTH - name_w) / (len(top) - 1)
    return table(rows, [name_w, *[col] * (len(top) - 1)], header_rows=2, zebra=True,
                 extra=[*spans, *TOTAL_ROW, ("LEFTPADDING", (1, 0), (-1, -1), 2),
                        ("RIGHTPADDING", (1, 0), (-1, -1), 3)])


def _city_resources(city: Y.CityYearReport) -> list[Flowable]:
    started = [(c.name, x) for c in city.councils for x in c.resources]
    undated = city.undated_resource_counts
    found: list[Flowable] = [_heading(f"協議体がつくった社会資源（この年度に始めたもの {len(started)}件）")]
    if started:
        rows: list[list] = [["協議体", "始めた日", "名前", "分類"]]
        rows += [[name, wareki(x.started_on), x.name, x.category or "—"] for name, x in started]
        found.append(_fitted(rows, CITY_WIDTH))
    if undated:
        found.append(KText("始めた日なし（年度に入れていません）：" + "、".join(undated), S.DOC_NOTE))
    return found


def make_city(city: Y.CityYearReport) -> tuple[bytes, int]:
    if not city.councils:
        raise PrintError("第2層の協議体がまだありません。各協議体のファイルを読み込んでから印刷してください。")
    t = city.total
    title = f"{city.name} {city.year_label}のまとめ"
    third = (CITY_WIDTH - 2 * 14) / 3
    by_kind = [_heading("会議・活動の種類別（合計）"), *meetings_table(t, third)]
    needs = [_heading("ニーズの分類別（合計）"), *needs_table(t, third)]
    people = [_heading("メンバー（合計）"), *members_table(t, third)]
    story: list[Flowable] = [
        KText(title, S.DOC_TITLE),
        KText(f"第2層協議体 {len(city.councils)}か所の合計　期間：{city.period_text}　"
              f"{wareki(city.today)}作成", S.DOC_SUB),
        _city_table(city),
        Spacer(1, 8),
        CondPageBreak(200),
        table([[by_kind, "", needs, "", people]], [third, 14, third, 14, third], header_rows=0,
              grid=0, pad=0, extra=[("VALIGN", (0, 0), (-1, -1), "TOP")]),
        _heading(f"提言（提出 {t.proposals_raised}件・回答 {t.proposals_answered}件）"),
    ]
    if city.proposals:
        story.append(proposals_table(city.proposals, CITY_WIDTH, council=True))
    else:
        story.append(KText("この年度に提出・回答のあった提言の記録はありません。", S.DOC_BODY))
    story += _city_resources(city)
    story += [CondPageBreak(90), *_notes()]
    return layout.build_pdf(story, pagesize=CITY_PAGE, title=title, footer_left=title,
                            footer_right=f"{wareki(city.today)}作成")
