"""Writing cells with openpyxl so that what the user typed stays what the user typed.

openpyxl turns a string starting with "=" into a formula, and Excel re-reads "+81-..." or
"@..." as a formula when the cell is next edited; such text is written as a string cell with
quotePrefix (Excel's leading apostrophe). Control characters XML cannot carry, and a carriage
return XML would fold into a newline, are written as OOXML _xHHHH_ escapes, which Excel and
LibreOffice both decode; a literal "_x0041_" is escaped in turn so it survives unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Set

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x0c\x0d\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGN = Alignment(vertical="center", wrap_text=True)


def _escape(match: re.Match) -> str:
    char = match[0]
    if char == "_":
        return "_x005F_"
    return f"_x{ord(char):04X}_"


def escape_text(value: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape, value)


def text_cell(ws: WriteOnlyWorksheet, value: str) -> Cell:
    """A string that must stay a string even when it looks like a formula."""
    c = WriteOnlyCell(ws, None)
    c.value = value  # may bind as formula ("=..."): the type is forced back right after
    c.data_type = "s"
    c.quotePrefix = True
    return c


def prepare_row(ws: WriteOnlyWorksheet, values: list) -> list:
    """The row as ws.append wants it; only unusual strings cost more than the raw value."""
    for i, v in enumerate(values):
        if type(v) is str:
            if _NEEDS_ESCAPE.search(v):
                v = escape_text(v)
                values[i] = v
            if v.startswith(RISKY_START):
                values[i] = text_cell(ws, v)
    return values


def setup_sheet(ws: WriteOnlyWorksheet, headers: list[str], widths: list[float],
                hidden: Set[int] = frozenset(), rows: int | None = None) -> None:
    """Widths, the frozen bold header row and a filter; call before any row is appended."""
    for index, width in enumerate(widths, start=1):
        # column_dimensions and auto_filter: set by Worksheet._setup, missing from the stubs.
        dim = ws.column_dimensions[get_column_letter(index)]  # type: ignore[attr-defined]
        dim.width = width
        if index - 1 in hidden:
            dim.hidden = True
    ws.freeze_panes = "A2"
    if rows is not None and headers:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"  # type: ignore[attr-defined]
    cells = []
    for header in headers:
        c = WriteOnlyCell(ws, header)
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
        c.alignment = HEADER_ALIGN
        cells.append(c)
    ws.append(cells)
