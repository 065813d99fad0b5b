"""Councils: the tier-1 city council and its tier-2 area councils, contacts and vision history."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session, selectinload

from app.errors import NotFoundError, StoreError, UserError, ValidationError
from app.models import CONTACT_KINDS, Base, Council, CouncilContact, VisionRevision
from app.services import backups, base, council_names
from app.services.base import Field
from app.services.checks import aging_rate

# The list and the name rule are plain SQL (council_list.py); named here for the rest of the program.
from app.services.council_list import CouncilSummary as CouncilSummary
from app.services.council_list import find_id
from app.services.council_list import list_councils as list_councils
from app.services.normalize import nfkc
from app.store import Store

DELETE_BACKUP_REASON = "before-delete-council"  # labelled in backups.REASONS

# Each field once: validation here, the exchange sheets' columns (exchange/sheets.py: 協議体,
# 連絡先, 地域像) and the window's inputs (ui/pages/settings.py) are built from them.
COUNCIL_FIELDS = (
    Field("tier", "層", lambda v, label: _tier(v, label), default=2, kind=""),
    Field("parent_id", "第1層協議体", lambda v, _l: v or None, column="parent", cell=base.text(100),
          width=18, kind=""),
    Field("name", "協議体の名前", base.text(100), required=True, header="名前", width=18),
    Field("area_name", "地区名", base.text(200), default="", width=20),
    Field("founded_on", "発足日", base.date, width=12, kind="date"),
    Field("meeting_place", "会議の場所", base.text(200), default="", width=16,
          tip="チラシに載ります。例: 八幡公民館"),
    Field("meeting_schedule", "会議の日程", base.text(200), default="", width=22,
          tip="例: 第3(水) 10:00〜12:00"),
    Field("population", "人口", base.integer, width=10),
    Field("households", "世帯数", base.integer, width=10),
    Field("aged_65_plus", "65歳以上の人数", base.integer, width=10),
    Field("aged_75_plus", "75歳以上の人数", base.integer, width=10),
    Field("stated_aging_rate", "資料の高齢化率", base.rate, width=10,
          tip="資料に書かれている高齢化率（%）。人数から計算した値と比べるために使います"),
    Field("stats_as_of", "人口の時点", base.date, width=12, kind="date"),
    Field("note", "備考", base.long_text, default="", width=30, kind="long"),
)
# The fields the settings page edits in place (層 and 第1層協議体 are chosen when the council is
# made; 備考 is kept for the exchange file).
COUNCIL_FORM_FIELDS = ("name", "area_name", "founded_on", "meeting_place", "meeting_schedule",
                       "population", "households", "aged_65_plus", "aged_75_plus",
                       "stated_aging_rate", "stats_as_of")
CONTACT_FIELDS = (
    Field("kind", "連絡先の種類", base.choice(CONTACT_KINDS), required=True, header="種類", width=14,
          kind="choice", choices=CONTACT_KINDS),
    Field("name", "連絡先の名前", base.text(200), required=True, header="名前", width=26),
    Field("person", "担当者", base.text(200), default="", width=12),
    Field("phone", "電話番号", base.phone, default="", header="電話", width=15),
)
# The marks a 副題 is printed between (〜…〜 on screen, ―…― on paper) are added where it is shown;
# typed or pasted with them, they would show twice.
_SUBTITLE_MARKS = "〜～―~ 　"  # not ー: a word may end with it (サポーター)


def _subtitle(value: object, label: str) -> str:
    return base.text(300)(value, label).strip(_SUBTITLE_MARKS)


VISION_FIELDS = (
    Field("phrase", "目指す地域像", base.text(300), required=True, width=40),
    Field("subtitle", "副題", _subtitle, default="", width=30),
    Field("decided_on", "決めた日", base.date, default=base.today, kind="date"),
    Field("note", "備考", base.long_text, default="", width=24, kind="long"),
)


def _tier(value: object, label: str) -> int:
    tier = base.integer(value, label)
    if tier not in (1, 2):
        raise ValidationError(label, "1（市全域）か 2（日常生活圏域）を選んでください")
    return tier


@dataclasses.dataclass(frozen=True)
class VisionDTO:
    id: str
    phrase: str
    subtitle: str
    decided_on: dt.date
    note: str


@dataclasses.dataclass(frozen=True)
class ContactDTO:
    id: str
    kind: str
    name: str
    person: str
    phone: str


@dataclasses.dataclass(frozen=True)
class CouncilDTO:
    id: str
    tier: int
    parent_id: str | None
    name: str
    area_name: str
    founded_on: dt.date | None
    meeting_place: str
    meeting_schedule: str
    population: int | None
    households: int | None
    aged_65_plus: int | None
    aged_75_plus: int | None
    stated_aging_rate: float | None
    stats_as_of: dt.date | None
    note: str
    vision: VisionDTO | None
    contacts: tuple[ContactDTO, ...]
    aging_rate: float | None  # derived from the counts, percent with 2 decimals
    updated_at: dt.datetime

    @property
    def label(self) -> str:
        """The council in a sentence: 八幡地区協議体 (council_names never doubles a suffix)."""
        return council_names.council_label(self.name, self.tier)

    @property
    def area_label(self) -> str:
        """The area it serves: 八幡地区."""
        return council_names.area_label(self.name, self.tier)


def _dto(council: Council) -> CouncilDTO:
    vision = council.visions[-1] if council.visions else None
    return base.to_dto(
        CouncilDTO, council,
        vision=base.to_dto(VisionDTO, vision) if vision else None,
        contacts=tuple(base.to_dto(ContactDTO, c) for c in council.contacts),
        aging_rate=aging_rate(council.aged_65_plus, council.population),
    )


def _load(session, council_id: str) -> Council:
    stmt = (select(Council).where(Council.id == council_id)
            .options(selectinload(Council.contacts), selectinload(Council.visions)))
    council = session.scalars(stmt).first()
    if council is None:
        raise NotFoundError(f"協議体（ID {council_id}）が見つかりません。")
    return council


def get_council(store: Store, council_id: str) -> CouncilDTO:
    with store.session() as s:
        return _dto(_load(s, council_id))


def find_council(store: Store, name: str) -> CouncilDTO:
    """By name as people type it (council_list.find_id)."""
    return get_council(store, find_id(name, list_councils(store)))


def create_council(store: Store, raw: Mapping[str, object],
                   contacts: Sequence[Mapping[str, object]] = (),
                   vision: Mapping[str, object] | None = None) -> CouncilDTO:
    values = base.validate(COUNCIL_FIELDS, raw)
    contact_values = [base.validate(CONTACT_FIELDS, c) for c in contacts]
    vision_values = base.validate(VISION_FIELDS, vision) if vision else None
    with store.session() as s:
        _check_name_free(s, values["name"], None)
        _check_parent(s, values)
        council = Council(**values)
        council.contacts = [CouncilContact(position=i, **c) for i, c in enumerate(contact_values)]
        if vision_values:
            council.visions = [VisionRevision(**vision_values)]
        s.add(council)
        s.flush()
        return _dto(council)


def update_council(store: Store, council_id: str, raw: Mapping[str, object]) -> CouncilDTO:
    values = base.validate(COUNCIL_FIELDS, raw, partial=True)
    with store.session() as s:
        council = _load(s, council_id)
        if "name" in values:
            _check_name_free(s, values["name"], council_id)
        merged = {"tier": council.tier, "parent_id": council.parent_id, **values}
        _check_parent(s, merged)
        for key, value in values.items():
            setattr(council, key, value)
        s.flush()
        return _dto(council)


def delete_council(store: Store, council_id: str) -> None:
    """Removes the council and everything recorded for it (the UI asks first)."""
    with store.session() as s:
        council = _load(s, council_id)
        s.delete(council)


@dataclasses.dataclass(frozen=True)
class AddCouncilsReport:
    created: list[CouncilDTO]
    skipped: list[str]   # one Japanese line per name left out, with the reason


# What separates names pasted from a column in Excel, a row of cells, or a sentence in Word.
_SEPARATORS = re.compile(r"[\t、，,]")


def split_names(text: str) -> list[tuple[int, str]]:
    """(line number, name) for every name in a pasted text, in order, blanks left out."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for part in _SEPARATORS.split(line):
            name = nfkc(part)
            if name:
                found.append((number, name))
    return found


