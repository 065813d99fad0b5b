"""Opening a spreadsheet from somewhere else without trusting it.

A .xlsx is a zip of XML parts. Before any cell is read, xlsx_package.py checks the file and the
zip (size, kind, password, declared and inflated sizes, no DTD or entity declaration). Cells are
then streamed row by row with expat, so a sheet of 100,000 rows never sits in memory.

openpyxl is not used for reading: in read-only mode it parses about 20,000 cells a second on
the council PCs, too slow for merging 26 files; expat with a small state machine is several
times faster and reads exactly what we need (values, shared strings, date styles).
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import html
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from app.exchange.xlsx_package import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    FileRefused,
    Package,
    feed,
    local_name,
    read_package,
    read_tree,
    unescape,
    xml_attr,
    xml_parser,
)

# --- the workbook ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str
    state: str  # visible, hidden, veryHidden


class Workbook:
    """Sheets by name, shared strings and the styles that mean a date; rows stream on demand."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.pkg = Package(name, data)
        main = "xl/workbook.xml" if self.pkg.has("xl/workbook.xml") else self._main_part()
        self.date1904 = False  # set by _sheets from <workbookPr date1904>
        self.sheets = self._sheets(main)
        base = posixpath.dirname(main)
        self._strings: list[str] | None = None
        self._strings_part = self._related(main, "sharedStrings", base)
        self._styles_part = self._related(main, "styles", base)
        self._date_styles: set[int] | None = None

    def _main_part(self) -> str:
        if not self.pkg.has("_rels/.rels"):
            raise FileRefused(f"{self.name} はExcelのファイル（.xlsx）ではありません（中に表がありません）。")
        for _local_name, attrs in read_tree(self.pkg, "_rels/.rels", {"Relationship"}):
            if (attrs.get("Type") or "").endswith("/officeDocument"):
                return (attrs.get("Target") or "").lstrip("/")
        raise FileRefused(f"{self.name} はExcelのファイル（.xlsx）ではありません（中に表がありません）。")

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        rels_part = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
        if not self.pkg.has(rels_part):
            return {}
        return {attrs.get("Id", ""): (attrs.get("Type") or "", attrs.get("Target") or "")
                for _n, attrs in read_tree(self.pkg, rels_part, {"Relationship"})}

    def _resolve(self, base: str, target: str) -> str:
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(base, target))

    def _related(self, main: str, kind: str, base: str) -> str | None:
        for rel_type, target in self._rels(main).values():
            if rel_type.endswith("/" + kind):
                part = self._resolve(base, target)
                return part if self.pkg.has(part) else None
        return None

    def _sheets(self, main: str) -> dict[str, SheetInfo]:
        if not self.pkg.has(main):
            raise FileRefused(f"{self.name} はExcelのファイル（.xlsx）ではありません（中に表がありません）。")
        rels = self._rels(main)
        base = posixpath.dirname(main)
        sheets: dict[str, SheetInfo] = {}
        for local, attrs in read_tree(self.pkg, main, {"sheet", "workbookPr"}):
            if local == "workbookPr":
                self.date1904 = (xml_attr(attrs, "date1904") or "").lower() in ("1", "true")
                continue
            rid = xml_attr(attrs, "id")
            sheet_name = attrs.get("name", "")
            if rid in rels:
                sheets[sheet_name] = SheetInfo(sheet_name, self._resolve(base, rels[rid][1]),
                                               attrs.get("state", "visible"))
        return sheets

    # -- shared strings and styles --

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = self._read_strings() if self._strings_part else []
        return self._strings

    def _read_strings(self) -> list[str]:
        strings: list[str] = []
        parts: list[str] = []
        state = {"in_t": False, "skip": 0}

        def start(tag, _attrs):
            local = local_name(tag)
            if local in ("rPh", "phoneticPr"):  # furigana runs Excel keeps beside Japanese text
                state["skip"] += 1
            elif local == "t" and not state["skip"]:
                state["in_t"] = True
            elif local == "si":
                parts.clear()

        def end(tag):
            local = local_name(tag)
            if local in ("rPh", "phoneticPr"):
                state["skip"] -= 1
            elif local == "t":
                state["in_t"] = False
            elif local == "si":
                strings.append(unescape("".join(parts)))
                if len(strings) > 5_000_000:
                    raise FileRefused(f"{self.name} の文字列が多すぎます。")

        def text(data):
            if state["in_t"]:
                parts.append(data)

        parser = xml_parser(self.name, self._strings_part or "")
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        feed(self.pkg, self._strings_part or "", parser)
        return strings

    @property
    def date_styles(self) -> set[int]:
        if self._date_styles is None:
            self._date_styles = self._read_date_styles()
        return self._date_styles

    def _read_date_styles(self) -> set[int]:
        if not self._styles_part:
            return set()
        formats: dict[int, str] = {}
        xfs: list[int] = []
        state = {"in_cell_xfs": False}
        parser = xml_parser(self.name, self._styles_part)

        def start(tag, attrs):
            local = local_name(tag)
            if local == "numFmt":
                with contextlib.suppress(ValueError):
                    formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                state["in_cell_xfs"] = True
            elif local == "xf" and state["in_cell_xfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)

        def end(tag):
            if local_name(tag) == "cellXfs":
                state["in_cell_xfs"] = False

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        feed(self.pkg, self._styles_part, parser)
        dates = set()
        for index, fmt_id in enumerate(xfs):
            code = formats.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, ""))
            # 27-36 and 50-58 are the Japanese locale's built-in 和暦/年月日 formats.
            if is_date_format(code) or 27 <= fmt_id <= 36 or 50 <= fmt_id <= 58:
                dates.add(index)
        return dates

    # -- rows --

    def rows(self, sheet: str, *, max_rows: int = MAX_ROWS + 1) -> Iterator[tuple[int, list]]:
        """(row number, values) for each non-empty row; values are str, int, float, bool,
        datetime/time (date-styled numbers) or None. Formulas give their cached result."""
        for number, row in self._raw_rows(sheet, max_rows):
            for col, value in enumerate(row):
                if type(value) is str and UNSAFE_TEXT.search(value):
                    raise FileRefused(f"{self.name} のシート「{sheet}」{number}行目 {column_letters(col)}列: "
                                      f"{unsafe_text_reason(value)}")
            yield number, row

    def _raw_rows(self, sheet: str, max_rows: int) -> Iterator[tuple[int, list]]:
        info = self.sheets[sheet]
        fast = _FastSheetReader(self, info, max_rows)
        try:
            yield from fast.run()
        except _Fallback:
            for number, row in _SheetReader(self, info, max_rows).run():
                if number > fast.last:
                    yield number, row


