"""The rules that flag a record for a look, and the figures they compare, kept free of the
database layer: ホーム reads them at start before SQLAlchemy is imported (services/home.py), and
members, resources, councils and neighbourhoods use the very same functions.
"""

from __future__ import annotations

import datetime as dt
import functools

ACTIVE_STATUS = "活動中"  # メンバー as every count shows it (休止 and 退会 not)
OPEN_NEED_STATUSES = ("未対応", "検討中", "対応中")  # a need still waiting for an answer


@functools.lru_cache(maxsize=4)
def year_before(today: dt.date) -> dt.date:
    """The same day a year earlier; from 29 February, the 28th (as dateutil's relativedelta)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def confirmation_overdue(last: dt.date | None, today: dt.date) -> bool:
    """A supporter's last confirmation (or the registration) is a year old or more, or there is none."""
    return last is None or last <= year_before(today)


def verified_too_long_ago(last_verified_on: dt.date | None, today: dt.date) -> bool:
    """A resource not verified for a year (or never): a printed list may be telling people wrong times."""
    return last_verified_on is None or last_verified_on <= year_before(today)


def aging_rate(aged_65_plus: int | None, population: int | None) -> float | None:
    """高齢化率 in percent, 2 decimals, as the city's sheets print it (27.03)."""
    if not population or aged_65_plus is None:
        return None
    return round(aged_65_plus * 100 / population, 2)


def rate_disagrees(stated: float | None, derived: float | None) -> bool:
    # Half a hundredth of a point covers the rounding a sheet may have done.
    return stated is not None and derived is not None and abs(stated - derived) > 0.05