def add_councils_from_text(store: Store, parent_id: str | None, text: str) -> AddCouncilsReport:
    """Tier-2 councils from a pasted list of names, all in one transaction.

    A name already registered (or repeated in the list) is left out with a reason; a name that
    cannot be a council's name refuses the whole paste, naming its line, so nothing half-done
    is left to tidy up."""
    names = split_names(text)
    if not names:
        raise UserError("協議体の名前が見つかりません。1行に1つずつ名前を書いてください。")
    prepared: list[tuple[int, str, dict]] = []
    for number, name in names:
        try:
            values = base.validate(COUNCIL_FIELDS, {"name": name, "tier": 2, "parent_id": parent_id})
        except ValidationError as exc:
            raise ValidationError(f"{number}行目「{name}」", exc.reason) from None
        prepared.append((number, name, values))
    created: list[Council] = []
    skipped: list[str] = []
    with store.session() as s:
        if parent_id is not None:
            parent = s.get(Council, parent_id)
            if parent is None or parent.tier != 1:
                raise ValidationError("第1層協議体", "上の協議体には第1層の協議体を選んでください")
        registered = {nfkc(n) for (n,) in s.execute(select(Council.name))}
        seen: set[str] = set()
        for number, name, values in prepared:
            key = nfkc(name)
            if key in seen:
                skipped.append(f"{number}行目「{name}」: 同じ名前が上の行にあるので、1つだけ登録しました")
                continue
            seen.add(key)
            if key in registered:
                skipped.append(f"{number}行目「{name}」: もう登録されているので、そのままにしました")
                continue
            council = Council(**values)
            council.contacts = []
            council.visions = []
            s.add(council)
            created.append(council)
        s.flush()
        return AddCouncilsReport([_dto(c) for c in created], skipped)


