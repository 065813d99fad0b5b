"""The exchange file's sheets: which columns, how a stored row becomes cells, how cells become a
row again.

One `Sheet` per table. Writing and reading share the columns, so a header can never be written
one way and read another. Cell values are parsed with the services' own field parsers (全角
digits, 和暦, impossible dates refused), so a file edited in Excel is held to the same rules as
the window.

References between rows are written the way a person reads them where that is unambiguous
(協議体 and 町内会 by name, 役割 and 分類 by name) and by ID where it is not (attendance).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.errors import ValidationError
from app.models import (
    QUESTION_KINDS,
    SURVEY_ENTRIES,
    TALLY_KINDS,
)
from app.services import (
    base,
    councils,
    meetings,
    members,
    needs,
    neighbourhoods,
    proposals,
    resources,
    trainings,
)
from app.services import normalize as norm
from app.services.schedule import END_OF_DAY, try_parse

FORMAT = "sasaeai-exchange"
FORMAT_VERSION = 1
META_SHEET = "_meta"
STAMP_HEADER = "照合用（変更しないでください）"
WITHHELD = "（非公開）"
YES, NO = "はい", "いいえ"
THINKER, PROVIDER = "地域づくりを考える人", "サービスの担い手"

Parser = Callable[[object, str], Any]


# --- parsers for what the services have no Field for --------------------------------------------

_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def parse_id(value: object, label: str) -> str | None:
    if type(value) is str and _UUID_RE.fullmatch(value):
        return value  # the form we write: nothing to normalise
    text = norm.nfkc(str(value)) if value is not None else ""
    if not text:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValidationError(label, f"「{value}」はIDの形ではありません（空けておくと新しい行になります）") from None


def required_id(value: object, label: str) -> str:
    found = parse_id(value, label)
    if found is None:
        raise ValidationError(label, "IDを入力してください")
    return found


def id_list(value: object, label: str) -> tuple[str, ...]:
    text = norm.nfkc(str(value or ""))
    pieces = [p for p in re.split(r"[\s,、;]+", text) if p]
    return tuple(sorted({required_id(p, label) for p in pieces}))


name_list = base.name_list


entry_list = needs.resource_entries


def kinds(value: object, label: str) -> tuple[bool, bool]:
    """区分: 地域づくりを考える人 and/or サービスの担い手, as written in one cell."""
    thinker = provider = False
    for piece in name_list(value, label):
        if piece in (THINKER, "考える人", "地域づくり"):
            thinker = True
        elif piece in (PROVIDER, "担い手"):
            provider = True
        else:
            raise ValidationError(label, f"「{piece}」は区分にありません（{THINKER}・{PROVIDER}）")
    return thinker, provider


time_of_day = base.time_of_day


def int_default(default: int) -> Parser:
    def parse(value: object, label: str) -> int:
        number = norm.to_int(value, label)
        return default if number is None else number
    return parse


def required_int(value: object, label: str) -> int:
    return norm.to_int(value, label, required=True)


def tier(value: object, label: str) -> int:
    number = norm.to_int(value, label, required=True)
    if number not in (1, 2):
        raise ValidationError(label, "1（市全域）か 2（日常生活圏域）を入力してください")
    return number


def labelled_choice(options: Mapping[str, str], default: str | None = None) -> Parser:
    """A choice written as its Japanese label and stored as its key (or typed as the key)."""
    by_text = {norm.nfkc(label): key for key, label in options.items()}
    by_text.update({norm.nfkc(key): key for key in options})

    def parse(value: object, label: str) -> str:
        if default is not None and (value is None or not str(value).strip()):
            return default
        found = by_text.get(norm.nfkc(str(value or "")))
        if found is None:
            raise ValidationError(label, f"「{value}」は選べません（{'・'.join(options.values())} のどれか）")
        return found
    return parse


fraction = base.map_position


choice_or = base.choice_or


def passthrough(value: object, _label: str) -> object:
    return value


text = base.text
long_text = base.long_text
date = base.date
boolean = base.boolean
integer = base.integer
phone = base.phone
rate = base.rate


required_date = base.required_date


# --- columns and sheets -------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Col:
    header: str
    key: str
    parse: Parser
    width: float = 12
    required: bool = False
    # "contact": left out unless the member agreed to share it, and always when anonymising;
    # "person": left out when anonymising (names, addresses, free-text notes of members).
    private: str = ""
    info: bool = False  # for the reader only: written, never stored back, not compared
    # Added in a later version: a file written before has no such column and still reads,
    # and the stored value stays as it is.
    optional: bool = False
    hidden: bool = False  # for the program only (a hash): hidden like the stamp column


ID = "ID"
COUNCIL = "協議体"


def _id() -> Col:
    return Col(ID, "id", parse_id, width=38)


def _council() -> Col:
    return Col(COUNCIL, "council", text(100), width=16)


def field_col(field: base.Field) -> Col:
    """A sheet column built from the service's declaration of the field."""
    return Col(field.heading, field.key, field.read_cell, field.width, required=field.required,
               private=field.privacy or "")


