"""A council's area map (マッピング): the base image, pins on it, and positions for other systems.

The map comes from what a council has without internet: a scan or photo of a paper map (PNG,
JPEG) or one page of a PDF from the city. It is checked before anything is decoded (format, file
size, pixel count from the header: a decompression bomb never reaches memory), turned upright
(a phone photo's EXIF orientation), shrunk to at most LONG_SIDE pixels and re-encoded (PNG with a
palette for drawn maps of few colours, JPEG otherwise) until it is at most MAX_STORED bytes.

Pins are fractions of the image (0..1, 0,0 = top left) on the resource or 町内会 row, so any
image size works and a re-scanned map keeps them. Two reference points whose latitude/longitude
the user typed give every pin a latitude/longitude (a north-up map, scale per axis).
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import select

from app.errors import UserError, ValidationError, file_problem
from app.models import AreaMap, Council
from app.services import base, neighbourhoods
from app.services.normalize import nfkc
from app.store import Store

FIELD = "地図の画像"
FORMATS = "PNG・JPEG の画像か PDF "
MAX_SOURCE_BYTES = 60 * 1024 * 1024     # a 600 dpi A3 scan as JPEG is well under this
MAX_SOURCE_PIXELS = 80_000_000          # A3 at 600 dpi is 70 MP; 30,000×30,000 is refused unread
LONG_SIDE = 3000                        # A4 at about 250 dpi, A3 at 180: pins and names stay sharp
MAX_STORED = 2_000_000                  # bytes per council in the database (and the file)
PDF_MAX_SCALE = 300 / 72                # render a PDF page at no more than 300 dpi


@dataclasses.dataclass(frozen=True)
class PreparedImage:
    data: bytes
    image_format: str  # "png" | "jpeg"
    width: int
    height: int


@dataclasses.dataclass(frozen=True)
class AreaMapDTO:
    id: str
    council_id: str
    name: str
    image: bytes
    image_format: str
    width: int
    height: int
    source: str
    ref1_x: float | None
    ref1_y: float | None
    ref1_lat: float | None
    ref1_lon: float | None
    ref2_x: float | None
    ref2_y: float | None
    ref2_lat: float | None
    ref2_lon: float | None

    @property
    def located(self) -> bool:
        """Both reference points are set: pins have latitude/longitude."""
        return self.references is not None

    @property
    def references(self) -> tuple[ReferencePoint, ReferencePoint] | None:
        """The two reference points, or None while any of their numbers is missing."""
        if (self.ref1_x is None or self.ref1_y is None or self.ref1_lat is None
                or self.ref1_lon is None or self.ref2_x is None or self.ref2_y is None
                or self.ref2_lat is None or self.ref2_lon is None):
            return None
        return (ReferencePoint(self.ref1_x, self.ref1_y, self.ref1_lat, self.ref1_lon),
                ReferencePoint(self.ref2_x, self.ref2_y, self.ref2_lat, self.ref2_lon))

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclasses.dataclass(frozen=True)
class ReferencePoint:
    x: float    # fraction of the image's width
    y: float    # fraction of the image's height
    lat: float
    lon: float


# --- reading an image ------------------------------------------------------------------------

def _refuse(message: str) -> ValidationError:
    return ValidationError(FIELD, message, name="image")


def _check_file_size(size: int, what: str) -> None:
    if size > MAX_SOURCE_BYTES:
        raise _refuse(f"{what}は大きすぎます（{size / 1e6:.0f} MB、{MAX_SOURCE_BYTES // 2**20} MB まで）。"
                      "解像度を下げて読み取り直してください。")


def read_image(data: bytes, source: str = "", page: int | None = None) -> PreparedImage:
    """The stored form of a map given as file bytes; ValidationError (naming the file) for
    anything that is not a readable PNG, JPEG or PDF page of sensible size."""
    what = f"「{source}」" if source else "このファイル"
    _check_file_size(len(data), what)
    if data[:5] == b"%PDF-":
        image = _pdf_page(data, page or 1, what)
    else:
        if page not in (None, 1):
            raise _refuse(f"{what}は PDF ではないので、ページは選べません。")
        image = _decode(data, what)
    return _encode(image)


def read_image_file(path: Path, page: int | None = None) -> PreparedImage:
    try:
        size = path.stat().st_size
        _check_file_size(size, f"「{path.name}」")  # before the whole file is read into memory
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(file_problem(path, exc)) from None
    return read_image(data, path.name, page)


def _decode(data: bytes, what: str):
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except (UnidentifiedImageError, OSError, ValueError):
        raise _refuse(f"{what}は地図の画像として読めません。{FORMATS}を選んでください。") from None
    except Image.DecompressionBombError:
        raise _refuse(f"{what}は画素数が多すぎて読めません（{MAX_SOURCE_PIXELS // 10_000:,}万画素まで）。"
                      "解像度を下げて読み取り直してください。") from None
    if image.format not in ("PNG", "JPEG"):
        raise _refuse(f"{what}は {image.format} 形式です。{FORMATS}を選んでください。")
    w, h = image.size
    if w * h > MAX_SOURCE_PIXELS or max(w, h) > 30_000:
        raise _refuse(f"{what}は {w:,}×{h:,} 画素で大きすぎます（{MAX_SOURCE_PIXELS // 10_000:,}万画素"
                      "まで）。解像度を下げて読み取り直してください。")
    if min(w, h) < 50:
        raise _refuse(f"{what}は {w}×{h} 画素しかなく、地図としては小さすぎます。")
    try:
        if image.format == "JPEG":
            # Decode at a reduced scale straight away when the photo is far larger than kept.
            image.draft("RGB", (LONG_SIDE * w // max(w, h), LONG_SIDE * h // max(w, h)))
        image.load()
        upright = ImageOps.exif_transpose(image)  # a phone photo of a paper map
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise _refuse(f"{what}は途中で壊れているか、足りない部分があります（{type(exc).__name__}）。"
                      "元の画像をもう一度保存して選び直してください。") from None
    return upright


def _pdf_page(data: bytes, page: int, what: str):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        locked = "password" in str(exc).lower()
        reason = "パスワードがかかっています。パスワードを外した PDF を選んでください" if locked \
            else "PDF として読めません"
        raise _refuse(f"{what}は{reason}。") from None
    try:
        if not 1 <= page <= len(pdf):
            raise _refuse(f"{what}は {len(pdf)} ページです。1〜{len(pdf)} のページを選んでください。")
        sheet = pdf[page - 1]
        pw, ph = sheet.get_size()
        if min(pw, ph) < 1:
            raise _refuse(f"{what}の {page} ページ目は大きさがありません。")
        scale = min(LONG_SIDE / max(pw, ph), PDF_MAX_SCALE)
        try:
            return sheet.render(scale=scale, draw_annots=True).to_pil().convert("RGB")
        except pdfium.PdfiumError:
            raise _refuse(f"{what}の {page} ページ目を描けません（壊れているようです）。") from None
    finally:
        pdf.close()


def _encode(image) -> PreparedImage:
    from PIL import Image

    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")  # transparency prints as paper
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if max(image.size) > LONG_SIDE:
        ratio = LONG_SIDE / max(image.size)
        size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    while True:
        best = _smallest(image)
        if len(best.data) <= MAX_STORED:
            return best
        # Still too big as JPEG at the lowest quality we accept: fewer pixels.
        image = image.resize((round(image.width * 0.8), round(image.height * 0.8)),
                             Image.Resampling.LANCZOS)


def _smallest(image) -> PreparedImage:
    """A drawn map of few colours stays a PNG (crisp lines and letters); a scan or photo
    becomes a JPEG, at lower quality only when needed."""
    colours = image.getcolors(maxcolors=256)
    if colours is not None:
        out = io.BytesIO()
        (image.quantize(len(colours)) if image.mode == "RGB" else image).save(out, "PNG", optimize=True)
        if out.tell() <= MAX_STORED:
            return PreparedImage(out.getvalue(), "png", image.width, image.height)
    for quality in (85, 75, 65):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True)
        if out.tell() <= MAX_STORED:
            break
    return PreparedImage(out.getvalue(), "jpeg", image.width, image.height)


def check_stored(data: bytes) -> PreparedImage:
    """What a stored map must be (a map read from a file, which is kept byte for byte): PNG or
    JPEG, at most MAX_STORED bytes and LONG_SIDE pixels on the long side (read from the header,
    before any pixel is decoded), and whole."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_STORED:
        raise _refuse(f"画像が大きすぎます（{len(data) / 1e6:.1f} MB、地図は "
                      f"{MAX_STORED / 1e6:.0f} MB まで）。")
    try:
        image = Image.open(io.BytesIO(data))  # the header only
    except Image.DecompressionBombError:  # refused by Pillow from the header's size
        raise _refuse(f"画像の画素数が多すぎます（保存される地図は長い辺 {LONG_SIDE:,} 画素まで）。"
                      "危険なファイルの疑いがあるので読みません。") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise _refuse("画像として読めません（PNG でも JPEG でもありません）。") from None
    if image.format not in ("PNG", "JPEG"):
        raise _refuse(f"画像が {image.format} 形式です（地図は PNG か JPEG です）。")
    w, h = image.size
    if max(w, h) > LONG_SIDE or min(w, h) < 1:
        raise _refuse(f"画像が {w:,}×{h:,} 画素です。保存される地図は長い辺 {LONG_SIDE:,} "
                      "画素までなので、危険なファイルの疑いがあり読みません。")
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError):
        raise _refuse("画像が途中で壊れているか、足りない部分があります。") from None
    return PreparedImage(data, image.format.lower(), w, h)