def _council_tables() -> list:
    """(table, column) of everything recorded for a council (what deleting it takes along)."""
    council = Base.metadata.tables["council"]
    return [(other, fk.parent) for other in Base.metadata.sorted_tables
            for fk in other.foreign_keys
            if fk.column.table is council and fk.ondelete == "CASCADE"]


def is_empty_council(store_or_session: Store | Session, council_id: str) -> bool:
    """Nothing recorded yet: no members, 町内会, needs, tallies, surveys, resources, meetings,
    trainings, contacts or vision. An empty council may be replaced by a file's council."""
    def check(s: Session) -> bool:
        if s.get(Council, council_id) is None:
            raise NotFoundError(f"協議体（ID {council_id}）が見つかりません。")
        return not any(s.execute(select(exists().where(column == council_id))).scalar()
                       for _table, column in _council_tables())

    if isinstance(store_or_session, Session):
        return check(store_or_session)
    with store_or_session.session() as s:
        return check(s)


# What deleting a council takes along, as the confirmation names it.
_RECORD_LABELS = (("member", "メンバー", "人"), ("neighbourhood", "町内会", "件"), ("need", "ニーズ", "件"),
                  ("resource", "社会資源", "件"), ("meeting", "会議", "回"), ("training", "研修", "回"),
                  ("tally", "集計表", "枚"), ("survey", "アンケート", "件"))


def describe_records(store: Store, council_id: str) -> str:
    """「メンバー22人、町内会5件、…」: everything recorded for the council (all of it goes with a
    delete, so 退会 members count too); 「記録なし」 when there is nothing."""
    parts = []
    with store.session() as s:
        for table_name, label, unit in _RECORD_LABELS:
            table = Base.metadata.tables[table_name]
            count = s.execute(select(func.count()).select_from(table)
                              .where(table.c.council_id == council_id)).scalar()
            if count:
                parts.append(f"{label}{count:,}{unit}")
    return "、".join(parts) or "記録なし"


def remove_council(store: Store, council_id: str) -> backups.BackupInfo:
    """A verified backup first, then the council and everything recorded for it are deleted.

    Returns the backup, so the caller can say where the data still is. When the backup cannot
    be made, nothing is deleted."""
    council = get_council(store, council_id)
    try:
        backup = backups.backup_now(store, DELETE_BACKUP_REASON)
    except (StoreError, OSError) as exc:
        raise UserError(f"協議体「{council.name}」を削除する前のバックアップを作れなかったので、削除していません"
                        f"（{exc}）。バックアップの保存先の空き容量を確かめてください。") from None
    with store.session() as s:
        s.execute(delete(Council).where(Council.id == council_id))
    return backup


def set_contacts(store: Store, council_id: str, contacts: Sequence[Mapping[str, object]]) -> CouncilDTO:
    values = [base.validate(CONTACT_FIELDS, c) for c in contacts]
    with store.session() as s:
        council = _load(s, council_id)
        council.contacts = [CouncilContact(position=i, **c) for i, c in enumerate(values)]
        s.flush()
        return _dto(council)


def revise_vision(store: Store, council_id: str, raw: Mapping[str, object]) -> VisionDTO:
    """A new wording of the vision; the old ones stay in the history (あり方検討)."""
    values = base.validate(VISION_FIELDS, raw)
    with store.session() as s:
        council = _load(s, council_id)
        if council.visions and values["decided_on"] < council.visions[-1].decided_on:
            raise ValidationError("決めた日", "今の地域像より前の日付です。履歴の最後に加えてください",
                                  name="decided_on")
        revision = VisionRevision(council_id=council_id, **values)
        s.add(revision)
        s.flush()
        return base.to_dto(VisionDTO, revision)


def vision_history(store: Store, council_id: str) -> list[VisionDTO]:
    """Oldest first; the last one is current."""
    with store.session() as s:
        return [base.to_dto(VisionDTO, v) for v in _load(s, council_id).visions]


def _check_name_free(session, name: str, own_id: str | None) -> None:
    other = session.scalars(select(Council).where(Council.name == name)).first()
    if other is not None and other.id != own_id:
        raise ValidationError("協議体の名前", f"「{name}」はもう登録されています。別の名前にしてください",
                              name="name")


def _check_parent(session, values: Mapping[str, object]) -> None:
    parent_id = values.get("parent_id")
    if values.get("tier") == 1 and parent_id:
        raise ValidationError("第1層協議体", "第1層の協議体は、ほかの協議体の下には入りません",
                              name="parent_id")
    if parent_id:
        parent = session.get(Council, parent_id)
        if parent is None or parent.tier != 1:
            raise ValidationError("第1層協議体", "上の協議体には第1層の協議体を選んでください",
                                  name="parent_id")
