"""Social resources (社会資源): the list, their schedules and next dates, yearly verification."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.models import OPERATOR_TYPES, Council, Neighbourhood, Resource, ResourceCategory
from app.services import base
from app.services.base import Field
from app.services.checks import verified_too_long_ago
from app.services.normalize import nfkc
from app.services.schedule import (
    FREQS,
    Schedule,
    ScheduleError,
    format_schedule,
    next_dates,
    parse_schedule,
    try_parse,
)
from app.store import Store


@functools.lru_cache(maxsize=4096)
def stored_schedule(text: str | None) -> dict | None:
    """The schedule as stored beside its text (None when it is not understood): every writer
    (window, import, lists made elsewhere, demo) uses it. Cached: thousands of rows share a few
    schedules; the dict is shared, so callers only store or serialise it."""
    parsed = try_parse(text) if text else None
    return parsed.to_dict() if parsed else None

# Each field once: validation here, the exchange sheet's column (exchange/sheets.py), the header
# words of resource lists made elsewhere (exchange/table.py) and the window's input
# (ui/pages/resources/dialog.py) are built from it.
RESOURCE_FIELDS = (
    Field("name", "名称", base.text(200), required=True, width=24,
          synonyms=("名称", "名前", "団体名", "サロン名", "活動名", "資源名", "社会資源", "name"),
          tip="例: ミチの会"),
    Field("category", "分類", base.text(50), default="", width=14,
          synonyms=("分類", "種類", "種別", "カテゴリ", "カテゴリー"), kind="choice"),
    Field("content", "内容", base.long_text, default="", width=30,
          synonyms=("内容", "活動内容", "概要", "説明"), kind="long", tip="例: いきいきサロン"),
    Field("operator_type", "運営主体", base.choice(OPERATOR_TYPES), default="住民団体", width=12,
          cell=base.choice_or(OPERATOR_TYPES, "住民団体"), synonyms=("運営主体", "運営"),
          kind="choice", choices=OPERATOR_TYPES),
    Field("representative", "団体・代表者", base.text(200), default="", width=18,
          synonyms=("団体・代表者", "代表者", "代表", "主催", "主催者", "担当者")),
    Field("phone", "電話", base.phone, default="", width=15,
          synonyms=("電話", "電話番号", "tel", "連絡先", "℡"), tip="例: 027-123-4567"),
    Field("venue", "会場", base.text(200), default="", width=16,
          synonyms=("会場", "場所", "開催場所", "活動場所"), tip="例: 上町崎公民館"),
    Field("neighbourhood_id", "町内会", lambda v, _l: v or None, column="neighbourhood",
          cell=base.text(100), width=12, synonyms=("町内会", "町内会名", "自治会", "地区", "町名"),
          kind="choice"),
    Field("schedule_text", "日程", base.text(200), default="", width=28,
          synonyms=("日程", "日時", "開催日", "開催日時", "活動日", "曜日", "開催")),
    Field("skip_holidays", "祝日は休み", base.boolean, default=False, width=10, kind="bool"),
    Field("target", "対象", base.text(200), default="", width=16, synonyms=("対象", "対象者"),
          tip="例: おおむね65歳以上の方"),
    Field("fee", "費用", base.text(100), default="", width=10, synonyms=("費用", "参加費", "料金", "会費"),
          tip="例: 1回100円"),
    Field("created_by_council", "協議体で創出", base.boolean, default=False, width=10,
          synonyms=("協議体で創出", "創出"), kind="bool",
          tip="協議体の話し合いから生まれた資源（資源開発）なら印をつけます"),
    Field("started_on", "始めた日", base.date, width=12,
          synonyms=("始めた日", "開始日", "活動開始日", "開始年月日", "発足日", "設立日"), kind="date",
          tip="活動を始めた日（年度のまとめで、その年度に始めた資源として数えます）。分からなければ空欄"),
    Field("last_verified_on", "最終確認日", base.date, width=12, synonyms=("最終確認日", "確認日"),
          kind="date", tip="今も書いてあるとおりに開いていると確かめた日"),
    Field("map_x", "地図の位置（横）", base.map_position, width=10),
    Field("map_y", "地図の位置（縦）", base.map_position, width=10),
    Field("note", "備考", base.long_text, default="", width=24, synonyms=("備考", "メモ", "その他"),
          kind="long"),
)


@dataclasses.dataclass(frozen=True)
class ResourceDTO:
    id: str
    council_id: str
    name: str
    category: str
    content: str
    operator_type: str
    representative: str
    phone: str
    venue: str
    neighbourhood_id: str | None
    neighbourhood_name: str
    schedule_text: str
    schedule: Schedule | None  # None: the text could not be read (flag it, keep the text)
    skip_holidays: bool
    target: str
    fee: str
    created_by_council: bool
    started_on: dt.date | None
    last_verified_on: dt.date | None
    map_x: float | None
    map_y: float | None
    note: str
    position: int
    updated_at: dt.datetime

    @property
    def start_time(self) -> dt.time | None:
        return self.schedule.slots[0].start if self.schedule and self.schedule.slots else None

    @property
    def end_time(self) -> dt.time | None:
        return self.schedule.slots[0].end if self.schedule and self.schedule.slots else None

    @property
    def schedule_unreadable(self) -> bool:
        return bool(self.schedule_text) and self.schedule is None


def _dto(r: Resource, nb_names: Mapping[str, str]) -> ResourceDTO:
    return base.to_dto(
        ResourceDTO, r,
        category=r.category.name if r.category else "",
        neighbourhood_name=nb_names.get(r.neighbourhood_id or "", ""),
        schedule=Schedule.from_dict(r.schedule) if r.schedule else None,
    )


def _nb_names(session, council_id: str) -> dict[str, str]:
    return dict(session.execute(select(Neighbourhood.id, Neighbourhood.name)
                                .where(Neighbourhood.council_id == council_id)).all())


def _apply(session, resource: Resource, values: dict) -> None:
    if "category" in values:
        name = values.pop("category")
        resource.category = _category(session, name) if name else None
    if "neighbourhood_id" in values and values["neighbourhood_id"]:
        nb = session.get(Neighbourhood, values["neighbourhood_id"])
        if nb is None or nb.council_id != resource.council_id:
            raise ValidationError("町内会", "この協議体の町内会から選んでください", name="neighbourhood_id")
    if "schedule_text" in values:
        resource.schedule = stored_schedule(values["schedule_text"])
    for key, value in values.items():
        setattr(resource, key, value)


def _category(session, name: str) -> ResourceCategory:
    wanted = nfkc(name)
    categories = session.scalars(select(ResourceCategory)).all()
    for category in categories:
        if nfkc(category.name) == wanted:
            return category
    raise ValidationError("分類", f"「{name}」は分類の一覧にありません"
                                  f"（{'、'.join(c.name for c in categories)}）", name="category")


def _query():
    return select(Resource).options(selectinload(Resource.category))


def list_resources(store: Store, council_id: str) -> list[ResourceDTO]:
    with store.session() as s:
        names = _nb_names(s, council_id)
        rows = s.scalars(_query().where(Resource.council_id == council_id)
                         .order_by(Resource.position, Resource.name))
        return [_dto(r, names) for r in rows]


def get_resource(store: Store, resource_id: str) -> ResourceDTO:
    with store.session() as s:
        resource = base.get_or_fail(s, Resource, resource_id, "社会資源")
        return _dto(resource, _nb_names(s, resource.council_id))


def create_resource(store: Store, council_id: str, raw: Mapping[str, object]) -> ResourceDTO:
    values = base.validate(RESOURCE_FIELDS, raw)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        position = s.scalar(select(func.coalesce(func.max(Resource.position) + 1, 0))
                            .where(Resource.council_id == council_id))
        resource = Resource(council_id=council_id, position=position)
        _apply(s, resource, values)
        s.add(resource)
        s.flush()
        return _dto(resource, _nb_names(s, council_id))


def update_resource(store: Store, resource_id: str, raw: Mapping[str, object]) -> ResourceDTO:
    values = base.validate(RESOURCE_FIELDS, raw, partial=True)
    with store.session() as s:
        resource = base.get_or_fail(s, Resource, resource_id, "社会資源")
        _apply(s, resource, values)
        s.flush()
        return _dto(resource, _nb_names(s, resource.council_id))


def delete_resource(store: Store, resource_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Resource, resource_id, "社会資源"))


def mark_verified(store: Store, resource_id: str, on: dt.date | None = None) -> ResourceDTO:
    """「確認した」: the resource still runs as listed."""
    return update_resource(store, resource_id, {"last_verified_on": on or base.today()})


def is_stale(resource: ResourceDTO, today: dt.date) -> bool:
    """Not verified for a year (or never): a printed list may be telling people wrong times."""
    return verified_too_long_ago(resource.last_verified_on, today)


def unverified_resources(store: Store, council_id: str, today: dt.date | None = None) -> list[ResourceDTO]:
    today = today or base.today()
    return [r for r in list_resources(store, council_id) if is_stale(r, today)]


def upcoming_dates(resource: ResourceDTO, after: dt.date | None = None, count: int = 5) -> list[dt.date]:
    if resource.schedule is None:
        return []
    return next_dates(resource.schedule, after or base.today(), count,
                      skip_holidays=resource.skip_holidays)


def schedule_preview(text: str) -> tuple[str, Schedule | None]:
    """The text as it will be printed, or the text as typed when it cannot be read."""
    parsed = try_parse(text)
    return (format_schedule(parsed) if parsed else text.strip()), parsed


def category_names(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(ResourceCategory.name).order_by(ResourceCategory.position)))


# --- for the resource page: reading and building schedules, dates, verification, the map -------

@dataclasses.dataclass(frozen=True)
class ScheduleReading:
    """What a typed schedule will become: the printed text, the rule, or why it can't be read."""

    text: str                  # as typed (trimmed); this is what is stored
    printed: str               # canonical form when readable, else the text as typed
    schedule: Schedule | None  # None: empty or unreadable
    problem: str               # the reason it cannot be read; "" when readable or empty

    @property
    def unreadable(self) -> bool:
        return bool(self.text) and self.schedule is None


