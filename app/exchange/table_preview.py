"""A look at a table made elsewhere before reading it in (the window's dialog): which kind it
seems to be, where its header row is, how each column would be read, the first rows as they would
be saved and every cell that could not be. Nothing here writes; exchange/table.py imports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from app.errors import UserError, ValidationError
from app.exchange.table import (
    KINDS,
    MEMBER_COLUMNS,
    RESOURCE_COLUMNS,
    TALLY_COLUMNS,
    find_header,
    guess_mapping,
    kinds_cell,
)
from app.services import base, members
from app.services.normalize import nfkc
from app.services.resources import RESOURCE_FIELDS
from app.services.wareki import format_wareki

KIND_LABELS = {"members": "名簿", "resources": "社会資源の一覧", "tally": "あんしんセンターの集計表"}
COLUMNS_OF: dict[str, Mapping[str, tuple[str, tuple[str, ...]]]] = {
    "members": MEMBER_COLUMNS, "resources": RESOURCE_COLUMNS, "tally": TALLY_COLUMNS}
TALLY_ITEM = "項目（集計する列）"


@dataclasses.dataclass(frozen=True)
class TableLayout:
    """Where the header row is and how each column would be read, without reading anything in."""
    kind: str
    header_index: int                              # in the rows list
    header_row: int                                # row number in the file
    headers: tuple[str, ...]                       # "" where the header cell is empty
    mapping: tuple[str | None, ...]                # field per column (tally: TALLY_ITEM for counts)
    samples: tuple[tuple[str, ...], ...]           # a few values of each column


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}" if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def guess_kind(rows: Sequence[tuple[int, list]]) -> str:
    """Which of members, resources or tally the headers look most like (members when unsure)."""
    best, best_kind = -1, "members"
    for kind in KINDS:
        columns = COLUMNS_OF[kind]
        try:
            index = find_header(rows, columns)
        except UserError:
            continue
        mapping = guess_mapping(rows[index][1], columns)
        hits = sum(1 for m in mapping if m)
        if kind == "tally":  # 町内会名 and counts: only a crosstab has numbers beside every name
            cells = [c for _n, row in rows[index + 1:index + 6] for c in row[1:] if _text(c)]
            numeric = sum(1 for c in cells if isinstance(c, int | float) or _text(c).isdigit())
            hits = hits + 2 if "label" in mapping and cells and numeric >= 0.8 * len(cells) else hits - 1
        if hits > best:
            best, best_kind = hits, kind
    return best_kind


def table_layout(rows: Sequence[tuple[int, list]], kind: str, samples: int = 3) -> TableLayout:
    columns = COLUMNS_OF[kind]
    index = find_header(rows, columns)
    number, cells = rows[index]
    width = max([len(cells)] + [len(c) for _n, c in rows[index + 1:index + 50]])
    headers = tuple(_text(cells[i]) if i < len(cells) else "" for i in range(width))
    mapping: list[str | None] = list(guess_mapping(list(cells) + [None] * (width - len(cells)), columns))
    if kind == "tally" and "label" in mapping:
        label_at = mapping.index("label")
        mapping = [m if m else (TALLY_ITEM if i > label_at and headers[i] else None)
                   for i, m in enumerate(mapping)]
    found = []
    for i in range(width):
        values = [_text(c[i]) for _n, c in rows[index + 1:] if i < len(c) and _text(c[i])]
        found.append(tuple(values[:samples]))
    return TableLayout(kind, index, number, headers, tuple(mapping), tuple(found))


def field_labels(kind: str) -> list[tuple[str, str]]:
    """(field, label) in the order the columns are declared: the choices for one column."""
    return [(field, label) for field, (label, _w) in COLUMNS_OF[kind].items()]


def _shown(kind: str, field: str, value: object, header: str) -> str:
    """A cell as it would be saved (dates as 和暦, yes/no, 全角 made 半角); ⚠ and the reason if not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    parsed: object
    try:
        if field == "kinds":
            thinker, provider = kinds_cell(value, header)
            return "、".join(t for t, on in (("地域づくりを考える人", thinker), ("サービスの担い手", provider)) if on)
        if field in ("neighbourhood", "label", "category"):
            return nfkc(str(value)).strip()
        if field in ("start", "end"):
            parsed = base.time(value, header)
        elif field in ("households", "target_persons"):
            parsed = base.integer(value, header)
        else:
            fields = members.MEMBER_FIELDS if kind == "members" else RESOURCE_FIELDS
            spec = next((f for f in fields if f.name == field), None)
            if spec is None:
                return _text(value)
            parsed = spec.parse(value, header)
    except ValidationError as exc:
        return f"⚠ {exc.reason}"
    if isinstance(parsed, bool):
        return "はい" if parsed else "いいえ"
    if isinstance(parsed, dt.date):
        return format_wareki(parsed)
    if isinstance(parsed, dt.time):
        return f"{parsed:%H:%M}"
    if isinstance(parsed, list | tuple):
        return "、".join(str(p) for p in parsed)
    return _text(parsed)


def preview_rows(rows: Sequence[tuple[int, list]], layout: TableLayout,
                 mapping: Sequence[str | None] | None = None, limit: int = 10
                 ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The first data rows as they would be saved: (column labels, [(row number, cells)])."""
    mapping = list(layout.mapping if mapping is None else mapping)
    columns = COLUMNS_OF[layout.kind]
    used = [(i, f) for i, f in enumerate(mapping) if f]
    if layout.kind != "tally":
        order = list(columns)
        used.sort(key=lambda pair: order.index(pair[1]) if pair[1] in order else len(order))
    labels = [columns[f][0] if f in columns else layout.headers[i] for i, f in used]
    shown: list[tuple[int, list[str]]] = []
    for number, cells in rows[layout.header_index + 1:]:
        if len(shown) >= limit:
            break
        values = [cells[i] if i < len(cells) else None for i, _f in used]
        if not any(_text(v) for v in values):
            continue
        shown.append((number, [_text(v) if f == TALLY_ITEM else
                               _shown(layout.kind, f, v, layout.headers[i] or columns.get(f, (f,))[0])
                               for (i, f), v in zip(used, values, strict=True)]))
    return labels, shown


def cell_problems(rows: Sequence[tuple[int, list]], layout: TableLayout,
                  mapping: Sequence[str | None] | None = None, limit: int = 30) -> list[str]:
    """Every cell that could not be read as its field, as 「12行目「登録日」: reason」, so the
    window can list them all at once (the import itself stops at the first)."""
    mapping = list(layout.mapping if mapping is None else mapping)
    columns = COLUMNS_OF[layout.kind]
    found = []
    for number, cells in rows[layout.header_index + 1:]:
        for i, field in enumerate(mapping):
            if not field or field == TALLY_ITEM or i >= len(cells):
                continue
            header = layout.headers[i] or columns[field][0]
            text = _shown(layout.kind, field, cells[i], header)
            if text.startswith("⚠ "):
                found.append(f"{number}行目「{header}」: {text[2:]}")
                if len(found) >= limit:
                    return found
    return found
