"""Schedules written the way people write them: 全角 digits, 午前/午後, 時・分・半, から/まで."""

import datetime as dt
import json
import shutil
from datetime import time

import openpyxl
import pytest

from app.exchange.export_file import export_councils
from app.exchange.hsds import export_resources
from app.exchange.merge import import_files
from app.exchange.table import import_table
from app.services import councils, meetings, resources
from app.services.schedule import (
    LAST,
    Schedule,
    ScheduleError,
    TimeSlot,
    format_schedule,
    next_dates,
    parse_schedule,
    try_parse,
)
from app.store import Store
from tests.exchange.conftest import sheet_dicts
from tests.services.test_schedule import slot


@pytest.mark.parametrize(("text", "expected"), [
    ("毎月第２水曜日　午前１０時から１２時まで",
     Schedule("monthly_nth", weekdays=(2,), nths=(2,), slots=(slot("10:00", "12:00"),))),
    ("毎月第２水曜日", Schedule("monthly_nth", weekdays=(2,), nths=(2,))),
    ("第2・第4木曜日 午後1時半〜3時",
     Schedule("monthly_nth", weekdays=(3,), nths=(2, 4), slots=(slot("13:30", "15:00"),))),
    ("毎週月曜 9:30～11:30", Schedule("weekly", weekdays=(0,), slots=(slot("09:30", "11:30"),))),
    ("毎週金曜日　午後７時〜９時", Schedule("weekly", weekdays=(4,), slots=(slot("19:00", "21:00"),))),
    ("毎週土曜 午前11時〜午後1時", Schedule("weekly", weekdays=(5,), slots=(slot("11:00", "13:00"),))),
    ("毎週水曜 正午から2時まで", Schedule("weekly", weekdays=(2,), slots=(slot("12:00", "14:00"),))),
    ("第1・3土曜日 10時30分〜11時45分",
     Schedule("monthly_nth", weekdays=(5,), nths=(1, 3), slots=(slot("10:30", "11:45"),))),
    ("最終金曜日 午後２時〜４時",
     Schedule("monthly_nth", weekdays=(4,), nths=(LAST,), slots=(slot("14:00", "16:00"),))),
    ("毎月１５日 10時〜11時", Schedule("monthly_day", monthdays=(15,), slots=(slot("10:00", "11:00"),))),
])
def test_spoken_forms_parse(text, expected):
    assert try_parse(text) == expected


def test_canonical_text_of_a_spoken_schedule():
    assert format_schedule(try_parse("第2・第4木曜日 午後1時半〜3時")) == "第2・4(木) 13:30〜15:00"


@pytest.mark.parametrize("text", [
    "毎週月曜 から", "毎週月曜 〜12:00", "毎週月曜 10:00",   # no start, or no から/〜 after it
    "随時", "要相談", "毎週月曜 午前中", "午後1時〜3時", "毎週月曜 2時間程度",
    "第2木曜日 午後3時〜1時", "毎週火曜 25時〜26時", "土日祝", "",
])
def test_what_is_not_understood_stays_text(text):
    assert try_parse(text) is None


# --- a start without an end: 「10時から」 is an open-ended slot, printed 「10:00〜」 ---------

@pytest.mark.parametrize(("text", "expected", "printed"), [
    ("毎月第２水曜日　午前１０時から",
     Schedule("monthly_nth", weekdays=(2,), nths=(2,), slots=(TimeSlot(time(10)),)), "第2(水) 10:00〜"),
    ("毎週月曜 9:30から",
     Schedule("weekly", weekdays=(0,), slots=(TimeSlot(time(9, 30)),)), "毎週(月) 9:30〜"),
    ("第3(水) 10:00〜",
     Schedule("monthly_nth", weekdays=(2,), nths=(3,), slots=(TimeSlot(time(10)),)), "第3(水) 10:00〜"),
    ("毎週金曜 10時から", Schedule("weekly", weekdays=(4,), slots=(TimeSlot(time(10)),)),
     "毎週(金) 10:00〜"),
    ("毎週金曜 午後１時半から", Schedule("weekly", weekdays=(4,), slots=(TimeSlot(time(13, 30)),)),
     "毎週(金) 13:30〜"),
    ("毎日 10:00〜12:00又は14:00から",
     Schedule("daily", slots=(slot("10:00", "12:00"), TimeSlot(time(14)))), "毎日 10:00〜12:00又は14:00〜"),
])
def test_a_start_without_an_end_is_an_open_slot(text, expected, printed):
    parsed = try_parse(text)
    assert parsed == expected
    assert parsed.slots[-1].end is None
    assert format_schedule(parsed) == printed
    assert parse_schedule(printed) == parsed  # the canonical text reads back the same
    assert Schedule.from_dict(json.loads(json.dumps(parsed.to_dict()))) == parsed


