"""Reading an exchange file: every sheet parsed and checked cell by cell, before anything is
written (merge.py resolves the references and merges; merge_rows.py applies the rows)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from app.errors import UserError
from app.exchange import sheets as S
from app.exchange import sync
from app.exchange.workbook import Workbook, open_workbook
from app.exchange.xlsx_package import OTHER_LIST_HINT, FileRefused
from app.services.area_map import PreparedImage
from app.services.normalize import nfkc

MAX_PROBLEMS = 50
NEW_ROW_NAMESPACE = uuid.UUID("6f1d8e0a-3b7c-5d2e-9a41-5a5e5a1e0005")


class ImportFailed(UserError):
    """The files were refused; `problems` lists each with file, sheet, row and column."""

    def __init__(self, problems: Sequence[str], more: bool = False) -> None:
        self.problems = list(problems)
        rest = len(self.problems) - 1
        suffix = ""
        if rest > 0:
            suffix = f"（ほかにも{rest}件{'以上' if more else ''}の問題があります）"
        first = self.problems[0] if self.problems[0].endswith("。") else self.problems[0] + "。"
        super().__init__(first + suffix + "データベースは変えていません。")


# --- reading -----------------------------------------------------------------------------------

@dataclasses.dataclass
class Row:
    number: int
    id: str
    values: dict
    withheld: frozenset[str]
    stamp: S.Stamp | None
    digest: str
    edited: bool
    resolved: dict = dataclasses.field(default_factory=dict)
    links: tuple[str, ...] | None = None


@dataclasses.dataclass
class ParsedFile:
    path: Path
    name: str
    export_id: str
    exported_at: dt.datetime | None
    councils: list[tuple[str, str]]   # (id, name) as the meta sheet lists them
    rows: dict[str, list[Row]]        # by sheet table
    notes: list[str]
    # empty local council id -> the file's council id that replaces it (same name)
    adopted: dict[str, str] = dataclasses.field(default_factory=dict)
    deletions: list[sync.Deleted] = dataclasses.field(default_factory=list)
    images: dict[str, PreparedImage] = dataclasses.field(default_factory=dict)  # by map id, checked


class Problems:
    def __init__(self) -> None:
        self.items: list[str] = []
        self.more = False

    def add(self, text: str) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(text)
        else:
            self.more = True

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_PROBLEMS

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportFailed(self.items, self.more)


def where_in(file: str, sheet: str, row: int | None = None, column: str | None = None) -> str:
    text = f"{file} のシート「{sheet}」"
    if row is not None:
        text += f" {row}行目"
    if column is not None:
        text += f"「{column}」"
    return text


def _header_key(value: object) -> str:
    return nfkc(str(value)).replace(" ", "") if value is not None else ""


def _read_meta(book: Workbook, problems: Problems) -> dict:
    name = book.name
    if S.META_SHEET not in book.sheets:
        problems.add(f"{name} はささえあいノートの書き出しファイルではありません（隠しシート「{S.META_SHEET}」が"
                     "ありません）。" + OTHER_LIST_HINT)
        return {}
    meta: dict = {"council": []}
    for _number, cells in book.rows(S.META_SHEET, max_rows=10_000):
        key = str(cells[0]) if cells and cells[0] is not None else ""
        value = cells[1] if len(cells) > 1 else None
        extra = cells[2] if len(cells) > 2 else None
        if key == "council":
            meta["council"].append((str(value or ""), str(extra or "")))
        elif key:
            meta[key] = value
    if meta.get("format") != S.FORMAT:
        problems.add(f"{name} はささえあいノートの書き出しファイルではありません（形式「{meta.get('format')}」）。")
        return {}
    try:
        version = int(meta.get("format_version") or 0)
    except (TypeError, ValueError):
        version = 0
    if version < 1 or version > S.FORMAT_VERSION:
        problems.add(f"{name} は新しい版のささえあいノート（{meta.get('program_version')}）で書き出されています"
                     f"（ファイルの形式 {meta.get('format_version')}）。この版では読めません。更新してください。")
        return {}
    return meta


def read_file(path: Path, password: str | None, problems: Problems) -> ParsedFile | None:
    """Every sheet parsed and checked cell by cell; None (with problems noted) when unusable."""
    name = path.name
    try:
        book = open_workbook(path, password)
        meta = _read_meta(book, problems)
        if not meta:
            return None
        export_id = str(meta.get("export_id") or "")
        try:
            exported_at = dt.datetime.fromisoformat(str(meta.get("exported_at")))
        except ValueError:
            exported_at = None
        parsed = ParsedFile(path, name, export_id, exported_at, meta["council"], {}, [])
        for sheet in S.SHEETS:
            if sheet.title not in book.sheets:
                if not sheet.optional:  # a file written before the sheet was added has none
                    problems.add(f"{name} にシート「{sheet.title}」がありません。書き出したときのシートを消さないでください。")
                continue
            parsed.rows[sheet.table] = _read_sheet(book, sheet, parsed, problems)
            if problems.full:
                break
        if parsed.rows.get("area_map") and not problems.full:
            from app.exchange import map_sheet  # it reads with where_in from here

            councils = len({cid for cid, _n in parsed.councils} | {r.id for r in parsed.rows.get("council", ())})
            parsed.images = map_sheet.read_images(book, parsed.rows["area_map"], problems, councils)
        if sync.DELETIONS_SHEET in book.sheets:
            parsed.deletions = _read_deletions(book, problems)
        return parsed
    except FileRefused as exc:
        problems.add(str(exc))
        return None


def _read_deletions(book: Workbook, problems: Problems) -> list[sync.Deleted]:
    def when(value: object) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    found: list[sync.Deleted] = []
    for number, cells in book.rows(sync.DELETIONS_SHEET):
        if number == 1:
            continue  # the header
        table, row_id, deleted_at, version = (list(cells) + [None] * 4)[:4]
        stamp = when(deleted_at)
        if not sync.is_synced(str(table)) or not isinstance(row_id, str) or not 0 < len(row_id) <= 36 \
                or stamp is None or (version and when(version) is None):
            problems.add(f"{where_in(book.name, sync.DELETIONS_SHEET, number)}: 削除の記録が読めません"
                         "（このシートは変更しないでください）。")
            continue
        found.append((str(table), row_id, stamp, when(version)))
    return found


def _read_sheet(book: Workbook, sheet: S.Sheet, parsed: ParsedFile, problems: Problems) -> list[Row]:
    name = book.name
    rows_iter = book.rows(sheet.title)
    header = next(rows_iter, None)
    if header is None:
        problems.add(f"{where_in(name, sheet.title)} に見出しの行がありません。")
        return []
    header_number, header_cells = header
    positions: dict[str, int] = {}
    for index, value in enumerate(header_cells):
        key = _header_key(value)
        if not key:
            continue
        if key in positions:
            problems.add(f"{where_in(name, sheet.title, header_number)}: 見出し「{value}」が二つあります。")
            return []
        positions[key] = index
    wanted = [_header_key(c.header) for c in sheet.columns]
    missing = [c.header for c, key in zip(sheet.columns, wanted, strict=True)
               if key not in positions and not c.info and not c.optional]
    absent = frozenset(c.key for c, key in zip(sheet.columns, wanted, strict=True)
                       if key not in positions and c.optional)
    if missing:
        problems.add(f"{where_in(name, sheet.title, header_number)}: 見出し「{'」「'.join(missing)}」がありません"
                     "（列を消したり名前を変えたりしないでください）。")
        return []
    stamp_key = _header_key(S.STAMP_HEADER)
    extra = [h for h in positions if h not in wanted and h != stamp_key]
    if extra:
        parsed.notes.append(f"{where_in(name, sheet.title)}の列「{'」「'.join(extra)}」は読み込みません。")
    index_of = [positions.get(key) for key in wanted]
    stamp_at = positions.get(stamp_key)
    rows: list[Row] = []
    parser = S.RowParser(sheet, absent)
    seen: dict[str, int] = {}
    occurrences: dict[str, int] = defaultdict(int)
    for number, cells in rows_iter:
        width = len(cells)
        ordered = [cells[i] if i is not None and i < width else None for i in index_of]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in ordered):
            continue  # only the hidden stamp left: a row emptied in Excel
        values, withheld, errors = parser.parse(ordered)
        for exc in errors:
            problems.add(f"{where_in(name, sheet.title, number, exc.field)}: {exc.reason}")
        if errors:
            if problems.full:
                problems.more = True  # stop reading: the file is clearly not importable
                break
            continue
        stamp = S.read_stamp(cells[stamp_at]) if stamp_at is not None and stamp_at < width else None
        digest = parser.digest(values, withheld)
        row_id = values.get("id")
        if row_id is None:
            # A row added in Excel: an ID from the file and the row's content, so importing the
            # same file twice finds the same row instead of adding it again.
            occurrences[digest] += 1
            row_id = str(uuid.uuid5(NEW_ROW_NAMESPACE,
                                    f"{parsed.export_id}|{sheet.table}|{digest}|{occurrences[digest]}"))
        if row_id in seen:
            problems.add(f"{where_in(name, sheet.title, number, 'ID')}: ID {row_id} が{seen[row_id]}行目と同じです。")
            continue
        seen[row_id] = number
        edited = stamp is None or stamp.digest != digest
        rows.append(Row(number, row_id, values, withheld, stamp, digest, edited))
    return rows
