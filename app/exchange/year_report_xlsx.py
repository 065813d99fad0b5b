"""年度のまとめ as an Excel file, for the coordinator who works on in a spreadsheet: a row per
council (and a 合計 row for the city), numbers as numbers; the proposals and the resources the
councils began on their own sheets with real dates; what each figure counts on 「数え方」.

Text people typed (council names, proposal titles, resource names) stays text even when it starts
with = + - @ (exchange/writer.py), and the file appears only when complete.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.errors import UserError
from app.exchange.export_file import write_atomically
from app.exchange.writer import prepare_row, setup_sheet
from app.models import MEETING_KINDS
from app.services import year_report as Y
from app.services.wareki import wareki

SUMMARY_SHEET, PROPOSALS_SHEET, RESOURCES_SHEET, NOTES_SHEET = "協議体ごと", "提言", "社会資源", "数え方"
TOTAL = "合計"
DATE_FORMAT = "yyyy/m/d"
BOLD = Font(bold=True)

# (header, the figure) in the summary sheet's order; the meeting kinds follow.
COLUMNS: tuple[tuple[str, Callable[[Y.Figures], int]], ...] = (
    ("会議・活動（回）", lambda f: f.meetings),
    ("会議・活動の参加者", lambda f: f.meeting_participants),
    ("出席の記録で数えた回", lambda f: f.meetings_from_attendees),
    ("会議・活動の予定（今日より後）", lambda f: f.meetings_planned),
    ("担い手養成講座（回）", lambda f: f.trainings),
    ("担い手養成講座の参加者", lambda f: f.training_participants),
    ("担い手養成講座の修了者", lambda f: f.completed),
    ("新規登録", lambda f: f.members_new),
    ("新規登録（うちサポーター）", lambda f: f.supporters_new),
    ("登録を確かめた", lambda f: f.members_reconfirmed),
    ("登録を確かめた（うちサポーター）", lambda f: f.supporters_reconfirmed),
    ("退会", lambda f: f.members_left),
    ("退会（うちサポーター）", lambda f: f.supporters_left),
    ("退会日のない退会者", lambda f: f.left_undated),
    ("始めた社会資源", lambda f: f.resources_started),
    ("始めた日なしの社会資源", lambda f: f.resources_undated),
    ("ニーズの把握", lambda f: f.needs_opened),
    ("ニーズの解決", lambda f: f.needs_met),
    ("提言の提出", lambda f: f.proposals_raised),
    ("提言の回答", lambda f: f.proposals_answered),
)


def _kind_columns() -> list[tuple[str, Callable[[Y.Figures], int]]]:
    found: list[tuple[str, Callable[[Y.Figures], int]]] = []
    for kind in MEETING_KINDS:
        found.append((f"会議・活動: {kind}（回）", _by("meetings_by_kind", kind)))
        found.append((f"会議・活動: {kind}の参加者", _by("participants_by_kind", kind)))
    return found


def _by(field: str, kind: str) -> Callable[[Y.Figures], int]:
    return lambda f: getattr(f, field).get(kind, 0)


def headers() -> list[str]:
    return ["協議体", *[h for h, _get in COLUMNS], *[h for h, _get in _kind_columns()]]


def figures_row(name: str, f: Y.Figures) -> list:
    return [name, *[get(f) for _h, get in COLUMNS], *[get(f) for _h, get in _kind_columns()]]


def write_year_report(report: Y.CityYearReport | Y.CouncilYearReport, out: Path | str) -> Path:
    """Write the city's report (a row per council and 合計) or one council's to `out` (.xlsx)."""
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"Excelのファイルは .xlsx で保存してください（{out.name}）。")
    if out.is_dir():
        raise UserError(f"{out} はフォルダーです。ファイル名を指定してください。")
    if isinstance(report, Y.CityYearReport):
        councils, total, title = report.councils, report.total, f"{report.name} {report.year_label}のまとめ"
    else:
        councils, total, title = (report,), None, f"{report.label} {report.year_label}のまとめ"
    wb = openpyxl.Workbook(write_only=True)
    _summary(wb.create_sheet(SUMMARY_SHEET), councils, total)
    _proposals(wb.create_sheet(PROPOSALS_SHEET), [p for c in councils for p in c.proposals])
    _resources(wb.create_sheet(RESOURCES_SHEET), councils)
    _notes(wb.create_sheet(NOTES_SHEET), title, report, len(councils))
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomically(out, buffer.getvalue())
    return out


def _summary(ws: WriteOnlyWorksheet, councils: Sequence[Y.CouncilYearReport], total: Y.Figures | None) -> None:
    names = headers()
    setup_sheet(ws, names, [18, *[12] * (len(names) - 1)], rows=len(councils))
    for c in councils:
        ws.append(prepare_row(ws, figures_row(c.name, c.figures)))
    if total is not None:
        cells = []
        for value in figures_row(TOTAL, total):
            cell = WriteOnlyCell(ws, value)
            cell.font = BOLD
            cells.append(cell)
        ws.append(cells)


def _date(ws: WriteOnlyWorksheet, day: dt.date | None) -> object:
    if day is None:
        return None
    cell = WriteOnlyCell(ws, dt.datetime.combine(day, dt.time()))  # a date cell, shown without the time
    cell.number_format = DATE_FORMAT
    return cell


def _proposals(ws: WriteOnlyWorksheet, lines: Sequence[Y.ProposalLine]) -> None:
    setup_sheet(ws, ["協議体", "提出日", "提言の内容", "提出先", "状況", "回答日"], [16, 12, 48, 22, 10, 12],
                rows=len(lines))
    for p in lines:
        row = prepare_row(ws, [p.council, None, p.title, p.raised_to, p.status, None])
        row[1], row[5] = _date(ws, p.raised_on), _date(ws, p.answered_on)
        ws.append(row)


def _resources(ws: WriteOnlyWorksheet, councils: Sequence[Y.CouncilYearReport]) -> None:
    lines = [(c.name, r) for c in councils for r in (*c.resources, *c.undated_resources)]
    setup_sheet(ws, ["協議体", "名前", "分類", "始めた日"], [16, 32, 16, 14], rows=len(lines))
    for council, r in lines:
        row = prepare_row(ws, [council, r.name, r.category, "始めた日なし" if r.started_on is None else None])
        if r.started_on is not None:
            row[3] = _date(ws, r.started_on)
        ws.append(row)


def _notes(ws: WriteOnlyWorksheet, title: str, report: Y.CityYearReport | Y.CouncilYearReport,
           councils: int) -> None:
    ws.column_dimensions["A"].width = 120  # type: ignore[attr-defined]  # set by Worksheet._setup, not in the stubs
    (heading,) = prepare_row(ws, [title])  # a council's name may start with "="
    if isinstance(heading, str):
        heading = WriteOnlyCell(ws, heading)
    heading.font = Font(bold=True, size=14)
    ws.append([heading])
    ws.append(prepare_row(ws, [f"期間: {report.period_text}　協議体 {councils}か所　"
                               f"{wareki(report.today)}作成"]))
    ws.append([])
    for text in Y.NOTES:
        ws.append(prepare_row(ws, [text]))
