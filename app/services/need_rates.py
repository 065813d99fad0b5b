"""Needs per 町内会 set against its size: per 100 世帯 and per 100 persons aged 65 and over.

Two figures, each with its own rates, never added (the same person may be in both):
- 集計表: the 対象人数 of the 町内会's row in the council's newest needs table (services.need_tables
  picks it the same way): persons, each counted once however many needs they have.
- 記録: the 人数 of the open needs recorded for the 町内会 (未対応・検討中・対応中), added up: a
  延べ figure, since one person may be in several records; a record whose 人数 is blank is left out.

A rate is blank (None), never 0, where the 町内会 has no 世帯数 or 65歳以上 figure or there is no
figure to divide; the total row divides over the 町内会 that have the number only. One decimal,
rounded half up as people do by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select

from app.models import Need, Neighbourhood
from app.services import needs
from app.services.need_tables import load_tables
from app.services.survey_figures import percent
from app.store import Store


def per_100(part: int | None, whole: int | None) -> Decimal | None:
    """The surveys' percentage rule; no figure (None) gives a blank rate too."""
    return None if part is None else percent(part, whole)


@dataclasses.dataclass(frozen=True)
class RateRow:
    neighbourhood: str
    households: int | None
    aged_65_plus: int | None
    table_persons: int | None          # 対象人数 in the newest needs table (None: no figure)
    table_per_households: Decimal | None
    table_per_aged: Decimal | None
    record_persons: int | None         # 延べ persons of the open needs recorded (None: none)
    record_per_households: Decimal | None
    record_per_aged: Decimal | None


@dataclasses.dataclass(frozen=True)
class RateTable:
    rows: tuple[RateRow, ...]
    total: RateRow
    table_id: str | None               # the needs table the 対象人数 come from (None: none)
    table_title: str
    period_from: dt.date | None
    period_to: dt.date | None


def _row(name: str, households: int | None, aged: int | None, table_persons: int | None,
         record_persons: int | None) -> RateRow:
    return RateRow(name, households, aged,
                   table_persons, per_100(table_persons, households), per_100(table_persons, aged),
                   record_persons, per_100(record_persons, households), per_100(record_persons, aged))


def _sum(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _total(rows: Sequence[RateRow]) -> RateRow:
    def rate(persons: str, base: str) -> Decimal | None:
        pairs = [(getattr(r, persons), getattr(r, base)) for r in rows
                 if getattr(r, base) and getattr(r, persons) is not None]
        return per_100(sum(p for p, _b in pairs), sum(b for _p, b in pairs)) if pairs else None

    return RateRow("合計", _sum([r.households for r in rows]), _sum([r.aged_65_plus for r in rows]),
                   _sum([r.table_persons for r in rows]), rate("table_persons", "households"),
                   rate("table_persons", "aged_65_plus"), _sum([r.record_persons for r in rows]),
                   rate("record_persons", "households"), rate("record_persons", "aged_65_plus"))


def rates(store: Store, council_id: str) -> RateTable:
    """One row per 町内会 of the council (in their order), then the table's rows that name no
    町内会 of the council, then 町内会なし for records without one; and the total row."""
    with store.session() as s:
        records: dict[str | None, int | None] = dict(s.execute(
            select(Need.neighbourhood_id, func.sum(Need.count))
            .where(Need.council_id == council_id, Need.status.in_(needs.OPEN_STATUSES),
                   Need.count.is_not(None))
            .group_by(Need.neighbourhood_id)).tuples().all())
        listed = s.execute(select(Neighbourhood.id, Neighbourhood.name, Neighbourhood.households,
                                  Neighbourhood.aged_65_plus)
                           .where(Neighbourhood.council_id == council_id)
                           .order_by(Neighbourhood.position, Neighbourhood.name)).all()
        tables = load_tables(s, "needs", council_id)
    table = tables[0] if tables else None
    table_rows = table.rows if table else ()
    by_nb = {r.neighbourhood_id: r.target_persons for r in table_rows if r.neighbourhood_id}
    known = {nb_id for nb_id, *_rest in listed}
    rows = [_row(name, households, aged, by_nb.get(nb_id), records.get(nb_id))
            for nb_id, name, households, aged in listed]
    rows += [_row(r.label, None, None, r.target_persons, None) for r in table_rows
             if r.neighbourhood_id not in known]
    if None in records:
        rows.append(_row(needs.NO_NEIGHBOURHOOD, None, None, None, records[None]))
    return RateTable(tuple(rows), _total(rows), table.id if table else None,
                     table.title if table else "",
                     table.period_from if table else None, table.period_to if table else None)