def read_schedule(text: str) -> ScheduleReading:
    """Like schedule_preview, but keeps the reason so the editor can say what to change."""
    typed = (text or "").strip()
    if not typed:
        return ScheduleReading("", "", None, "")
    try:
        parsed = parse_schedule(typed)
    except ScheduleError as exc:
        return ScheduleReading(typed, typed, None, exc.reason)
    return ScheduleReading(typed, format_schedule(parsed), parsed, "")


_MONTHDAY_SEP = re.compile(r"\s*[、,・\s]\s*")


def _monthdays(text: str) -> tuple[int, ...]:
    cleaned = nfkc(text).strip("、,・ ")
    if not cleaned:
        raise ValidationError("日程", "毎月の何日かを入れてください（例: 15 または 1・15）", name="schedule_text")
    days = []
    for piece in _MONTHDAY_SEP.split(cleaned):
        match = re.fullmatch(r"(\d{1,2})日?", piece)
        if not match:
            raise ValidationError("日程", f"日付「{piece}」が分かりません（例: 15 または 1・15）", name="schedule_text")
        day = int(match[1])
        if not 1 <= day <= 31:
            raise ValidationError("日程", f"{day}日はありません（1〜31日）", name="schedule_text")
        days.append(day)
    return tuple(days)


def compose_schedule(freq: str, *, weekdays: Iterable[int] = (), nths: Iterable[int] = (),
                     monthdays: str = "", slots: Iterable[tuple[str, str]] = ()) -> ScheduleReading:
    """The canonical schedule from the editor's controls (frequency, 曜日, 第n, 日付, 時間).

    Times arrive as typed ("10:00", "１０：００"); a start without an end is an open end
    (「10:00〜」). An end without a start or a missing choice is a ValidationError on 日程 that
    says what to pick, so the editor never writes a wrong text.
    """
    if freq not in FREQS:
        raise ValidationError("日程", f"頻度「{freq}」が分かりません", name="schedule_text")
    wds = tuple(sorted(set(weekdays)))
    nth_list = tuple(nths)
    if freq in ("weekly", "biweekly", "monthly_nth") and not wds:
        raise ValidationError("日程", "曜日を選んでください", name="schedule_text")
    if freq == "monthly_nth" and not nth_list:
        raise ValidationError("日程", "第何週かを選んでください（第1〜第5・最終）", name="schedule_text")
    days = _monthdays(monthdays) if freq == "monthly_day" else ()
    pieces = []
    for number, (start, end) in enumerate(slots, 1):
        start, end = nfkc(start), nfkc(end)
        if not start and not end:
            continue
        if not start:
            raise ValidationError("日程", f"{number}つ目の時間：開始を入れてください", name="schedule_text")
        pieces.append(f"{start}〜{end}")  # no end: an open end, 「10:00〜」
    time_slots: tuple = ()
    if pieces:
        try:
            time_slots = parse_schedule("毎日 " + "又は".join(pieces)).slots
        except ScheduleError as exc:
            raise ValidationError("日程", exc.reason, name="schedule_text") from None
    try:
        built = Schedule(freq, weekdays=wds if freq in ("weekly", "biweekly", "monthly_nth") else (),
                         nths=nth_list if freq == "monthly_nth" else (), monthdays=days,
                         slots=time_slots)
    except ScheduleError as exc:
        raise ValidationError("日程", exc.reason, name="schedule_text") from None
    text = format_schedule(built)
    return ScheduleReading(text, text, built, "")


