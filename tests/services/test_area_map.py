"""A council's area map: what becomes a stored map, what is refused, reference points, pins."""

from __future__ import annotations

import hashlib
import io
import math
import sqlite3
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.cli import main
from app.errors import UserError, ValidationError
from app.services import area_map, councils, neighbourhoods
from app.services.area_map import ReferencePoint
from app.store import Store


def _drawn(size=(1600, 1000), mode="RGB") -> Image.Image:
    image = Image.new(mode, size, "white")
    d = ImageDraw.Draw(image)
    for i in range(0, size[0], 100):
        d.line([(i, 0), (i + 50, size[1])], fill="black", width=6)
    d.rectangle([100, 100, 300, 250], fill="red")
    return image


def _photo(size=(4000, 3000)) -> Image.Image:
    """Smooth colour everywhere (a photo or scan): too many colours for a palette."""
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (gradient, gradient.rotate(90).resize(size),
                               Image.effect_noise(size, 40)))


def _bytes(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _scanned_pdf(path: Path) -> Path:
    """A 'scanned' A4 portrait page: one JPEG image filling the page, as scanners make them."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    scan = _drawn((1240, 1754))
    c.drawImage(ImageReader(io.BytesIO(_bytes(scan, "JPEG"))), 0, 0, *A4)
    c.showPage()
    c.drawString(100, 100, "page 2")
    c.showPage()
    c.save()
    return path


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


@pytest.mark.slow
def test_a_drawn_png_stays_a_small_png(store, council):
    prepared = area_map.read_image(_bytes(_drawn(), "PNG"), "map.png")
    assert prepared.image_format == "png" and (prepared.width, prepared.height) == (1600, 1000)
    stored = area_map.set_map(store, council.id, prepared, "/somewhere/map.png")
    again = area_map.get_map(store, council.id)
    assert again == stored and again.source == "map.png" and again.name == "テスト地区の地図"
    assert Image.open(io.BytesIO(again.image)).size == (1600, 1000)


@pytest.mark.slow
def test_a_large_photo_becomes_a_jpeg_within_the_limits(store, council):
    prepared = area_map.read_image(_bytes(_photo(), "JPEG", quality=95), "photo.jpg")
    assert prepared.image_format == "jpeg"
    assert max(prepared.width, prepared.height) <= area_map.LONG_SIDE
    assert len(prepared.data) <= area_map.MAX_STORED
    assert abs(prepared.width / prepared.height - 4 / 3) < 0.01
    area_map.set_map(store, council.id, prepared, "photo.jpg")
    assert Image.open(io.BytesIO(area_map.get_map(store, council.id).image)).format == "JPEG"


def test_a_phone_photo_is_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90° clockwise when shown
    prepared = area_map.read_image(_bytes(_drawn((1200, 800)), "JPEG", exif=exif), "phone.jpg")
    assert (prepared.width, prepared.height) == (800, 1200)


def test_transparency_prints_as_paper():
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle([0, 0, 100, 100], fill=(0, 0, 255, 255))
    prepared = area_map.read_image(_bytes(image, "PNG"), "t.png")
    decoded = Image.open(io.BytesIO(prepared.data)).convert("RGB")
    assert decoded.getpixel((300, 200)) == (255, 255, 255)
    assert decoded.getpixel((50, 50)) == (0, 0, 255)


@pytest.mark.slow
def test_a_scanned_pdf_page_becomes_a_map(tmp_path):
    pdf = _scanned_pdf(tmp_path / "scan.pdf")
    prepared = area_map.read_image_file(pdf)
    assert prepared.height > prepared.width  # A4 portrait
    assert abs(prepared.width / prepared.height - 595.28 / 841.89) < 0.01
    assert max(prepared.width, prepared.height) <= area_map.LONG_SIDE
    with pytest.raises(ValidationError, match="2 ページです"):
        area_map.read_image_file(pdf, page=3)
    assert area_map.read_image_file(pdf, page=2).width == prepared.width


@pytest.mark.parametrize(("data", "words"), [
    (b"this is not a picture" * 10, "地図の画像として読めません"),
    (_png_header(30_000, 30_000), "画素"),
    (_png_header(20, 20), "小さすぎます"),
    (_bytes(Image.new("RGB", (300, 300)), "GIF"), "GIF 形式"),
    (b"%PDF-1.4\n garbage", "PDF として読めません"),
])
def test_what_is_not_a_map_is_refused_with_the_reason(data, words):
    with pytest.raises(ValidationError, match=words) as err:
        area_map.read_image(data, "x.png")
    assert err.value.field == "地図の画像" and err.value.name == "image"


def test_a_truncated_image_is_refused():
    whole = _bytes(_photo((1200, 900)), "JPEG")
    with pytest.raises(ValidationError, match="壊れて"):
        area_map.read_image(whole[: len(whole) // 2], "cut.jpg")
    png = _bytes(_photo((600, 400)), "PNG")
    with pytest.raises(ValidationError, match="壊れて"):
        area_map.read_image(png[: len(png) // 2], "cut.png")


def test_replace_keeps_pins_and_clears_reference_points(store, council):
    area_map.set_map(store, council.id, area_map.read_image(_bytes(_drawn(), "PNG")))
    area_map.set_reference_points(store, council.id, [ReferencePoint(.1, .1, 36.34, 138.93),
                                                      ReferencePoint(.9, .9, 36.32, 138.97)])
    nb = neighbourhoods.create_neighbourhood(store, council.id, {"name": "一丁目"})
    area_map.set_neighbourhood_position(store, nb.id, "０.２", 0.3)
    replaced = area_map.set_map(store, council.id, area_map.read_image(_bytes(_drawn((900, 1200)), "PNG")))
    assert not replaced.located and (replaced.width, replaced.height) == (900, 1200)
    assert area_map.map_id(store, council.id) == replaced.id
    assert neighbourhoods.list_neighbourhoods(store, council.id)[0].map_x == 0.2
    area_map.remove_map(store, council.id)
    assert area_map.get_map(store, council.id) is None
    with pytest.raises(ValidationError, match="地図がありません"):
        area_map.remove_map(store, council.id)


def test_reference_points_give_latitude_and_longitude(store, council):
    area_map.set_map(store, council.id, area_map.read_image(_bytes(_drawn((2000, 1000)), "PNG")))
    # 2000×1000 px; 0.8 of the width = 0.04° of longitude, 0.8 of the height = 0.016° of latitude:
    # about 2.0 and 2.2 m per pixel, one scale.
    points = [ReferencePoint(.1, .1, *area_map.parse_lat_lon("３６．３４０，１３８．９３０")),
              ReferencePoint(.9, .9, *area_map.parse_lat_lon("36.324 138.970"))]
    stored = area_map.set_reference_points(store, council.id, points)
    assert stored.located
    assert area_map.lat_lon(stored, .1, .1) == (36.34, 138.93)
    lat, lon = area_map.lat_lon(stored, .5, .5)
    assert math.isclose(lat, 36.332) and math.isclose(lon, 138.95)
    assert area_map.lat_lon(stored, None, None) is None
    cleared = area_map.set_reference_points(store, council.id, None)
    assert not cleared.located and area_map.lat_lon(cleared, .5, .5) is None


@pytest.mark.parametrize(("b", "words"), [
    (ReferencePoint(.12, .9, 36.324, 138.970), "近すぎます"),
    (ReferencePoint(.9, .9, 36.324, 138.900), "経度が地図の左右と逆"),
    (ReferencePoint(.9, .9, 36.350, 138.970), "緯度が地図の上下と逆"),
    (ReferencePoint(.9, .9, 36.339, 138.970), "縮尺"),
])
def test_reference_points_that_cannot_be_right_are_refused(store, council, b, words):
    area_map.set_map(store, council.id, area_map.read_image(_bytes(_drawn((2000, 1000)), "PNG")))
    with pytest.raises(ValidationError, match=words):
        area_map.set_reference_points(store, council.id, [ReferencePoint(.1, .1, 36.34, 138.93), b])
    assert not area_map.get_map(store, council.id).located


@pytest.mark.parametrize("text", ["36.3", "北緯36度", "95, 139", "36, 200", ""])
def test_unreadable_latitude_longitude_is_refused(text):
    with pytest.raises(ValidationError):
        area_map.parse_lat_lon(text)


def test_pins_at_one_spot_share_a_number():
    class R:
        def __init__(self, rid, x, y):
            self.id, self.map_x, self.map_y = rid, x, y

    rows = [R("a", .3, .3), R("b", None, None), R("c", .5, .5), R("d", .3000001, .3)]
    assert area_map.map_numbers(rows) == {"a": 1, "c": 2, "d": 1}


def test_spread_leaves_no_pin_under_another_and_stays_inside():
    crowd = [(10.0, 10.0)] * 12 + [(12.0 + i, 11.0) for i in range(20)] + [(400.0, 300.0)]
    bounds = (11.0, 11.0, 489.0, 689.0)
    placed = area_map.spread(crowd, 22.0, bounds)
    assert len(placed) == len(crowd)
    for i, a in enumerate(placed):
        assert bounds[0] <= a[0] <= bounds[2] and bounds[1] <= a[1] <= bounds[3]
        assert all(math.dist(a, b) >= 21.9 for b in placed[i + 1:])
    assert placed[-1] == (400.0, 300.0)  # a pin with room stays where it is
    assert area_map.spread(crowd, 22.0, bounds) == placed  # the same picture every time


# --- the command line ------------------------------------------------------------------------

def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_map_command_stores_describes_points_and_removes(db_path, tmp_path, capsys):
    with Store.open(db_path) as store:
        councils.create_council(store, {"name": "本町", "tier": 2})
    image = tmp_path / "本町.jpg"
    image.write_bytes(_bytes(_photo((1600, 1200)), "JPEG"))
    db = ["--db", str(db_path)]
    assert main([*db, "map", "--council", "本町", str(image)]) == 0
    assert "1,600×1,200 画素" in capsys.readouterr().out
    assert main([*db, "map", "--council", "本町", "--point", "0.1,0.1=36.34,138.93",
                 "--point", "０．９，０．９＝36.324,138.9547"]) == 0
    capsys.readouterr()
    assert main([*db, "map", "--council", "本町"]) == 0
    out = capsys.readouterr().out
    assert "本町.jpg" in out and "基準点: (0.1, 0.1) = 36.34, 138.93" in out
    assert main([*db, "map", "--council", "本町", "--remove"]) == 0
    capsys.readouterr()
    assert main([*db, "map", "--council", "本町"]) == 0
    assert "地図がありません" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "words"), [
    (_bytes(_photo((800, 600)), "JPEG")[:20_000], "壊れて"),
    (_png_header(30_000, 30_000), "画素"),
    (b"name,phone\n", "地図の画像として読めません"),
])
def test_map_command_refuses_bad_files_and_leaves_the_database(db_path, tmp_path, capsys,
                                                              content, words):
    with Store.open(db_path) as store:
        council = councils.create_council(store, {"name": "本町", "tier": 2})
        area_map.set_map(store, council.id, area_map.read_image(_bytes(_drawn(), "PNG")), "old.png")
    before = _digest(db_path)
    bad = tmp_path / "bad.png"
    bad.write_bytes(content)
    assert main(["--db", str(db_path), "map", "--council", "本町", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("エラー: 地図の画像:") and words in err and "bad.png" in err
    assert _digest(db_path) == before
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT source FROM area_map").fetchall() == [("old.png",)]


def test_map_command_usage_errors(db_path, capsys):
    with Store.open(db_path) as store:
        councils.create_council(store, {"name": "本町", "tier": 2})
    db = ["--db", str(db_path)]
    assert main([*db, "map", "--council", "本町", "--point", "0.1,0.1=36,139"]) == 1
    assert "2回" in capsys.readouterr().err
    assert main([*db, "map", "--council", "本町", "--page", "2"]) == 1
    assert "--page" in capsys.readouterr().err
    assert main([*db, "map", "--council", "本町", "--point", "a=b", "--point", "c=d"]) == 1
    assert "X,Y=緯度,経度" in capsys.readouterr().err


def test_council_delete_takes_its_map_and_records_the_deletion(store, council):
    area_map.set_map(store, council.id, area_map.read_image(_bytes(_drawn(), "PNG")))
    map_id = area_map.map_id(store, council.id)
    councils.delete_council(store, council.id)
    with store.session() as s:
        from sqlalchemy import text

        assert s.execute(text("SELECT count(*) FROM area_map")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM deletion WHERE table_name = 'area_map' "
                              "AND row_id = :i"), {"i": map_id}).scalar() == 1


def test_an_error_reading_the_file_names_it(tmp_path):
    with pytest.raises(UserError, match="missing.png"):
        area_map.read_image_file(tmp_path / "missing.png")
