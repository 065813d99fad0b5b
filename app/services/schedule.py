"""Resource schedules (「毎週(火) 10:00〜12:00」 etc.): parse, format, and upcoming dates.

Qt-free on purpose so it can be used from services, importers and tests alike.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import jpholiday
from dateutil.relativedelta import relativedelta
from dateutil.rrule import DAILY, MONTHLY, WEEKLY, rrule, weekday

from app.errors import UserError
from app.services.wareki import WEEKDAYS

__all__ = [
    "WEEKDAYS",
    "FREQS",
    "TimeSlot",
    "Schedule",
    "ScheduleError",
    "parse_schedule",
    "format_schedule",
    "next_dates",
    "try_parse",
]

FREQS = ("daily", "weekly", "biweekly", "monthly_nth", "monthly_day")
LAST = -1  # nths value for 最終 (last weekday of the month)

# 24:00 cannot be a datetime.time, so an end of 24:00 is stored as time.max.
END_OF_DAY = dt.time.max

_SEP = r"[、,・]"  # list separators (after NFKC, so ､ ， ･ are already folded in)
_RANGE = "〜~\\-–—−‐ー"  # range separators; NFKC turns ～ into ~
_SLOT_SEP = re.compile(r"\s*(?:又は|または|は|/|、|,)\s*|\s+")
# 10:00〜12:00, or a start with an open end: 10:00〜 (10時から, 午前10時から are rewritten to it).
_SLOT = re.compile(rf"(\d{{1,2}}):(\d{{2}})[{_RANGE}](?:(\d{{1,2}}):(\d{{2}}))?")
_TIME_START = re.compile(r"\d+\s*:")
_NTH_LIST = re.compile(rf"((?:第\s*\d+|最終)(?:\s*{_SEP}\s*(?:第\s*\d+|最終|\d+))*)\s*週?")
_HINT = "「毎週(火)」「隔週(水)」「第2(木)」「最終(金)」「毎月15日」「毎日」のように書いてください"


class ScheduleError(UserError, ValueError):
    """Bad schedule text or data. `reason` is the bare Japanese reason, `text` the input."""

    def __init__(self, reason: str, text: str | None = None, *, subject: str = "日程") -> None:
        self.reason = reason
        self.text = text
        super().__init__(
            reason if text is None else f"{subject}「{text}」を読み取れません：{reason}"
        )


def _fmt_time(t: dt.time, *, pad: bool = False) -> str:
    if t == END_OF_DAY:
        return "24:00"
    s = f"{t.hour:02d}:{t.minute:02d}" if pad else f"{t.hour}:{t.minute:02d}"
    return s if not (t.second or t.microsecond) else s + t.strftime(":%S.%f")


@dataclass(frozen=True)
class TimeSlot:
    start: dt.time
    end: dt.time | None = None  # None: open end (「10:00〜」); END_OF_DAY (time.max) means 24:00

    def __post_init__(self) -> None:
        for t in (self.start, self.end) if self.end is not None else (self.start,):
            if not isinstance(t, dt.time) or t.tzinfo is not None:
                raise ScheduleError(f"時刻 {t!r} が正しくありません")
        # Minute resolution only, so that text <-> data round-trips exactly.
        if self.start == END_OF_DAY or self.start.second or self.start.microsecond:
            raise ScheduleError(f"開始時刻 {_fmt_time(self.start)} は使えません")
        if self.end is None:
            return
        if self.end != END_OF_DAY and (self.end.second or self.end.microsecond):
            raise ScheduleError(f"終了時刻 {_fmt_time(self.end)} は使えません")
        if self.end <= self.start:
            raise ScheduleError(f"時間帯 {self}：終了時刻が開始時刻より後になっていません")

    def __str__(self) -> str:
        end = "" if self.end is None else _fmt_time(self.end)
        return f"{_fmt_time(self.start)}〜{end}"

    def sort_key(self) -> tuple[dt.time, bool, dt.time]:
        """Start first; at the same start an open end comes before a closed one."""
        return self.start, self.end is not None, self.end or dt.time.min


def _int_tuple(values: Iterable[Any], name: str, ok: Iterable[int]) -> tuple[int, ...]:
    try:
        items = list(values)
    except TypeError:
        raise ScheduleError(f"{name}の指定 {values!r} が一覧になっていません") from None
    allowed = set(ok)
    for v in items:
        # bool is an int subclass; True would silently mean 火曜 otherwise.
        if not isinstance(v, int) or isinstance(v, bool) or v not in allowed:
            raise ScheduleError(f"{name} {v!r} は範囲外です")
    return tuple(sorted(set(items)))


@dataclass(frozen=True)
class Schedule:
    freq: str  # one of FREQS
    weekdays: tuple[int, ...] = ()  # weekly, biweekly, monthly_nth; 0=Mon..6=Sun
    nths: tuple[int, ...] = ()  # monthly_nth: 1..5 and -1 (最終, sorted last)
    monthdays: tuple[int, ...] = ()  # monthly_day: 1..31
    slots: tuple[TimeSlot, ...] = ()
    anchor: dt.date | None = None  # biweekly only: a date in an "on" week

    def __post_init__(self) -> None:
        # Normalise (sort/dedupe, lists -> tuples) so equal rules compare equal.
        if self.freq not in FREQS:
            raise ScheduleError(f"頻度 {self.freq!r} が分かりません")
        wds = _int_tuple(self.weekdays, "曜日", range(7))
        nths = _int_tuple(self.nths, "第n", [*range(1, 6), LAST])
        nths = tuple(sorted(nths, key=lambda n: n if n > 0 else 99))
        mds = _int_tuple(self.monthdays, "日付", range(1, 32))
        try:
            slot_list = list(self.slots)
        except TypeError:
            raise ScheduleError(f"時間帯 {self.slots!r} が一覧になっていません") from None
        if not all(isinstance(s, TimeSlot) for s in slot_list):
            raise ScheduleError(f"時間帯 {self.slots!r} が正しくありません")
        slots = tuple(sorted(set(slot_list), key=TimeSlot.sort_key))

        needs_wd = self.freq in ("weekly", "biweekly", "monthly_nth")
        if needs_wd != bool(wds):
            raise ScheduleError(
                "曜日がありません" if needs_wd else "この頻度に曜日は指定できません"
            )
        if (self.freq == "monthly_nth") != bool(nths):
            raise ScheduleError(
                "第何週かがありません" if not nths else "この頻度に第n は指定できません"
            )
        if (self.freq == "monthly_day") != bool(mds):
            raise ScheduleError("日付がありません" if not mds else "この頻度に日付は指定できません")
        if self.anchor is not None:
            if self.freq != "biweekly":
                raise ScheduleError("基準日は隔週のときだけ指定できます")
            if not isinstance(self.anchor, dt.date) or isinstance(self.anchor, dt.datetime):
                raise ScheduleError(f"基準日 {self.anchor!r} が日付ではありません")

        object.__setattr__(self, "weekdays", wds)
        object.__setattr__(self, "nths", nths)
        object.__setattr__(self, "monthdays", mds)
        object.__setattr__(self, "slots", slots)

    def to_dict(self) -> dict[str, Any]:
        return {
            "freq": self.freq,
            "weekdays": list(self.weekdays),
            "nths": list(self.nths),
            "monthdays": list(self.monthdays),
            "slots": [
                {"start": _fmt_time(s.start, pad=True),
                 "end": None if s.end is None else _fmt_time(s.end, pad=True)}
                for s in self.slots
            ],
            "anchor": self.anchor.isoformat() if self.anchor else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Schedule:
        try:
            shown = json.dumps(d, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            shown = repr(d)
        try:
            if not isinstance(d, dict):
                raise ScheduleError("辞書ではありません")
            slots = d.get("slots") or []
            if not isinstance(slots, list) or not all(isinstance(s, dict) for s in slots):
                raise ScheduleError("時間帯が一覧になっていません")
            anchor = d.get("anchor")
            if anchor is not None:
                if not isinstance(anchor, str):
                    raise ScheduleError(f"基準日 {anchor!r} が文字列ではありません")
                try:
                    anchor = dt.date.fromisoformat(anchor)
                except ValueError:
                    raise ScheduleError(f"基準日 {anchor!r} が日付ではありません") from None
            return cls(
                freq=d.get("freq"),  # type: ignore[arg-type]  # validated in __post_init__
                weekdays=d.get("weekdays") or (),
                nths=d.get("nths") or (),
                monthdays=d.get("monthdays") or (),
                slots=tuple(
                    _make_slot(_hm(s.get("start"), end=False),
                               None if s.get("end") is None else _hm(s.get("end"), end=True))
                    for s in slots
                ),
                anchor=anchor,
            )
        except ScheduleError as e:
            raise ScheduleError(e.reason, shown, subject="日程データ") from None


def _hm(value: Any, *, end: bool) -> tuple[int, int]:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
    if not m:
        raise ScheduleError(f"時刻 {value!r} は「HH:MM」の形ではありません")
    return _check_hm(int(m[1]), int(m[2]), end=end)


def _check_hm(h: int, m: int, *, end: bool) -> tuple[int, int]:
    which = "終了" if end else "開始"
    if m > 59:
        raise ScheduleError(f"{which}時刻 {h}:{m:02d} の分が範囲外です（0〜59分）")
    if h > 24 or (h == 24 and (m or not end)):
        limit = "0〜24時、24時は終了時刻の24:00のみ" if h == 24 else "0〜24時"
        raise ScheduleError(f"{which}時刻 {h}:{m:02d} の時が範囲外です（{limit}）")
    return h, m


def _make_slot(start: tuple[int, int], end: tuple[int, int] | None) -> TimeSlot:
    """A slot from (hour, minute) pairs; `end` None is an open end, (24, 0) is END_OF_DAY."""
    if end is None:
        return TimeSlot(dt.time(*start))
    e = END_OF_DAY if end == (24, 0) else dt.time(*end)
    return TimeSlot(dt.time(*start), e)


# --- parsing ---------------------------------------------------------------


def parse_schedule(text: str) -> Schedule:
    """Parse schedule text; raises ScheduleError (quoting `text`) when it cannot."""
    try:
        return _parse(text)
    except ScheduleError as e:
        raise ScheduleError(e.reason, text) from None


def try_parse(text: str) -> Schedule | None:
    """Like parse_schedule but returns None, for callers that keep the raw text."""
    try:
        return parse_schedule(text)
    except ScheduleError:
        return None


def _parse(text: str) -> Schedule:
    if not isinstance(text, str):
        raise ScheduleError("文字列ではありません")
    s = _spoken(unicodedata.normalize("NFKC", text).strip())
    if not s:
        raise ScheduleError("空です")
    m = _TIME_START.search(s)
    day, times = (s[: m.start()], s[m.start() :]) if m else (s, "")
    day = day.strip().rstrip("、,").strip()
    if not day:
        raise ScheduleError("曜日や日付がありません（時刻だけでは日程になりません）")
    slots = _parse_slots(times)

    if day == "毎日":
        return Schedule("daily", slots=slots)
    if day.startswith(("毎週", "隔週")):
        freq = "weekly" if day.startswith("毎週") else "biweekly"
        return Schedule(freq, weekdays=_parse_weekdays(day[2:]), slots=slots)
    if day.startswith("毎月"):
        day = day[2:].strip()
        if not day.startswith(("第", "最終")):
            return Schedule("monthly_day", monthdays=_parse_monthdays(day), slots=slots)
    if day.startswith(("第", "最終")):
        nm = _NTH_LIST.match(day)
        if not nm:
            raise ScheduleError("第何週かが読み取れません（例：第2(木)、第1・3(水)）")
        nths = []
        for item in re.findall(r"\d+|最終", nm[1]):
            n = LAST if item == "最終" else int(item)
            if not (1 <= n <= 5 or n == LAST):
                raise ScheduleError(f"第{item} は範囲外です（第1〜第5か最終）")
            nths.append(n)
        return Schedule(
            "monthly_nth", weekdays=_parse_weekdays(day[nm.end() :]), nths=tuple(nths), slots=slots
        )
    raise ScheduleError(_HINT)


# Times as people write them: 午前10時, 午後1時半, 3時15分, 正午; 10時から12時まで.
_SPOKEN_TIME = re.compile(r"(午前|午後)?\s*(\d{1,2})(?:時(?:\s*(\d{1,2})\s*分|(半))?|:(\d{2}))")
_FROM_TO = re.compile(r"(\d:\d{2})\s*から\s*(?=\d)")
_UNTIL = re.compile(r"(\d:\d{2})\s*まで")
_OPEN_END = re.compile(r"(\d:\d{2})\s*から")


def _spoken(s: str) -> str:
    """Rewrite spoken forms into the written ones `_parse` reads (毎月第2水曜日 午後1時半から3時まで
    -> 毎月第2水曜日 13:30〜15:00). A time after a 午後 one in the same text, without 午前/午後 of its
    own, is afternoon too (午後1時〜3時). A start with no end (午前10時から, 10:00から) becomes a
    start-only slot, 10:00〜."""
    s = s.replace("正午", "午後12時")
    afternoon = False

    def clock(m: re.Match[str]) -> str:
        nonlocal afternoon
        meridiem, hour = m[1], int(m[2])
        if m[5] is not None:          # 10:30 as written: only 午後 changes it
            if meridiem is None and not afternoon:
                return m[0]
            minute = int(m[5])
        else:
            minute = 30 if m[4] else int(m[3] or 0)
        if meridiem == "午後":
            afternoon = True
            hour += 12 if hour < 12 else 0
        elif meridiem == "午前":
            afternoon = False
        elif afternoon and hour < 12:
            hour += 12
        return f"{hour}:{minute:02d}"

    if "時" in s or "午前" in s or "午後" in s:
        s = _SPOKEN_TIME.sub(clock, s)
    s = _FROM_TO.sub(r"\1〜", s)
    s = _UNTIL.sub(r"\1", s)
    return _OPEN_END.sub(r"\1〜", s).strip()


def _parse_weekdays(spec: str) -> tuple[int, ...]:
    spec = spec.strip()
    if not spec:
        raise ScheduleError("曜日がありません（例：毎週(火)）")
    if spec.startswith("("):
        close = spec.find(")")
        if close < 0:
            raise ScheduleError("曜日の括弧が閉じていません")
        if extra := spec[close + 1 :].strip():
            raise ScheduleError(f"「{extra}」が余分です")
        spec = spec[1:close].strip()
        if not spec:
            raise ScheduleError("括弧の中に曜日がありません")
    elif ")" in spec:
        raise ScheduleError("閉じ括弧に対応する開き括弧がありません")
    days: list[int] = []
    for item in re.split(rf"\s*{_SEP}\s*|\s+", spec):
        # "火金" (no separator) is common enough to accept.
        m = re.fullmatch(rf"([{WEEKDAYS}]+)(?:曜日?)?", item)
        if not m:
            raise ScheduleError(
                f"曜日「{item}」が分かりません" if item else "曜日の区切りが続いています"
            )
        days.extend(WEEKDAYS.index(c) for c in m[1])
    return tuple(days)


def _parse_monthdays(spec: str) -> tuple[int, ...]:
    if not spec.endswith("日"):
        raise ScheduleError("毎月のあとに「15日」や「第2(木)」のような指定がありません")
    days = []
    for item in re.split(rf"\s*{_SEP}\s*", spec):
        m = re.fullmatch(r"(\d+)\s*日?", item)
        if not m:
            raise ScheduleError(
                f"日付「{item}」が分かりません" if item else "日付の区切りが続いています"
            )
        n = int(m[1])
        if not 1 <= n <= 31:
            raise ScheduleError(f"{n}日は範囲外です（1〜31日）")
        days.append(n)
    return tuple(days)


def _parse_slots(times: str) -> tuple[TimeSlot, ...]:
    if not times:
        return ()
    # Drop spaces inside a slot ("10 : 00 〜 12:00") so whitespace can also separate slots.
    times = re.sub(rf"\s*([:{_RANGE}])\s*", r"\1", times.strip())
    slots = []
    for piece in _SLOT_SEP.split(times):
        m = _SLOT.fullmatch(piece)
        if not m:
            raise ScheduleError(
                f"時間帯「{piece}」が読み取れません（例：10:00〜12:00、終わりがなければ 10:00〜）")
        start = _check_hm(int(m[1]), int(m[2]), end=False)
        end = None if m[3] is None else _check_hm(int(m[3]), int(m[4]), end=True)
        slots.append(_make_slot(start, end))
    return tuple(slots)


# --- formatting --------------------------------------------------------------


def format_schedule(s: Schedule) -> str:
    """Canonical text, e.g. 「毎週(火、金) 10:00〜12:00又は18:00〜21:00」."""
    wds = "(" + "、".join(WEEKDAYS[w] for w in s.weekdays) + ")"
    if s.freq == "daily":
        day = "毎日"
    elif s.freq == "weekly":
        day = "毎週" + wds
    elif s.freq == "biweekly":
        day = "隔週" + wds
    elif s.freq == "monthly_nth":
        nums = "・".join(str(n) for n in s.nths if n > 0)
        day = ("第" + nums if nums else "") + ("・" if nums and LAST in s.nths else "")
        day += ("最終" if LAST in s.nths else "") + wds
    else:
        day = "毎月" + "・".join(f"{d}日" for d in s.monthdays)
    if s.slots:
        day += " " + "又は".join(str(slot) for slot in s.slots)
    return day


# --- upcoming dates -----------------------------------------------------------

_GIVE_UP = relativedelta(years=10)  # no valid rule has a 10-year gap; guards endless scans


def next_dates(
    s: Schedule, after: dt.date, count: int, *, skip_holidays: bool = False
) -> list[dt.date]:
    """First `count` matching dates on or after `after` (inclusive), ascending."""
    if isinstance(after, dt.datetime):
        after = after.date()
    out: list[dt.date] = []
    if count <= 0:
        return out
    limit = after + _GIVE_UP
    for d in _occurrences(s, after):
        if d > limit:
            break
        if d < after or (out and d <= out[-1]):
            continue
        if skip_holidays and jpholiday.is_holiday(d):
            continue
        out.append(d)
        limit = d + _GIVE_UP  # sliding window: large counts are still satisfied
        if len(out) == count:
            break
    return out


def _occurrences(s: Schedule, after: dt.date) -> Iterator[dt.date]:
    start = after
    freq: Literal[1, 2, 3]  # MONTHLY, WEEKLY or DAILY, as rrule's stubs spell them
    kw: dict[str, Any] = {}
    wds = [weekday(w) for w in s.weekdays]
    if s.freq == "daily":
        freq = DAILY
    elif s.freq == "weekly":
        freq, kw = WEEKLY, {"byweekday": wds}
    elif s.freq == "biweekly":
        if s.anchor is None:
            # No anchor: the first matching day on/after `after` defines the "on" weeks.
            start = next(
                after + dt.timedelta(i)
                for i in range(7)
                if (after + dt.timedelta(i)).weekday() in s.weekdays
            )
        else:
            # Move the anchor back whole fortnights so weeks before it also count.
            back = max(0, -(-(s.anchor - after).days // 14))
            start = s.anchor - dt.timedelta(weeks=2 * back)
        # "On" weeks are Monday-start weeks containing the anchor (wkst=MO).
        freq, kw = WEEKLY, {"interval": 2, "byweekday": wds, "wkst": 0}
    elif s.freq == "monthly_nth":
        freq, kw = MONTHLY, {"byweekday": [w(n) for w in wds for n in s.nths]}
    else:
        freq, kw = MONTHLY, {"bymonthday": s.monthdays}
    for x in rrule(freq, dtstart=dt.datetime.combine(start, dt.time()), **kw):
        yield x.date()
