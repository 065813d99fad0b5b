"""The outer shell of a spreadsheet from somewhere else, checked before any cell is read: the
file's size, what kind of file it is (zip, encrypted OLE container, old .xls, CSV, anything else),
the password of an encrypted one, the zip's declared sizes and ratios (a 0.5 MB bomb can inflate
to gigabytes), and while parsing, the bytes really inflated and no DTD or entity declaration
(billion laughs, external entities). workbook.py reads the sheets inside.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn
from xml.parsers import expat

from app.errors import UserError

MAX_FILE_BYTES = 100 * 1024 * 1024        # the file as it lies on the USB stick
MAX_TOTAL_INFLATED = 200 * 1024 * 1024    # all parts together, uncompressed
MAX_PART_INFLATED = 150 * 1024 * 1024     # one part, uncompressed
MAX_RATIO = 200                           # uncompressed / compressed for any part over 1 MB
MAX_ENTRIES = 2000
MAX_ROWS = 100_000                        # data rows in one sheet
MAX_COLUMNS = 300
MAX_CELL_CHARS = 32_767                   # Excel's own limit for one cell
CHUNK = 64 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

class FileRefused(UserError):
    """The file cannot be read safely or is not what it claims to be. The message names it."""


# Where a list made elsewhere goes: the window's button first, the command for batch work.
OTHER_LIST_HINT = ("ほかで作った名簿や一覧なら、「ファイル」ページの「ほかで作った一覧を読み込む」で読み込めます"
                   "（コマンドでは import-table）。")


# --- what kind of file is this -----------------------------------------------------------------

def _sniff(head: bytes) -> str:
    if head.startswith(_ZIP_MAGIC) or head.startswith(_EMPTY_ZIP):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    if not head:
        return "empty"
    sample = head[:4096]
    if b"\x00" not in sample:
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = sample.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "," in text or "\t" in text:
                return "csv"
            return "text"
    return "unknown"


def read_package(path: Path, password: str | None = None) -> bytes:
    """The file's bytes as a plain (decrypted) zip, or FileRefused saying what it is instead."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise FileRefused(f"{path} が見つかりません。") from None
    if path.is_dir():
        raise FileRefused(f"{path} はフォルダーです。ファイルを指定してください。")
    if size > MAX_FILE_BYTES:
        raise FileRefused(f"{name} は大きすぎます（{size / 1024 / 1024:.0f} MB、上限 "
                          f"{MAX_FILE_BYTES // 1024 // 1024} MB）。")
    data = path.read_bytes()
    kind = _sniff(data[:8192])
    if kind == "zip":
        if password:
            # A password given for a plain file is harmless; say nothing and read it.
            pass
        return data
    if kind == "ole":
        return _decrypt(name, data, password)
    if kind == "empty":
        raise FileRefused(f"{name} は空のファイルです。")
    if kind == "csv":
        raise FileRefused(f"{name} はExcelのファイル（.xlsx）ではなく、CSVなどの文字のファイルです。"
                          + OTHER_LIST_HINT)
    if kind == "text":
        raise FileRefused(f"{name} はExcelのファイル（.xlsx）ではなく、文字だけのファイルです。")
    raise FileRefused(f"{name} はExcelのファイル（.xlsx）ではありません（壊れているか、別の種類のファイルです）。")


def _decrypt(name: str, data: bytes, password: str | None) -> bytes:
    import msoffcrypto
    from msoffcrypto import exceptions as mso

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - olefile/msoffcrypto raise many kinds on garbage
        raise FileRefused(f"{name} は読めない形式です（古い .xls か壊れたファイルです）。") from None
    if getattr(office, "format", "") != "ooxml":
        raise FileRefused(f"{name} は古い形式（.xls）のファイルです。Excelで「.xlsx」形式で保存し直してください。")
    try:
        encrypted = office.is_encrypted()
    except Exception:  # noqa: BLE001 - as above: garbage raises anything
        encrypted = True
    if not encrypted:
        raise FileRefused(f"{name} は読めない形式です（壊れているようです）。")
    if not password:
        raise FileRefused(f"{name} にはパスワードがかかっています。--password でパスワードを指定してください。")
    out = io.BytesIO()
    try:
        office.load_key(password=password, verify_password=True)
        office.decrypt(out)
    except mso.InvalidKeyError:
        raise FileRefused(f"{name} のパスワードが違います。") from None
    except Exception as exc:  # noqa: BLE001 - a wrong key or a broken file, named in the message
        raise FileRefused(f"{name} の暗号を解けませんでした（{type(exc).__name__}）。") from None
    plain = out.getvalue()
    if not plain.startswith(_ZIP_MAGIC):
        raise FileRefused(f"{name} のパスワードが違うか、ファイルが壊れています。")
    return plain


