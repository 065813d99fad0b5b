"""The あんしんセンター tables added up across councils: per kind of table, the column totals of
every council, summed by category, never by column position.

Matching columns: by (group, category). The category is the column's link (need_category_id); a
needs-table column without one takes the category of its name (services.need_tables); any other
column without one is matched by its label. Group and label are compared NFKC, spaces left out. So
八幡's service-use table (…入浴, 洗濯, その他) and 豊岡's (…洗濯, 入浴, 移動介助) add up column by
column whatever order their sheets have.

Per council and column, the newest of the council's tables of that kind having the column (period_to,
then period_from, then when it was entered, as in services.need_tables), so two periods are never
added up. 対象人数 is the newest table's (summed over its rows), added across councils: within a
table it is not the row sum, and each council counts its own residents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from sqlalchemy import select

from app.models import TALLY_KINDS, Council
from app.services.need_tables import LoadedColumn, LoadedTable, load_tables
from app.services.normalize import nfkc
from app.services.tallies import standard_columns
from app.store import Store

KINDS = ("needs", "service_use")  # the order they are shown in

Key = tuple[str, str]


@dataclasses.dataclass(frozen=True)
class SumColumn:
    group: str   # デイサービス / 訪問介護, or ""
    label: str   # the category's name where the column is linked to one


@dataclasses.dataclass(frozen=True)
class TableRef:
    title: str
    period_from: dt.date | None
    period_to: dt.date | None


@dataclasses.dataclass(frozen=True)
class CouncilLine:
    council_id: str
    council: str
    counts: tuple[int | None, ...]   # one per column; None where its tables have no such column
    persons: int                     # 対象人数 of its newest table
    tables: tuple[TableRef, ...]     # the tables the line is read from, newest first


@dataclasses.dataclass(frozen=True)
class KindSum:
    kind: str
    columns: tuple[SumColumn, ...]
    councils: tuple[CouncilLine, ...]
    totals: tuple[int, ...]
    persons: int

    @property
    def kind_label(self) -> str:
        return TALLY_KINDS[self.kind]


def _plain(text: str) -> str:
    return nfkc(text).replace(" ", "")


def column_key(column: LoadedColumn) -> Key:
    return _plain(column.group), _plain(column.category or column.label)


def _council_line(council_id: str, name: str, tables: list[LoadedTable]
                  ) -> tuple[dict[Key, int], CouncilLine]:
    """The council's counts by column key, newest table first; the line without its counts."""
    counts: dict[Key, int] = {}
    used: list[TableRef] = []
    for table in sorted(tables, key=lambda t: t.newness, reverse=True):
        fresh: dict[Key, int] = defaultdict(int)
        for column in table.columns:
            key = column_key(column)
            if key not in counts:
                fresh[key] += table.column_total(column.id)
        if fresh or not used:
            used.append(TableRef(table.title, table.period_from, table.period_to))
        counts.update(fresh)
    newest = max(tables, key=lambda t: t.newness)
    return counts, CouncilLine(council_id, name, (), newest.persons, tuple(used))


def _sum_kind(kind: str, tables: list[LoadedTable], councils: list[tuple[str, str]]) -> KindSum:
    by_council: dict[str, list[LoadedTable]] = defaultdict(list)
    for table in tables:
        by_council[table.council_id].append(table)
    columns: dict[Key, SumColumn] = {}
    for group, label in standard_columns(kind):  # the usual sheet's order first
        columns[(_plain(group), _plain(label))] = SumColumn(group, label)
    lines: list[tuple[dict[Key, int], CouncilLine]] = []
    seen: set[Key] = set()
    for council_id, name in councils:
        if council_id not in by_council:
            continue
        for table in sorted(by_council[council_id], key=lambda t: t.newness, reverse=True):
            for column in table.columns:
                key = column_key(column)
                seen.add(key)
                columns.setdefault(key, SumColumn(column.group, column.category or column.label))
        lines.append(_council_line(council_id, name, by_council[council_id]))
    keys = [k for k in columns if k in seen]
    done = tuple(dataclasses.replace(line, counts=tuple(counts.get(k) for k in keys))
                 for counts, line in lines)
    totals = tuple(sum(line.counts[i] or 0 for line in done) for i in range(len(keys)))
    return KindSum(kind, tuple(columns[k] for k in keys), done, totals,
                   sum(line.persons for line in done))


def city_sums(store: Store) -> list[KindSum]:
    """Per kind of table that some council has: a line per council and the total."""
    with store.session() as s:
        councils = [(cid, name) for cid, name in s.execute(
            select(Council.id, Council.name).order_by(Council.tier, Council.created_at, Council.name))]
        loaded = {kind: load_tables(s, kind) for kind in KINDS}
    return [_sum_kind(kind, loaded[kind], councils) for kind in KINDS if loaded[kind]]