# --- the stored map --------------------------------------------------------------------------

def _dto(row: AreaMap) -> AreaMapDTO:
    return base.to_dto(AreaMapDTO, row)


def get_map(store: Store, council_id: str) -> AreaMapDTO | None:
    with store.session() as s:
        row = s.scalars(select(AreaMap).where(AreaMap.council_id == council_id)).first()
        return _dto(row) if row is not None else None


def map_id(store: Store, council_id: str) -> str | None:
    """The map row's id without loading the image (for undo snapshots)."""
    with store.session() as s:
        return s.scalar(select(AreaMap.id).where(AreaMap.council_id == council_id))


def set_map(store: Store, council_id: str, image: PreparedImage, source: str = "",
            name: str = "") -> AreaMapDTO:
    """Store (or replace) the council's map. Pins stay where they are (fractions of the image):
    a re-scanned map of the same area keeps them; the reference points are the old image's and
    are cleared."""
    name = base.text(100)(name, "地図の名前")
    source = Path(source).name[:200] if source else ""
    with store.session() as s:
        council = base.get_or_fail(s, Council, council_id, "協議体")
        row = s.scalars(select(AreaMap).where(AreaMap.council_id == council_id)).first()
        if row is None:
            row = AreaMap(council_id=council_id)
            s.add(row)
        row.name = name or f"{council.name}の地図"
        row.image, row.image_format = image.data, image.image_format
        row.width, row.height, row.source = image.width, image.height, source
        for i in (1, 2):
            for k in ("x", "y", "lat", "lon"):
                setattr(row, f"ref{i}_{k}", None)
        s.flush()
        return _dto(row)


