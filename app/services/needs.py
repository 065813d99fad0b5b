"""Needs (ニーズ): what residents need, by 町内会 and category, linked to resources that answer them.

解決日 follows 状況 (base.settle_status_date): changing a need to 解決 with it empty gives today,
back to an open status clears it, typed beside an open status it is refused; never before 把握日."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.models import (
    NEED_SOURCES,
    NEED_STATUSES,
    Council,
    Need,
    NeedCategory,
    Neighbourhood,
    Resource,
)
from app.services import base, checks, need_tables
from app.services.base import Field
from app.services.need_tables import TableFigure
from app.services.normalize import nfkc
from app.store import Store

# Each field once: validation here, the exchange sheet's column (exchange/sheets.py) and the
# window's input (ui/pages/needs/dialog.py) are built from it.
NEED_FIELDS = (
    Field("category", "分類", base.text(50), required=True, width=14, kind="choice"),
    Field("neighbourhood_id", "町内会", lambda v, _l: v or None, column="neighbourhood",
          cell=base.text(100), width=12, kind="choice"),
    Field("description", "内容", base.long_text, default="", width=40, kind="long",
          tip="聞いたとおりに書きます。例: 病院に行く足がない"),
    Field("count", "人数", base.integer, width=8, tip="そのニーズを持つ人の数（分からなければ空欄）"),
    Field("source", "把握方法", base.choice(NEED_SOURCES), default="聞き取り", width=14,
          cell=base.choice_or(NEED_SOURCES, "聞き取り"), kind="choice", choices=NEED_SOURCES),
    Field("noted_on", "把握日", base.date, width=12, kind="date"),
    Field("status", "状況", base.choice(NEED_STATUSES), default="未対応", width=8,
          cell=base.choice_or(NEED_STATUSES, "未対応"), kind="choice", choices=NEED_STATUSES),
    Field("resolved_on", "解決日", base.date, width=12, kind="date",
          tip="状況を「解決」に変えて空けておくと、今日の日付が入ります"),
)


def resource_entries(value: object, label: str) -> tuple[str, ...]:
    """Resource names, one a line; 「名前［ID］」 where a name is not unique. (A line that names
    no resource is tried again split at 、 when resolved: names may contain 、 themselves.)"""
    text = "" if value is None else str(value)
    pieces = (p.strip() for p in text.splitlines())
    return tuple(sorted({p for p in pieces if p}))


# The resources a need is linked to: not one of NEED_FIELDS (the service takes their IDs apart,
# `resource_ids`), but declared here once for the sheet's column and the form's checkboxes.
RESOURCES_FIELD = Field("resources", "対応する社会資源", resource_entries, width=30, kind="multi",
                        tip="このニーズに応えている社会資源に印を付けます（いくつでも）")

OPEN_STATUSES = checks.OPEN_NEED_STATUSES
RESOLVED = ("解決",)  # the status 解決日 stands for (base.settle_status_date has the rule)
_BY_NAME = {f.name: f for f in NEED_FIELDS}


def check_dates(values: Mapping[str, object]) -> None:
    """解決日 not before 把握日, and only beside 状況 解決 (the window, the import and the
    exchange alike)."""
    base.check_not_before(values, _BY_NAME["noted_on"], _BY_NAME["resolved_on"])
    base.check_status_date(values, _BY_NAME["resolved_on"], RESOLVED)


@dataclasses.dataclass(frozen=True)
class NeedDTO:
    id: str
    council_id: str
    category: str
    neighbourhood_id: str | None
    neighbourhood_name: str
    description: str
    count: int | None
    source: str
    noted_on: dt.date | None
    status: str
    resolved_on: dt.date | None
    resource_ids: tuple[str, ...]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclasses.dataclass(frozen=True)
class GapDTO:
    """A category with open needs or a needs-table figure, and no resource answering it
    (services.need_tables has the rule)."""
    category: str
    open_needs: int
    persons: int                      # the records' known 人数
    table_persons: int | None = None  # the newest needs table's persons (None: not in a table)


def _dto(n: Need, nb_names: Mapping[str, str]) -> NeedDTO:
    return base.to_dto(NeedDTO, n, category=n.category.name,
                       neighbourhood_name=nb_names.get(n.neighbourhood_id or "", ""),
                       resource_ids=tuple(sorted(r.id for r in n.resources)))


def _nb_names(session, council_id: str) -> dict[str, str]:
    return dict(session.execute(select(Neighbourhood.id, Neighbourhood.name)
                                .where(Neighbourhood.council_id == council_id)).all())


def _category(session, name: str) -> NeedCategory:
    categories = session.scalars(select(NeedCategory).order_by(NeedCategory.position)).all()
    for category in categories:
        if nfkc(category.name) == nfkc(name):
            return category
    raise ValidationError("分類", f"「{name}」は分類の一覧にありません"
                                  f"（{'、'.join(c.name for c in categories)}）", name="category")


def _apply(session, need: Need, values: dict, resource_ids: Iterable[str] | None) -> None:
    check_dates({"noted_on": need.noted_on, "status": need.status, "resolved_on": need.resolved_on,
                 **values})
    if "category" in values:
        need.category = _category(session, values.pop("category"))
    if values.get("neighbourhood_id"):
        nb = session.get(Neighbourhood, values["neighbourhood_id"])
        if nb is None or nb.council_id != need.council_id:
            raise ValidationError("町内会", "この協議体の町内会から選んでください",
                                  name="neighbourhood_id")
    if resource_ids is not None:
        resources = []
        for resource_id in dict.fromkeys(resource_ids):
            resource = session.get(Resource, resource_id)
            if resource is None or resource.council_id != need.council_id:
                raise ValidationError(RESOURCES_FIELD.label, "この協議体の社会資源から選んでください",
                                      name=RESOURCES_FIELD.name)
            resources.append(resource)
        need.resources = resources
    for key, value in values.items():
        setattr(need, key, value)


def list_needs(store: Store, council_id: str) -> list[NeedDTO]:
    with store.session() as s:
        names = _nb_names(s, council_id)
        rows = s.scalars(select(Need).where(Need.council_id == council_id)
                         .options(selectinload(Need.category), selectinload(Need.resources))
                         .join(NeedCategory).order_by(NeedCategory.position, Need.noted_on))
        return [_dto(n, names) for n in rows]


def create_need(store: Store, council_id: str, raw: Mapping[str, object],
                resource_ids: Iterable[str] = ()) -> NeedDTO:
    values = base.validate(NEED_FIELDS, raw)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        need = Need(council_id=council_id, resources=[])
        _apply(s, need, values, resource_ids)
        s.add(need)
        s.flush()
        return _dto(need, _nb_names(s, council_id))


def update_need(store: Store, need_id: str, raw: Mapping[str, object],
                resource_ids: Iterable[str] | None = None) -> NeedDTO:
    values = base.validate(NEED_FIELDS, raw, partial=True)
    with store.session() as s:
        need = base.get_or_fail(s, Need, need_id, "ニーズ")
        base.settle_status_date(values, _BY_NAME["resolved_on"], RESOLVED, (need.status, need.resolved_on))
        _apply(s, need, values, resource_ids)
        s.flush()
        return _dto(need, _nb_names(s, need.council_id))


def delete_need(store: Store, need_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Need, need_id, "ニーズ"))


def gaps(store: Store, council_id: str) -> list[GapDTO]:
    """Categories with open needs recorded or a figure above 0 in the newest needs table, and
    no resource linked to any of their open needs (none open: to any of their needs); the same
    as coverage()'s gaps."""
    return [GapDTO(c.category, c.open_needs, c.persons, c.table_persons)
            for c in coverage(store, council_id) if c.is_gap]


