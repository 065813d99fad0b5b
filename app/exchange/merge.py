"""Reading exchange files back and merging them into the database.

Everything is checked before anything is written: the file itself (workbook.py), the sheets
and headers, every cell (the services' parsers), every reference (協議体, 町内会, 役割, 分類, IDs)
against the database and all the files given. Only then a verified backup is taken and the
files are merged in one transaction, so a problem in the 26th file leaves the database as it was.

Merging is by ID. For each row the hidden stamp says what the row was when it was exported
(its updated_at and a content hash); comparing the cells with that hash tells whether the row
was edited in Excel since:
- same content as ours                         -> unchanged
- not edited, exported version newer than ours -> updated (keeps the exporter's updated_at)
- not edited, ours newer                       -> ours kept ("こちらが新しい")
- edited in Excel, ours unchanged since export -> updated (updated_at: now)
- edited in Excel and ours changed since export, or same stamp but different content
                                               -> conflict: ours stays, theirs is kept in the
                                                  database as a conflict record and reported
Deletions are not carried by a file: a row missing from it is left alone.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import UserError, ValidationError
from app.exchange import sheets as S
from app.exchange import sync
from app.exchange.workbook import OTHER_LIST_HINT, FileRefused, Workbook, open_workbook
from app.models import AppMeta, Base, utcnow
from app.services import backups, preferences
from app.services import meetings as meeting_rules
from app.services import members as member_rules
from app.services import neighbourhoods as neighbourhood_rules
from app.services import resources as resource_rules
from app.services import surveys as survey_rules
from app.services import tallies as tally_rules
from app.services.councils import is_empty_council
from app.services.normalize import nfkc
from app.store import Store

T = Base.metadata.tables
MAX_PROBLEMS = 50
NEW_ROW_NAMESPACE = uuid.UUID("6f1d8e0a-3b7c-5d2e-9a41-5a5e5a1e0005")
CONFLICT_NAMESPACE = uuid.UUID("6f1d8e0a-3b7c-5d2e-9a41-5a5e5a1e0006")
Progress = Callable[[str, int, int], None]  # (step, done, total), for a progress bar
LINKS = {  # sheet table -> (link table, own column, other column, parsed key)
    "member": ("member_role", "member_id", "role_id", "roles"),
    "need": ("need_resource", "need_id", "resource_id", "resources"),
    "meeting": ("meeting_attendance", "meeting_id", "member_id", "attendees"),
}


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


# --- report ------------------------------------------------------------------------------------

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


def _where(file: str, sheet: str, row: int | None = None, column: str | None = None) -> str:
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
                problems.add(f"{name} にシート「{sheet.title}」がありません。書き出したときのシートを消さないでください。")
                continue
            parsed.rows[sheet.table] = _read_sheet(book, sheet, parsed, problems)
            if problems.full:
                break
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
            problems.add(f"{_where(book.name, sync.DELETIONS_SHEET, number)}: 削除の記録が読めません"
                         "（このシートは変更しないでください）。")
            continue
        found.append((str(table), row_id, stamp, when(version)))
    return found


def _read_sheet(book: Workbook, sheet: S.Sheet, parsed: ParsedFile, problems: Problems) -> list[Row]:
    name = book.name
    rows_iter = book.rows(sheet.title)
    header = next(rows_iter, None)
    if header is None:
        problems.add(f"{_where(name, sheet.title)} に見出しの行がありません。")
        return []
    header_number, header_cells = header
    positions: dict[str, int] = {}
    for index, value in enumerate(header_cells):
        key = _header_key(value)
        if not key:
            continue
        if key in positions:
            problems.add(f"{_where(name, sheet.title, header_number)}: 見出し「{value}」が二つあります。")
            return []
        positions[key] = index
    wanted = [_header_key(c.header) for c in sheet.columns]
    missing = [c.header for c, key in zip(sheet.columns, wanted, strict=True)
               if key not in positions and not c.info]
    if missing:
        problems.add(f"{_where(name, sheet.title, header_number)}: 見出し「{'」「'.join(missing)}」がありません"
                     "（列を消したり名前を変えたりしないでください）。")
        return []
    stamp_key = _header_key(S.STAMP_HEADER)
    extra = [h for h in positions if h not in wanted and h != stamp_key]
    if extra:
        parsed.notes.append(f"{_where(name, sheet.title)}の列「{'」「'.join(extra)}」は読み込みません。")
    index_of = [positions.get(key) for key in wanted]
    stamp_at = positions.get(stamp_key)
    rows: list[Row] = []
    parser = S.RowParser(sheet)
    seen: dict[str, int] = {}
    occurrences: dict[str, int] = defaultdict(int)
    for number, cells in rows_iter:
        width = len(cells)
        ordered = [cells[i] if i is not None and i < width else None for i in index_of]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in ordered):
            continue  # only the hidden stamp left: a row emptied in Excel
        values, withheld, errors = parser.parse(ordered)
        for exc in errors:
            problems.add(f"{_where(name, sheet.title, number, exc.field)}: {exc.reason}")
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
            problems.add(f"{_where(name, sheet.title, number, 'ID')}: ID {row_id} が{seen[row_id]}行目と同じです。")
            continue
        seen[row_id] = number
        edited = stamp is None or stamp.digest != digest
        rows.append(Row(number, row_id, values, withheld, stamp, digest, edited))
    return rows


# --- resolving references ----------------------------------------------------------------------

class Resolver:
    """Names and IDs looked up in the database and in every file being imported."""

    def __init__(self, session: Session, files: Sequence[ParsedFile]) -> None:
        self.s = session
        self.files = files
        council = T["council"]
        self.db_councils = {cid: (name, tier) for cid, name, tier in session.execute(
            select(council.c.id, council.c.name, council.c.tier))}
        self.file_councils: dict[str, tuple[str, int]] = {}
        for f in files:
            for row in f.rows.get("council", ()):
                self.file_councils[row.id] = (row.values["name"], row.values["tier"])
        self.council_by_name: dict[str, str] = {nfkc(name): cid for cid, (name, _t) in self.db_councils.items()
                                                if cid not in self.file_councils}
        for cid, (name, _tier) in self.file_councils.items():
            self.council_by_name[nfkc(name)] = cid
        self.roles = {nfkc(n): i for i, n in session.execute(select(T["role"].c.id, T["role"].c.name))}
        self.need_categories = {nfkc(n): i for i, n in session.execute(
            select(T["need_category"].c.id, T["need_category"].c.name))}
        self.resource_categories = {nfkc(n): i for i, n in session.execute(
            select(T["resource_category"].c.id, T["resource_category"].c.name))}
        self.council_ids: set[str] = set(self.file_councils)
        self.neighbourhoods: dict[tuple[str, str], str] = {}
        self.resources: dict[tuple[str, str], set[str]] = defaultdict(set)
        # id -> council id (or parent id for tally/survey children), for rows in files and DB
        self.owner: dict[str, dict[str, object]] = defaultdict(dict)

    # councils
    def tier_of(self, council_id: str) -> int | None:
        found = self.file_councils.get(council_id) or self.db_councils.get(council_id)
        return found[1] if found else None

    def council(self, name: object, f: ParsedFile) -> str:
        if name in (None, ""):
            ids = {cid for cid, _n in f.councils} or {r.id for r in f.rows.get("council", ())}
            if len(ids) == 1:
                return next(iter(ids))
            raise ValidationError(S.COUNCIL, "どの協議体の行か、協議体の名前を入力してください")
        found = self.council_by_name.get(nfkc(str(name)))
        if found is None:
            raise ValidationError(S.COUNCIL, f"協議体「{name}」がシート「協議体」にもデータベースにもありません")
        return found

    def load_council_scope(self, council_ids: Iterable[str]) -> None:
        """What the database already has for these councils: 町内会 and resource names."""
        ids = [c for c in council_ids if c in self.db_councils]
        nb, res = T["neighbourhood"], T["resource"]
        file_nb = {r.id for f in self.files for r in f.rows.get("neighbourhood", ())}
        file_res = {r.id for f in self.files for r in f.rows.get("resource", ())}
        for chunk in _chunks(ids):
            for nid, cid, name in self.s.execute(select(nb.c.id, nb.c.council_id, nb.c.name)
                                                 .where(nb.c.council_id.in_(chunk))):
                if nid not in file_nb:
                    self.neighbourhoods.setdefault((cid, nfkc(name)), nid)
            for rid, cid, name in self.s.execute(select(res.c.id, res.c.council_id, res.c.name)
                                                 .where(res.c.council_id.in_(chunk))):
                if rid not in file_res:
                    self.resources[(cid, nfkc(name))].add(rid)
                    self.owner["resource"][rid] = cid

    def neighbourhood(self, council_id: str, name: object, label: str = "町内会") -> str | None:
        if name in (None, ""):
            return None
        found = self.neighbourhoods.get((council_id, nfkc(str(name))))
        if found is None:
            council = self.council_name(council_id)
            raise ValidationError(label, f"「{name}」は{council}の町内会にありません（シート「町内会」に加えてください）")
        return found

    def council_name(self, council_id: str) -> str:
        found = self.file_councils.get(council_id) or self.db_councils.get(council_id)
        return found[0] if found else council_id

    def reference(self, table: str, name: object, label: str) -> str | None:
        if name in (None, ""):
            return None
        lookup = {"role": self.roles, "need_category": self.need_categories,
                  "resource_category": self.resource_categories}[table]
        found = lookup.get(nfkc(str(name)))
        if found is None:
            names = "、".join(sorted(lookup, key=lambda n: n))
            raise ValidationError(label, f"「{name}」は一覧にありません（{names}）")
        return found

    # rows referenced by ID
    def owner_of(self, table: str, row_id: str, label: str, column: str) -> object:
        owners = self.owner[table]
        if row_id in owners:
            return owners[row_id]
        t = T[table.removesuffix("_persons")]
        found = self.s.execute(select(t.c[column]).where(t.c.id == row_id)).first()
        if found is None:
            raise ValidationError(label, f"ID {row_id} の行がファイルにもデータベースにもありません")
        owners[row_id] = found[0]
        return found[0]

    def prefetch(self, table: str, column: str, ids: Iterable[str]) -> None:
        owners = self.owner[table]
        wanted = [i for i in set(ids) if i not in owners]
        t = T[table]
        for chunk in _chunks(wanted):
            for row_id, value in self.s.execute(select(t.c.id, t.c[column]).where(t.c.id.in_(chunk))):
                owners[row_id] = value


def _chunks(items: Sequence | Iterable, size: int = 500) -> Iterable[list]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _council_row(row: Row, r: Resolver, f: ParsedFile, notes: list[str]) -> None:
    v = row.values
    values = {k: v[k] for k in ("name", "tier", "area_name", "founded_on", "meeting_place",
                                "meeting_schedule", "population", "households", "aged_65_plus",
                                "aged_75_plus", "stated_aging_rate", "stats_as_of", "note")}
    parent_name = v.get("parent")
    parent_id = None
    if v["tier"] == 1:
        if parent_name:
            raise ValidationError("第1層協議体", "第1層の協議体は、ほかの協議体の下には入りません（空けてください）")
    elif parent_name:
        parent_id = r.council_by_name.get(nfkc(str(parent_name)))
        if parent_id == row.id:
            raise ValidationError("第1層協議体", "自分自身を上の協議体にはできません")
        if parent_id is not None and r.tier_of(parent_id) != 1:
            raise ValidationError("第1層協議体", f"「{parent_name}」は第1層の協議体ではありません")
        if parent_id is None:
            tier1 = {cid for cid, (_n, tier) in {**r.db_councils, **r.file_councils}.items() if tier == 1}
            if len(tier1) == 1:
                parent_id = next(iter(tier1))
                notes.append(f"{f.name}: 協議体「{v['name']}」の第1層協議体「{parent_name}」が見つからないので、"
                             f"「{r.council_name(parent_id)}」の下に入れました。")
            else:
                notes.append(f"{f.name}: 協議体「{v['name']}」の第1層協議体「{parent_name}」が見つからないので、"
                             "つながりなしで取り込みました。")
    values["parent_id"] = parent_id
    row.resolved = values


def _resolve_row(table: str, row: Row, r: Resolver, f: ParsedFile, notes: list[str]) -> None:  # noqa: C901
    v = row.values
    if table == "council":
        _council_row(row, r, f, notes)
        return
    out: dict[str, object] = {}
    if table in ("council_contact", "vision_revision", "neighbourhood", "member", "training", "need",
                 "tally", "survey", "resource", "meeting"):
        out["council_id"] = council_id = r.council(v.get("council"), f)
    if table == "council_contact":
        out.update({k: v[k] for k in ("position", "kind", "name", "person", "phone")})
    elif table == "vision_revision":
        out.update({k: v[k] for k in ("phrase", "subtitle", "decided_on", "note")})
    elif table == "neighbourhood":
        out.update({k: v[k] for k in ("name", "position", "households", "population", "aged_65_plus",
                                      "aged_75_plus", "stated_aging_rate", "stats_as_of")})
        neighbourhood_rules.check_counts(v)
    elif table == "member":
        out.update({k: v[k] for k in ("name", "furigana", "is_core", "registered_on",
                                      "last_confirmed_on", "status", "phone", "address", "note",
                                      "consent_handbook", "consent_share_contact")
                    if k not in row.withheld})
        out["is_thinker"], out["is_provider"] = v["kinds"]
        out["neighbourhood_id"] = r.neighbourhood(council_id, v["neighbourhood"])
        member_rules.check_dates(v)
        row.links = tuple(sorted({r.reference("role", n, "役割") for n in v["roles"]}))  # type: ignore[misc]
        r.owner["member"][row.id] = council_id
    elif table == "training":
        out.update({k: v[k] for k in ("held_on", "title", "venue", "participant_count", "note")})
        r.owner["training"][row.id] = council_id
    elif table == "training_attendance":
        training_council = r.owner_of("training", v["training_id"], "研修ID", "council_id")
        member_council = r.owner_of("member", v["member_id"], "メンバーID", "council_id")
        if training_council != member_council:
            raise ValidationError("メンバーID", "研修と別の協議体のメンバーです")
        out.update({k: v[k] for k in ("training_id", "member_id", "completed")})
    elif table == "need":
        out.update({k: v[k] for k in ("description", "count", "source", "noted_on", "status")})
        out["category_id"] = r.reference("need_category", v["category"], "分類")
        out["neighbourhood_id"] = r.neighbourhood(council_id, v["neighbourhood"])
        row.links = tuple(sorted({rid for e in v["resources"] for rid in _resource_entries(r, council_id, e)}))
    elif table == "tally":
        out.update({k: v[k] for k in ("kind", "title", "period_from", "period_to", "source", "note")})
        tally_rules.check_period(v["period_from"], v["period_to"])
        r.owner["tally"][row.id] = council_id
    elif table == "tally_column":
        r.owner_of("tally", v["tally_id"], "集計表ID", "council_id")
        out.update({k: v[k] for k in ("tally_id", "position", "group", "label")})
        out["need_category_id"] = r.reference("need_category", v["need_category"], "ニーズの分類")
        r.owner["tally_column"][row.id] = v["tally_id"]
    elif table == "tally_row":
        tally_council = r.owner_of("tally", v["tally_id"], "集計表ID", "council_id")
        out.update({k: v[k] for k in ("tally_id", "position", "label", "target_persons")})
        out["neighbourhood_id"] = r.neighbourhood(str(tally_council), v["neighbourhood"])
        r.owner["tally_row"][row.id] = v["tally_id"]
        r.owner["tally_row_persons"][row.id] = v["target_persons"]
    elif table == "tally_cell":
        row_tally = r.owner_of("tally_row", v["row_id"], "行ID", "tally_id")
        column_tally = r.owner_of("tally_column", v["column_id"], "列ID", "tally_id")
        if row_tally != column_tally:
            raise ValidationError("列ID", "行と列が別の集計表のものです")
        persons = r.owner_of("tally_row_persons", v["row_id"], "行ID", "target_persons")
        if persons is not None and v["count"] > persons:  # type: ignore[operator]
            raise ValidationError("数", f"{v['count']}人は対象人数（{persons}人）より多いので入りません")
        out.update({k: v[k] for k in ("row_id", "column_id", "count")})
    elif table == "survey":
        out.update({k: v[k] for k in ("title", "conducted_on", "distributed", "returned", "note")})
        survey_rules.check_counts(v)
        r.owner["survey"][row.id] = council_id
    elif table == "survey_question":
        r.owner_of("survey", v["survey_id"], "アンケートID", "council_id")
        out.update({k: v[k] for k in ("survey_id", "position", "text", "kind")})
        r.owner["survey_question"][row.id] = v["survey_id"]
    elif table == "survey_choice":
        r.owner_of("survey_question", v["question_id"], "設問ID", "survey_id")
        out.update({k: v[k] for k in ("question_id", "position", "text", "count")})
    elif table == "resource":
        out.update({k: v[k] for k in ("name", "content", "operator_type", "representative", "phone",
                                      "venue", "schedule_text", "skip_holidays", "target", "fee",
                                      "created_by_council", "last_verified_on", "map_x", "map_y",
                                      "note", "position")})
        out["category_id"] = r.reference("resource_category", v["category"], "分類")
        out["neighbourhood_id"] = r.neighbourhood(council_id, v["neighbourhood"])
        start, end = S.first_slot(v["schedule_text"] or "")
        for key, label, derived in (("start_info", "開始", start), ("end_info", "終了", end)):
            if v.get(key) is not None and v[key] != derived:
                raise ValidationError(label, "開始・終了は「日程」から決まります。時刻は「日程」の欄を直してください")
        r.owner["resource"][row.id] = council_id
    elif table == "meeting":
        out.update({k: v[k] for k in ("held_on", "start_time", "end_time", "kind", "title", "venue",
                                      "attendance_count", "minutes")})
        attendees = v["attendees"]
        meeting_rules.check_values(v, len(attendees))
        for member_id in attendees:
            if r.owner_of("member", member_id, "出席メンバーID", "council_id") != council_id:
                raise ValidationError("出席メンバーID", f"ID {member_id} はこの協議体のメンバーではありません")
        row.links = tuple(attendees)
    row.resolved = out


def _resource_entries(r: Resolver, council_id: str, entry: str) -> list[str]:
    """One line of 対応する社会資源: a name, 「名前［ID］」, or several names typed with 、."""
    try:
        return [_resource_entry(r, council_id, entry)]
    except ValidationError:
        parts = [p.strip() for p in entry.split("、") if p.strip()]
        if len(parts) < 2:
            raise
        return [_resource_entry(r, council_id, p) for p in parts]


def _resource_entry(r: Resolver, council_id: str, entry: str) -> str:
    label = "対応する社会資源"
    if entry.endswith("］") and "［" in entry:
        name, _sep, rest = entry.rpartition("［")
        rid = S.required_id(rest[:-1], label)
        if r.owner_of("resource", rid, label, "council_id") != council_id:
            raise ValidationError(label, f"「{name}」はこの協議体の社会資源ではありません")
        return rid
    found = r.resources.get((council_id, nfkc(entry)), set())
    if not found:
        raise ValidationError(label, f"「{entry}」はこの協議体の社会資源にありません（シート「社会資源」の名称で書いてください）")
    if len(found) > 1:
        raise ValidationError(label, f"「{entry}」という社会資源が{len(found)}件あります。"
                                     "「名称［ID］」の形でどれか指定してください")
    return next(iter(found))


def resolve_all(session: Session, files: Sequence[ParsedFile], problems: Problems) -> list[str]:
    """Turn every parsed row into stored values; returns notes. Problems collect the failures."""
    r = Resolver(session, files)
    notes: list[str] = []
    _check_unique_councils(r, files, problems)
    r.load_council_scope(_councils_named(r, files))
    # 町内会 and resources of the files go in before the rows that name them.
    file_neighbourhoods = _file_ids(files, "neighbourhood")
    for f in files:
        for row in f.rows.get("neighbourhood", ()):
            try:
                cid = r.council(row.values.get("council"), f)
            except ValidationError:
                continue
            key = (cid, nfkc(row.values["name"]))
            other = r.neighbourhoods.get(key)
            if other is not None and other != row.id and other not in file_neighbourhoods:
                problems.add(f"{_where(f.name, '町内会', row.number, '町内会名')}: 「{row.values['name']}」は"
                             f"{r.council_name(cid)}にもう別のIDで登録されています。")
            r.neighbourhoods[key] = row.id
        for row in f.rows.get("resource", ()):
            try:
                cid = r.council(row.values.get("council"), f)
            except ValidationError:
                continue
            r.resources[(cid, nfkc(row.values["name"]))].add(row.id)
    for f in files:
        prefetch = defaultdict(set)
        for row in f.rows.get("training_attendance", ()):
            prefetch[("member", "council_id")].add(row.values["member_id"])
            prefetch[("training", "council_id")].add(row.values["training_id"])
        for row in f.rows.get("meeting", ()):
            prefetch[("member", "council_id")].update(row.values["attendees"])
        for (table, column), ids in prefetch.items():
            r.prefetch(table, column, ids)
    for sheet in S.APPLY_ORDER:
        for f in files:
            rows = f.rows.get(sheet.table, ())
            if sheet.table == "council":
                rows = sorted(rows, key=lambda x: x.values["tier"])
            for row in rows:
                try:
                    _resolve_row(sheet.table, row, r, f, notes)
                except ValidationError as exc:
                    problems.add(f"{_where(f.name, sheet.title, row.number, exc.field)}: {exc.reason}")
                if problems.full:
                    return notes
    _check_unique_rows(session, files, problems)
    _check_providers(session, files, problems)
    return notes


def _file_ids(files: Sequence[ParsedFile], table: str) -> set[str]:
    return {row.id for f in files for row in f.rows.get(table, ())}


def _councils_named(r: Resolver, files: Sequence[ParsedFile]) -> set[str]:
    """Councils whose rows the files carry (by the 協議体 column or as the file's council)."""
    found = set(r.file_councils)
    names: set[str] = set()
    for f in files:
        found.update(cid for cid, _n in f.councils)
        for sheet in S.SHEETS:
            if sheet.scoped:
                names.update({row.values.get("council") for row in f.rows.get(sheet.table, ())})
    for name in names - {None, ""}:
        cid = r.council_by_name.get(nfkc(str(name)))
        if cid:
            found.add(cid)
    return found


def _check_unique_councils(r: Resolver, files: Sequence[ParsedFile], problems: Problems) -> None:
    """One council per name. An empty council of the same name in the database (made on a new
    PC before its own file was read) is replaced by the file's council: it is adopted."""
    by_name: dict[str, str] = {}
    for cid, (name, _tier) in r.db_councils.items():
        if cid not in r.file_councils:
            by_name[nfkc(name)] = cid
    adopted: set[str] = set()
    for f in files:
        for row in f.rows.get("council", ()):
            key = nfkc(row.values["name"])
            other = by_name.get(key)
            if (other is not None and other != row.id and other in r.db_councils
                    and other not in r.file_councils and other not in adopted
                    and is_empty_council(r.s, other)):
                adopted.add(other)
                f.adopted[other] = row.id
                name = r.db_councils[other][0]
                f.notes.append(f"この協議体「{name}」は空だったので、ファイルの{row.values['name']}のデータを"
                               "そのまま使いました。")
                by_name[key] = row.id
                continue
            if other is not None and other != row.id:
                where = "データベース" if other in r.db_councils and other not in r.file_councils else "別のファイル"
                problems.add(f"{_where(f.name, '協議体', row.number, '名前')}: 協議体「{row.values['name']}」は"
                             f"{where}に別のIDで登録されています。同じ名前の協議体は二つ持てません"
                             "（名前を変えるか、同じ協議体のファイルか確かめてください）。")
            by_name[key] = row.id


def _check_unique_rows(session: Session, files: Sequence[ParsedFile], problems: Problems) -> None:
    """A 数 per (行, 列) and one attendance per (研修, メンバー), across files and database."""
    for table, a, b, sheet in (("tally_cell", "row_id", "column_id", "集計表の数"),
                               ("training_attendance", "training_id", "member_id", "研修の出席")):
        rows = [(f, row) for f in files for row in f.rows.get(table, ())]
        if not rows:
            continue
        t = T[table]
        keys: dict[tuple, str] = {}
        parents = list({row.values[a] for _f, row in rows})
        file_ids = {row.id for _f, row in rows}
        for chunk in _chunks(parents):
            for rid, x, y in session.execute(select(t.c.id, t.c[a], t.c[b]).where(t.c[a].in_(chunk))):
                if rid not in file_ids:
                    keys[(x, y)] = rid
        for f, row in rows:
            key = (row.values[a], row.values[b])
            other = keys.get(key)
            if other is not None and other != row.id:
                problems.add(f"{_where(f.name, sheet, row.number)}: 同じ組み合わせの行が別のIDでもうあります（ID {other}）。")
            keys[key] = row.id


def _check_providers(session: Session, files: Sequence[ParsedFile], problems: Problems) -> None:
    """サービスの担い手 only after a completed 担い手養成講座, as the member form insists."""
    providers = [(f, row) for f in files for row in f.rows.get("member", ())
                 if row.resolved.get("is_provider")]
    if not providers:
        return
    completed: dict[str, set[str]] = defaultdict(set)  # member -> attendance ids completed
    in_files: dict[str, bool] = {}
    for f in files:
        for row in f.rows.get("training_attendance", ()):
            in_files[row.id] = bool(row.values["completed"])
            if row.values["completed"]:
                completed[row.values["member_id"]].add(row.id)
    ta = T["training_attendance"]
    members = [row.id for _f, row in providers]
    for chunk in _chunks(members):
        for aid, member_id in session.execute(select(ta.c.id, ta.c.member_id).where(
                ta.c.member_id.in_(chunk), ta.c.completed.is_(True))):
            if in_files.get(aid, True):
                completed[member_id].add(aid)
    for f, row in providers:
        if not completed.get(row.id):
            problems.add(f"{_where(f.name, 'メンバー', row.number, '区分')}: 担い手養成講座を修了した人だけが"
                         "「サービスの担い手」になれます（シート「研修の出席」で修了を記録してください）。")


# --- merging -----------------------------------------------------------------------------------

def _derived(table: str, values: dict) -> dict:
    if table == "member":
        return {"sort_key": member_rules.sort_key(values.get("furigana"), values.get("name"))}
    if table == "resource":
        return {"schedule": resource_rules.stored_schedule(values.get("schedule_text"))}
    return {}


def _insert_defaults(table: str, row: Row) -> dict:
    if table != "member":
        return {}
    return {key: (S.WITHHELD if key == "name" else "")
            for key in ("name", "furigana", "phone", "address", "note") if key in row.withheld}


def _links_of(session: Session, table: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
    link_table, own, other, _key = LINKS[table]
    t = T[link_table]
    found: dict[str, list[str]] = defaultdict(list)
    for chunk in _chunks(ids):
        for a, b in session.execute(select(t.c[own], t.c[other]).where(t.c[own].in_(chunk))):
            found[a].append(b)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def _label(values: dict, row_id: str) -> str:
    """What a row is about, for a person: its name, title, wording…, else its id."""
    for key in ("name", "title", "phrase", "label", "text", "description"):
        value = values.get(key)
        if value:
            return str(value)[:40]
    return row_id


def _jsonable(value: object) -> object:
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _bulk_insert(session: Session, table, records: list[dict]) -> None:
    """One executemany through the driver with SQLAlchemy's own type conversions: the ORM-free
    Core insert spends most of its time per row building parameters, ~3x slower for 68,000 rows."""
    connection = session.connection()
    dialect = connection.dialect
    columns = list(table.columns)
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    defaults = []
    for c in columns:
        arg = c.default.arg if c.default is not None and c.default.is_scalar else None
        defaults.append(arg)
    names = [c.name for c in columns]
    plan = list(zip(names, processors, defaults, strict=True))
    rows = [tuple((proc(r.get(name, default)) if proc else r.get(name, default))
                  for name, proc, default in plan) for r in records]
    quoted = ", ".join(dialect.identifier_preparer.quote(n) for n in names)
    marks = ", ".join("?" for _ in names)
    connection.exec_driver_sql(
        f"INSERT INTO {dialect.identifier_preparer.quote(table.name)} ({quoted}) VALUES ({marks})", rows)


class Merger:
    def __init__(self, session: Session, now: dt.datetime, progress: Progress | None = None) -> None:
        self.s = session
        self.now = now
        self.progress = progress or (lambda _step, _done, _total: None)
        self.counts: dict[str, SheetCounts] = {s.title: SheetCounts() for s in S.SHEETS}
        self.conflicts: list[Conflict] = []
        self.conflict_records: dict[str, str] = {}
        # Rows a deletion could not take (edited since) and rows brought back by an edit: the
        # rows the same delete took with them (a member's training attendance) follow them.
        self.kept: set[str] = set()
        self.brought_back: set[str] = set()
        self.settled: set[str] = set()  # rows whose fields came from the file without a clash

    def merge(self, files: Sequence[ParsedFile]) -> None:
        """Sheet by sheet across all files (parents of every file before any child), file by
        file within a sheet, so a row in two files is merged twice, in the order given."""
        for number, sheet in enumerate(S.APPLY_ORDER):
            self.progress("まとめ", number, len(S.APPLY_ORDER))
            for f in files:
                rows = f.rows.get(sheet.table, [])
                if sheet.table == "council":
                    rows = sorted(rows, key=lambda x: x.values["tier"])
                if rows:
                    self._merge_sheet(f, sheet, rows)

    def _merge_sheet(self, f: ParsedFile, sheet: S.Sheet, rows: list[Row]) -> None:
        t = T[sheet.table]
        ids = [row.id for row in rows]
        ours: dict[str, dict] = {}
        for chunk in _chunks(ids):
            for found in self.s.execute(select(t).where(t.c.id.in_(chunk))).mappings():
                ours[found["id"]] = dict(found)
        ours_links = _links_of(self.s, sheet.table, list(ours)) if sheet.table in LINKS else {}
        bases = sync.load_bases(self.s, sheet.table, list(ours))
        gone = sync.deleted_here(self.s, sheet.table, [i for i in ids if i not in ours])
        counts = self.counts[sheet.title]
        inserts: list[dict] = []
        link_rows: list[tuple[str, tuple[str, ...]]] = []
        agreed: dict[str, sync.Base] = {}
        for row in rows:
            values = row.resolved
            theirs = self._fields(sheet.table, values, row.links)
            theirs_base = sync.decode(row.stamp.base) if row.stamp else None
            mine = ours.get(row.id)
            if mine is None:
                if row.id in gone:
                    parent_back = any(values.get(c) in self.brought_back for c in _parents(sheet.table))
                    if not parent_back and not sync.changed_since(theirs_base, theirs):
                        counts.kept += 1  # untouched there since: our deletion stands
                        continue
                    if not parent_back:
                        # Edited there after we deleted it: the edit wins on both sides, listed.
                        self._conflict(f, sheet, row, "deleted_here", {}, {}, ())
                    self.brought_back.add(row.id)
                stamp = row.stamp
                created = stamp.created if stamp and stamp.created else self.now
                updated = stamp.updated if stamp and stamp.updated and not row.edited else self.now
                record = {"id": row.id, "created_at": created, "updated_at": updated,
                          **values, **_insert_defaults(sheet.table, row)}
                record.update(_derived(sheet.table, record))
                inserts.append(record)
                if row.links is not None:
                    link_rows.append((row.id, row.links))
                agreed[row.id] = sync.hashes(theirs)
                counts.added += 1
                continue
            mine_fields = self._fields(sheet.table, {k: mine.get(k) for k in values},
                                      ours_links.get(row.id, ()) if row.links is not None else None)
            differs = [k for k in theirs if mine_fields[k] != theirs[k]]
            if not differs:
                agreed[row.id] = sync.hashes(theirs)
                counts.unchanged += 1
                continue
            theirs_time = self.now if row.edited or not (row.stamp and row.stamp.updated) else row.stamp.updated
            theirs_newer = (theirs_time, row.digest) > (mine["updated_at"], _digest_of(mine_fields))
            # One side's base stands for both when the other has none yet: it is what that
            # side agreed on with the other's (or a shared) file.
            mine_base = bases.get(row.id) or theirs_base
            alike = mine_base is not None  # both sides decide a clash the same way
            if mine_base is None:  # neither side has read the other's file yet
                take, clash, theirs_newer = self._first_contact(row, mine, differs)
            else:
                take, clash = self._decide(differs, theirs, mine_fields, theirs_base or mine_base,
                                           mine_base, theirs_newer)
            if clash:
                self._conflict(f, sheet, row, "fields", {k: mine_fields[k] for k in clash},
                               {k: theirs[k] for k in clash}, clash, kept="theirs" if theirs_newer else "ours")
                counts.conflicts += 1
            if take:
                change = {k: theirs[k] for k in take if k in values}
                merged = {**mine, **change}
                change.update(_derived(sheet.table, merged))
                change["updated_at"] = max(theirs_time, mine["updated_at"])
                self.s.execute(update(t).where(t.c.id == row.id).values(**change))
                if row.links is not None and LINKS[sheet.table][3] in take:
                    link_rows.append((row.id, row.links))
                if not clash:
                    counts.updated += 1
                    self.settled.add(row.id)
            elif not clash:
                counts.kept += 1
            final = {k: (theirs[k] if k in take else mine_fields[k]) for k in theirs}
            old = bases.get(row.id, {})
            # Agreed: what both now hold, and what a clash decided on both sides alike.
            agreed[row.id] = {k: sync.field_hash(v) if v == theirs[k] or (alike and k in clash)
                              else old.get(k, "") for k, v in final.items()}
        if inserts:
            _bulk_insert(self.s, t, inserts)
        if link_rows:
            link_table, own, other, _key = LINKS[sheet.table]
            lt = T[link_table]
            for chunk in _chunks([rid for rid, _l in link_rows]):
                self.s.execute(delete(lt).where(lt.c[own].in_(chunk)))
            pairs = [{own: rid, other: target} for rid, targets in link_rows for target in targets]
            if pairs:
                _bulk_insert(self.s, lt, pairs)
        sync.save_bases(self.s, sheet.table, {k: {f: h for f, h in v.items() if h} for k, v in agreed.items()})

    @staticmethod
    def _fields(table: str, values: dict, links: tuple[str, ...] | None) -> dict:
        """A row's fields as merged: its columns, and its links (roles, ...) as one field."""
        fields = dict(values)
        if links is not None:
            fields[LINKS[table][3]] = tuple(links)
        return fields

    @staticmethod
    def _first_contact(row: Row, mine: dict, differs: list[str]) -> tuple[list[str], list[str], bool]:
        """No base on either side: the row's stamps decide, as a whole row (take, clash, newer)."""
        exported = row.stamp.updated if row.stamp else None
        if not row.edited:
            if exported is not None and exported > mine["updated_at"]:
                return differs, [], True
            if exported is not None and exported < mine["updated_at"]:
                return [], [], False
            return [], differs, False  # the same time, different content: a person decides
        if exported is not None and mine["updated_at"] <= exported:
            return differs, [], True  # edited in Excel, ours untouched since it was written
        return [], differs, False

    @staticmethod
    def _decide(differs: list[str], theirs: dict, mine: dict, theirs_base: sync.Base,
                mine_base: sync.Base, theirs_newer: bool) -> tuple[list[str], list[str]]:
        """Which differing fields to take, and which both sides changed (exchange/sync.py)."""
        take: list[str] = []
        clash: list[str] = []
        for key in differs:
            they = sync.field_hash(theirs[key]) != theirs_base.get(key)
            we = sync.field_hash(mine[key]) != mine_base.get(key)
            if they and we:
                clash.append(key)
                if theirs_newer:
                    take.append(key)
            elif they or (not we and theirs_newer):
                take.append(key)
        return take, clash

    def apply_deletions(self, f: ParsedFile) -> None:
        """The file's deletions: our copy goes unless we changed it since we last agreed on it
        (then it stays, listed for a person); unknown ids are kept as deletions, to travel on."""
        by_table: dict[str, list[tuple[str, dt.datetime, dt.datetime | None]]] = defaultdict(list)
        for table, row_id, when, version in f.deletions:
            by_table[table].append((row_id, when, version))
        for sheet in S.APPLY_ORDER:
            wanted = by_table.get(sheet.table)
            if not wanted:
                continue
            t = T[sheet.table]
            ids = [row_id for row_id, _w, _v in wanted]
            ours: dict[str, dict] = {}
            for chunk in _chunks(ids):
                for found in self.s.execute(select(t).where(t.c.id.in_(chunk))).mappings():
                    ours[found["id"]] = dict(found)
            bases = sync.load_bases(self.s, sheet.table, list(ours))
            links = _links_of(self.s, sheet.table, list(ours)) if sheet.table in LINKS else {}
            counts = self.counts[sheet.title]
            for row_id, when, version in wanted:
                mine = ours.get(row_id)
                if mine is not None and any(mine.get(c) in self.kept for c in _parents(sheet.table)):
                    self.kept.add(row_id)  # went with a parent that stays here
                    continue
                if mine is not None:
                    base = bases.get(row_id)
                    fields = {k: mine.get(k) for k in (base or {}) if k in mine}
                    if sheet.table in LINKS and base and LINKS[sheet.table][3] in base:
                        fields[LINKS[sheet.table][3]] = links.get(row_id, ())
                    # Ours is the version they deleted, or unchanged since we last agreed.
                    same_version = version is not None and mine["updated_at"] <= version
                    unchanged = base is not None and not sync.changed_since(base, fields)
                    if same_version or unchanged:
                        self.s.execute(delete(t).where(t.c.id == row_id))
                        counts.deleted += 1
                    else:
                        self._conflict_deleted_there(f, sheet, row_id, mine)
                        self.kept.add(row_id)
                        counts.conflicts += 1
                        continue
                sync.note_deletion(self.s, sheet.table, row_id, when, version)

    def clear_settled(self) -> None:
        """A conflict decided on the other PC arrives as a plain change: its record here goes,
        as does the record of a deletion conflict whose row is gone by now."""
        for key, value in self.s.execute(select(AppMeta.key, AppMeta.value)
                                         .where(AppMeta.key.like("conflict:%"))).all():
            record = json.loads(value)
            t = T[record["table"]]
            gone = self.s.execute(select(t.c.id).where(t.c.id == record["id"])).first() is None
            if record.get("kind", "fields") == "fields" and (record["id"] in self.settled or gone) or \
                    record.get("kind") != "fields" and gone:
                self.s.execute(delete(AppMeta).where(AppMeta.key == key))

    def _conflict(self, f: ParsedFile, sheet: S.Sheet, row: Row, kind: str, ours: dict, theirs: dict,
                  fields: Iterable[str], kept: str = "theirs") -> None:
        """Listed for a person: which fields, both versions of those fields only, which was kept."""
        headers = {c.key: c.header for c in sheet.columns}
        keys = {_field_header(sheet, k, headers): k for k in fields}
        self._record(f, sheet, row.id, row.number, _label(row.values, row.id), kind, list(keys),
                     {_field_header(sheet, k, headers): _jsonable(v) for k, v in ours.items()},
                     {_field_header(sheet, k, headers): _jsonable(v) for k, v in theirs.items()}, kept,
                     keys)

    def _conflict_deleted_there(self, f: ParsedFile, sheet: S.Sheet, row_id: str, mine: dict) -> None:
        self._record(f, sheet, row_id, None, _label(mine, row_id), "deleted_there", [], {}, {}, "ours")

    def _record(self, f: ParsedFile, sheet: S.Sheet, row_id: str, number: int | None, label: str,
                kind: str, fields: list[str], ours: dict, theirs: dict, kept: str,
                keys: dict[str, str] | None = None) -> None:
        key = "conflict:" + str(uuid.uuid5(CONFLICT_NAMESPACE, f"{sheet.table}|{row_id}|{kind}|{sorted(fields)}"))
        record = {"kind": kind, "sheet": sheet.title, "table": sheet.table, "id": row_id, "label": label,
                  "file": f.name, "row": number, "imported_at": self.now.isoformat(timespec="seconds"),
                  "fields": fields, "ours": ours, "theirs": theirs, "kept": kept, "keys": keys or {}}
        self.conflicts.append(Conflict(f.name, sheet.title, number or 0, row_id, label, tuple(fields), key))
        _put_meta(self.s, key, json.dumps(record, ensure_ascii=False))


@functools.cache
def _parents(table: str) -> tuple[str, ...]:
    """Columns pointing at another exchanged row (a delete there cascades here)."""
    return tuple(fk.parent.name for fk in T[table].foreign_keys
                 if sync.is_synced(fk.column.table.name) and fk.ondelete == "CASCADE")


def _digest_of(fields: dict) -> str:
    return sync.field_hash(tuple(sorted((k, repr(v)) for k, v in fields.items())))


def _make_room(session: Session, adopted: dict[str, str]) -> dict[str, list[str]]:
    """Delete the empty councils being adopted (their names are taken by the file's councils);
    returns the councils that were under each one, to put them under its successor."""
    council = T["council"]
    children: dict[str, list[str]] = {}
    for old in adopted:
        children[old] = list(session.scalars(select(council.c.id).where(council.c.parent_id == old)))
        session.execute(delete(council).where(council.c.id == old))
        for what in ("exported", "imported", "written"):
            session.execute(delete(AppMeta).where(AppMeta.key == f"{what}:{old}"))
    return children


def _adopt(session: Session, adopted: dict[str, str], children: dict[str, list[str]]) -> None:
    """The adopted council's place: councils under it and the preference naming it follow."""
    council = T["council"]
    for old, new in adopted.items():
        for chunk in _chunks(children.get(old, [])):
            session.execute(update(council).where(council.c.id.in_(chunk), council.c.parent_id.is_(None))
                            .values(parent_id=new))
        session.execute(update(AppMeta).where(AppMeta.key.like(preferences.PREFIX + "%"),
                                              AppMeta.value == old).values(value=new))


def _put_meta(session: Session, key: str, value: str) -> None:
    meta = session.get(AppMeta, key)
    if meta is None:
        session.add(AppMeta(key=key, value=value))
    else:
        meta.value = value


def _note_written(session: Session, f: ParsedFile) -> None:
    """When each council of the file wrote it (the file's own time, not the time of reading);
    an older file read again keeps the newer date already known."""
    if f.exported_at is None:
        return
    written = f.exported_at.isoformat(timespec="seconds")
    council_ids = {row.id for row in f.rows.get("council", ())} | {cid for cid, _n in f.councils}
    for cid in council_ids:
        key = f"written:{cid}"
        meta = session.get(AppMeta, key)
        if meta is None:
            session.add(AppMeta(key=key, value=written))
        elif _later(written, meta.value):
            meta.value = written


def _later(candidate: str, known: str) -> bool:
    try:
        return dt.datetime.fromisoformat(candidate) > dt.datetime.fromisoformat(known)
    except ValueError:
        return True


def written_dates(store: Store) -> dict[str, dt.datetime]:
    """council id -> when the council last wrote a file that was read here (UTC, newest kept)."""
    found: dict[str, dt.datetime] = {}
    with store.session() as s:
        for key, value in s.execute(select(AppMeta.key, AppMeta.value).where(AppMeta.key.like("written:%"))):
            try:
                found[key.partition(":")[2]] = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
    return found


def _field_header(sheet: S.Sheet, key: str, headers: dict[str, str]) -> str:
    special = {"council_id": "協議体", "neighbourhood_id": "町内会", "category_id": "分類",
               "parent_id": "第1層協議体", "need_category_id": "ニーズの分類",
               "is_thinker": "区分", "is_provider": "区分"}
    return headers.get(key) or special.get(key, key)


# --- the whole import --------------------------------------------------------------------------

def import_files(store: Store, paths: Sequence[Path | str], *, password: str | None = None,
                 dry_run: bool = False, now: dt.datetime | None = None,
                 progress: Progress | None = None) -> ImportReport:
    """Check every file completely, then back up and merge them all in one transaction.

    `progress(step, done, total)` is called as files are read ("確認", per file) and merged
    ("まとめ", per sheet), e.g. for a progress bar; it runs in the caller's thread."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise UserError("読み込むファイルを指定してください。")
    tell = progress or (lambda _step, _done, _total: None)
    problems = Problems()
    parsed: list[ParsedFile] = []
    for number, path in enumerate(paths):
        tell("確認", number, len(paths))
        found = read_file(path, password, problems)
        if found is not None:
            parsed.append(found)
        if problems.full:
            break
    problems.raise_if_any()
    now = now or utcnow()
    with store.session() as s:
        notes = resolve_all(s, parsed, problems)
    problems.raise_if_any()
    for f in parsed:
        notes.extend(f.notes)
    backup = None
    if not dry_run:
        backup = backups.backup_now(store, "before-import").path  # verified, history thinned
    session = Session(store.engine, expire_on_commit=False)
    try:
        # A larger page cache for this transaction: inserting tens of thousands of rows with
        # random UUID keys touches index pages all over the file.
        session.connection().exec_driver_sql("PRAGMA cache_size=-65536")
        adopted = {old: new for f in parsed for old, new in f.adopted.items()}
        children = _make_room(session, adopted)
        merger = Merger(session, now, tell)
        merger.merge(parsed)
        for f in parsed:
            merger.apply_deletions(f)
        merger.clear_settled()
        _adopt(session, adopted, children)
        if dry_run:
            session.rollback()
        else:
            stamp = now.isoformat(timespec="seconds")
            council_ids = {row.id for f in parsed for row in f.rows.get("council", ())}
            council_ids |= {cid for f in parsed for cid, _n in f.councils}
            for cid in council_ids:
                _put_meta(session, f"imported:{cid}", stamp)
            for f in parsed:
                _note_written(session, f)
            session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise UserError("取り込めませんでした（データベースの決まりに合わない行があります: "
                        f"{str(exc.orig)[:200]}）。データベースは変えていません。") from None
    except Exception as exc:
        session.rollback()
        from app.store import write_failure  # disk full, read-only, an OSError: one sentence

        failure = write_failure(store.path, exc)
        if failure is None:
            raise
        raise UserError(f"取り込めませんでした。{failure}データベースは変えていません。") from None
    except BaseException:
        session.rollback()
        raise
    finally:
        with contextlib.suppress(Exception):
            session.connection().exec_driver_sql("PRAGMA cache_size=-2000")
        session.close()
    names = tuple(dict.fromkeys(n for f in parsed for _cid, n in f.councils))
    return ImportReport(tuple(f.name for f in parsed), names, merger.counts, merger.conflicts,
                        notes, backup, dry_run)
