"""What people type: 全角 digits, commas, 和暦, impossible dates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationError
from app.services import normalize as norm
from app.services import wareki
from app.services.wareki import format_wareki


@pytest.mark.parametrize("raw, expected", [
    ("１２３", 123), ("1,240", 1240), ("１，２４０", 1240), (" 530世帯", 530), ("14人", 14),
    (7, 7), (7.0, 7), ("", None), (None, None),
])
def test_to_int_accepts_what_people_type(raw, expected):
    assert norm.to_int(raw, "世帯数") == expected


@pytest.mark.parametrize("raw", ["abc", "12a", "1.5", "-3", True])
def test_to_int_names_the_field(raw):
    with pytest.raises(ValidationError) as info:
        norm.to_int(raw, "世帯数")
    assert info.value.field == "世帯数" and str(info.value).startswith("世帯数:")


@pytest.mark.parametrize("raw, expected", [
    ("2017-01-30", dt.date(2017, 1, 30)), ("2017/1/30", dt.date(2017, 1, 30)),
    ("２０１７年１月３０日", dt.date(2017, 1, 30)), ("令和7年4月1日", dt.date(2025, 4, 1)),
    ("R7.4.1", dt.date(2025, 4, 1)), ("H29/4/1", dt.date(2017, 4, 1)),
    ("平成元年1月8日", dt.date(1989, 1, 8)), ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("20170130", dt.date(2017, 1, 30)), (dt.date(2020, 2, 29), dt.date(2020, 2, 29)),
])
def test_to_date_reads_western_and_japanese_dates(raw, expected):
    assert norm.to_date(raw, "日付") == expected


@pytest.mark.parametrize("raw, reason", [
    ("2024-02-30", "2月に30日はありません"), ("令和7年2月30日", "2月に30日はありません"),
    ("2023-13-01", "13月はありません"), ("きのう", "日付として読めません"),
])
def test_impossible_dates_are_refused_with_the_reason(raw, reason):
    with pytest.raises(ValidationError, match=reason):
        norm.to_date(raw, "把握日")


@given(st.dates(min_value=dt.date(1868, 10, 23), max_value=dt.date(2100, 12, 31)))
def test_wareki_round_trip(day):
    assert norm.to_date(format_wareki(day), "日付") == day
    assert norm.to_date(format_wareki(day, gannen=False), "日付") == day


def test_format_wareki():
    assert format_wareki(dt.date(2025, 4, 1)) == "令和7年4月1日"
    assert format_wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"


def test_every_date_text_writes_the_weekday_the_same_way():
    day = dt.date(2026, 12, 10)
    assert wareki.wareki(day) == "令和8年12月10日"
    assert wareki.wareki(day, with_weekday=True) == "令和8年12月10日（木）"
    assert wareki.wareki(dt.date(2019, 5, 1), with_weekday=True) == "令和元年5月1日（水）"
    assert wareki.wareki(None, with_weekday=True) == ""
    assert wareki.month_day(day) == "12月10日（木）"      # on screen
    assert wareki.short_date(day) == "12/10（木）"        # printed lists
    assert [wareki.WEEKDAYS[dt.date(2026, 11, 30 - i).weekday()] for i in range(7)] == \
        list("月日土金木水火")


def test_kana_key_folds_katakana_and_halfwidth():
    assert norm.kana_key("ヤマダ ハナコ") == norm.kana_key("やまだ　はなこ") == "やまだはなこ"
    assert norm.kana_key("ﾔﾏﾀﾞ") == "やまだ"


@pytest.mark.parametrize("raw, expected", [
    ("はい", True), ("いいえ", False), ("○", True), ("×", False), ("", False), (1, True)])
def test_to_bool(raw, expected):
    assert norm.to_bool(raw, "同意") is expected


def test_phone_keeps_the_number_as_written():
    assert norm.to_phone("０２７－３２５－３５７８", "電話") == "027-325-3578"
    assert norm.to_phone("+81-90-1234-5678", "電話") == "+81-90-1234-5678"
    with pytest.raises(ValidationError, match="電話番号"):
        norm.to_phone("=HYPERLINK(1)", "電話")