def added(fields: Sequence[base.Field], *names: str) -> tuple[Col, ...]:
    """Columns a later version added to a sheet (see Col.optional)."""
    by_name = {f.name: f for f in fields}
    return tuple(dataclasses.replace(field_col(by_name[n]), optional=True) for n in names)


def from_fields(fields: Sequence[base.Field], *order: str | Col) -> tuple[Col, ...]:
    """The sheet's columns in `order` (the order old files have): a name is the service field of
    that name, a Col is a column only the exchange has (ID, 協議体, ...)."""
    by_name = {f.name: f for f in fields}
    return tuple(item if isinstance(item, Col) else field_col(by_name[item]) for item in order)


@dataclasses.dataclass(frozen=True)
class Sheet:
    title: str
    table: str
    columns: tuple[Col, ...]
    scoped: bool = True  # rows carry a 協議体 column (blank: the file's only council)
    optional: bool = False  # added in a later version: a file written before has no such sheet

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)


# 層 is required on the sheet (a council's row says which it is) where the service defaults it.
COUNCILS = Sheet("協議体", "council", from_fields(
    councils.COUNCIL_FIELDS,
    _id(), "name", Col("層", "tier", tier, 6, required=True), "parent_id", "area_name",
    "founded_on", "meeting_place", "meeting_schedule", "population", "households",
    "aged_65_plus", "aged_75_plus", "stated_aging_rate", "stats_as_of", "note",
), scoped=False)

NEIGHBOURHOODS = Sheet("町内会", "neighbourhood", from_fields(
    neighbourhoods.NEIGHBOURHOOD_FIELDS,
    _id(), "name", Col("順番", "position", int_default(0), 6), "households", "population",
    "aged_65_plus", "aged_75_plus", "stated_aging_rate", "stats_as_of",
    *added(neighbourhoods.NEIGHBOURHOOD_FIELDS, "map_x", "map_y"), _council(),
))

MEMBERS = Sheet("メンバー", "member", from_fields(
    members.MEMBER_FIELDS,
    _id(), "name", "furigana", "roles", Col("区分", "kinds", kinds, 30), "is_core",
    "neighbourhood_id", "registered_on", "last_confirmed_on", "status", "phone", "address",
    "consent_handbook", "consent_share_contact", "note", _council(),
    *added(members.MEMBER_FIELDS, "left_on"),
))

TRAININGS = Sheet("研修", "training", from_fields(
    trainings.TRAINING_FIELDS,
    _id(), "held_on", "title", "venue", "participant_count", "note", _council(),
))

TRAINING_ATTENDANCE = Sheet("研修の出席", "training_attendance", (
    _id(),
    Col("研修ID", "training_id", required_id, 38, required=True),
    Col("メンバーID", "member_id", required_id, 38, required=True),
    Col("修了", "completed", boolean, 8),
    Col("講座名（参考）", "training_info", passthrough, 30, info=True),
    Col("氏名（参考）", "member_info", passthrough, 16, info=True, private="person"),
), scoped=False)

NEEDS = Sheet("ニーズ", "need", from_fields(
    (*needs.NEED_FIELDS, needs.RESOURCES_FIELD),
    _id(), "neighbourhood_id", "category", "description", "count", "source", "noted_on", "status",
    "resources", _council(), *added(needs.NEED_FIELDS, "resolved_on"),
))

TALLIES = Sheet("集計表", "tally", (
    _id(),
    Col("種類", "kind", labelled_choice(TALLY_KINDS), 30, required=True),
    Col("表題", "title", text(200), 36),
    Col("期間（から）", "period_from", date, 12),
    Col("期間（まで）", "period_to", date, 12),
    Col("出典", "source", text(200), 24),
    Col("備考", "note", long_text, 24),
    _council(),
))

TALLY_COLUMNS = Sheet("集計表の列", "tally_column", (
    _id(),
    Col("集計表ID", "tally_id", required_id, 38, required=True),
    Col("順番", "position", int_default(0), 6),
    Col("区分", "group", text(50), 14),
    Col("項目", "label", text(50), 14, required=True),
    Col("ニーズの分類", "need_category", text(50), 14),
), scoped=False)

