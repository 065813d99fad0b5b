"""Dates as people read them: 和暦 (Japanese era) and the weekday. The one place a date becomes
text for the window or paper; the store keeps ISO dates and never these.

The weekday is always written in full-width brackets: 令和8年1月21日（水）, 12月10日（木）."""

from __future__ import annotations

import datetime as dt

# (era name, short letter, first day). Newest first so lookup stops at the first match.
ERAS: tuple[tuple[str, str, dt.date], ...] = (
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
    ("大正", "T", dt.date(1912, 7, 30)),
    ("明治", "M", dt.date(1868, 10, 23)),
)
WEEKDAYS = "月火水木金土日"  # index 0 = Monday, like date.weekday()


def era_of(day: dt.date) -> tuple[str, int]:
    """Era name and year within the era (1 = 元年)."""
    for name, _letter, start in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day.isoformat()} は明治より前の日付です")


def format_wareki(day: dt.date, *, gannen: bool = True) -> str:
    """令和7年4月1日; 元年 for the first year, as official documents write it."""
    name, year = era_of(day)
    year_text = "元" if (year == 1 and gannen) else str(year)
    return f"{name}{year_text}年{day.month}月{day.day}日"


def weekday(day: dt.date) -> str:
    """「（水）」: how members remember a meeting or a salon's day."""
    return f"（{WEEKDAYS[day.weekday()]}）"


def wareki(day: dt.date | None, *, with_weekday: bool = False) -> str:
    """令和8年1月21日, or 令和8年1月21日（水）; a missing date is an empty text."""
    if day is None:
        return ""
    return format_wareki(day) + (weekday(day) if with_weekday else "")


def month_day(day: dt.date) -> str:
    """12月10日（木）: the next time, in a list on screen."""
    return f"{day.month}月{day.day}日{weekday(day)}"


def short_date(day: dt.date) -> str:
    """12/10（木）: the next time, in a printed list where every character counts."""
    return f"{day.month}/{day.day}{weekday(day)}"


def era_start_year(name_or_letter: str) -> int:
    """Gregorian year of an era's first year, from 令和 or R (case-insensitive)."""
    key = name_or_letter.strip().upper()
    for name, letter, start in ERAS:
        if key in (name, letter):
            return start.year
    raise KeyError(name_or_letter)
