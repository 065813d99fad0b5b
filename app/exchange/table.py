"""Tables made elsewhere: a member list, a list of social resources, an あんしんセンター crosstab.

The columns are guessed from their headers (氏名/名前, ふりがな/フリガナ, 電話/TEL, ...), the guess
is printed, and `--map 列名=項目` corrects it. Every row is checked with the services' own field
rules before anything is saved, and all rows are saved in one transaction or none.

CSV files come in UTF-8 (with or without BOM), Shift_JIS/cp932 (what Excel writes on a Japanese
PC) or UTF-16 ("Unicode text"); the encoding and the separator are detected.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from sqlalchemy import func, select

from app.errors import UserError, ValidationError
from app.exchange.workbook import UNSAFE_TEXT, open_workbook, unsafe_text_reason
from app.exchange.xlsx_package import MAX_ROWS, FileRefused
from app.models import TALLY_KINDS, Council, Neighbourhood, Resource, ResourceCategory, utcnow
from app.services import backups, base, members, tallies
from app.services import resources as resource_rules
from app.services.normalize import nfkc
from app.services.resources import RESOURCE_FIELDS
from app.services.schedule import try_parse
from app.store import Store

MAX_CSV_BYTES = 50 * 1024 * 1024
IGNORE = "（読まない）"
KINDS = ("members", "resources", "tally")

# field name -> (label shown, header words that mean it). Exact matches win over partial ones.
Columns = dict[str, tuple[str, tuple[str, ...]]]


def from_fields(fields: Sequence[base.Field], *order: str | tuple[str, str, tuple[str, ...]]
                ) -> Columns:
    """The columns in `order`: a name is the service field of that name (its header and header
    words as the service declares them), a (key, label, words) triple is a column only the import
    has (区分 split into two fields, 開始/終了 written into the schedule)."""
    by_name = {f.name: f for f in fields}
    columns: Columns = {}
    for item in order:
        if isinstance(item, tuple):
            key, label, words = item
            columns[key] = (label, words)
        else:
            field = by_name[item]
            columns[field.key] = (field.heading, field.synonyms)
    return columns


MEMBER_COLUMNS = from_fields(
    members.MEMBER_FIELDS,
    "name", "furigana", "roles", ("kinds", "区分", ("区分", "サポーター区分", "サポーター")), "is_core",
    "neighbourhood_id", "registered_on", "last_confirmed_on", "status", "left_on", "phone", "address",
    "consent_handbook", "consent_share_contact", "note",
)
RESOURCE_COLUMNS = from_fields(
    RESOURCE_FIELDS,
    "name", "category", "content", "representative", "phone", "venue", "neighbourhood_id",
    "schedule_text", ("start", "開始", ("開始", "開始時刻", "開始時間", "から")),
    ("end", "終了", ("終了", "終了時刻", "終了時間", "まで")), "target", "fee", "operator_type",
    "created_by_council", "started_on", "last_verified_on", "note",
)
TALLY_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "label": ("町内会名", ("町内会名", "町内会", "地区", "町名", "自治会", "行政区")),
    "households": ("世帯数", ("世帯数", "世帯")),
    "target_persons": ("対象人数", ("対象人数", "実人数", "対象者数", "人数")),
}


@dataclasses.dataclass(frozen=True)
class TableImportReport:
    path: Path
    kind: str
    council: str
    source: str                                    # "CSV（Shift_JIS）", "Excel（シート「名簿」）"
    header_row: int
    mapping: tuple[tuple[str, str], ...]           # (column header, field label or IGNORE)
    rows: int
    saved: int
    added_neighbourhoods: tuple[str, ...]
    notes: tuple[str, ...]
    dry_run: bool
    backup: Path | None = None                     # the verified copy taken before writing


# --- reading the table -------------------------------------------------------------------------

def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8（BOMつき）"
        except UnicodeDecodeError as exc:
            raise UserError(f"{path.name} の {exc.start + 3:,}バイト目に文字として読めない部分があります"
                            "（UTF-8）。") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:  # e.g. half of a surrogate pair
            raise UserError(f"{path.name} の {exc.start:,}バイト目に文字として読めない部分があります"
                            "（UTF-16）。") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "Shift_JIS"
    except UnicodeDecodeError:
        raise UserError(f"{path.name} の文字コードが分かりません（UTF-8 か Shift_JIS で保存してください）。") from None


def read_csv(path: Path) -> tuple[list[tuple[int, list]], str]:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise UserError(f"{path.name} は大きすぎます（{size / 1024 / 1024:.0f} MB、上限 "
                        f"{MAX_CSV_BYTES // 1024 // 1024} MB）。")
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{path.name} は文字のファイル（CSV）ではありません。")
    text, encoding = _decode(path, data)
    sample = "\n".join(text.split("\n", 20)[:20])
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS + 20:
            raise UserError(f"{path.name} は行が多すぎます（上限 {MAX_ROWS:,}行）。")
        if any(cell.strip() for cell in row):
            for col, cell in enumerate(row):
                if UNSAFE_TEXT.search(cell):
                    raise UserError(f"{path.name} の{number}行目 {col + 1}列目: {unsafe_text_reason(cell)}")
            rows.append((number, [cell if cell.strip() else None for cell in row]))
    return rows, f"CSV（{encoding}{'、タブ区切り' if delimiter == chr(9) else ''}）"


def sheet_names(path: Path, password: str | None = None) -> list[str]:
    """The visible sheets of a workbook, in order; [] for a CSV (one table, no sheets)."""
    if not path.exists():
        raise UserError(f"{path} が見つかりません。")
    if path.suffix.lower() in (".csv", ".txt", ".tsv", ".xls"):
        return []
    try:
        book = open_workbook(path, password)
    except FileRefused as exc:
        if "CSV" in str(exc):
            return []
        raise
    return [name for name, info in book.sheets.items() if info.state == "visible"]


def read_table(path: Path, sheet: str | None = None, password: str | None = None
               ) -> tuple[list[tuple[int, list]], str]:
    """All non-empty rows of the file (a sheet of a workbook, or a CSV) with their numbers."""
    if not path.exists():
        raise UserError(f"{path} が見つかりません。")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    if suffix == ".xls":
        raise UserError(f"{path.name} は古い形式（.xls）です。Excelで「.xlsx」形式で保存し直してください。")
    try:
        book = open_workbook(path, password)
    except FileRefused as exc:
        if "CSV" in str(exc):
            return read_csv(path)
        raise
    visible = [name for name, info in book.sheets.items() if info.state == "visible"]
    if sheet is None:
        if not visible:
            raise UserError(f"{path.name} に表示されているシートがありません。")
        sheet = visible[0]
    elif sheet not in book.sheets:
        raise UserError(f"{path.name} にシート「{sheet}」がありません（{'、'.join(visible)}）。")
    return list(book.rows(sheet)), f"Excel（シート「{sheet}」）"


# --- guessing the columns ----------------------------------------------------------------------

def _key(text: object) -> str:
    return re.sub(r"[\s　・･()（）:：]", "", nfkc(str(text or ""))).lower()


def _score(header: object, words: Iterable[str]) -> int:
    key = _key(header)
    if not key:
        return 0
    best = 0
    for word in words:
        w = _key(word)
        if key == w:
            return 3
        if len(w) >= 2 and w in key:
            best = max(best, 2 if key.startswith(w) else 1)
    return best


def find_header(rows: Sequence[tuple[int, list]], columns: Mapping[str, tuple[str, tuple[str, ...]]]
                ) -> int:
    """Index (in rows) of the header row: among the first rows, the one most headers match."""
    best, best_index = 0, -1
    for index, (_number, cells) in enumerate(rows[:15]):
        hits = sum(1 for cell in cells if any(_score(cell, words) for _l, words in columns.values()))
        if hits > best:
            best, best_index = hits, index
    if best_index < 0:
        labels = "、".join(label for label, _w in columns.values())
        raise UserError(f"見出しの行が見つかりません（{labels} などの見出しが必要です）。")
    return best_index


def guess_mapping(headers: Sequence[object], columns: Mapping[str, tuple[str, tuple[str, ...]]],
                  overrides: Mapping[str, str] | None = None) -> list[str | None]:
    """For each column, the field it fills (None: not read). Overrides by header text win."""
    overrides = {_key(k): v for k, v in (overrides or {}).items()}
    by_label = {_key(label): field for field, (label, _w) in columns.items()}
    by_label.update({_key(field): field for field in columns})
    result: list[str | None] = [None] * len(headers)
    taken: set[str] = set()
    for i, header in enumerate(headers):
        wanted = overrides.get(_key(header))
        if wanted is None:
            continue
        if _key(wanted) in (_key(IGNORE), "読まない", "無視", "ignore"):
            result[i] = ""
            continue
        field = by_label.get(_key(wanted))
        if field is None:
            labels = "、".join(label for label, _w in columns.values())
            raise UserError(f"--map の項目「{wanted}」が分かりません（{labels}、無視 のどれか）。")
        result[i] = field
        taken.add(field)
    unknown = set(overrides) - {_key(h) for h in headers}
    if unknown:
        names = "、".join(str(h) for h in headers if h is not None)
        raise UserError(f"--map の列「{'」「'.join(sorted(unknown))}」が表にありません（列: {names}）。")
    candidates = []
    for i, header in enumerate(headers):
        if result[i] is not None:
            continue
        for field, (_label, words) in columns.items():
            score = _score(header, words)
            if score and field not in taken:
                candidates.append((-score, i, field))
    for _negative_score, i, field in sorted(candidates):
        if result[i] is None and field not in taken:
            result[i] = field
            taken.add(field)
    return [r or None for r in result]


def parse_overrides(items: Iterable[str]) -> dict[str, str]:
    found = {}
    for item in items:
        if "=" not in item:
            raise UserError(f"--map は「列名=項目」の形で指定してください（「{item}」）。")
        header, _sep, field = item.partition("=")
        found[header.strip()] = field.strip()
    return found


# --- importing ---------------------------------------------------------------------------------

def import_table(store: Store, path: Path | str, council_id: str, kind: str, *,
                 overrides: Mapping[str, str] | None = None, sheet: str | None = None,
                 tally_kind: str | None = None, add_neighbourhoods: bool = False,
                 dry_run: bool = False, mapping: Sequence[str | None] | None = None,
                 password: str | None = None) -> TableImportReport:
    """`mapping` (one field or None per column of the header row, as the window's column
    choices give it) replaces the guess and the overrides. A verified backup is taken after
    every row passed its checks and before anything is written."""
    path = Path(path)
    if kind not in KINDS:
        raise UserError(f"種類は {', '.join(KINDS)} のどれかです（「{kind}」）。")
    rows, source = read_table(path, sheet, password)
    if not rows:
        raise UserError(f"{path.name} に読める行がありません。")
    with store.session() as s:
        council = base.get_or_fail(s, Council, council_id, "協議体")
        council_name = council.name
        nb_ids = {nfkc(n): i for i, n in s.execute(select(Neighbourhood.id, Neighbourhood.name)
                                                    .where(Neighbourhood.council_id == council_id))}
    ctx = _Context(path, council_id, council_name, source, nb_ids, add_neighbourhoods, dry_run)
    if kind == "tally":
        return _import_tally(store, ctx, rows, tally_kind)
    columns = MEMBER_COLUMNS if kind == "members" else RESOURCE_COLUMNS
    header_index = find_header(rows, columns)
    header_number, headers = rows[header_index]
    if mapping is None:
        mapping = guess_mapping(headers, columns, overrides)
    else:
        mapping = [m if m in columns else None for m in mapping][:len(headers)]
        mapping += [None] * (len(headers) - len(mapping))
        chosen = [m for m in mapping if m]
        if len(chosen) != len(set(chosen)):
            twice = sorted({columns[m][0] for m in chosen if chosen.count(m) > 1})
            raise UserError(f"「{'」「'.join(twice)}」を二つの列に選んでいます。一つの列だけにしてください。")
    if "name" not in mapping:
        raise UserError(f"{path.name}: {columns['name'][0]}の列が見つかりません。"
                        f"--map 列名={columns['name'][0]} で指定してください。")
    data = rows[header_index + 1:]
    if kind == "members":
        return _import_members(store, ctx, header_number, headers, mapping, data)
    return _import_resources(store, ctx, header_number, headers, mapping, data)


@dataclasses.dataclass
class _Context:
    path: Path
    council_id: str
    council_name: str
    source: str
    neighbourhoods: dict[str, str]
    add_neighbourhoods: bool
    dry_run: bool
    new_neighbourhoods: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    backup: Path | None = None

    def before_writing(self, store: Store) -> None:
        """Every row passed; keep the data as it was (verified copy) before the first write."""
        self.backup = backups.backup_now(store, "before-import").path

    def where(self, number: int, header: object = None) -> str:
        text = f"{self.path.name} {number}行目"
        return text + (f"「{header}」" if header is not None else "")

    def neighbourhood(self, name: object, number: int, header: object) -> str | None:
        if name is None or not str(name).strip():
            return None
        key = nfkc(str(name))
        if key in self.neighbourhoods:
            return self.neighbourhoods[key]
        if not self.add_neighbourhoods:
            raise UserError(f"{self.where(number, header)}: 町内会「{name}」は{self.council_name}の町内会に"
                            "ありません。先に登録するか、--add-neighbourhoods で新しく登録してください。")
        placeholder = f"new:{key}"
        self.neighbourhoods[key] = placeholder
        self.new_neighbourhoods.append(str(name).strip())
        return placeholder


def _records(headers: Sequence[object], mapping: Sequence[str | None],
             data: Sequence[tuple[int, list]]) -> Iterator[tuple[int, dict[str, tuple[object, object]]]]:
    """Each data row as field -> (header, raw value)."""
    for number, cells in data:
        record = {}
        for i, field in enumerate(mapping):
            if field:
                record[field] = (headers[i], cells[i] if i < len(cells) else None)
        if any(v not in (None, "") for _h, v in record.values()):
            yield number, record


def _mapping_report(headers: Sequence[object], mapping: Sequence[str | None],
                    columns: Mapping[str, tuple[str, tuple[str, ...]]]) -> tuple[tuple[str, str], ...]:
    return tuple((str(h), columns[f][0] if f else IGNORE) for h, f in zip(headers, mapping, strict=False)
                 if h is not None)


def _import_members(store: Store, ctx: _Context, header_number: int, headers, mapping, data
                    ) -> TableImportReport:
    fields = {f.name: f for f in members.MEMBER_FIELDS}
    known_roles = members.role_names(store)
    raws: list[dict] = []
    providers = 0
    for number, record in _records(headers, mapping, data):
        raw: dict[str, object] = {}
        for field, (header, value) in record.items():
            try:
                if field == "kinds":
                    thinker, provider = kinds_cell(value, str(header))
                    raw["is_thinker"] = thinker
                    providers += provider
                elif field == "neighbourhood":
                    raw["neighbourhood_id"] = ctx.neighbourhood(value, number, header)
                else:
                    spec = fields[field]
                    raw[field] = spec.parse(value, str(header))
            except ValidationError as exc:
                raise UserError(f"{ctx.where(number, header)}: {exc.reason}") from None
        try:
            checked = base.validate(members.MEMBER_FIELDS, raw)
            members.check_dates(checked)  # 最終確認日 and 退会日 after 登録日, 退会日 only for 退会
        except ValidationError as exc:
            raise UserError(f"{ctx.where(number)}「{exc.field}」: {exc.reason}") from None
        unknown_roles = [r for r in checked["roles"] if r not in known_roles]
        if unknown_roles:
            raise UserError(f"{ctx.where(number)}「役割」: 「{'、'.join(unknown_roles)}」は役割の一覧に"
                            f"ありません（{'、'.join(known_roles)}）。--map 列名=無視 で読まないこともできます。")
        raws.append(raw)
    if providers:
        ctx.notes.append(f"「サービスの担い手」の{providers}人は、担い手養成講座の修了を記録してから区分を"
                         "設定してください（今は「地域づくりを考える人」の区分だけ読み込みました）。")
    saved = 0
    if not ctx.dry_run and raws:
        ctx.before_writing(store)
        _add_neighbourhoods(store, ctx, raws)
        saved = members.create_members(store, ctx.council_id, raws)
    return _report(ctx, "members", header_number, _mapping_report(headers, mapping, MEMBER_COLUMNS),
                   len(raws), saved)


def kinds_cell(value: object, label: str) -> tuple[bool, bool]:
    text = nfkc(str(value or ""))
    thinker = any(w in text for w in ("考える", "地域づくり"))
    provider = "担い手" in text
    if text and not (thinker or provider) and text not in ("なし", "-", "ー"):
        raise ValidationError(label, f"「{value}」は区分にありません（地域づくりを考える人・サービスの担い手）")
    return thinker, provider


def _add_neighbourhoods(store: Store, ctx: _Context, raws: list[dict], key: str = "neighbourhood_id",
                        households: Mapping[str, int | None] | None = None) -> None:
    """Create the 町内会 the table named (only with --add-neighbourhoods) and fill in their IDs."""
    if not ctx.new_neighbourhoods:
        return
    with store.session() as s:
        position = s.execute(select(func.coalesce(func.max(Neighbourhood.position) + 1, 0))
                             .where(Neighbourhood.council_id == ctx.council_id)).scalar_one()
        ids = {}
        for offset, name in enumerate(ctx.new_neighbourhoods):
            row = Neighbourhood(council_id=ctx.council_id, name=name, position=position + offset,
                                households=(households or {}).get(name))
            s.add(row)
            s.flush()
            ids[f"new:{nfkc(name)}"] = row.id
    for raw in raws:
        if str(raw.get(key) or "").startswith("new:"):
            raw[key] = ids[raw[key]]


def _import_resources(store: Store, ctx: _Context, header_number: int, headers, mapping, data
                      ) -> TableImportReport:
    fields = {f.name: f for f in RESOURCE_FIELDS}
    with store.session() as s:
        categories = {nfkc(c.name): c.name for c in s.scalars(select(ResourceCategory))}
    raws: list[dict] = []
    for number, record in _records(headers, mapping, data):
        raw: dict[str, object] = {}
        times = {}
        for field, (header, value) in record.items():
            try:
                if field == "neighbourhood":
                    raw["neighbourhood_id"] = ctx.neighbourhood(value, number, header)
                elif field in ("start", "end"):
                    times[field] = base.time(value, str(header))
                elif field == "category":
                    raw["category"] = _category(value, categories, str(header), ctx, number)
                else:
                    raw[field] = fields[field].parse(value, str(header))
            except ValidationError as exc:
                raise UserError(f"{ctx.where(number, header)}: {exc.reason}") from None
        if times.get("start"):
            text = str(raw.get("schedule_text") or "")
            if text and not re.search(r"\d+:\d+", text):
                # A start without an end column is an open end: 「毎週(月) 9:30〜」.
                end = f"{times['end']:%H:%M}" if times.get("end") else ""
                raw["schedule_text"] = f"{text} {times['start']:%H:%M}〜{end}"
        try:
            base.validate(RESOURCE_FIELDS, raw)
        except ValidationError as exc:
            raise UserError(f"{ctx.where(number)}「{exc.field}」: {exc.reason}") from None
        raws.append(raw)
    unreadable = [r["schedule_text"] for r in raws if r.get("schedule_text") and not try_parse(str(r["schedule_text"]))]
    if unreadable:
        ctx.notes.append(f"日程が読み取れない行が{len(unreadable)}件あります（例:「{unreadable[0]}」）。"
                         "文字のまま保存しました。社会資源のページで直せます。")
    saved = 0
    if not ctx.dry_run and raws:
        ctx.before_writing(store)
        _add_neighbourhoods(store, ctx, raws)
        saved = _create_resources(store, ctx.council_id, raws)
    return _report(ctx, "resources", header_number, _mapping_report(headers, mapping, RESOURCE_COLUMNS),
                   len(raws), saved)


def _category(value: object, categories: Mapping[str, str], label: str, ctx: _Context, number: int) -> str:
    """The category as listed, or the one listed category the text is part of (サロン -> 居場所・サロン)."""
    text = nfkc(str(value or ""))
    if not text:
        return ""
    if text in categories:
        return categories[text]
    near = [name for key, name in categories.items() if text in key]
    if len(near) == 1:
        return near[0]
    raise ValidationError(label, f"「{value}」は分類の一覧にありません（{'、'.join(categories.values())}）")


def _create_resources(store: Store, council_id: str, raws: Sequence[Mapping[str, object]]) -> int:
    """All rows in one transaction (services.resources creates one at a time)."""
    with store.session() as s:
        categories = {c.name: c.id for c in s.scalars(select(ResourceCategory))}
        position = s.execute(select(func.coalesce(func.max(Resource.position) + 1, 0))
                             .where(Resource.council_id == council_id)).scalar_one()
        now = utcnow()
        for offset, raw in enumerate(raws):
            values = base.validate(RESOURCE_FIELDS, raw)
            category = values.pop("category")
            s.add(Resource(council_id=council_id, position=position + offset,
                           category_id=categories.get(category) if category else None,
                           schedule=resource_rules.stored_schedule(values["schedule_text"]), created_at=now,
                           updated_at=now, **values))
    return len(raws)


# --- あんしんセンター crosstabs ------------------------------------------------------------------------

def _import_tally(store: Store, ctx: _Context, rows: list[tuple[int, list]], tally_kind: str | None
                  ) -> TableImportReport:
    header_index = find_header(rows, TALLY_COLUMNS)
    header_number, headers = rows[header_index]
    fixed = guess_mapping(headers, TALLY_COLUMNS)
    if "label" not in fixed:
        raise UserError(f"{ctx.path.name}: 町内会名の列が見つかりません。")
    label_at = fixed.index("label")
    persons_at = fixed.index("target_persons") if "target_persons" in fixed else None
    households_at = fixed.index("households") if "households" in fixed else None
    category_at = [i for i in range(label_at + 1, len(headers))
                   if i not in (persons_at, households_at) and headers[i] not in (None, "")]
    if not category_at:
        raise UserError(f"{ctx.path.name}: 項目（列）が見つかりません。")
    groups = _groups(rows[header_index - 1][1] if header_index > 0 else [], category_at)
    labels = [nfkc(str(headers[i])) for i in category_at]
    kind = tally_kind or _guess_tally_kind(labels, groups)
    columns = [(groups.get(i, ""), label) for i, label in zip(category_at, labels, strict=True)]
    parsed_rows: list[dict[str, object]] = []
    names: list[str] = []
    households: dict[str, int | None] = {}
    for number, cells in rows[header_index + 1:]:
        label = cells[label_at] if label_at < len(cells) else None
        if label is None or not str(label).strip():
            continue
        if re.fullmatch(r"(総?合計|計|小計|total)", nfkc(str(label)).replace(" ", ""), re.I):
            continue  # totals are derived, never read
        counts = [cells[i] if i < len(cells) else None for i in category_at]
        persons = cells[persons_at] if persons_at is not None and persons_at < len(cells) else None
        try:
            name, target, values = tallies.parse_row(number, label, persons, counts, labels)
        except ValidationError as exc:
            raise UserError(f"{ctx.path.name} {exc.field}: {exc.reason}") from None
        if households_at is not None and households_at < len(cells):
            try:
                households[name] = base.integer(cells[households_at], "世帯数")
            except ValidationError as exc:
                raise UserError(f"{ctx.where(number, headers[households_at])}: {exc.reason}") from None
        if ctx.add_neighbourhoods:
            ctx.neighbourhood(name, number, headers[label_at])
        parsed_rows.append({"label": name, "target_persons": target, "counts": values})
        names.append(name)
    if not parsed_rows:
        raise UserError(f"{ctx.path.name} に町内会の行がありません。")
    unlinked = [name for name in names if nfkc(name) not in ctx.neighbourhoods]
    if unlinked:
        ctx.notes.append(f"町内会の一覧にない行があります（{'、'.join(unlinked[:5])}）。表の名前のまま保存しました。")
    if households and not ctx.add_neighbourhoods:
        ctx.notes.append("世帯数の列は読みません（世帯数は町内会の設定にあります）。")
    saved = 0
    if not ctx.dry_run:
        ctx.before_writing(store)
        _add_neighbourhoods(store, ctx, [], households=households)
        title = ctx.path.stem
        tallies.create_tally(store, ctx.council_id, kind=kind, columns=columns, rows=parsed_rows,
                             title=title, source="高齢者あんしんセンター")
        saved = len(parsed_rows)
    ctx.notes.insert(0, f"集計表の種類: {TALLY_KINDS[kind]}（違うときは --tally-kind で指定）")
    mapping = _tally_mapping(headers, label_at, columns, category_at, persons_at, households_at,
                             "世帯数" if ctx.add_neighbourhoods else IGNORE)
    return _report(ctx, "tally", header_number, mapping, len(parsed_rows), saved)


def _tally_mapping(headers: Sequence[object], label_at: int, columns: Sequence[tuple[str, str]],
                   category_at: Sequence[int], persons_at: int | None, households_at: int | None,
                   households_as: str) -> tuple[tuple[str, str], ...]:
    """(the table's header, what it was read as) for every column read."""
    mapping = [(str(headers[label_at]), "町内会名")]
    mapping += [(str(headers[i]), f"項目（{g + '・' if g else ''}{label}）")
                for (g, label), i in zip(columns, category_at, strict=True)]
    if persons_at is not None:
        mapping.append((str(headers[persons_at]), "対象人数"))
    if households_at is not None:
        mapping.append((str(headers[households_at]), households_as))
    return tuple(mapping)


def _groups(cells: Sequence[object], positions: Sequence[int]) -> dict[int, str]:
    """The row above the labels, where merged cells leave the group name only in the first
    column of each group (デイサービス | | 訪問介護 | | |)."""
    found, current = {}, ""
    for i in positions:
        value = cells[i] if i < len(cells) else None
        if value not in (None, ""):
            current = nfkc(str(value))
        found[i] = current
    return found if any(found.values()) else {}


def _guess_tally_kind(labels: Sequence[str], groups: Mapping[int, str]) -> str:
    if any(g in ("デイサービス", "訪問介護") for g in groups.values()):
        return "service_use"
    needs = {label for _g, label in tallies.NEEDS_COLUMNS}
    return "needs" if sum(label in needs for label in labels) * 2 >= len(labels) else "service_use"


def _report(ctx: _Context, kind: str, header_number: int, mapping, rows: int, saved: int) -> TableImportReport:
    return TableImportReport(ctx.path, kind, ctx.council_name, ctx.source, header_number, mapping,
                             rows, saved, tuple(ctx.new_neighbourhoods), tuple(ctx.notes), ctx.dry_run,
                             ctx.backup)


def format_table_report(report: TableImportReport) -> str:
    what = {"members": "メンバー", "resources": "社会資源", "tally": "集計表の行"}[report.kind]
    lines = [f"{report.path.name}: {report.source}、見出しは{report.header_row}行目", "列の読み方:"]
    for header, field in report.mapping:
        lines.append(f"  {header} → {field}")
    if report.dry_run:
        lines.append(f"確かめました（--dry-run）: {what} {report.rows}件を {report.council} に読み込めます。"
                     "データベースは変えていません。")
    else:
        lines.append(f"読み込みました: {what} {report.saved}件（{report.council}）")
    if report.added_neighbourhoods:
        lines.append(f"新しく登録した町内会: {'、'.join(report.added_neighbourhoods)}")
    if report.backup:
        lines.append(f"読み込む前のバックアップ: {report.backup}")
    lines += [f"注意: {note}" for note in report.notes]
    lines.append("列の読み方を変えるには --map 列名=項目（読まない列は --map 列名=無視）。")
    return "\n".join(lines)
