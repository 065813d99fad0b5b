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



def check_period(start, end) -> None:
    """The window and the import both apply it."""
    if start and end and end < start:
        raise ValidationError("期間（まで）", "期間の始めより前になっています")

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


def _counts(row: Mapping[str, object]) -> Sequence[object]:
    counts = row.get("counts", ())
    if not isinstance(counts, Sequence):
        raise TypeError(f"counts of a row: {counts!r}")
    return counts


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
    check_period(start, end)
    labels = [label for _group, label in columns]
    parsed = [parse_row(i, r.get("label"), r.get("target_persons"), _counts(r), labels)
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


# --- the grid as a sheet: pasting blocks, rows, the table's own details ---------------------
# A tally laid out as the sheet あんしんセンター hands over: 町内会名, 世帯数, one column per
# category, 対象人数. Pasted blocks and the window's grid use these column numbers.
LABEL_COL, HOUSEHOLDS_COL, FIRST_COUNT_COL = 0, 1, 2

TALLY_INFO_FIELDS = (
    base.Field("title", "題名", base.text(200)),
    base.Field("period_from", "期間（から）", base.date),
    base.Field("period_to", "期間（まで）", base.date),
    base.Field("source", "出典", base.text(200)),
    base.Field("note", "メモ", base.long_text),
)


@dataclasses.dataclass(frozen=True)
class CellProblem:
    """One refused cell of a pasted block, in sheet coordinates (row of the tally, sheet column)."""
    row: int
    col: int
    field: str   # 金井淵の「見守り」
    reason: str


class BlockError(ValidationError):
    """A pasted block with bad cells: every one is listed so the window can mark them all.
    The message names the first; nothing of the block was saved."""

    def __init__(self, problems: Sequence[CellProblem]) -> None:
        first = problems[0]
        more = f"（ほかに{len(problems) - 1}か所）" if len(problems) > 1 else ""
        super().__init__(first.field, first.reason + more)
        self.problems = tuple(problems)


def target_col(t: CrosstabDTO) -> int:
    return FIRST_COUNT_COL + len(t.columns)


def parse_block(text: str) -> list[list[str]]:
    """Text copied from Excel: rows end with CRLF or LF, cells are split by tabs. The trailing
    line break Excel adds does not make an extra row; a cell Excel quoted loses its quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text.strip():
        return []

    def cell(value: str) -> str:
        if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
            value = value[1:-1].replace('""', '"')
        return value

    return [[cell(v) for v in line.split("\t")] for line in text.split("\n")]


def _check_block(t: CrosstabDTO, top_row: int, left_col: int,
                 block: Sequence[Sequence[object]]) -> None:
    if not block or not any(len(line) for line in block):
        raise ValidationError("貼り付け", "貼り付けるものがありません。Excelで範囲をコピーしてから"
                                          "貼り付けてください")
    height, width = len(block), max(len(line) for line in block)
    columns = len(t.columns) + 3
    if not (0 <= top_row < len(t.rows)) or not (0 <= left_col < columns):
        raise ValidationError("貼り付け", "貼り付け始める欄を表の中から選んでください")
    if top_row + height > len(t.rows) or left_col + width > columns:
        raise ValidationError(
            "貼り付け", f"{height}行×{width}列は表からはみ出します（選んだ欄から下に"
            f"{len(t.rows) - top_row}行、右に{columns - left_col}列まで入ります）")


# A pasted row's plan: the new 対象人数 (or the stored one), whether it was pasted, and
# {column index: count} (None clears the cell).
RowPlan = tuple[int | None, bool, dict[int, int | None]]


def paste_block(store: Store, tally_id: str, top_row: int, left_col: int,
                block: Sequence[Sequence[object]]) -> CrosstabDTO:
    """Put a block copied from Excel into the tally, starting at (top_row, left_col) in sheet
    coordinates. Every cell is checked first (全角 digits and commas accepted, blank clears,
    None keeps the cell, no count above its row's 対象人数, pasted or kept); any bad cell refuses the whole block
    with a BlockError listing all of them, so nothing is ever half-saved."""
    with store.session() as s:
        tally = _load(s, tally_id)
        t = _dto(tally, _households(s, tally.council_id))
        _check_block(t, top_row, left_col, block)
        problems: list[CellProblem] = []
        plans: dict[int, RowPlan] = {}
        for i, line in enumerate(block):
            plans[top_row + i], row_problems = _read_pasted_row(t, top_row + i, left_col, line)
            problems += sorted(row_problems, key=lambda p: p.col)
        if problems:
            raise BlockError(problems)
        _apply_plans(tally, t, plans)
        s.flush()
        return _dto(tally, _households(s, tally.council_id))


def _read_pasted_row(t: CrosstabDTO, r: int, left_col: int, line: Sequence[object]
                     ) -> tuple[RowPlan, list[CellProblem]]:
    """One pasted line of row `r`, every cell checked: its plan and its problems."""
    row = t.rows[r]
    last = target_col(t)
    problems: list[CellProblem] = []
    target, target_pasted, counts = row.target_persons, False, {}
    for j, value in enumerate(line):
        if value is None:  # not part of the block (a gap in a selection): kept
            continue
        c = left_col + j
        text = str(value)
        if c == LABEL_COL:
            if text.strip() and nfkc(text) != nfkc(row.label):
                problems.append(CellProblem(
                    r, c, f"{row.label}の町内会名",
                    f"「{text.strip()}」を貼ろうとしました。この行は「{row.label}」です"
                    "（行がずれていないか確かめてください）"))
            continue
        where = (f"{row.label}の世帯数" if c == HOUSEHOLDS_COL else
                 f"{row.label}の対象人数" if c == last else
                 f"{row.label}の「{t.columns[c - FIRST_COUNT_COL].label}」")
        try:
            number = to_int(text, where)
        except ValidationError as exc:
            problems.append(CellProblem(r, c, exc.field, exc.reason))
            continue
        if c == HOUSEHOLDS_COL:
            if number is not None and number != row.households:
                problems.append(CellProblem(
                    r, c, where, "世帯数はここでは直せません（町内会の設定で直してください）"))
        elif c == last:
            target, target_pasted = number, True
        else:
            counts[c - FIRST_COUNT_COL] = number
    plan = (target, target_pasted, counts)
    return plan, problems + _over_target(t, r, plan, problems)


def _over_target(t: CrosstabDTO, r: int, plan: RowPlan, found: list[CellProblem]
                 ) -> list[CellProblem]:
    """Counts above the row's 対象人数: a pasted count is refused; a kept one asks for a pasted
    対象人数 at least as big. A cell already refused is not named twice."""
    target, target_pasted, counts = plan
    if target is None:
        return []
    row = t.rows[r]
    last = target_col(t)
    bad = {(p.row, p.col) for p in found}
    problems: list[CellProblem] = []
    biggest_kept = 0
    for k, stored in enumerate(row.counts):
        value = counts.get(k, stored)
        if value is None or value <= target:
            continue
        if k in counts:
            if (r, FIRST_COUNT_COL + k) not in bad:
                problems.append(CellProblem(
                    r, FIRST_COUNT_COL + k, f"{row.label}の「{t.columns[k].label}」",
                    f"{value}人は対象人数（{target}人）より多いので入りません"))
        else:
            biggest_kept = max(biggest_kept, value)
    if biggest_kept and target_pasted and (r, last) not in bad:
        problems.append(CellProblem(
            r, last, f"{row.label}の対象人数",
            f"この行には{biggest_kept}人の項目があるので、{biggest_kept}人以上にしてください"))
    return problems


def _apply_plans(tally: Tally, t: CrosstabDTO, plans: Mapping[int, RowPlan]) -> None:
    rows_by_id = {tally_row.id: tally_row for tally_row in tally.rows}
    for r, (target, target_pasted, counts) in plans.items():
        tally_row = rows_by_id[t.rows[r].id]
        if target_pasted:
            tally_row.target_persons = target
        cells = {cell.column_id: cell for cell in tally_row.cells}
        for k, count in counts.items():
            column_id = t.columns[k].id
            cell = cells.get(column_id)
            if count is None:
                if cell is not None:
                    tally_row.cells.remove(cell)
            elif cell is None:
                tally_row.cells.append(TallyCell(column_id=column_id, count=count))
            else:
                cell.count = count


def add_row(store: Store, tally_id: str, label: object, target_persons: object = None) -> CrosstabDTO:
    """A new 町内会 row at the bottom; linked to the council's 町内会 of that name, if any."""
    name = str(label or "").strip().replace("\u3000", " ").strip()
    if not name:
        raise ValidationError("町内会名", "入力してください")
    if len(name) > 100:
        raise ValidationError("町内会名", f"100文字以内で入力してください（今は{len(name)}文字）")
    target = to_int(target_persons, "対象人数")
    with store.session() as s:
        tally = _load(s, tally_id)
        if any(nfkc(row.label) == nfkc(name) for row in tally.rows):
            raise ValidationError("町内会名", f"「{name}」の行はもうあります")
        nb_ids = {nfkc(n): nb_id for nb_id, n in s.execute(
            select(Neighbourhood.id, Neighbourhood.name)
            .where(Neighbourhood.council_id == tally.council_id))}
        position = max((row.position for row in tally.rows), default=-1) + 1
        tally.rows.append(TallyRow(position=position, label=name, target_persons=target,
                                   neighbourhood_id=nb_ids.get(nfkc(name))))
        s.flush()
        return _dto(tally, _households(s, tally.council_id))


def delete_row(store: Store, row_id: str) -> CrosstabDTO:
    """Remove one 町内会 row and its cells (the window asks first and can undo)."""
    with store.session() as s:
        row = base.get_or_fail(s, TallyRow, row_id, "集計表の行")
        tally_id = row.tally_id
        s.delete(row)
        s.flush()
        s.expire_all()
        tally = _load(s, tally_id)
        return _dto(tally, _households(s, tally.council_id))


def update_tally_info(store: Store, tally_id: str, raw: Mapping[str, object]) -> CrosstabDTO:
    """題名, 期間, 出典 and メモ of a tally; the numbers are edited cell by cell."""
    values = base.validate(TALLY_INFO_FIELDS, raw, partial=True)
    with store.session() as s:
        tally = _load(s, tally_id)
        check_period(values.get("period_from", tally.period_from), values.get("period_to", tally.period_to))
        if "title" in values and not values["title"]:
            values["title"] = TALLY_KINDS[tally.kind]
        for key, value in values.items():
            setattr(tally, key, "" if value is None and key in ("source", "note") else value)
        s.flush()
        return _dto(tally, _households(s, tally.council_id))


def standard_columns(kind: str) -> tuple[tuple[str, str], ...]:
    if kind not in TALLY_KINDS:
        raise ValidationError("種類", f"「{kind}」という集計表はありません")
    return SERVICE_USE_COLUMNS if kind == "service_use" else NEEDS_COLUMNS


def create_blank_tally(store: Store, council_id: str, kind: str, raw: Mapping[str, object] | None = None
                       ) -> CrosstabDTO:
    """A new empty tally with the standard columns of its kind and one row per 町内会 of the
    council (in their order), ready to be typed in or pasted from Excel."""
    columns = standard_columns(kind)
    values = base.validate(TALLY_INFO_FIELDS, raw or {}, partial=True)
    with store.session() as s:
        base.get_or_fail(s, Council, council_id, "協議体")
        names = s.scalars(select(Neighbourhood.name).where(Neighbourhood.council_id == council_id)
                          .order_by(Neighbourhood.position, Neighbourhood.name)).all()
    rows = [{"label": name, "target_persons": None, "counts": [None] * len(columns)}
            for name in names]
    return create_tally(store, council_id, kind=kind, columns=columns, rows=rows,
                        title=values.get("title") or "", period_from=values.get("period_from"),
                        period_to=values.get("period_to"), source=values.get("source") or "",
                        note=values.get("note") or "")
