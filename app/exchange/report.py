"""Reports as plain text, for the command line (the window shows the same DTOs its own way)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from app.exchange.export_file import ExportReport
from app.text_table import text_table

# --- the import's report ------------------------------------------------------------------------------------

@dataclasses.dataclass
class SheetCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0       # ours is newer: the file's older version was not taken
    conflicts: int = 0
    deleted: int = 0    # deleted there, and not changed here since: deleted here too

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged + self.kept + self.conflicts + self.deleted


@dataclasses.dataclass(frozen=True)
class Conflict:
    file: str
    sheet: str
    row: int
    id: str
    label: str                   # what the row is about (a name, a title)
    fields: tuple[str, ...]      # headers whose values differ
    key: str                     # app_meta key of the kept record


@dataclasses.dataclass
class ImportReport:
    files: tuple[str, ...]
    councils: tuple[str, ...]
    sheets: dict[str, SheetCounts]
    conflicts: list[Conflict]
    notes: list[str]
    backup: Path | None
    dry_run: bool

    @property
    def changed(self) -> bool:
        return any(c.added or c.updated or c.conflicts for c in self.sheets.values())


def format_export(report: ExportReport) -> str:
    councils = "、".join(report.councils[:5]) + (f" ほか{len(report.councils) - 5}協議体"
                                                if len(report.councils) > 5 else "")
    lines = [f"書き出しました: {report.path}（{councils}）"]
    rows = [["シート", "行数"]] + [[title, f"{n:,}"] for title, n in report.rows.items()]
    lines.append(text_table(rows))
    if report.anonymized:
        lines.append("※匿名化: メンバーの氏名・ふりがな・住所・電話・備考は書き出していません。")
    else:
        lines.append("※連絡先の共有に同意していないメンバーの電話・住所は書き出していません。")
    if report.encrypted:
        lines.append("※パスワードをかけました。開くときにExcelがパスワードをたずねます。")
    return "\n".join(lines)


def format_import(report: ImportReport) -> str:
    """What was read, then the warnings (注意), then the counts, the conflicts and the backup,
    so what needs a look is read first."""
    head = "確認しました（--dry-run: データベースは変えていません）" if report.dry_run else "読み込みました"
    lines = [f"{head}: {'、'.join(report.files)}"]
    if report.councils:
        lines.append(f"協議体: {'、'.join(report.councils)}")
    lines += [f"注意: {note}" for note in report.notes]
    rows = [["シート", "追加", "更新", "変更なし", "こちらが新しい", "競合"]]
    for title, c in report.sheets.items():
        if c.total:
            rows.append([title, f"{c.added:,}", f"{c.updated:,}", f"{c.unchanged:,}", f"{c.kept:,}",
                         f"{c.conflicts:,}"])
    if len(rows) > 1:
        lines.append(text_table(rows))
    for conflict in report.conflicts[:50]:
        lines.append(f"競合: {conflict.file} のシート「{conflict.sheet}」{conflict.row}行目"
                     f"（{conflict.label}）: {'・'.join(conflict.fields)} が両方で変わっています。"
                     "こちらの内容を残し、ファイルの内容は競合の記録として保存しました。")
    if len(report.conflicts) > 50:
        lines.append(f"競合はほかに{len(report.conflicts) - 50}件あります。")
    if report.backup:
        lines.append(f"読み込む前のバックアップ: {report.backup}")
    return "\n".join(lines)