def test_open_slot_text_dates_and_data():
    rule = try_parse("毎月第２水曜日　午前１０時から")
    only = rule.slots[0]
    assert (only.start, only.end, str(only)) == (time(10), None, "10:00〜")
    assert next_dates(rule, dt.date(2026, 11, 27), 3) == [
        dt.date(2026, 12, 9), dt.date(2027, 1, 13), dt.date(2027, 2, 10)]
    data = rule.to_dict()
    assert data["slots"] == [{"start": "10:00", "end": None}]
    assert Schedule.from_dict(data) == rule
    del data["slots"][0]["end"]  # a missing end is an open end too
    assert Schedule.from_dict(data) == rule


def test_open_and_closed_slots_sort_without_comparing_none():
    closed, open_end, later = slot("10:00", "12:00"), TimeSlot(time(10)), TimeSlot(time(9))
    rule = Schedule("daily", slots=(closed, open_end, later, open_end))
    assert rule.slots == (later, open_end, closed)
    assert format_schedule(rule) == "毎日 9:00〜又は10:00〜又は10:00〜12:00"
    assert parse_schedule(format_schedule(rule)) == rule
    with pytest.raises(ScheduleError):
        TimeSlot(time(10), "12:00")  # an end is a time or None


@pytest.mark.slow
def test_resource_with_an_open_slot_exports_and_round_trips(store, council, tmp_path, template_db):
    made = resources.create_resource(store, council.id, {"name": "朝の体操", "schedule_text": "毎週(月) 9:30〜"})
    got = resources.get_resource(store, made.id)
    assert got.schedule == Schedule("weekly", weekdays=(0,), slots=(TimeSlot(time(9, 30)),))
    assert (got.start_time, got.end_time, got.schedule_unreadable) == (time(9, 30), None, False)

    out = tmp_path / "resources.json"
    assert export_resources(store, council.id, out).count == 1
    [hsds] = json.loads(out.read_text(encoding="utf-8"))["contents"][0]["schedules"]
    assert (hsds["freq"], hsds["byday"], hsds["opens_at"], hsds["closes_at"]) == ("WEEKLY", "MO", "09:30", None)
    export_resources(store, council.id, tmp_path / "resources.csv")
    text = (tmp_path / "resources.csv").read_text(encoding="utf-8-sig")
    assert "09:30" in text

    book = tmp_path / "council.xlsx"
    export_councils(store, book, [council.id])
    [row] = [r for r in sheet_dicts(book, "社会資源") if r["名称"] == "朝の体操"]
    assert row["開始"] == time(9, 30) and row["終了"] is None
    with Store.open(shutil.copyfile(template_db, tmp_path / "other.sqlite3")) as other:
        import_files(other, [book])
        [back] = resources.list_resources(other, council.id)
        assert back.schedule_text == "毎週(月) 9:30〜" and back.schedule == got.schedule
        assert not import_files(other, [book]).changed


def test_meeting_schedule_with_only_a_start_proposes_no_end(store, council):
    councils.update_council(store, council.id, {"meeting_schedule": "毎月第２水曜日　午前１０時から"})
    proposal = meetings.propose_next_regular(store, council.id, dt.date(2026, 11, 27))
    assert proposal.from_schedule and proposal.held_on == dt.date(2026, 12, 9)
    assert (proposal.start_time, proposal.end_time) == (time(10), None)
    meetings.create_meeting(store, council.id, {"held_on": proposal.held_on, "kind": proposal.kind,
                                                "start_time": proposal.start_time})
    assert meetings.propose_next_regular(store, council.id, dt.date(2026, 11, 27)).held_on == \
        dt.date(2027, 1, 13)


def test_a_resource_list_with_a_start_and_no_end_imports_as_an_open_slot(store, council, tmp_path):
    path = tmp_path / "資源.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["名称", "曜日", "開始", "終了"])
    ws.append(["朝の体操", "毎週(月)", dt.time(9, 30), None])
    ws.append(["サロン", "第2(木)", "13:00", "15:00"])
    wb.save(path)
    assert import_table(store, path, council.id, "resources").saved == 2
    found = {r.name: r for r in resources.list_resources(store, council.id)}
    assert found["朝の体操"].schedule_text == "毎週(月) 09:30〜"
    assert (found["朝の体操"].start_time, found["朝の体操"].end_time) == (time(9, 30), None)
    assert found["サロン"].schedule_text == "第2(木) 13:00〜15:00"