TALLY_ROWS = Sheet("集計表の行", "tally_row", (
    _id(),
    Col("集計表ID", "tally_id", required_id, 38, required=True),
    Col("順番", "position", int_default(0), 6),
    Col("町内会名（表のまま）", "label", text(100), 16, required=True),
    Col("町内会", "neighbourhood", text(100), 12),
    Col("対象人数", "target_persons", integer, 10),
), scoped=False)

TALLY_CELLS = Sheet("集計表の数", "tally_cell", (
    _id(),
    Col("行ID", "row_id", required_id, 38, required=True),
    Col("列ID", "column_id", required_id, 38, required=True),
    Col("数", "count", required_int, 8, required=True),
    Col("町内会名（参考）", "row_info", passthrough, 16, info=True),
    Col("項目（参考）", "column_info", passthrough, 14, info=True),
), scoped=False)

SURVEYS = Sheet("アンケート", "survey", (
    _id(),
    Col("題名", "title", text(200), 36, required=True),
    Col("実施日", "conducted_on", date, 12),
    Col("配布数", "distributed", integer, 10),
    Col("回収数", "returned", integer, 10),
    Col("備考", "note", long_text, 24),
    _council(),
    Col("入力のしかた", "entry", labelled_choice(SURVEY_ENTRIES, "totals"), 20, optional=True),
))

SURVEY_QUESTIONS = Sheet("アンケートの設問", "survey_question", (
    _id(),
    Col("アンケートID", "survey_id", required_id, 38, required=True),
    Col("順番", "position", int_default(0), 6),
    Col("設問", "text", text(300), 40, required=True),
    Col("種類", "kind", labelled_choice(QUESTION_KINDS, "single"), 14),
), scoped=False)

SURVEY_CHOICES = Sheet("アンケートの選択肢", "survey_choice", (
    _id(),
    Col("設問ID", "question_id", required_id, 38, required=True),
    Col("順番", "position", int_default(0), 6),
    Col("選択肢", "text", text(300), 40, required=True),
    Col("数", "count", int_default(0), 8),
    Col("上の選択肢ID", "parent_id", parse_id, 38, optional=True),
), scoped=False)

# One row per returned paper form (a survey entered form by form) and one per answer on it: a
# ticked choice, or what was written for an open question (held back when anonymising).
SURVEY_RESPONSES = Sheet("アンケートの回答用紙", "survey_response", (
    _id(),
    Col("アンケートID", "survey_id", required_id, 38, required=True),
    Col("整理番号", "number", required_int, 8, required=True),
    Col("町内会", "neighbourhood", text(100), 12),
    Col("備考", "note", long_text, 24, private="person"),
), scoped=False, optional=True)

SURVEY_ANSWERS = Sheet("アンケートの回答", "survey_answer", (
    _id(),
    Col("回答用紙ID", "response_id", required_id, 38, required=True),
    Col("設問ID", "question_id", required_id, 38, required=True),
    Col("選択肢ID", "choice_id", parse_id, 38),
    Col("書かれたこと", "text", long_text, 30, private="person"),
), scoped=False, optional=True)

RESOURCES = Sheet("社会資源", "resource", from_fields(
    resources.RESOURCE_FIELDS,
    _id(), "name", "category", "content", "representative", "phone", "venue", "neighbourhood_id",
    "schedule_text", Col("開始", "start_info", time_of_day, 8, info=True),
    Col("終了", "end_info", time_of_day, 8, info=True), "target", "fee", "operator_type",
    "created_by_council", "last_verified_on", "note", "skip_holidays", "map_x", "map_y",
    Col("順番", "position", int_default(0), 6), _council(),
    *added(resources.RESOURCE_FIELDS, "started_on"),
))

MEETINGS = Sheet("会議・活動", "meeting", from_fields(
    meetings.MEETING_FIELDS,
    _id(), "held_on", "start_time", "end_time", "kind", "title", "venue", "attendance_count",
    "minutes", Col("出席メンバーID", "attendees", id_list, 40), _council(),
))

CONTACTS = Sheet("連絡先", "council_contact", from_fields(
    councils.CONTACT_FIELDS,
    _id(), Col("順番", "position", int_default(0), 6), "kind", "name", "person", "phone",
    _council(),
))

# 提言 (added in a later version: a file written before has no such sheet). 備考 is held back when
# anonymising (services/proposals.py says why the rest travels).
PROPOSALS = Sheet("提言", "proposal", from_fields(
    proposals.PROPOSAL_FIELDS,
    _id(), "raised_on", "title", "detail", "raised_to", "status", "answer", "answered_on", "note",
    _council(),
), optional=True)

