"""The あんしんセンター tables as part of the needs picture: per council and need category, the
persons the newest needs table counts.

Which tables: only 'needs' tables (高齢者ニーズ（総合相談・実態把握）) feed the needs picture. A
service-use table is care already being given (デイサービス, 訪問介護), not a need that nothing
answers, so its columns count nowhere here, even when linked to a category; it is summed across
councils by services.tally_sums.

Which column: a column counts for the need category it is linked to (TallyColumn.need_category_id).
A needs-table column without a link counts for the category of the same name (NFKC), so a table
typed or pasted in the window feeds the picture too. Two columns of one table for one category are
added (延べ).

Which table: per category, the newest of the council's needs tables that has a column for it
(period_to, then period_from, then when it was entered; a missing date is older than any date), so
the periods of two tables are never added up.

With the needs typed in (services.needs): the table's persons and the records' persons are shown
side by side, never added, since the same person may be in both. A category is a gap when it has
open needs recorded or a table figure above 0, and no resource is linked to any of its open needs;
when none of its needs is open, a resource linked to one of its resolved (解決) needs answers the
table's figure, so resolving a need with a resource does not bring the category back as a gap
(services.needs.coverage, services.overview).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import NeedCategory, Tally, TallyCell, TallyColumn, TallyRow
from app.services.normalize import nfkc
from app.store import Store


@dataclasses.dataclass(frozen=True)
class LoadedColumn:
    id: str
    group: str
    label: str
    category: str | None  # the need category it counts for (None: none)


@dataclasses.dataclass(frozen=True)
class LoadedRow:
    label: str                     # 町内会 as on the sheet
    neighbourhood_id: str | None
    target_persons: int | None     # 対象人数
    counts: dict[str, int]         # column id -> count (a blank cell is absent)


@dataclasses.dataclass(frozen=True)
class LoadedTable:
    """One stored table, read once: what the needs picture and the city-wide sums need."""
    id: str
    council_id: str
    kind: str
    title: str
    period_from: dt.date | None
    period_to: dt.date | None
    created_at: dt.datetime | None
    columns: tuple[LoadedColumn, ...]
    rows: tuple[LoadedRow, ...]

    @property
    def newness(self) -> tuple[dt.date, dt.date, dt.datetime]:
        return (self.period_to or dt.date.min, self.period_from or dt.date.min,
                self.created_at or dt.datetime.min)

    def column_total(self, column_id: str) -> int:
        return sum(r.counts.get(column_id, 0) for r in self.rows)

    @property
    def persons(self) -> int:
        return sum(r.target_persons or 0 for r in self.rows)


@dataclasses.dataclass(frozen=True)
class TableFigure:
    """What the newest needs table says about one category."""
    category: str
    persons: int                                  # the column total: persons with this need
    neighbourhoods: tuple[tuple[str, int], ...]   # (町内会, persons) where above 0, table order
    tally_id: str
    title: str
    period_from: dt.date | None
    period_to: dt.date | None


def load_tables(session: Session, kind: str, council_id: str | None = None) -> list[LoadedTable]:
    """The tables of one kind (one council's, or every council's), newest first per council."""
    def only(stmt):
        stmt = stmt.where(Tally.kind == kind)
        return stmt if council_id is None else stmt.where(Tally.council_id == council_id)

    names = dict(session.execute(select(NeedCategory.id, NeedCategory.name)).all())
    by_name = {nfkc(name): name for name in names.values()}
    columns: dict[str, list[LoadedColumn]] = defaultdict(list)
    for col_id, tally_id, group, label, category_id in session.execute(only(
            select(TallyColumn.id, TallyColumn.tally_id, TallyColumn.group, TallyColumn.label,
                   TallyColumn.need_category_id).join(Tally, Tally.id == TallyColumn.tally_id)
            .order_by(TallyColumn.position))):
        category = names.get(category_id) if category_id else (
            by_name.get(nfkc(label)) if kind == "needs" else None)
        columns[tally_id].append(LoadedColumn(col_id, group, label, category))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row_id, column_id, count in session.execute(only(
            select(TallyCell.row_id, TallyCell.column_id, TallyCell.count)
            .join(TallyRow, TallyRow.id == TallyCell.row_id).join(Tally, Tally.id == TallyRow.tally_id))):
        counts[row_id][column_id] = count
    rows: dict[str, list[LoadedRow]] = defaultdict(list)
    for row_id, tally_id, label, nb_id, persons in session.execute(only(
            select(TallyRow.id, TallyRow.tally_id, TallyRow.label, TallyRow.neighbourhood_id,
                   TallyRow.target_persons).join(Tally, Tally.id == TallyRow.tally_id)
            .order_by(TallyRow.position))):
        rows[tally_id].append(LoadedRow(label, nb_id, persons, counts.get(row_id, {})))
    tables = [LoadedTable(t.id, t.council_id, kind, t.title, t.period_from, t.period_to, t.created_at,
                          tuple(columns[t.id]), tuple(rows[t.id]))
              for t in session.execute(only(select(
                  Tally.id, Tally.council_id, Tally.title, Tally.period_from, Tally.period_to,
                  Tally.created_at)))]
    return sorted(tables, key=lambda t: t.newness, reverse=True)


def newest(tables: Iterable[LoadedTable]) -> dict[str, LoadedTable]:
    """council id -> its newest table."""
    found: dict[str, LoadedTable] = {}
    for table in sorted(tables, key=lambda t: t.newness, reverse=True):
        found.setdefault(table.council_id, table)
    return found


def _figure(table: LoadedTable, category: str) -> TableFigure:
    ids = [c.id for c in table.columns if c.category == category]
    by_row = [(r.label, sum(r.counts.get(i, 0) for i in ids)) for r in table.rows]
    return TableFigure(category, sum(n for _label, n in by_row),
                       tuple((label, n) for label, n in by_row if n > 0),
                       table.id, table.title, table.period_from, table.period_to)


def figures_of(tables: Iterable[LoadedTable]) -> dict[str, TableFigure]:
    """category -> its figure from the newest table that has a column for it."""
    found: dict[str, TableFigure] = {}
    for table in sorted(tables, key=lambda t: t.newness, reverse=True):
        for category in dict.fromkeys(c.category for c in table.columns if c.category):
            if category not in found:
                found[category] = _figure(table, category)
    return found


def figures(store: Store, council_id: str) -> dict[str, TableFigure]:
    """The council's needs-table figures by need category (see the module's rules)."""
    with store.session() as s:
        return figures_of(load_tables(s, "needs", council_id))


def figures_by_council(store: Store) -> dict[str, dict[str, TableFigure]]:
    """council id -> category -> figure, for every council at once (the tier-1 overview)."""
    with store.session() as s:
        tables = load_tables(s, "needs")
    by_council: dict[str, list[LoadedTable]] = defaultdict(list)
    for table in tables:
        by_council[table.council_id].append(table)
    return {cid: figures_of(found) for cid, found in by_council.items()}