def column_letters(index: int) -> str:
    """0 -> A, 26 -> AA (as Excel names its columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Text a cell may not bring in: lone surrogates (not text at all: they cannot even be saved),
# NUL (cuts the text short in printing), and bidi embeddings/overrides/isolates (U+202A-U+202E,
# U+2066-U+2069: they reorder what a name looks like, e.g. a phone number shown reversed).
# Other C0/C1 controls are kept here: our own files carry a note's controls as _xHHHH_ escapes
# and must read back the same (tests/exchange/test_roundtrip.py); refusing them in a name is
# for the field's own check (clean_text), which knows a name from a note.
UNSAFE_TEXT = re.compile("[\\x00\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff]")


def unsafe_text_reason(text: str) -> str:
    found = UNSAFE_TEXT.search(text)
    if found is None:
        return ""
    code = ord(found[0])
    if 0xD800 <= code <= 0xDFFF:
        kind = "文字として読めない符号"
    elif code == 0:
        kind = "見えない制御文字（NUL）"
    else:
        kind = "文字の並びを逆にする見えない制御文字"
    return (f"{kind}（U+{code:04X}）が入っています。元のファイルでその文字を消してから、"
            "もう一度読み込んでください。")


def _column_index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number - 1


_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


class _SheetReader:
    """Streams one worksheet through expat and yields complete rows.

    The handlers are closures over local lists rather than methods: this loop runs once per
    cell of every file merged, and attribute lookups on self cost a third of its time.
    """

    def __init__(self, book: Workbook, info: SheetInfo, max_rows: int) -> None:
        self.book = book
        self.info = info
        self.max_rows = max_rows

    def run(self) -> Iterator[tuple[int, list]]:  # noqa: C901 - one state machine, kept together
        book, info, max_rows = self.book, self.info, self.max_rows
        where = f"{book.name} のシート「{info.name}」"
        ready: list[tuple[int, list]] = []
        row: list = []
        text: list[str] = []
        # cell type, style, column, row number, rows seen, collecting text, inside <is>, in rPh
        # (one list of mixed types: the handlers below are closures, see the docstring)
        state: list[Any] = ["n", None, 0, 0, 0, False, 0, 0]

        cell = _Converter(book, where)

        def convert(raw: str) -> object:
            # expat has already resolved XML escapes and line ends: only the cell's type counts.
            return cell(state[0], state[1], raw, state[3], False, escaped=False)

        columns: dict[str, int] = {}

        def start(tag: str, attrs: dict) -> None:
            if tag == "c":
                ref = attrs.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = _column_index(letters) if letters.isalpha() \
                            and letters.isupper() else len(row)
                else:
                    col = len(row)
                if col >= MAX_COLUMNS:
                    raise FileRefused(f"{where}の列が多すぎます（{col + 1:,}列目に値があります。"
                                      f"上限 {MAX_COLUMNS}列）。")
                state[0] = attrs.get("t", "n")
                state[1] = attrs.get("s")
                state[2] = col
                text.clear()
            elif tag == "v":
                state[5] = True
                text.clear()
            elif tag == "t":
                if state[6] and not state[7]:
                    state[5] = True
            elif tag == "is":
                state[6] += 1
                text.clear()
            elif tag == "row":
                ref = attrs.get("r")
                state[3] = int(ref) if ref and ref.isdigit() else state[3] + 1
                row.clear()
            elif tag == "rPh" or tag == "phoneticPr":
                state[7] += 1
            elif ":" in tag:
                start(tag.rpartition(":")[2], attrs)

        def end(tag: str) -> None:
            if tag == "c":
                if text:
                    value = convert("".join(text))
                    text.clear()
                    if value is not None:
                        col = state[2]
                        if col >= len(row):
                            row.extend([None] * (col - len(row) + 1))
                        row[col] = value
            elif tag == "v" or tag == "t":
                state[5] = False
            elif tag == "is":
                state[6] -= 1
            elif tag == "row":
                if row:
                    state[4] += 1
                    if state[4] > max_rows:
                        raise FileRefused(f"{where}は行が多すぎます（上限 {max_rows - 1:,}行）。")
                    ready.append((state[3], row[:]))
                    row.clear()
            elif tag == "rPh" or tag == "phoneticPr":
                state[7] -= 1
            elif ":" in tag:
                end(tag.rpartition(":")[2])

        def chars(data: str) -> None:
            if state[5]:
                text.append(data)

        parser = xml_parser(book.name, info.part)
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        try:
            for chunk in book.pkg.chunks(info.part):
                parser.Parse(chunk, False)
                if ready:
                    yield from ready
                    ready.clear()
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise FileRefused(f"{where}がXMLとして壊れています（{expat.ErrorString(exc.code)}）。") from None
        yield from ready


class _Fallback(Exception):
    """The fast reader met XML it does not handle; the expat reader takes over."""


_ROW_NUMBER_RE = re.compile(r'\br="(\d+)"')
# r, s and t in this order is how Excel, LibreOffice and openpyxl all write a cell; other
# attributes may follow. A cell written any other way does not match, and the count check
# below then hands the sheet to the expat reader.
_CELL_RE = re.compile(r'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?((?: (?!t=|s=)[\w:]+="[^"]*")*)'
                      r'\s*(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')


class _FastSheetReader:
    """Regular expressions over the well-formed sheet XML that Excel, LibreOffice and openpyxl
    write (<c r=".." s=".." t=".."><v>..</v></c> or an inline string), about three times faster
    than an expat callback per tag. expat still reads every byte first, with no handlers but
    the DTD refusal, so a file is only ever interpreted after it was found well-formed. Any
    cell shape not matched (formulas, rich text, prefixed tags) hands over to _SheetReader."""

    def __init__(self, book: Workbook, info: SheetInfo, max_rows: int) -> None:
        self.book = book
        self.info = info
        self.max_rows = max_rows
        self.last = 0  # the last row number yielded

    def run(self) -> Iterator[tuple[int, list]]:  # noqa: C901 - one loop, kept together
        book, info = self.book, self.info
        where = f"{book.name} のシート「{info.name}」"
        convert = _Converter(book, where)
        dates = book.date_styles
        validator = xml_parser(book.name, info.part)
        decoder = codecs.getincrementaldecoder("utf-8")()
        buffer = ""
        started = False
        columns: dict[str, int] = {}
        seen = 0
        number = 0
        try:
            for chunk in book.pkg.chunks(info.part):
                validator.Parse(chunk, False)
                buffer += decoder.decode(chunk)
                if not started:
                    if "<sheetData" not in buffer:
                        if "sheetData" in buffer or len(buffer) > 1_000_000:
                            raise _Fallback  # a prefixed or unusual sheet
                        continue
                    started = True
                end = buffer.rfind("</row>")
                if end < 0:
                    continue
                pieces = buffer[:end].split("</row>")
                buffer = buffer[end + 6:]
                for piece in pieces:
                    at = piece.rfind("<row")
                    head_end = piece.find(">", at)
                    if at < 0 or head_end < 0 or piece[head_end - 1] == "/":
                        raise _Fallback
                    ref = _ROW_NUMBER_RE.search(piece, at, head_end)
                    number = int(ref[1]) if ref else number + 1
                    body = piece[head_end + 1:]
                    cells = _CELL_RE.findall(body)
                    if len(cells) != body.count("<c ") + body.count("<c>"):
                        raise _Fallback  # formulas, rich text, another attribute order...
                    row: list = []
                    for letters, style, kind, _extra, v, text in cells:
                        if text:
                            if "&" in text or "\r" in text or "_x" in text:
                                value = convert(kind, style, text, number, True)
                            else:
                                value = text
                            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                                convert.too_long(value, number)
                        elif v:
                            if kind == "s":
                                value = convert("s", style, v, number, False)
                            elif (not kind or kind == "n") and (not style or not dates):
                                try:
                                    value = int(v) if v.lstrip("-").isdigit() else float(v)
                                except ValueError:
                                    value = v
                            else:
                                value = convert(kind or "n", style or None, v, number, False)
                            if value is None:
                                continue
                        else:
                            continue
                        col = columns.get(letters)
                        if col is None:
                            col = columns[letters] = _column_index(letters)
                            if col >= MAX_COLUMNS:
                                raise FileRefused(f"{where}の列が多すぎます（{col + 1:,}列目に値があります。"
                                                  f"上限 {MAX_COLUMNS}列）。")
                        if col == len(row):
                            row.append(value)
                        else:
                            if col > len(row):
                                row.extend([None] * (col - len(row) + 1))
                            row[col] = value
                    if row:
                        seen += 1
                        if seen > self.max_rows:
                            raise FileRefused(f"{where}は行が多すぎます（上限 {self.max_rows - 1:,}行）。")
                        self.last = number
                        yield number, row
            validator.Parse(b"", True)
        except expat.ExpatError as exc:
            raise FileRefused(f"{where}がXMLとして壊れています（{expat.ErrorString(exc.code)}）。") from None
        if "<row" in buffer:
            raise _Fallback


class _Converter:
    """A cell's raw text to its value, by the cell's type and style (shared string, number,
    date-styled number, boolean, inline string)."""

    def __init__(self, book: Workbook, where: str) -> None:
        self.strings = book.strings
        self.dates = book.date_styles
        self.epoch = _EPOCH_1904 if book.date1904 else _EPOCH_1900
        self.date1904 = book.date1904
        self.where = where
        self.date_cache: dict[str, object] = {}

    def __call__(self, kind: str, style: str | None, raw: str, row: int, inline: bool, *,
                 escaped: bool = True) -> object:
        """`escaped`: raw XML text as the fast reader picks it out (entities, CR line ends),
        False for text an XML parser already decoded."""
        if inline or kind == "inlineStr" or kind == "str":
            if escaped and "\r" in raw:
                raw = raw.replace("\r\n", "\n").replace("\r", "\n")
            if escaped and "&" in raw:
                raw = html.unescape(raw)
            if "_x" in raw:
                raw = unescape(raw)
            return raw if len(raw) <= MAX_CELL_CHARS else self.too_long(raw, row)
        if kind == "s":
            try:
                text = self.strings[int(raw)]
            except (ValueError, IndexError):
                raise FileRefused(f"{self.where} {row}行目: 文字列の参照が壊れています。") from None
            return text if len(text) <= MAX_CELL_CHARS else self.too_long(text, row)
        if escaped and "&" in raw:
            raw = html.unescape(raw)
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return raw
        if kind == "d":
            try:
                return dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        return self.number(raw.strip(), style)

    def number(self, raw: str, style: str | None) -> object:
        """A number cell: a date when its style is a date format (Excel's serial day)."""
        if not raw:
            return None
        try:
            number: int | float = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        except ValueError:
            return raw
        if style is not None and self.dates and int(style) in self.dates:
            found = self.date_cache.get(raw)
            if found is None:
                found = self.date_cache[raw] = _serial_date(float(number), self.epoch, self.date1904)
            return found
        return number

    def too_long(self, text: str, row: int) -> NoReturn:
        raise FileRefused(f"{self.where} {row}行目に長すぎる値があります"
                          f"（{len(text):,}文字、上限 {MAX_CELL_CHARS:,}文字）。")


def _serial_date(serial: float, epoch: dt.datetime, date1904: bool) -> object:
    if serial < 0 or serial > 2_958_465:  # beyond 9999-12-31: not a date at all
        return serial
    if serial < 1:
        seconds = round(serial * 86400)
        if seconds >= 86400:
            return dt.time(23, 59, 59)
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    if not date1904 and serial < 60:
        serial += 1  # Excel's phantom 1900-02-29
    days = int(serial)
    seconds = round((serial - days) * 86400)
    return epoch + dt.timedelta(days=days, seconds=seconds)


def open_workbook(path: Path, password: str | None = None) -> Workbook:
    """Checked and ready to stream; FileRefused names the file and what is wrong."""
    return Workbook(path.name, read_package(path, password))