def remove_map(store: Store, council_id: str) -> None:
    """The pins stay on the rows (a new map of the same area shows them again)."""
    with store.session() as s:
        row = s.scalars(select(AreaMap).where(AreaMap.council_id == council_id)).first()
        if row is None:
            raise ValidationError(FIELD, "この協議体には地図がありません", name="image")
        s.delete(row)


# --- reference points and latitude/longitude -------------------------------------------------

def parse_lat_lon(text: object, label: str = "緯度・経度") -> tuple[float, float]:
    """「36.3219, 139.0031」 as copied from a map or typed from a guide book (全角 too)."""
    raw = nfkc(str(text or "")).replace("、", ",").replace("，", ",")
    parts = [p for p in raw.replace(",", " ").split() if p]
    if len(parts) != 2:
        raise ValidationError(label, f"「{text}」を緯度と経度の二つの数として読めません"
                                     "（例: 36.3219, 139.0031）")
    try:
        lat, lon = (float(p.rstrip("°")) for p in parts)
    except ValueError:
        raise ValidationError(label, f"「{text}」を緯度と経度の二つの数として読めません"
                                     "（例: 36.3219, 139.0031）") from None
    if not -90 <= lat <= 90:
        raise ValidationError(label, f"緯度 {lat} は -90〜90 の数です（日本はおよそ 20〜46）")
    if not -180 <= lon <= 180:
        raise ValidationError(label, f"経度 {lon} は -180〜180 の数です（日本はおよそ 122〜154）")
    return lat, lon


def check_reference_points(points: Sequence[ReferencePoint], width: int, height: int) -> None:
    """Two points far apart in both directions, consistent with a north-up map of one scale."""
    label = "地図の基準点"
    if len(points) != 2:
        raise ValidationError(label, "地図の上の2点に、それぞれ緯度・経度を入れてください")
    a, b = points
    for p in points:
        if not (0 <= p.x <= 1 and 0 <= p.y <= 1):
            raise ValidationError(label, "基準点は地図の枠の中に置いてください")
    if abs(a.x - b.x) < 0.1 or abs(a.y - b.y) < 0.1:
        raise ValidationError(label, "2点が近すぎます。地図の上で、左右にも上下にも離れた2か所"
                                     "（たとえば左上と右下の交差点）を選んでください")
    if (a.lon - b.lon) * (a.x - b.x) <= 0:
        raise ValidationError(label, "経度が地図の左右と逆です。右（東）の点ほど経度が大きくなります。"
                                     "北が上の地図か、入れた数を確かめてください")
    if (a.lat - b.lat) * (a.y - b.y) >= 0:
        raise ValidationError(label, "緯度が地図の上下と逆です。上（北）の点ほど緯度が大きくなります。"
                                     "北が上の地図か、入れた数を確かめてください")
    # Metres per pixel across and down should agree on a map of one scale.
    mid = math.radians((a.lat + b.lat) / 2)
    across = abs(a.lon - b.lon) * 111_320 * math.cos(mid) / (abs(a.x - b.x) * width)
    down = abs(a.lat - b.lat) * 110_574 / (abs(a.y - b.y) * height)
    if not 0.5 <= across / down <= 2:
        raise ValidationError(label, "2点の緯度・経度と地図の上の位置が合いません（縦と横の縮尺が"
                                     f"{max(across, down) / min(across, down):.1f}倍違います）。"
                                     "数の打ち間違いがないか確かめてください")


