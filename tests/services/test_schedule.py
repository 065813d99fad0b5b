"""Tests for app.services.schedule (parse / format / next_dates)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, time, timedelta

import jpholiday
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.schedule import (
    END_OF_DAY,
    WEEKDAYS,
    Schedule,
    ScheduleError,
    TimeSlot,
    format_schedule,
    next_dates,
    parse_schedule,
    try_parse,
)


def slot(a: str, b: str) -> TimeSlot:
    return TimeSlot(
        time.fromisoformat(a.zfill(5)),
        END_OF_DAY if b == "24:00" else time.fromisoformat(b.zfill(5)),
    )


MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
S10_12 = (slot("10:00", "12:00"),)
S10_12_18_21 = (slot("10:00", "12:00"), slot("18:00", "21:00"))

PARSE_CASES = [
    ("毎週(火)", Schedule("weekly", weekdays=(TUE,))),
    ("毎週(火、金)", Schedule("weekly", weekdays=(TUE, FRI))),
    ("毎週火曜日", Schedule("weekly", weekdays=(TUE,))),
    ("毎週火曜", Schedule("weekly", weekdays=(TUE,))),
    ("毎週 火・金", Schedule("weekly", weekdays=(TUE, FRI))),
    ("毎週(金, 火)", Schedule("weekly", weekdays=(TUE, FRI))),
    ("毎週(火、火)", Schedule("weekly", weekdays=(TUE,))),
    ("第2(木)", Schedule("monthly_nth", weekdays=(THU,), nths=(2,))),
    ("第1・3(水)", Schedule("monthly_nth", weekdays=(WED,), nths=(1, 3))),
    ("第2木曜日", Schedule("monthly_nth", weekdays=(THU,), nths=(2,))),
    ("毎月第2木曜日", Schedule("monthly_nth", weekdays=(THU,), nths=(2,))),
    ("第2・4(火、金)", Schedule("monthly_nth", weekdays=(TUE, FRI), nths=(2, 4))),
    ("最終(金)", Schedule("monthly_nth", weekdays=(FRI,), nths=(-1,))),
    ("最終金曜日", Schedule("monthly_nth", weekdays=(FRI,), nths=(-1,))),
    ("第1・最終(月)", Schedule("monthly_nth", weekdays=(MON,), nths=(1, -1))),
    ("毎月15日", Schedule("monthly_day", monthdays=(15,))),
    ("毎月1日・15日", Schedule("monthly_day", monthdays=(1, 15))),
    ("隔週(水)", Schedule("biweekly", weekdays=(WED,))),
    ("毎日", Schedule("daily")),
    ("毎週(火) 12:00〜13:00", Schedule("weekly", weekdays=(TUE,), slots=(slot("12:00", "13:00"),))),
    ("毎週(火)9:00～12:00", Schedule("weekly", weekdays=(TUE,), slots=(slot("9:00", "12:00"),))),
    ("毎週(日) 9:00–12:00", Schedule("weekly", weekdays=(SUN,), slots=(slot("9:00", "12:00"),))),
    ("毎週(火) 22:00-24:00", Schedule("weekly", weekdays=(TUE,), slots=(slot("22:00", "24:00"),))),
    (
        "毎週(火、金) 10:00〜12:00又は18:00〜21:00",
        Schedule("weekly", weekdays=(TUE, FRI), slots=S10_12_18_21),
    ),
    (
        "毎週(火、金) 10:00〜12:00は18:00〜21:00",
        Schedule("weekly", weekdays=(TUE, FRI), slots=S10_12_18_21),
    ),
    (
        "毎週(火、金) 10:00〜12:00/18:00〜21:00",
        Schedule("weekly", weekdays=(TUE, FRI), slots=S10_12_18_21),
    ),
    (
        "毎週(火、金) 10:00〜12:00、18:00〜21:00",
        Schedule("weekly", weekdays=(TUE, FRI), slots=S10_12_18_21),
    ),
    ("毎月15日 10:00〜12:00", Schedule("monthly_day", monthdays=(15,), slots=S10_12)),
    ("毎日 10 : 00 〜 12:00", Schedule("daily", slots=S10_12)),
    # 全角 digits / brackets / colon / space / wave dash
    ("毎週（火）　１０：００～１２：００", Schedule("weekly", weekdays=(TUE,), slots=S10_12)),
    ("第２・４（火・金）", Schedule("monthly_nth", weekdays=(TUE, FRI), nths=(2, 4))),
    ("毎月１日・１５日", Schedule("monthly_day", monthdays=(1, 15))),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_parse_examples(text: str, expected: Schedule) -> None:
    assert parse_schedule(text) == expected
    assert try_parse(text) == expected


SEED = [
    ("第2(木) 12:00~13:00", "第2(木) 12:00〜13:00"),
    ("毎週(日) 9:00~12:00", "毎週(日) 9:00〜12:00"),
    ("毎週(火) 13:00~15:30", "毎週(火) 13:00〜15:30"),
    ("毎週(火、金) 10:00~12:00又は 18:00~21:00", "毎週(火、金) 10:00〜12:00又は18:00〜21:00"),
    ("毎週(水) 14:00~16:00", "毎週(水) 14:00〜16:00"),
    ("第1・3(木) 10:00~12:00", "第1・3(木) 10:00〜12:00"),
]


@pytest.mark.parametrize(("text", "canonical"), SEED)
def test_seed_examples_format_canonically(text: str, canonical: str) -> None:
    s = parse_schedule(text)
    assert format_schedule(s) == canonical
    assert parse_schedule(canonical) == s


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        (Schedule("weekly", weekdays=(FRI, TUE)), "毎週(火、金)"),
        (Schedule("biweekly", weekdays=(WED,), anchor=date(2026, 12, 2)), "隔週(水)"),
        (Schedule("monthly_nth", weekdays=(WED,), nths=(3, 1)), "第1・3(水)"),
        (Schedule("monthly_nth", weekdays=(TUE, FRI), nths=(2, 4)), "第2・4(火、金)"),
        (Schedule("monthly_nth", weekdays=(FRI,), nths=(-1,)), "最終(金)"),
        (Schedule("monthly_nth", weekdays=(MON,), nths=(-1, 1)), "第1・最終(月)"),
        (Schedule("monthly_day", monthdays=(15, 1)), "毎月1日・15日"),
        (Schedule("daily"), "毎日"),
        (
            Schedule("weekly", weekdays=(TUE, FRI), slots=S10_12_18_21[::-1]),
            "毎週(火、金) 10:00〜12:00又は18:00〜21:00",
        ),
        (Schedule("daily", slots=(slot("9:05", "24:00"),)), "毎日 9:05〜24:00"),
    ],
)
def test_format_examples(schedule: Schedule, text: str) -> None:
    assert format_schedule(schedule) == text


BAD = [
    "",
    "   ",
    "毎週",
    "毎週(火",
    "毎週火)",
    "毎週()",
    "毎週(曜)",
    "毎週(火)ほか",
    "第6(月)",
    "第0(月)",
    "第2",
    "毎月32日",
    "毎月0日",
    "毎月",
    "毎週(火) 13:00〜12:00",
    "毎週(火) 12:00〜12:00",
    "毎週(火) 〜13:00",
    "毎週(火) 10:60〜11:00",
    "毎週(火) 24:00〜24:30",
    "毎週(火) 23:00〜25:00",
    "25:00〜26:00",
    "10:00〜12:00",
    "ときどき",
]


@pytest.mark.parametrize("text", BAD)
def test_bad_input_raises_with_text_quoted(text: str) -> None:
    with pytest.raises(ScheduleError) as exc:
        parse_schedule(text)
    assert f"「{text}」" in str(exc.value)
    assert exc.value.text == text
    assert try_parse(text) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("毎週(火", "括弧が閉じていません"),
        ("毎週", "曜日がありません"),
        ("第6(月)", "第6"),
        ("毎月32日", "32日"),
        ("毎週(火) 13:00〜12:00", "13:00〜12:00"),
        ("25:00〜26:00", "時刻だけ"),
        ("毎週(火) 23:00〜25:00", "25:00"),
    ],
)
def test_error_messages_name_the_problem(text: str, reason: str) -> None:
    with pytest.raises(ScheduleError, match=reason):
        parse_schedule(text)


def test_non_string_is_schedule_error() -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make",
    [
        lambda: TimeSlot(time(13), time(12)),
        lambda: TimeSlot(time(12), time(12)),
        lambda: TimeSlot(time(12, 0, 30), time(13)),
        lambda: Schedule("hourly"),
        lambda: Schedule("weekly"),
        lambda: Schedule("weekly", weekdays=(7,)),
        lambda: Schedule("weekly", weekdays=(True,)),
        lambda: Schedule("weekly", weekdays=(1,), monthdays=(3,)),
        lambda: Schedule("monthly_nth", weekdays=(1,)),
        lambda: Schedule("monthly_nth", weekdays=(1,), nths=(6,)),
        lambda: Schedule("monthly_day", monthdays=(32,)),
        lambda: Schedule("daily", anchor=date(2026, 1, 1)),
        lambda: Schedule("daily", slots=("10:00〜12:00",)),
    ],
)
def test_invalid_construction(make) -> None:
    with pytest.raises(ScheduleError):
        make()


def test_schedule_normalises_components() -> None:
    s = Schedule("monthly_nth", weekdays=[4, 1, 4], nths=[-1, 3, 1])  # type: ignore[arg-type]
    assert (s.weekdays, s.nths) == ((1, 4), (1, 3, -1))
    assert hash(s) == hash(Schedule("monthly_nth", weekdays=(1, 4), nths=(1, 3, -1)))


def test_to_dict_shape() -> None:
    s = Schedule(
        "biweekly", weekdays=(WED,), slots=(slot("9:00", "24:00"),), anchor=date(2026, 12, 2)
    )
    d = s.to_dict()
    assert d == {
        "freq": "biweekly",
        "weekdays": [2],
        "nths": [],
        "monthdays": [],
        "slots": [{"start": "09:00", "end": "24:00"}],
        "anchor": "2026-12-02",
    }
    assert Schedule.from_dict(json.loads(json.dumps(d))) == s
    assert Schedule.from_dict({"freq": "daily"}) == Schedule("daily")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"freq": "weekly", "weekdays": [7]},
        {"freq": "weekly", "weekdays": ["1"]},
        {"freq": "weekly", "weekdays": [1], "slots": [{"start": "13:00", "end": "12:00"}]},
        {"freq": "weekly", "weekdays": [1], "slots": [{"start": "24:00", "end": "24:00"}]},
        {"freq": "weekly", "weekdays": [1], "slots": [{"start": "9時", "end": "10:00"}]},
        {"freq": "weekly", "weekdays": [1], "slots": "10:00〜12:00"},
        {"freq": "biweekly", "weekdays": [1], "anchor": "2026-13-01"},
        {"freq": "biweekly", "weekdays": [1], "anchor": 20260101},
        [],
    ],
)
def test_from_dict_rejects_bad_data(data) -> None:
    with pytest.raises(ScheduleError, match="日程データ「"):
        Schedule.from_dict(data)


# --- next_dates with fixed dates (checked against calendar.month output) --------------

D = date


@pytest.mark.parametrize(
    ("text", "after", "count", "skip", "expected"),
    [
        ("第2(木)", D(2026, 11, 27), 3, False, [D(2026, 12, 10), D(2027, 1, 14), D(2027, 2, 11)]),
        # 2027-02-11 is 建国記念の日
        ("第2(木)", D(2026, 11, 27), 3, True, [D(2026, 12, 10), D(2027, 1, 14), D(2027, 3, 11)]),
        ("第2(木)", D(2026, 12, 10), 1, False, [D(2026, 12, 10)]),  # `after` is inclusive
        (
            "毎週(火、金)",
            D(2026, 11, 27),
            4,
            False,
            [D(2026, 11, 27), D(2026, 12, 1), D(2026, 12, 4), D(2026, 12, 8)],
        ),
        (
            "第1・3(水)",
            D(2026, 12, 1),
            4,
            False,
            [D(2026, 12, 2), D(2026, 12, 16), D(2027, 1, 6), D(2027, 1, 20)],
        ),
        ("毎月15日", D(2026, 12, 16), 3, False, [D(2027, 1, 15), D(2027, 2, 15), D(2027, 3, 15)]),
        ("毎月15日", D(2026, 12, 15), 1, False, [D(2026, 12, 15)]),
        ("毎月31日", D(2027, 1, 1), 3, False, [D(2027, 1, 31), D(2027, 3, 31), D(2027, 5, 31)]),
        ("毎月11日", D(2027, 1, 12), 2, True, [D(2027, 3, 11), D(2027, 4, 11)]),
        ("最終(金)", D(2026, 12, 1), 3, False, [D(2026, 12, 25), D(2027, 1, 29), D(2027, 2, 26)]),
        (
            "第1・最終(月)",
            D(2026, 12, 1),
            4,
            False,
            [D(2026, 12, 7), D(2026, 12, 28), D(2027, 1, 4), D(2027, 1, 25)],
        ),
        # 2027-01-11 is 成人の日 (second Monday of January)
        ("第2(月)", D(2026, 12, 1), 2, True, [D(2026, 12, 14), D(2027, 2, 8)]),
        ("毎日", D(2027, 1, 1), 3, True, [D(2027, 1, 2), D(2027, 1, 3), D(2027, 1, 4)]),
        # no anchor: the first matching Wednesday on/after `after` (2026-12-16) sets the weeks
        ("隔週(水)", D(2026, 12, 10), 3, False, [D(2026, 12, 16), D(2026, 12, 30), D(2027, 1, 13)]),
        ("毎週(水)", D(2026, 12, 10), 0, False, []),
    ],
)
def test_next_dates_fixed(
    text: str, after: date, count: int, skip: bool, expected: list[date]
) -> None:
    assert next_dates(parse_schedule(text), after, count, skip_holidays=skip) == expected


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [
        (D(2026, 12, 2), [D(2026, 12, 16), D(2026, 12, 30), D(2027, 1, 13)]),
        (D(2026, 12, 9), [D(2026, 12, 23), D(2027, 1, 6), D(2027, 1, 20)]),
        (
            D(2027, 1, 13),
            [D(2026, 12, 16), D(2026, 12, 30), D(2027, 1, 13)],
        ),  # anchor after `after`
        (
            D(2026, 12, 7),
            [D(2026, 12, 23), D(2027, 1, 6), D(2027, 1, 20)],
        ),  # anchor on a Monday: its week
    ],
)
def test_next_dates_biweekly_anchor(anchor: date, expected: list[date]) -> None:
    s = dataclasses.replace(parse_schedule("隔週(水)"), anchor=anchor)
    assert next_dates(s, D(2026, 12, 10), 3) == expected


def test_next_dates_biweekly_two_weekdays() -> None:
    s = Schedule("biweekly", weekdays=(TUE, FRI), anchor=D(2026, 12, 4))  # week of Mon 11-30
    assert next_dates(s, D(2026, 12, 2), 4) == [
        D(2026, 12, 4),
        D(2026, 12, 15),
        D(2026, 12, 18),
        D(2026, 12, 29),
    ]


# --- properties --------------------------------------------------------------------------


def _t(minutes: int) -> time:
    return END_OF_DAY if minutes == 1440 else time(minutes // 60, minutes % 60)


slots_st = st.lists(
    st.integers(0, 1439)
    .flatmap(lambda a: st.tuples(st.just(a), st.none() | st.integers(a + 1, 1440)))
    .map(lambda p: TimeSlot(_t(p[0]), None if p[1] is None else _t(p[1]))),  # None: 「10:00〜」
    max_size=3,
).map(tuple)
weekdays_st = st.lists(st.integers(0, 6), min_size=1, max_size=7).map(tuple)
schedules = st.one_of(
    st.builds(Schedule, freq=st.just("daily"), slots=slots_st),
    st.builds(
        Schedule, freq=st.sampled_from(["weekly", "biweekly"]), weekdays=weekdays_st, slots=slots_st
    ),
    st.builds(
        Schedule,
        freq=st.just("monthly_nth"),
        weekdays=weekdays_st,
        nths=st.lists(st.sampled_from([1, 2, 3, 4, 5, -1]), min_size=1).map(tuple),
        slots=slots_st,
    ),
    st.builds(
        Schedule,
        freq=st.just("monthly_day"),
        monthdays=st.lists(st.integers(1, 31), min_size=1, max_size=6).map(tuple),
        slots=slots_st,
    ),
)
dates_st = st.dates(date(2000, 1, 1), date(2060, 12, 31))
anchored = schedules.flatmap(
    lambda s: (
        st.builds(dataclasses.replace, st.just(s), anchor=st.none() | dates_st)
        if s.freq == "biweekly"
        else st.just(s)
    )
)


@given(schedules)
def test_format_parse_round_trip(s: Schedule) -> None:
    text = format_schedule(s)
    assert parse_schedule(text) == s
    assert format_schedule(parse_schedule(text)) == text


@given(anchored)
def test_dict_round_trip(s: Schedule) -> None:
    assert Schedule.from_dict(s.to_dict()) == s
    assert Schedule.from_dict(json.loads(json.dumps(s.to_dict()))) == s


def _monday(d: date) -> date:
    return d - timedelta(d.weekday())


def _matches(s: Schedule, d: date, anchor: date | None) -> bool:
    """Independent (brute-force) reading of the rule, not using rrule."""
    if s.freq == "daily":
        return True
    if s.freq == "monthly_day":
        return d.day in s.monthdays
    if d.weekday() not in s.weekdays:
        return False
    if s.freq == "weekly":
        return True
    if s.freq == "biweekly":
        assert anchor is not None
        return (_monday(d) - _monday(anchor)).days % 14 == 0
    is_last = (d + timedelta(7)).month != d.month
    return (d.day - 1) // 7 + 1 in s.nths or (is_last and -1 in s.nths)


@settings(deadline=None)
@given(anchored, dates_st, st.integers(1, 12), st.booleans())
@pytest.mark.slow
def test_next_dates_properties(s: Schedule, after: date, count: int, skip: bool) -> None:
    got = next_dates(s, after, count, skip_holidays=skip)
    assert len(got) == count
    assert all(a < b for a, b in zip(got, got[1:], strict=False))
    assert got[0] >= after
    anchor = s.anchor
    if s.freq == "biweekly" and anchor is None:
        anchor = next(
            after + timedelta(i) for i in range(7) if (after + timedelta(i)).weekday() in s.weekdays
        )
    assert all(_matches(s, d, anchor) for d in got)
    if skip:
        assert not any(jpholiday.is_holiday(d) for d in got)
    # Nothing that matches was left out between `after` and the last result.
    d, expected = after, []
    while d <= got[-1]:
        if _matches(s, d, anchor) and not (skip and jpholiday.is_holiday(d)):
            expected.append(d)
        d += timedelta(1)
    assert got == expected


_CHARS = list("毎週隔第最終月火水木金土日曜()（）、・,:：0123456789１２〜~-又は/ 　日時")


@given(st.text(_CHARS, max_size=25) | st.text(max_size=25))
def test_parse_never_crashes(text: str) -> None:
    try:
        s = parse_schedule(text)
    except ScheduleError as e:
        assert f"「{text}」" in str(e)
        assert try_parse(text) is None
    else:
        assert parse_schedule(format_schedule(s)) == s


def test_weekdays_constant() -> None:
    assert WEEKDAYS[date(2026, 11, 30).weekday()] == "月"
