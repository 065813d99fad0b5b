"""Dates as people read them: 和暦 (Japanese era) and the weekday. The one place a date becomes
text for the window or paper; the store keeps ISO dates and never these.

The weekday is always written in full-width brackets: 令和8年1月21日（水）, 12月10日（木）."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

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


# --- 年度 (the fiscal year, April to March) ---------------------------------------------------
# 2026年度 is 2026-04-01 … 2027-03-31. Its 和暦 name follows the calendar year it starts in, as
# the era stands at that year's end: 2019年度 is 令和元年度 (not 平成31年度), 2016年度 平成28年度.

FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 1989, 2100  # 平成元年度 … : what a council may report on
_FISCAL_RE = re.compile(r"^(?:(?P<era>[^\d元]+?)\s*(?P<ey>\d{1,2}|元)|(?P<y>\d{4}))\s*(?:年度?)?$")


def fiscal_year_of(day: dt.date) -> int:
    """The 年度 a day falls in: 2027-03-31 is in 2026年度, 2027-04-01 in 2027年度."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of 年度 `year`: (2026-04-01, 2027-03-31)."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_wareki(year: int) -> str:
    """令和8年度 for 2026, 令和元年度 for 2019, 平成28年度 for 2016."""
    name, era_year = era_of(dt.date(year, 12, 31))
    return f"{name}{'元' if era_year == 1 else era_year}年度"


def fiscal_year_label(year: int) -> str:
    """Both, as headings write it: 令和8年度（2026年度）."""
    return f"{fiscal_year_wareki(year)}（{year}年度）"


def parse_fiscal_year(value: object, field: str = "年度") -> int:
    """A 年度 as people write it: 2026, ２０２６, 2026年度, 令和8, R8, r8年度, 平成28, H28, 令和元.

    Anything else, an era year the era never had (平成32) or a year out of range is a
    ValidationError naming `field`, with an example."""
    from app.errors import ValidationError

    if isinstance(value, int) and not isinstance(value, bool):
        year = value
        shown = str(value)
    else:
        shown = "" if value is None else str(value).strip()
        text = unicodedata.normalize("NFKC", shown).replace(" ", "").replace(".", "")
        if not text:
            raise ValidationError(field, "年度を入力してください（例: 2026 または 令和8）")
        match = _FISCAL_RE.match(text)
        if match is None:
            raise ValidationError(field, f"「{shown}」は年度として読めません（例: 2026、令和8、R8、平成28）")
        year = int(match["y"]) if match["y"] else _era_year(match["era"], match["ey"], shown, field)
    if not FIRST_FISCAL_YEAR <= year <= LAST_FISCAL_YEAR:
        raise ValidationError(field, f"「{shown}」: {FIRST_FISCAL_YEAR}年度（平成元年度）から"
                                     f"{LAST_FISCAL_YEAR}年度までで指定してください")
    return year


def _era_year(era: str, era_year_text: str, shown: str, field: str) -> int:
    from app.errors import ValidationError

    try:
        first = era_start_year(era)
    except KeyError:
        raise ValidationError(field, f"「{shown}」: 「{era}」という元号はありません"
                                     "（令和・平成・昭和、または R・H・S）") from None
    number = 1 if era_year_text == "元" else int(era_year_text)
    if number < 1:
        raise ValidationError(field, f"「{shown}」: 元号の年は1（元年）からです")
    year = first + number - 1
    later = [start.year for _name, _letter, start in ERAS if start.year > first]
    if later and year > min(later):
        last = min(later) - first + 1
        raise ValidationError(field, f"「{shown}」: {era.upper() if era.isascii() else era}は{last}年までです")
    return year