def set_reference_points(store: Store, council_id: str,
                         points: Sequence[ReferencePoint] | None) -> AreaMapDTO:
    """Set both reference points (or, with None, clear them)."""
    with store.session() as s:
        row = s.scalars(select(AreaMap).where(AreaMap.council_id == council_id)).first()
        if row is None:
            raise ValidationError(FIELD, "先に地図の画像を入れてください", name="image")
        if points is not None:
            check_reference_points(points, row.width, row.height)
        for i in (1, 2):
            p = points[i - 1] if points is not None else None
            for k in ("x", "y", "lat", "lon"):
                setattr(row, f"ref{i}_{k}", getattr(p, k) if p is not None else None)
        s.flush()
        return _dto(row)


def lat_lon(area_map: AreaMapDTO | None, x: float | None, y: float | None) -> tuple[float, float] | None:
    """A pin's latitude/longitude, or None when the map has no reference points (or no pin)."""
    references = area_map.references if area_map is not None else None
    if references is None or x is None or y is None:
        return None
    a, b = references
    lon = a.lon + (x - a.x) * (b.lon - a.lon) / (b.x - a.x)
    lat = a.lat + (y - a.y) * (b.lat - a.lat) / (b.y - a.y)
    return round(lat, 6), round(lon, 6)


# --- pins ------------------------------------------------------------------------------------

def map_numbers(resources: Iterable) -> dict[str, int]:
    """Pin number per resource, the same in the window, on the printed map and in the printed
    list: resources at the same spot share one pin (one 公民館, seven groups), numbered in the
    list's order."""
    spots: dict[tuple[float, float], int] = {}
    numbers: dict[str, int] = {}
    for r in resources:
        if r.map_x is None or r.map_y is None:
            continue
        key = (round(r.map_x, 3), round(r.map_y, 3))
        if key not in spots:
            spots[key] = len(spots) + 1
        numbers[r.id] = spots[key]
    return numbers


def set_neighbourhood_position(store: Store, neighbourhood_id: str, x: object, y: object) -> None:
    """Where a 町内会's name goes on the map (both None: off the map), through the 町内会's
    own write path."""
    base.check_pin(x, y)
    neighbourhoods.update_neighbourhood(store, neighbourhood_id, {"map_x": x, "map_y": y})


def spread(points: Sequence[tuple[float, float]], distance: float,
           bounds: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """Pin centres moved apart so that no two are closer than `distance` (no pin hides another),
    in any unit (screen pixels in the window, points on paper), each inside `bounds` (x0, y0, x1,
    y1). Pins are placed in order: one that would cover an earlier pin takes the nearest free
    place on rings around its own spot, so the same pins give the same picture in the window and
    on paper, and a pin moves only as far as it must. Neighbours come from a grid of cells one
    `distance` wide (300 pins: a few milliseconds)."""
    x0, y0, x1, y1 = bounds
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
    limit = distance * 0.999

    def free(x: float, y: float) -> bool:
        cx, cy = int(x // distance), int(y // distance)
        return all(math.hypot(x - ox, y - oy) >= limit
                   for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                   for ox, oy in cells.get((cx + dx, cy + dy), ()))

    placed: list[tuple[float, float]] = []
    longest = max(x1 - x0, y1 - y0, distance)
    for px, py in points:
        home = (min(max(px, x0), x1), min(max(py, y0), y1))
        spot = home
        ring = 0
        while not free(*spot) and ring * distance / 2 <= longest * 2:
            ring += 1
            radius = ring * distance / 2
            steps = 6 * ring
            options = [(home[0] + radius * math.cos(2 * math.pi * k / steps - math.pi / 2),
                        home[1] + radius * math.sin(2 * math.pi * k / steps - math.pi / 2))
                       for k in range(steps)]
            inside = [o for o in options if x0 <= o[0] <= x1 and y0 <= o[1] <= y1 and free(*o)]
            if inside:
                spot = inside[0]
        placed.append(spot)
        cells.setdefault((int(spot[0] // distance), int(spot[1] // distance)), []).append(spot)
    return placed
