"""The `report` command: 年度のまとめ as plain text on stdout, or saved as a PDF or an .xlsx.

    python -m app --db X report --year 2026 [--council NAME] [-o FILE.pdf|FILE.xlsx]

Without --council the city's report (every tier-2 council and their total). The year and the
file's type are checked while the arguments are read, so a wrong one is a usage error (exit 2).
Only argparse and the date-text module load with the parser; the rest when the command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import UserError, ValidationError
from app.services.wareki import parse_fiscal_year, wareki
from app.text_table import text_table

if TYPE_CHECKING:
    from app.services import year_report as Y
    from app.store import Store

SUFFIXES = (".pdf", ".xlsx")


def year_argument(text: str) -> int:
    """--year as parse_fiscal_year reads it; anything else a usage error."""
    try:
        return parse_fiscal_year(text, "--year（年度）")
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def output_argument(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in SUFFIXES:
        raise argparse.ArgumentTypeError(
            f"保存先は .pdf（印刷用）か .xlsx（Excel）のファイルにしてください（「{text}」）")
    return path


def add_parser(sub, run: Callable[[argparse.Namespace], int]) -> None:
    p = sub.add_parser("report", help="年度のまとめ（会議・研修・メンバー・社会資源・ニーズ・提言の数）を"
                                      "表示する・PDFやExcelに保存する")
    p.add_argument("--year", type=year_argument, metavar="年度",
                   help="2026、２０２６、令和8、R8、平成28 など（既定: 今日の年度。4月から翌年3月まで）")
    p.add_argument("--council", metavar="NAME",
                   help="協議体の名前（例: 八幡）。省略すると第2層の全協議体の合計（第1層用）")
    p.add_argument("-o", "--output", type=output_argument, metavar="FILE",
                   help="保存先 .pdf（A4）か .xlsx（Excel）。省略すると文字で表示します")
    p.set_defaults(run=run)


def run_report(args: argparse.Namespace, open_store: Callable[[argparse.Namespace], Store]) -> int:
    from app.services import councils
    from app.services import year_report as Y

    year = args.year if args.year is not None else Y.current_year()
    with open_store(args) as store:
        council = councils.find_council(store, args.council) if args.council else None
        report = Y.report_for(store, council.id, year) if council else Y.city_report(store, year)
        if args.output is None:
            print(format_report(report))
            return 0
        if args.output.suffix.lower() == ".xlsx":
            from app.exchange.year_report_xlsx import write_year_report

            print(f"保存しました: {write_year_report(report, args.output)}")
            return 0
        result = _render_pdf(store, council.id if council else None, year, args.output)
    for warning in result.warnings:
        print(f"注意: {warning}", file=sys.stderr)
    print(f"保存しました: {result.path}（{result.pages}ページ）")
    return 0


def _render_pdf(store: Store, council_id: str | None, year: int, out: Path):
    from app.printing import render
    from app.services import councils

    if council_id is None:  # the city's: printed for the tier-1 council
        city = next((c for c in councils.list_councils(store) if c.tier == 1), None)
        if city is None:
            raise UserError("第1層の協議体がないため、全体のまとめのPDFを作れません。"
                            "--council で協議体を指定するか、第1層の協議体を登録してください"
                            "（文字の表示と .xlsx はそのままできます）。")
        council_id = city.id
    return render(store, "year-report", council_id, out, year=year)


# --- the text --------------------------------------------------------------------------------

def _n(value: int) -> str:
    return f"{value:,}"


def _day(day: dt.date | None) -> str:
    return wareki(day) if day else "—"


def _heading(title: str, report: Y.CouncilYearReport | Y.CityYearReport) -> list[str]:
    return [title, f"期間: {report.period_text}（{wareki(report.today)}作成）"]


def format_report(report: Y.CouncilYearReport | Y.CityYearReport) -> str:
    from app.services import year_report as Y

    if isinstance(report, Y.CityYearReport):
        return format_city(report)
    return format_council(report)


def _meetings(f: Y.Figures) -> list[str]:
    rows = [["種類", "回数", "参加者"]]
    rows += [[kind, _n(n), _n(f.participants_by_kind.get(kind, 0))] for kind, n in f.meetings_by_kind.items()]
    rows.append(["合計", _n(f.meetings), _n(f.meeting_participants)])
    lines = [f"■ 会議・活動  {f.meetings}回・参加者 {f.meeting_participants:,}人", text_table(rows)]
    if f.meetings_from_attendees:
        lines.append(f"（うち {f.meetings_from_attendees}回は参加人数が空欄のため、出席を記録したメンバーの数）")
    if f.meetings_planned:
        lines.append(f"（今日より後の予定 {f.meetings_planned}回は数えていません）")
    return lines


def _members(f: Y.Figures) -> list[str]:
    from app.services import year_report as Y

    rows = [["", "人数", "うちサポーター"],
            ["新規登録", _n(f.members_new), _n(f.supporters_new)],
            ["登録を確かめた", _n(f.members_reconfirmed), _n(f.supporters_reconfirmed)],
            ["退会", _n(f.members_left), _n(f.supporters_left)]]
    lines = ["■ メンバー・サポーター", text_table(rows)]
    if remark := Y.left_undated_remark(f):
        lines.append(remark)
    return lines


def _needs(f: Y.Figures) -> list[str]:
    from app.services import year_report as Y

    lines = [f"■ ニーズ  把握 {f.needs_opened}件・解決 {f.needs_met}件"]
    categories = list(dict.fromkeys([*f.needs_opened_by_category, *f.needs_met_by_category]))
    if categories:
        rows = [["分類", "把握", "解決"]]
        rows += [[c, _n(f.needs_opened_by_category.get(c, 0)), _n(f.needs_met_by_category.get(c, 0))]
                 for c in categories]
        lines.append(text_table(rows))
    if remark := Y.resolved_undated_remark(f):
        lines.append(remark)
    return lines


def _proposals(lines_in: Sequence[Y.ProposalLine], raised: int, answered: int, *, council: bool) -> list[str]:
    lines = [f"■ 提言  提出 {raised}件・回答 {answered}件"]
    for p in lines_in:
        where = f"、{p.raised_to}" if p.raised_to else ""
        who = f"{p.council}: " if council else ""
        lines.append(f"  {who}{_day(p.raised_on)}提出{where}「{p.title}」 状況: {p.status}"
                     + (f"（回答 {_day(p.answered_on)}）" if p.answered_on else ""))
    return lines


def _notes() -> list[str]:
    from app.services.year_report import NOTES

    return ["数え方", *[f"・{text}" for text in NOTES]]


def format_council(r: Y.CouncilYearReport) -> str:
    f = r.figures
    out = _heading(f"{r.label}　{r.year_label}のまとめ", r) + [""]
    out += _meetings(f) + [""]
    out.append(f"■ 研修（担い手養成講座）  {f.trainings}回・参加者 {f.training_participants:,}人・"
               f"修了者 {f.completed:,}人")
    for t in r.trainings:
        mark = "（予定）" if t.planned else ""
        people = f"{t.participants:,}人" + ("（出席の記録から）" if t.from_attendance else "")
        out.append(f"  {wareki(t.held_on)}  {t.title}{mark}  参加者 {people}・修了者 {t.completed}人")
    out += [""] + _members(f) + [""]
    out.append(f"■ 協議体がつくった社会資源  この年度に始めたもの {f.resources_started}件")
    out += [f"  {wareki(x.started_on)}  {x.name}（{x.category or '分類なし'}）" for x in r.resources]
    if r.undated_resources:
        out.append(f"  始めた日なし（{len(r.undated_resources)}件、年度に入れていません）: "
                   + "、".join(x.name for x in r.undated_resources))
    out += [""] + _needs(f) + [""]
    out += _proposals(r.proposals, f.proposals_raised, f.proposals_answered, council=False)
    return "\n".join([*out, "", *_notes()])


# The headers of Y.city_numbers' columns, after the name.
CITY_COLUMNS = ("協議体", "会議", "参加者", "研修", "参加者", "修了者", "新規登録", "確かめた", "退会",
                "始めた資源", "ニーズ把握", "解決", "提言", "回答")


def _city_row(name: str, f: Y.Figures) -> list[str]:
    from app.services import year_report as Y

    return [name, *[_n(v) for v in Y.city_numbers(f)]]


def format_city(city: Y.CityYearReport) -> str:
    out = _heading(f"{city.name} {city.year_label}のまとめ（第2層協議体 {len(city.councils)}か所の合計）",
                   city) + [""]
    if not city.councils:
        return "\n".join([*out, "第2層の協議体がまだありません。"])
    rows = [list(CITY_COLUMNS), *[_city_row(c.name, c.figures) for c in city.councils],
            _city_row("合計", city.total)]
    t = city.total
    out += [text_table(rows), ""] + _meetings(t) + [""] + _members(t) + [""] + _needs(t) + [""]
    out += _proposals(city.proposals, t.proposals_raised, t.proposals_answered, council=True) + [""]
    out.append(f"■ 協議体がつくった社会資源  この年度に始めたもの {t.resources_started}件")
    out += [f"  {c.name}: {wareki(x.started_on)}  {x.name}" for c in city.councils for x in c.resources]
    undated = city.undated_resource_counts
    if undated:
        out.append("  始めた日なし（年度に入れていません）: " + "、".join(undated))
    return "\n".join([*out, "", *_notes()])
