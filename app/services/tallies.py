"""Crosstabs (集計表) by 町内会 × category, with 対象人数 per row and derived totals.

対象人数 is typed per row and is NOT the row sum (one person has several needs). Column totals,
the 対象人数 total and the 世帯数 total are always computed here, never stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.models import TALLY_KINDS, Council, Neighbourhood, Tally, TallyCell, TallyColumn, TallyRow
from app.services import base
from app.services.normalize import nfkc, to_int
from app.store import Store

# The columns of the two sheets あんしんセンター hands over (the seed's, in order).
SERVICE_USE_COLUMNS = (("デイサービス", "リハビリ"), ("デイサービス", "入浴"), ("訪問介護", "買い物"),
                       ("訪問介護", "調理"), ("訪問介護", "掃除"), ("訪問介護", "ゴミだし"),
                       ("訪問介護", "洗濯"), ("訪問介護", "入浴"), ("訪問介護", "移動介助"))
NEEDS_COLUMNS = tuple(("", name) for name in (
    "居場所・運動", "見守り", "買い物", "通院", "移動手段", "調理・弁当", "掃除", "入浴", "ゴミだし",
    "住環境", "布団干し", "床屋"))


@dataclasses.dataclass(frozen=True)
class TallyColumnDTO:
    id: str
    group: str
    label: str


@dataclasses.dataclass(frozen=True)
class TallyRowDTO:
    id: str
    label: str
    neighbourhood_id: str | None
    households: int | None
    target_persons: int | None
    counts: tuple[int | None, ...]  # one per column; None is a blank cell


@dataclasses.dataclass(frozen=True)
class Totals:
    columns: tuple[int, ...]
    persons: int
    households: int | None  # None when no row has a known 世帯数
    cells: int


@dataclasses.dataclass(frozen=True)
class CrosstabDTO:
    id: str
    council_id: str
    kind: str
    title: str
    period_from: dt.date | None
    period_to: dt.date | None
    source: str
    note: str
    columns: tuple[TallyColumnDTO, ...]
    rows: tuple[TallyRowDTO, ...]
    totals: Totals

    @property
    def kind_label(self) -> str:
        return TALLY_KINDS[self.kind]


def compute_totals(column_count: int, rows: Sequence[TallyRowDTO]) -> Totals:
    column_totals = [0] * column_count
    for row in rows:
        for index, count in enumerate(row.counts):
            column_totals[index] += count or 0
    known = [r.households for r in rows if r.households is not None]
    return Totals(columns=tuple(column_totals),
                  persons=sum(r.target_persons or 0 for r in rows),
                  households=sum(known) if known else None,
                  cells=sum(column_totals))


def _dto(tally: Tally, households: Mapping[str, int | None]) -> CrosstabDTO:
    columns = tuple(TallyColumnDTO(c.id, c.group, c.label) for c in tally.columns)
    index = {c.id: i for i, c in enumerate(columns)}
    rows = []
    for row in tally.rows:
        counts: list[int | None] = [None] * len(columns)
        for cell in row.cells:
            counts[index[cell.column_id]] = cell.count
        rows.append(TallyRowDTO(row.id, row.label, row.neighbourhood_id,
                                households.get(row.neighbourhood_id or ""), row.target_persons,
                                tuple(counts)))
    return base.to_dto(CrosstabDTO, tally, columns=columns, rows=tuple(rows),
                       totals=compute_totals(len(columns), rows))


def _load(session, tally_id: str) -> Tally:
    tally = session.scalars(select(Tally).where(Tally.id == tally_id).options(
        selectinload(Tally.columns), selectinload(Tally.rows).selectinload(TallyRow.cells))).first()
    if tally is None:
        base.get_or_fail(session, Tally, tally_id, "集計表")
    return tally


def _households(session, council_id: str) -> dict[str, int | None]:
    return dict(session.execute(select(Neighbourhood.id, Neighbourhood.households)
                                .where(Neighbourhood.council_id == council_id)).all())


def crosstab(store: Store, tally_id: str) -> CrosstabDTO:
    with store.session() as s:
        tally = _load(s, tally_id)
        return _dto(tally, _households(s, tally.council_id))


def list_tallies(store: Store, council_id: str, kind: str | None = None) -> list[CrosstabDTO]:
    with store.session() as s:
        stmt = select(Tally.id).where(Tally.council_id == council_id)
        if kind:
            stmt = stmt.where(Tally.kind == kind)
        households = _households(s, council_id)
        ids = s.scalars(stmt.order_by(Tally.kind.desc(), Tally.period_to)).all()
        return [_dto(_load(s, tally_id), households) for tally_id in ids]


def parse_row(number: int, label: object, persons: object, counts: Sequence[object],
              columns: Sequence[str]) -> tuple[str, int | None, list[int | None]]:
    """One sheet row, checked: 全角 digits and commas accepted; no cell above 対象人数."""
    where = f"{number}行目"
    name = str(label or "").strip()
    if not name:
        raise ValidationError(f"{where}の町内会名", "入力してください")
    where = f"{number}行目（{name}）"
    if len(counts) != len(columns):
        raise ValidationError(where, f"数の欄が{len(counts)}個あります（{len(columns)}個のはずです）")
    target = to_int(persons, f"{where}の対象人数")
    values = [to_int(v, f"{where}の「{col}」") for v, col in zip(counts, columns, strict=True)]
    for value, col in zip(values, columns, strict=True):
        if target is not None and value is not None and value > target:
            raise ValidationError(f"{where}の「{col}」",
                                  f"{value}人は対象人数（{target}人）より多いので入りません")
    return name, target, values


def create_tally(store: Store, council_id: str, *, kind: str, columns: Sequence[tuple[str, str]],
                 rows: Sequence[Mapping[str, object]], title: str = "",
                 period_from: object = None, period_to: object = None, source: str = "",
                 note: str = "") -> CrosstabDTO:
    """rows: {"label": 町内会名, "target_persons": 対象人数, "counts": [one per column]}."""
    if kind not in TALLY_KINDS:
        raise ValidationError("種類", f"「{kind}」という集計表はありません")
    if not columns:
        raise ValidationError("項目", "項目（列）がありません")
    start = base.date(period_from, "期間（から）")
    end = base.date(period_to, "期間（まで）")
    if start and end and end < start:
        raise ValidationError("期間（まで）", "期間の始めより前になっています")
    labels = [label for _group, label in columns]
    parsed = [parse_row(i, r.get("label"), r.get("target_persons"), r.get("counts", ()), labels)
              for i, r in enumerate(rows, start=1)]
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        nb_ids = {nfkc(name): nb_id for nb_id, name in s.execute(
            select(Neighbourhood.id, Neighbourhood.name).where(Neighbourhood.council_id == council_id))}
        tally = Tally(council_id=council_id, kind=kind, title=title or TALLY_KINDS[kind],
                      period_from=start, period_to=end, source=source, note=note)
        tally.columns = [TallyColumn(position=i, group=g, label=label)
                         for i, (g, label) in enumerate(columns)]
        s.add(tally)
        s.flush()
        for position, (label, target, values) in enumerate(parsed):
            row = TallyRow(tally=tally, position=position, label=label, target_persons=target,
                           neighbourhood_id=nb_ids.get(nfkc(label)))
            row.cells = [TallyCell(column_id=col.id, count=v)
                         for col, v in zip(tally.columns, values, strict=True) if v is not None]
            s.add(row)
        s.flush()
        tally_id = tally.id
    return crosstab(store, tally_id)


def set_cell(store: Store, row_id: str, column_id: str, value: object) -> CrosstabDTO:
    """One grid edit: blank clears the cell; a count above the row's 対象人数 is refused."""
    with store.session() as s:
        row = base.get_or_fail(s, TallyRow, row_id, "集計表の行")
        column = base.get_or_fail(s, TallyColumn, column_id, "集計表の列")
        if column.tally_id != row.tally_id:
            raise ValidationError("集計表", "行と列が別の集計表のものです")
        where = f"{row.label}の「{column.label}」"
        count = to_int(value, where)
        if count is not None and row.target_persons is not None and count > row.target_persons:
            raise ValidationError(where, f"{count}人は対象人数（{row.target_persons}人）より多いので入りません")
        cell = s.scalars(select(TallyCell).where(TallyCell.row_id == row_id,
                                                 TallyCell.column_id == column_id)).first()
        if count is None:
            if cell is not None:
                s.delete(cell)
        elif cell is None:
            s.add(TallyCell(row_id=row_id, column_id=column_id, count=count))
        else:
            cell.count = count
        tally_id = row.tally_id
    return crosstab(store, tally_id)


def set_target_persons(store: Store, row_id: str, value: object) -> CrosstabDTO:
    with store.session() as s:
        row = base.get_or_fail(s, TallyRow, row_id, "集計表の行")
        target = to_int(value, f"{row.label}の対象人数")
        biggest = max((c.count for c in row.cells), default=0)
        if target is not None and target < biggest:
            raise ValidationError(f"{row.label}の対象人数",
                                  f"この行には{biggest}人の項目があるので、{biggest}人以上にしてください")
        row.target_persons = target
        tally_id = row.tally_id
    return crosstab(store, tally_id)


def delete_tally(store: Store, tally_id: str) -> None:
    with store.session() as s:
        s.delete(base.get_or_fail(s, Tally, tally_id, "集計表"))