def schedule_dates(schedule: Schedule | None, *, skip_holidays: bool = False,
                   after: dt.date | None = None, count: int = 5) -> list[dt.date]:
    """Next dates of a rule still being edited (upcoming_dates needs a saved resource)."""
    if schedule is None:
        return []
    return next_dates(schedule, after or base.today(), count, skip_holidays=skip_holidays)


def mark_verified_many(store: Store, resource_ids: Iterable[str],
                       on: dt.date | None = None) -> list[ResourceDTO]:
    """「確認した」 for several rows at once, all or nothing."""
    day = base.date(on, "最終確認日") if on is not None else base.today()
    ids = list(dict.fromkeys(resource_ids))
    if not ids:
        raise ValidationError("最終確認日", "確認した社会資源を選んでください", name="last_verified_on")
    with store.session() as s:
        rows = [base.get_or_fail(s, Resource, rid, "社会資源") for rid in ids]
        for row in rows:
            row.last_verified_on = day
        s.flush()
        names = {row.council_id: _nb_names(s, row.council_id) for row in rows}
        return [_dto(row, names[row.council_id]) for row in rows]


def set_map_position(store: Store, resource_id: str, x: object, y: object) -> ResourceDTO:
    """Place (or, with both None, remove) a resource's pin: fractions 0..1 of the map."""
    base.check_pin(x, y)
    return update_resource(store, resource_id, {"map_x": x, "map_y": y})
