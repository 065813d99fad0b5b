"""The council's map in the coordinator's file: how the image travels, is checked and merged.

The sheet 「地図」 (sheets.AREA_MAPS) has one row per council: name, source, the two reference
points, and the image's SHA-256. The image itself (the stored PNG or JPEG, at most
area_map.MAX_STORED bytes) is in the hidden sheet 「_地図の画像」 as base64, IMAGE_CHUNK characters a
row (a cell holds at most 32,767). A 2 MB map is 84 rows of text, about 2.7 MB unpacked, so the
file stays inside every limit workbook.py keeps against hostile files; none was raised.

Reading checks each row's base64, the hash, and then the image within the limits of a stored
map: PNG or JPEG, the pixel count from the header before anything is decoded, then a full
decode. Anything wrong is a problem naming the sheet and row, and nothing is written.

One map per council: when this database and a file (or two files) carry different maps for a
council, the one edited last is kept (on the other PC too, when it reads this one's file: the
deletion of the other travels), and the report says so.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.exchange import sheets as S
from app.exchange.writer import prepare_row, setup_sheet
from app.models import Base
from app.services import area_map
from app.services.area_map import PreparedImage, ReferencePoint

T = Base.metadata.tables
IMAGE_SHEET = "_地図の画像"
IMAGE_HEADER = ("地図ID", "順番", "画像（base64）", S.STAMP_HEADER)  # the last: each row's own hash
IMAGE_CHUNK = 32_000   # characters a cell; a multiple of 4, so each cell decodes on its own
MAX_CHUNKS = math.ceil(4 * math.ceil(area_map.MAX_STORED / 3) / IMAGE_CHUNK)  # rows of the largest map
# What belongs to one image (and is not put back without it when a conflict is decided).
IMAGE_FIELDS = ("image", "image_format", "width", "height", "source")
REFERENCE_KEYS = tuple(f"ref{i}_{k}" for i in (1, 2) for k in ("x", "y", "lat", "lon"))


def image_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# --- writing -----------------------------------------------------------------------------------

def write_images(wb, session: Session, council_ids: Sequence[str]) -> int:
    """The hidden sheet with the images of the councils' maps; returns how many maps."""
    ws = wb.create_sheet(IMAGE_SHEET)
    ws.sheet_state = "hidden"
    t = T["area_map"]
    sizes = session.execute(select(t.c.id, func.length(t.c.image)).where(
        t.c.council_id.in_(council_ids)).order_by(t.c.council_id)).all()
    rows = sum(math.ceil(4 * math.ceil(size / 3) / IMAGE_CHUNK) for _id, size in sizes)
    setup_sheet(ws, list(IMAGE_HEADER), [38, 6, 60, 20], hidden={len(IMAGE_HEADER) - 1}, rows=rows)
    for map_id, _size in sizes:  # one image in memory at a time
        image = session.execute(select(t.c.image).where(t.c.id == map_id)).scalar_one()
        text = base64.b64encode(image).decode("ascii")
        for number, start in enumerate(range(0, len(text), IMAGE_CHUNK), start=1):
            piece = text[start:start + IMAGE_CHUNK]
            ws.append(prepare_row(ws, [map_id, number, piece, _piece_hash(piece)]))
    return len(sizes)