# 決めた日 is required on the sheet (an old revision's date is not today) where the service
# defaults it to today.
VISIONS = Sheet("地域像", "vision_revision", from_fields(
    councils.VISION_FIELDS,
    _id(), "phrase", "subtitle", Col("決めた日", "decided_on", required_date, 12, required=True),
    "note", _council(),
))


def degrees(limit: int) -> Parser:
    """A latitude (limit 90) or longitude (180) in degrees, as typed or as a number cell."""
    def parse(value: object, label: str) -> float | None:
        if value is None or value == "":
            return None
        try:
            number = float(norm.nfkc(str(value)).strip().rstrip("°"))
        except ValueError:
            raise ValidationError(label, f"「{value}」は度の数として読めません（例: 36.3219）") from None
        if not -limit <= number <= limit:
            raise ValidationError(label, f"{number} は -{limit}〜{limit} の数です")
        return number
    return parse


IMAGE_HASH = re.compile(r"sha256:[0-9a-f]{64}")


def image_hash(value: object, label: str) -> str | None:
    """The map image's SHA-256: the image itself travels in a hidden sheet (exchange/map_sheet.py)."""
    if value is None or value == "":
        return None
    if not (isinstance(value, str) and IMAGE_HASH.fullmatch(value)):
        raise ValidationError(label, "画像の照合用の値が壊れています（この列は変更しないでください）")
    return value


# The council's map (area_map): what a person reads, with the image's hash; the image's bytes
# and how they are checked on reading are in map_sheet.py. Size and format come from the image.
AREA_MAPS = Sheet("地図", "area_map", (
    _id(), Col("地図の名前", "name", text(100), 24), Col("元のファイル", "source", text(200), 20),
    Col("画像の形式", "image_format", passthrough, 8, info=True),
    Col("幅（画素）", "width", passthrough, 8, info=True),
    Col("高さ（画素）", "height", passthrough, 8, info=True),
    Col("画像の大きさ（KB）", "image_kb", passthrough, 10, info=True),
    *(Col(f"基準点{i}（{axis}）", f"ref{i}_{key}", parse, 10)
      for i in (1, 2) for axis, key, parse in (("横", "x", fraction), ("縦", "y", fraction),
                                              ("緯度", "lat", degrees(90)), ("経度", "lon", degrees(180)))),
    Col("画像の照合用", "image", image_hash, 20, required=True, hidden=True), _council(),
), optional=True)

# Workbook order: the nine sheets people look at first, then the detail sheets.
SHEETS: tuple[Sheet, ...] = (
    COUNCILS, NEIGHBOURHOODS, MEMBERS, TRAININGS, NEEDS, TALLIES, SURVEYS, RESOURCES, MEETINGS,
    PROPOSALS, CONTACTS, VISIONS, AREA_MAPS, TRAINING_ATTENDANCE, TALLY_COLUMNS, TALLY_ROWS, TALLY_CELLS,
    SURVEY_QUESTIONS, SURVEY_CHOICES, SURVEY_RESPONSES, SURVEY_ANSWERS,
)
# Parents before children, so foreign keys hold at every statement of the merge.
APPLY_ORDER: tuple[Sheet, ...] = (
    COUNCILS, CONTACTS, VISIONS, AREA_MAPS, NEIGHBOURHOODS, MEMBERS, RESOURCES, NEEDS, TRAININGS,
    TRAINING_ATTENDANCE, TALLIES, TALLY_COLUMNS, TALLY_ROWS, TALLY_CELLS, SURVEYS,
    SURVEY_QUESTIONS, SURVEY_CHOICES, SURVEY_RESPONSES, SURVEY_ANSWERS, MEETINGS, PROPOSALS,
)
BY_TITLE = {s.title: s for s in SHEETS}


def in_apply_order(table: str, rows: Sequence[Any]) -> Sequence[Any]:
    """A sheet's rows with the parents among them first: tier-1 councils before the councils
    under them, a choice before its sub-choices (a file edited by hand may list them any way)."""
    if table == "council":
        return sorted(rows, key=lambda x: x.values["tier"])
    if table == "survey_choice":
        return sorted(rows, key=lambda x: x.values.get("parent_id") is not None)
    return rows
BY_TABLE = {s.table: s for s in SHEETS}


# --- parsing rows and the content hash ------------------------------------------------------------

_WITHHELD_TOKEN = "\x00非公開"
_MISSING = object()


