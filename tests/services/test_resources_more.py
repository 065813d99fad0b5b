"""The resource page's service helpers: reading and building schedules, short dates,
verifying several rows at once, and map pins."""

import datetime as dt

import pytest

from app.errors import NotFoundError, ValidationError
from app.services import councils, resources


def test_read_schedule_gives_the_printed_form_or_the_reason():
    ok = resources.read_schedule("第２（木）　１２：００～１３：００")
    assert ok.printed == "第2(木) 12:00〜13:00" and ok.schedule and not ok.unreadable
    junk = resources.read_schedule("  月に一度くらい ")
    assert junk.unreadable and junk.printed == junk.text == "月に一度くらい"
    assert junk.schedule is None and "毎週(火)" in junk.problem
    bad_time = resources.read_schedule("毎週(火) 10:00〜9:00")
    assert bad_time.unreadable and "終了時刻" in bad_time.problem
    empty = resources.read_schedule("   ")
    assert empty == resources.ScheduleReading("", "", None, "") and not empty.unreadable


@pytest.mark.parametrize("freq, kw, expected", [
    ("monthly_nth", {"weekdays": [2], "nths": [1, 3], "slots": [("10:00", "12:00")]},
     "第1・3(水) 10:00〜12:00"),
    ("weekly", {"weekdays": [4, 1], "slots": [("10:00", "12:00"), ("１８：００", "２１：００")]},
     "毎週(火、金) 10:00〜12:00又は18:00〜21:00"),
    ("biweekly", {"weekdays": [2]}, "隔週(水)"),
    ("monthly_nth", {"weekdays": [4], "nths": [-1, 2]}, "第2・最終(金)"),
    ("monthly_day", {"monthdays": "１、15日", "weekdays": [1]}, "毎月1日・15日"),
    ("daily", {"weekdays": [0], "slots": [("", ""), ("9:00", "24:00")]}, "毎日 9:00〜24:00"),
    # A start without an end is an open end.
    ("weekly", {"weekdays": [1], "slots": [("１０：００", "")]}, "毎週(火) 10:00〜"),
    ("weekly", {"weekdays": [1], "slots": [("13:00", "15:00"), ("10:00", "")]},
     "毎週(火) 10:00〜又は13:00〜15:00"),
])
def test_compose_schedule_writes_the_canonical_text(freq, kw, expected):
    built = resources.compose_schedule(freq, **kw)
    assert built.printed == built.text == expected
    assert resources.read_schedule(expected).schedule == built.schedule


@pytest.mark.parametrize("freq, kw, words", [
    ("weekly", {}, "曜日を選んで"),
    ("monthly_nth", {"weekdays": [2]}, "第何週か"),
    ("monthly_day", {"monthdays": ""}, "何日か"),
    ("monthly_day", {"monthdays": "32"}, "32日はありません"),
    ("monthly_day", {"monthdays": "十五"}, "「十五」"),
    ("weekly", {"weekdays": [1], "slots": [("", "12:00")]}, "開始を入れて"),
    ("weekly", {"weekdays": [1], "slots": [("12:00", "10:00")]}, "終了時刻が開始時刻より後"),
    ("weekly", {"weekdays": [1], "slots": [("10:7x", "12:00")]}, "読み取れません"),
    ("yearly", {}, "頻度"),
])
def test_compose_schedule_refuses_with_a_reason_on_the_schedule_field(freq, kw, words):
    with pytest.raises(ValidationError) as info:
        resources.compose_schedule(freq, **kw)
    assert info.value.field == "日程" and words in info.value.reason


def test_dates_for_a_rule_being_edited():
    rule = resources.read_schedule("第2(木) 12:00〜13:00").schedule
    after = dt.date(2026, 11, 27)
    assert resources.schedule_dates(rule, after=after, count=3) == [
        dt.date(2026, 12, 10), dt.date(2027, 1, 14), dt.date(2027, 2, 11)]
    # 2027-02-11 is 建国記念の日: skipped when the group rests on holidays.
    assert resources.schedule_dates(rule, skip_holidays=True, after=after, count=3)[-1] == \
        dt.date(2027, 3, 11)
    assert resources.schedule_dates(None) == []
    assert len(resources.schedule_dates(rule)) == 5


def test_mark_verified_many_is_all_or_nothing(demo_store):
    yawata = councils.find_council(demo_store, "八幡")
    listed = resources.list_resources(demo_store, yawata.id)
    stale = [r for r in listed if resources.is_stale(r, dt.date.today())]
    assert stale
    done = resources.mark_verified_many(demo_store, [r.id for r in stale], dt.date.today())
    assert [d.id for d in done] == [r.id for r in stale]
    assert resources.unverified_resources(demo_store, yawata.id) == []
    with pytest.raises(NotFoundError):
        resources.mark_verified_many(demo_store, [listed[0].id, "no-such-id"], dt.date(2020, 1, 1))
    assert resources.get_resource(demo_store, listed[0].id).last_verified_on != dt.date(2020, 1, 1)
    with pytest.raises(ValidationError) as info:
        resources.mark_verified_many(demo_store, [])
    assert info.value.field == "最終確認日"
    with pytest.raises(ValidationError):
        resources.mark_verified_many(demo_store, [listed[0].id], "2025-02-30")


def test_map_position_set_cleared_and_checked(store, council):
    r = resources.create_resource(store, council.id, {"name": "サロン"})
    placed = resources.set_map_position(store, r.id, 0.25, "０.７５")
    assert (placed.map_x, placed.map_y) == (0.25, 0.75)
    cleared = resources.set_map_position(store, r.id, None, None)
    assert (cleared.map_x, cleared.map_y) == (None, None)
    for x, y, field in [(0.5, None, "地図の位置（横）"), (1.5, 0.5, "地図の位置（横）"),
                        (0.5, -0.1, "地図の位置（縦）")]:
        with pytest.raises(ValidationError) as info:
            resources.set_map_position(store, r.id, x, y)
        assert info.value.field == field