def _piece_hash(piece: str) -> str:
    """Per row, so a changed row is named even when it is still valid base64."""
    return hashlib.blake2b(piece.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


# --- reading -----------------------------------------------------------------------------------

def read_images(book, rows: list, problems, councils: int) -> dict[str, PreparedImage]:
    """The image of every row of the 地図 sheet, checked; problems name the sheet and row.
    `councils`: how many the file holds (one map each: more rows are not decoded at all)."""
    from app.exchange.reading import where_in

    title = S.AREA_MAPS.title
    if len(rows) > max(councils, 1):
        problems.add(f"{where_in(book.name, title, rows[-1].number)}: 地図が{len(rows)}行あります。"
                     f"地図は協議体に一つなので、このファイルでは{max(councils, 1)}行までです。")
        return {}
    if IMAGE_SHEET not in book.sheets:
        for row in rows:
            problems.add(f"{where_in(book.name, title, row.number)}: 地図の画像を入れた隠しシート"
                         f"「{IMAGE_SHEET}」がありません（書き出したときのシートを消さないでください）。")
        return {}
    wanted = {row.id for row in rows}
    pieces: dict[str, dict[int, bytes]] = defaultdict(dict)
    broken: set[str] = set()
    for number, cells in book.rows(IMAGE_SHEET, max_rows=len(rows) * MAX_CHUNKS + 1):
        if number == 1:
            continue  # the header
        map_id, order, text, check = (list(cells) + [None] * 4)[:4]
        if map_id not in wanted:
            problems.add(f"{where_in(book.name, IMAGE_SHEET, number, IMAGE_HEADER[0])}: シート「{title}」に"
                         "ない地図のIDです（このシートは変更しないでください）。")
            continue
        if type(order) is not int or not 1 <= order <= MAX_CHUNKS or order in pieces[map_id] \
                or not isinstance(text, str) or check != _piece_hash(text):
            problems.add(f"{where_in(book.name, IMAGE_SHEET, number)}: 画像のデータの行が壊れています"
                         "（このシートは変更しないでください）。")
            broken.add(map_id)
            continue
        try:
            pieces[map_id][order] = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            problems.add(f"{where_in(book.name, IMAGE_SHEET, number, IMAGE_HEADER[2])}: 画像のデータが"
                         "壊れています（base64 として読めません）。")
            broken.add(map_id)
    images: dict[str, PreparedImage] = {}
    for row in rows:
        if row.id in broken:
            continue
        where = where_in(book.name, title, row.number)
        found = pieces.get(row.id, {})
        if sorted(found) != list(range(1, len(found) + 1)) or not found:
            problems.add(f"{where}: 地図の画像のデータがシート「{IMAGE_SHEET}」に"
                         f"{'ありません' if not found else '途中までしかありません'}。")
            continue
        data = b"".join(found[i] for i in range(1, len(found) + 1))
        if image_hash(data) != row.values["image"]:
            problems.add(f"{where}: 地図の画像のデータが照合用の値と合いません（壊れているか、書き換えられています）。")
            continue
        try:
            images[row.id] = area_map.check_stored(data)
        except ValidationError as exc:
            problems.add(f"{where}「{exc.field}」: {exc.reason}")
    return images


# --- merging -----------------------------------------------------------------------------------

def resolve(row, images: dict[str, PreparedImage]) -> dict:
    """The row's stored values: its cells, and format and size from the checked image."""
    v = row.values
    image = images[row.id]
    refs = {key: v[key] for key in REFERENCE_KEYS}
    if any(value is not None for value in refs.values()):
        if any(value is None for value in refs.values()):
            raise ValidationError("地図の基準点", "基準点は2点とも横・縦・緯度・経度の4つを入れてください"
                                            "（基準点をなくすときは8つとも空けてください）")
        area_map.check_reference_points(
            [ReferencePoint(*(refs[f"ref{i}_{k}"] for k in ("x", "y", "lat", "lon"))) for i in (1, 2)],
            image.width, image.height)
    return {"name": v["name"], "source": v["source"], **refs, "image": image.data,
            "image_format": image.image_format, "width": image.width, "height": image.height}


def keep_one_map(session: Session, files: Sequence, now: dt.datetime) -> list[str]:
    """A council has one map: where the database and the files hold different ones for a
    council, the one edited last stays (ours is deleted, and that deletion travels; a file's
    row is not read). Returns notes for the report."""
    t = T["area_map"]
    found: dict[str, list] = defaultdict(list)
    for f in files:
        for row in f.rows.get("area_map", ()):
            found[row.resolved["council_id"]].append((f, row))
    notes: list[str] = []
    for council_id, candidates in found.items():
        times: dict[str, tuple[dt.datetime, str]] = {}
        for _f, row in candidates:
            when = row.stamp.updated if row.stamp and row.stamp.updated and not row.edited else now
            times[row.id] = max(times.get(row.id, (when, row.id)), (when, row.id))
        ours = session.execute(select(t.c.id, t.c.name, t.c.source, t.c.updated_at)
                               .where(t.c.council_id == council_id)).first()
        if ours is not None and ours.id not in times:
            times[ours.id] = (ours.updated_at, ours.id)
        if len(times) < 2:
            continue
        winner = max(times.values())[1]
        council = session.execute(select(T["council"].c.name).where(T["council"].c.id == council_id)).scalar() \
            or next((n for f, _r in candidates for cid, n in f.councils if cid == council_id), "")
        kept = next((_named(row.values["name"], row.values["source"])
                     for _f, row in candidates if row.id == winner), None)
        if ours is not None and ours.id != winner:
            session.execute(delete(t).where(t.c.id == ours.id))
            notes.append(f"協議体「{council}」の地図: こちらの{_named(ours.name, ours.source)}より後に"
                         f"直された、ファイルの{kept}にしました（協議体の地図は一つです）。")
        for f, row in candidates:
            if row.id != winner:
                f.rows["area_map"].remove(row)
                other = "こちらの" if ours is not None and winner == ours.id else "別のファイルの"
                notes.append(f"{f.name}: 協議体「{council}」の地図{_named(row.values['name'], row.values['source'])}"
                             f"は、{other}地図のほうが後に直されているので読み込みませんでした（協議体の地図は一つです）。")
    return notes


def _named(name: str, source: str) -> str:
    return f"「{name}」" + (f"（{source}）" if source else "")