class RowParser:
    """Parses the rows of one sheet with the columns' parsers.

    What repeated cells parse to (役割, 状況, 町内会, dates, はい/いいえ) is remembered per column:
    a 2,000-member sheet has a few dozen distinct values in most columns, and merging 26 such
    files parses a million cells. A column whose values are all different (names, IDs) stops
    being remembered once CACHE_LIMIT different values were seen.
    """

    CACHE_LIMIT = 500

    def __init__(self, sheet: Sheet, absent: frozenset[str] = frozenset()) -> None:
        """`absent`: optional columns the file does not have (left out of values and digest,
        so a file written before they were added keeps its stamps' digests)."""
        self.sheet = sheet
        self.columns = sheet.columns
        self.caches: list[dict | None] = [{} for _ in sheet.columns]
        self.absent = absent
        self.hashed = tuple(c.key for c in sheet.columns
                            if not c.info and c.key != "id" and c.key not in absent)

    def parse(self, cells: Sequence[object]) -> tuple[dict, frozenset[str], list[ValidationError]]:
        """Cells (in the sheet's column order) to typed values; withheld private cells noted."""
        values: dict[str, object] = {}
        withheld: set[str] = set()
        errors: list[ValidationError] = []
        limit = self.CACHE_LIMIT
        for index, (col, cache, raw) in enumerate(zip(self.columns, self.caches, cells, strict=True)):
            if col.private and type(raw) is str and raw.strip() == WITHHELD:
                withheld.add(col.key)
                values[col.key] = None
                continue
            key = (type(raw), raw)
            value = _MISSING if cache is None else cache.get(key, _MISSING)
            if value is _MISSING:
                try:
                    value = col.parse(raw, col.header)
                    if col.required and value in (None, "", ()):
                        raise ValidationError(col.header, "入力してください") from None
                except ValidationError as exc:
                    errors.append(exc)
                    values[col.key] = None
                    continue
                if cache is not None:
                    if len(cache) < limit:
                        cache[key] = value
                    else:
                        self.caches[index] = None  # all different: remembering only costs
            values[col.key] = value
        for name in self.absent:
            values.pop(name, None)
        return values, frozenset(withheld), errors

    def digest(self, values: Mapping[str, object], withheld: frozenset[str]) -> str:
        """What the row says, independent of how a spreadsheet stored it (a date as a serial
        or as text, はい or TRUE): a changed digest means someone changed the row's content.
        The parsed values' repr is the canonical form: both sides parse the same cells."""
        content = tuple(_WITHHELD_TOKEN if key in withheld else values.get(key) for key in self.hashed)
        return hashlib.blake2b(repr(content).encode("utf-8"), digest_size=8).hexdigest()


def stamp_text(created: dt.datetime | None, updated: dt.datetime | None, digest: str,
               base: str = "") -> str:
    """created|updated|digest|base: `base` is the row's per-field hashes as the writer last
    agreed on them with a file it read (exchange/sync.py); empty when it never did."""
    def iso(x: dt.datetime | None) -> str:
        return x.isoformat(timespec="microseconds") if x else ""
    return f"{iso(created)}|{iso(updated)}|{digest}|{base}"


@dataclasses.dataclass(frozen=True)
class Stamp:
    created: dt.datetime | None
    updated: dt.datetime | None
    digest: str
    base: str = ""


def read_stamp(value: object) -> Stamp | None:
    """Files written before bases were kept have three parts."""
    if not isinstance(value, str) or value.count("|") not in (2, 3):
        return None
    created, updated, digest, *rest = value.split("|")
    try:
        return Stamp(dt.datetime.fromisoformat(created) if created else None,
                     dt.datetime.fromisoformat(updated) if updated else None, digest.strip(),
                     rest[0].strip() if rest else "")
    except ValueError:
        return None


# --- rendering: stored values to cell values ----------------------------------------------------

def yes_no(value: object) -> str:
    return YES if value else NO


def cell(value: object) -> object:
    """A stored value as the cell shows it: dates stay dates, numbers numbers, blanks empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.time) and value == END_OF_DAY:
        return dt.time(23, 59)
    return value


@functools.lru_cache(maxsize=4096)
def first_slot(schedule_text: str) -> tuple[dt.time | None, dt.time | None]:
    parsed = try_parse(schedule_text) if schedule_text else None
    if parsed is None or not parsed.slots:
        return None, None
    slot = parsed.slots[0]
    if slot.end is None:  # an open end (「10:00〜」): the 終了 cell stays empty
        return slot.start, None
    end = slot.end if slot.end != END_OF_DAY else dt.time(23, 59)
    return slot.start, end


def kinds_text(thinker: bool, provider: bool) -> str | None:
    found = [name for flag, name in ((thinker, THINKER), (provider, PROVIDER)) if flag]
    return "、".join(found) or None