def category_names(store: Store) -> list[str]:
    with store.session() as s:
        return list(s.scalars(select(NeedCategory.name).order_by(NeedCategory.position)))


# --- 集計 and coverage (added for the ニーズ page) ------------------------------------------------

NO_NEIGHBOURHOOD = "町内会なし"


@dataclasses.dataclass(frozen=True)
class CrosstabCell:
    """One 町内会 × 分類 box: persons from the records whose 人数 is known, and how many
    records left 人数 blank (counted apart, never guessed as persons)."""
    persons: int = 0
    records: int = 0
    without_count: int = 0

    def __add__(self, other: CrosstabCell) -> CrosstabCell:
        return CrosstabCell(self.persons + other.persons, self.records + other.records,
                            self.without_count + other.without_count)

    @property
    def is_empty(self) -> bool:
        return self.records == 0


@dataclasses.dataclass(frozen=True)
class CrosstabRow:
    neighbourhood: str            # the 町内会's name, or NO_NEIGHBOURHOOD
    neighbourhood_id: str | None
    cells: tuple[CrosstabCell, ...]  # aligned with Crosstab.categories
    total: CrosstabCell


@dataclasses.dataclass(frozen=True)
class Crosstab:
    categories: tuple[str, ...]   # the categories that occur, in the list's order
    rows: tuple[CrosstabRow, ...]
    column_totals: tuple[CrosstabCell, ...]
    total: CrosstabCell

    @property
    def records(self) -> int:
        return self.total.records

    @property
    def without_count(self) -> int:
        return self.total.without_count


def _cell(need: NeedDTO) -> CrosstabCell:
    if need.count is None:
        return CrosstabCell(0, 1, 1)
    return CrosstabCell(need.count, 1, 0)