# --- the zip and its parts ---------------------------------------------------------------------

class Package:
    """A checked zip: declared sizes within limits; reading counts what really inflates."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            raise FileRefused(f"{name} はExcelのファイル（.xlsx）として読めません（zipとして壊れています）。") from None
        if len(infos) > MAX_ENTRIES:
            raise FileRefused(f"{name} の中身の部品が多すぎます（{len(infos):,}個）。Excelのファイルではないようです。")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise FileRefused(f"{name} は暗号化されたzipです。Excelのファイルではありません。")
            total += info.file_size
            if info.file_size > MAX_PART_INFLATED or total > MAX_TOTAL_INFLATED:
                raise FileRefused(f"{name} は展開すると大きすぎます（{total / 1024 / 1024:,.0f} MB 以上）。"
                                  "壊れたファイルか、危険なファイル（zip爆弾）です。")
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FileRefused(f"{name} の部品 {info.filename} の圧縮率が異常です"
                                  f"（{info.file_size // max(info.compress_size, 1):,}倍）。"
                                  "危険なファイル（zip爆弾）の疑いがあるので読みません。")
        self.infos = {i.filename: i for i in infos}
        if len(self.infos) != len(infos):
            names = [i.filename for i in infos]
            twice = next(n for n in names if names.count(n) > 1)
            raise FileRefused(f"{name} には同じ名前の部品（{twice}）が2つあります。"
                              "どちらが本物か決められないので読みません。")
        self.inflated = 0

    def has(self, part: str) -> bool:
        return part in self.infos

    def chunks(self, part: str) -> Iterator[bytes]:
        """The part's bytes, refusing more than declared or more than the total limit."""
        info = self.infos.get(part)
        if info is None:
            raise FileRefused(f"{self.name} に {part} がありません。Excelのファイルとして壊れています。")
        seen = 0
        try:
            with self.zip.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    seen += len(chunk)
                    self.inflated += len(chunk)
                    if seen > info.file_size or self.inflated > MAX_TOTAL_INFLATED:
                        raise FileRefused(f"{self.name} は展開すると申告より大きくなります。"
                                          "危険なファイル（zip爆弾）の疑いがあるので読みません。")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise FileRefused(f"{self.name} の {part} が壊れています（{exc}）。") from None


# --- XML with expat, no DTDs -------------------------------------------------------------------

def xml_parser(name: str, part: str) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> NoReturn:
        raise FileRefused(f"{name} の {part} に文書型宣言（DOCTYPE/ENTITY）があります。"
                          "Excelのファイルにはないもので、危険な細工の疑いがあるので読みません。")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    return parser


def feed(pkg: Package, part: str, parser: expat.XMLParserType) -> None:
    try:
        for chunk in pkg.chunks(part):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise FileRefused(f"{pkg.name} の {part} がXMLとして壊れています（{expat.ErrorString(exc.code)}、"
                          f"{exc.lineno}行目）。") from None


def local_name(tag: str) -> str:
    return tag.rpartition(":")[2]


def xml_attr(attrs: dict, local: str) -> str | None:
    if local in attrs:
        return attrs[local]
    for key, value in attrs.items():
        if local_name(key) == local:
            return value
    return None


def read_tree(pkg: Package, part: str, want: set[str]) -> list[tuple[str, dict]]:
    """Elements of interest in a small part (workbook, rels, styles): (local name, attributes)."""
    found: list[tuple[str, dict]] = []
    parser = xml_parser(pkg.name, part)

    def start(tag, attrs):
        local = local_name(tag)
        if local in want:
            found.append((local, attrs))

    parser.StartElementHandler = start
    feed(pkg, part, parser)
    return found


_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (how Excel stores a carriage return or a control character)."""
    if "_x" not in text:
        return text
    return _ESCAPE_RE.sub(lambda m: chr(int(m[1], 16)), text)
