"""Schedules written the way people write them: 全角 digits, 午前/午後, 時・分・半, から/まで."""

from datetime import time

import pytest

from app.services.schedule import LAST, Schedule, TimeSlot, format_schedule, try_parse


def slot(a: str, b: str) -> TimeSlot:
    return TimeSlot(time.fromisoformat(a), time.fromisoformat(b))


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
    "毎月第２水曜日　午前１０時から",   # a start without an end: a time slot needs both
    "随時", "要相談", "毎週月曜 午前中", "午後1時〜3時", "毎週月曜 2時間程度",
    "第2木曜日 午後3時〜1時", "毎週火曜 25時〜26時", "土日祝", "",
])
def test_what_is_not_understood_stays_text(text):
    assert try_parse(text) is None