def crosstab(store: Store, council_id: str, statuses: Iterable[str] | None = None,
             *, include_empty: bool = True) -> Crosstab:
    """The council's need records by 町内会 (rows) and 分類 (columns).

    A cell sums 人数; a record with 人数 blank is counted in `without_count` instead, so a
    blank never passes for a number. Totals are derived here, once. `statuses` keeps only
    records in those 状況 (None: all); `include_empty` keeps 町内会 without records as rows.
    """
    wanted = None if statuses is None else set(statuses)
    if wanted is not None:
        unknown = wanted - set(NEED_STATUSES)
        if unknown:
            raise ValidationError("状況", f"「{'・'.join(sorted(unknown))}」は選べません"
                                        f"（{'・'.join(NEED_STATUSES)} のどれか）", name="status")
    chosen = [n for n in list_needs(store, council_id) if wanted is None or n.status in wanted]
    order = {name: i for i, name in enumerate(category_names(store))}
    categories = tuple(sorted({n.category for n in chosen}, key=lambda c: (order.get(c, 10**6), c)))
    with store.session() as s:
        listed = s.execute(select(Neighbourhood.id, Neighbourhood.name)
                           .where(Neighbourhood.council_id == council_id)
                           .order_by(Neighbourhood.position, Neighbourhood.name)).all()
    keys: list[tuple[str | None, str]] = [(nb_id, name) for nb_id, name in listed]
    if any(n.neighbourhood_id is None for n in chosen):
        keys.append((None, NO_NEIGHBOURHOOD))
    grid: dict[tuple[str | None, str], CrosstabCell] = {}
    for need in chosen:
        key = (need.neighbourhood_id, need.category)
        grid[key] = grid.get(key, CrosstabCell()) + _cell(need)
    rows = []
    for nb_id, name in keys:
        cells = tuple(grid.get((nb_id, c), CrosstabCell()) for c in categories)
        total = sum(cells, CrosstabCell())
        if include_empty or not total.is_empty:
            rows.append(CrosstabRow(name, nb_id, cells, total))
    column_totals = tuple(sum((r.cells[i] for r in rows), CrosstabCell())
                          for i in range(len(categories)))
    return Crosstab(categories, tuple(rows), column_totals, sum(column_totals, CrosstabCell()))


@dataclasses.dataclass(frozen=True)
class CoverageDTO:
    """Open needs of one category, what the newest needs table says about it, and the
    resources linked to any of the open needs (none: a gap)."""
    category: str
    open_needs: int
    persons: int                  # sum of the known 人数
    without_count: int            # open needs whose 人数 is blank
    statuses: tuple[tuple[str, int], ...]  # (状況, how many) in NEED_STATUSES order
    neighbourhoods: tuple[str, ...]
    descriptions: tuple[str, ...]
    resource_names: tuple[str, ...]
    table: TableFigure | None = None  # never added to `persons`: the same person may be in both

    @property
    def is_gap(self) -> bool:
        return not self.resource_names

    @property
    def table_persons(self) -> int | None:
        return self.table.persons if self.table else None


def coverage(store: Store, council_id: str) -> list[CoverageDTO]:
    """Per category with open needs or a figure above 0 in the newest needs table: how many,
    where, and what answers them: the resources linked to its open needs, or, when none is open,
    to its resolved ones. The gaps (no such resource) first, then the rest, each in the category
    list's order; same gaps as gaps(). The table's persons and the records' persons are kept
    apart (services.need_tables has the rule)."""
    recorded = list_needs(store, council_id)
    open_needs = [n for n in recorded if n.is_open]
    resolved: dict[str, set[str]] = {}  # category -> resources linked to its needs no longer open
    for need in recorded:
        if not need.is_open:
            resolved.setdefault(need.category, set()).update(need.resource_ids)
    tables = need_tables.figures(store, council_id)
    with store.session() as s:
        resource_names = dict(s.execute(select(Resource.id, Resource.name)
                                        .where(Resource.council_id == council_id)
                                        .order_by(Resource.position, Resource.name)).all())
    by_category: dict[str, list[NeedDTO]] = {}
    for need in open_needs:  # list_needs gives the category order
        by_category.setdefault(need.category, []).append(need)
    order = {name: i for i, name in enumerate(category_names(store))}
    shown = set(by_category) | {c for c, figure in tables.items() if figure.persons > 0}
    found = []
    for category in sorted(shown, key=lambda c: (order.get(c, len(order)), c)):
        items = by_category.get(category, [])
        linked = {rid for n in items for rid in n.resource_ids} if items else resolved.get(category, set())
        statuses = tuple((st, sum(n.status == st for n in items)) for st in NEED_STATUSES
                         if any(n.status == st for n in items))
        found.append(CoverageDTO(
            category=category, open_needs=len(items),
            persons=sum(n.count or 0 for n in items),
            without_count=sum(n.count is None for n in items), statuses=statuses,
            neighbourhoods=tuple(dict.fromkeys(n.neighbourhood_name or NO_NEIGHBOURHOOD
                                               for n in items)),
            descriptions=tuple(n.description for n in items if n.description),
            resource_names=tuple(name for rid, name in resource_names.items() if rid in linked),
            table=tables.get(category)))
    return sorted(found, key=lambda c: not c.is_gap)  # stable: keeps the category order
