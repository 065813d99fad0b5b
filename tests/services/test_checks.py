"""The rules shared by ホーム's plain reading and the rest of the program (services/checks.py)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from app.services import checks


def test_a_year_before_is_the_calendar_year_dateutil_counts():
    day = dt.date(2023, 1, 1)
    while day < dt.date(2029, 1, 1):  # two leap days among them
        assert checks.year_before(day) == day - relativedelta(years=1), day
        day += dt.timedelta(days=1)
    assert checks.year_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)


def test_overdue_from_the_same_day_a_year_on():
    today = dt.date(2026, 12, 4)
    assert checks.confirmation_overdue(None, today)
    assert checks.confirmation_overdue(dt.date(2025, 12, 4), today)
    assert not checks.confirmation_overdue(dt.date(2025, 12, 5), today)
    assert checks.verified_too_long_ago(dt.date(2025, 12, 4), today)
    assert not checks.verified_too_long_ago(dt.date(2025, 12, 5), today)


def test_a_stated_rate_disagrees_beyond_half_a_hundredth():
    assert checks.aging_rate(6_189, 14_212) == 43.55
    assert checks.rate_disagrees(29.86, 43.55)
    assert not checks.rate_disagrees(27.03, 27.07)
    assert not checks.rate_disagrees(None, 27.0)
