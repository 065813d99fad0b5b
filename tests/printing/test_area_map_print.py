"""The printed 社会資源マップ with the council's stored map: the image, the page's shape, pins and
町内会 names inside the map's frame, the legend (size, continuation), no map, A3, the CLI."""

from __future__ import annotations

import datetime as dt
import io
import math
import subprocess
import sys

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from app.printing import PrintError, images, render
from app.printing import area_map as printed
from app.printing.base import Job
from app.printing.fonts import GOTHIC_BOLD, text_width
from app.services import area_map, councils, neighbourhoods, resources
from app.store import Store
from tests.printing.pdfcheck import flat, layout_faults, page_sizes, page_texts

A3 = (842, 1191)
A3_LANDSCAPE = (1191, 842)
A4 = (595, 842)
A4_LANDSCAPE = (842, 595)
RED = (220, 30, 30)


def _map_image(size, fmt="PNG") -> bytes:
    """A drawn map with a red block whose centre is at (0.25, 0.25) of the image."""
    w, h = size
    image = Image.new("RGB", size, (235, 240, 225))
    d = ImageDraw.Draw(image)
    for x in range(0, w, w // 12):
        d.line([(x, 0), (x, h)], fill="white", width=max(4, w // 150))
    d.rectangle([w * .2, h * .2, w * .3, h * .3], fill=RED)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return out.getvalue()


def _add(store, council_id: str, places, name="サロン") -> None:
    for i, place in enumerate(places):
        x, y = place if place is not None else (None, None)
        resources.create_resource(store, council_id, {
            "name": f"{name}{i + 1}", "category": "居場所・サロン", "venue": f"{name}{i + 1}の集会所",
            "map_x": x, "map_y": y})


def _with_map(store, council_id: str, size=(1600, 1000), fmt="PNG") -> area_map.AreaMapDTO:
    return area_map.set_map(store, council_id, area_map.read_image(_map_image(size, fmt), "scan"),
                            source="市の地図.png", name="テスト地区の地図")


def _print(store, council_id: str, path, **options):
    return render(store, "resource-map", council_id, path, **options)


def _plan(store, council_id: str, **options) -> printed.Plan:
    job = Job(store=store, council=councils.get_council(store, council_id), today=dt.date.today(),
              options=options)
    return printed.plan(job)


def _images(path, page: int = 0) -> list[tuple[tuple[float, ...], tuple[str, ...]]]:
    """Each image drawn on the page: its bounds (left, bottom, right, top) and its filters."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [(tuple(o.get_bounds()), tuple(o.get_filters()))
                for o in pdf[page].get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE])]
    finally:
        pdf.close()


def _runs(path, page: int = 0) -> list[tuple[str, float, float, float]]:
    """Every text run drawn on the page: text, left and baseline (page points), font size."""
    out = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((text.strip(), x, y, font_size * abs(tm[0] * cm[0] or 1)))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return out


def _pin_boxes(path) -> dict[int, tuple[float, float, float, float]]:
    """The pin numbers (the only runs that are a bare number) and their boxes."""
    boxes = {}
    for text, x, y, size in _runs(path):
        if text.isdigit():
            assert int(text) not in boxes, f"pin {text} drawn twice"
            boxes[int(text)] = (x, y - .15 * size, x + text_width(text, GOTHIC_BOLD, size), y + .9 * size)
    return boxes


def _inside(box, frame) -> bool:
    left, bottom, right, top = box
    return frame[0] <= left and frame[1] <= bottom and right <= frame[2] and top <= frame[3]


def _pixel(path, x: float, y: float, scale: float = 2.0) -> tuple[int, int, int]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        image = page.render(scale=scale).to_pil().convert("RGB")
        return image.getpixel((round(x * scale), round((page.get_height() - y) * scale)))
    finally:
        pdf.close()


def _reddish(rgb) -> bool:
    r, g, b = rgb
    return r > 170 and g < 90 and b < 90


# --- the map on the page --------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.slow
def test_landscape_map_fills_a_landscape_page(store, council, tmp_path, fmt):
    _with_map(store, council.id, (1600, 1000), fmt)
    _add(store, council.id, [(.5, .5)])
    result = _print(store, council.id, tmp_path / "map.pdf")
    assert page_sizes(result.path) == [A4_LANDSCAPE]
    xobjects = PdfReader(result.path).pages[0]["/Resources"]["/XObject"]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())
    ((bounds, filters),) = _images(result.path)
    plan = _plan(store, council.id)
    frame = plan.frame
    assert bounds == pytest.approx((frame.x0, frame.y0, frame.x1, frame.y1), abs=0.5)
    # The stored file goes in as it is (no decoding or re-compressing: fast), and shows right.
    assert filters == (("DCTDecode",) if fmt == "JPEG" else ("FlateDecode",))
    left, bottom, right, top = bounds
    assert (right - left) / (top - bottom) == pytest.approx(1.6, rel=0.01)
    assert (right - left) * (top - bottom) > 0.55 * plan.body.width * plan.body.height
    assert _reddish(_pixel(result.path, left + .25 * (right - left), top - .25 * (top - bottom)))
    assert not _reddish(_pixel(result.path, left + .6 * (right - left), top - .6 * (top - bottom)))
    assert "テスト地区の地図" in flat(page_texts(result.path)[0])
    assert not any("地図の画像が登録されていない" in w for w in result.warnings)


def _raw_map(store, council_id: str, data: bytes, fmt: str, size) -> None:
    """A map row as another program version might have stored it (not re-encoded here)."""
    from app.models import AreaMap

    with store.session() as s:
        s.add(AreaMap(council_id=council_id, name="そのままの地図", image=data, image_format=fmt,
                      width=size[0], height=size[1]))


def _encoded(mode: str, fmt: str, **options) -> bytes:
    image = Image.open(io.BytesIO(_map_image((1200, 800)))).convert("RGB")
    image = image.convert(mode) if mode != "P" else image.quantize(200)
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(("mode", "fmt", "options", "as_stored"), [
    ("P", "PNG", {}, True),                    # 8-bit palette
    ("L", "PNG", {}, True),                    # grey
    ("RGB", "PNG", {}, True),
    ("L", "JPEG", {}, True),
    ("RGBA", "PNG", {}, False),                # transparency: reportlab composites it
    ("CMYK", "JPEG", {}, False),
])
def test_every_kind_of_stored_image_prints_the_right_way_round(store, council, tmp_path, mode, fmt,
                                                               options, as_stored):
    data = _encoded(mode, fmt, **options)
    assert (images.image_xobject(data, fmt.lower()) is not None) == as_stored
    _raw_map(store, council.id, data, fmt.lower(), (1200, 800))
    _add(store, council.id, [(.9, .9)])
    result = _print(store, council.id, tmp_path / "map.pdf")
    ((bounds, filters),) = _images(result.path)
    left, bottom, right, top = bounds
    block = _pixel(result.path, left + .25 * (right - left), top - .25 * (top - bottom))
    field = _pixel(result.path, left + .6 * (right - left), top - .6 * (top - bottom))
    if mode == "L":
        assert sum(block) < sum(field) - 150  # the red block as dark grey on a light field
    else:
        assert _reddish(block) and not _reddish(field), (block, field)


def test_portrait_map_portrait_page_and_a3(store, council, tmp_path):
    _with_map(store, council.id, (900, 1300))
    _add(store, council.id, [(.2, .3), (.7, .8)])
    assert page_sizes(_print(store, council.id, tmp_path / "a4.pdf").path) == [A4]
    a3 = _print(store, council.id, tmp_path / "a3.pdf", paper="A3")
    assert page_sizes(a3.path) == [A3]
    ((bounds, _),) = _images(a3.path)
    assert bounds[3] - bounds[1] > 0.6 * 1191  # the map grows with the sheet
    _with_map(store, council.id, (1300, 900))
    assert page_sizes(_print(store, council.id, tmp_path / "a3l.pdf", paper="ａ３").path) == [A3_LANDSCAPE]


def test_unknown_paper_is_refused(store, council, tmp_path):
    _add(store, council.id, [(.5, .5)])
    with pytest.raises(PrintError, match="用紙「B5」は選べません。A4 か A3"):
        _print(store, council.id, tmp_path / "x.pdf", paper="B5")
    assert not (tmp_path / "x.pdf").exists()


# --- pins and names inside the frame --------------------------------------------------------

CROWDS = {
    "corners": [(0, 0), (1, 1), (0, 1), (1, 0), (.5, 0), (0, .5), (.999, .001)],
    "thirty at one corner": [(0.001 * i, 0.001 * (i % 7)) for i in range(30)],
    "thirty at the far corner": [(1 - 0.002 * i, 1) for i in range(30)],
}


@pytest.mark.parametrize("size", [(1600, 1000), (800, 1200)])
@pytest.mark.parametrize("crowd", list(CROWDS))
@pytest.mark.slow
def test_every_pin_is_inside_the_frame_and_none_hides_another(store, council, tmp_path, crowd, size):
    _with_map(store, council.id, size)
    _add(store, council.id, CROWDS[crowd])
    result = _print(store, council.id, tmp_path / "map.pdf")
    ((frame, _),) = _images(result.path)
    boxes = _pin_boxes(result.path)
    assert set(boxes) == set(range(1, len(CROWDS[crowd]) + 1))
    for number, box in boxes.items():
        assert _inside(box, frame), (number, box, frame)
    plan = _plan(store, council.id)
    reach = plan.radius + printed.PIN_LINE / 2
    for pin in plan.pins:  # the whole circle, ring included
        x, y = pin.centre
        assert _inside((x - reach, y - reach, x + reach, y + reach), frame), pin
        text = boxes[pin.number]
        assert abs((text[0] + text[2]) / 2 - x) < 1  # the number is in its circle
    for i, a in enumerate(plan.pins):
        for b in plan.pins[i + 1:]:
            assert math.dist(a.centre, b.centre) >= 2 * plan.radius, (a, b)
    if crowd != "corners":
        assert sum(p.moved for p in plan.pins) >= 20  # spread out, each with a line to its place


def test_a_pin_moved_off_another_keeps_a_line_to_its_place(store, council, tmp_path):
    _with_map(store, council.id)
    _add(store, council.id, [(.5, .5), (.501, .5), (.2, .2)])
    plan = _plan(store, council.id)
    first, second, alone = plan.pins
    assert not first.moved and not alone.moved
    assert second.moved and math.dist(second.centre, second.spot) >= 2 * plan.radius - 1
    assert first.centre == pytest.approx(first.spot)  # the first keeps its true place


def test_one_place_shares_one_pin(store, council, tmp_path):
    _with_map(store, council.id)
    _add(store, council.id, [(.3, .3), (.3, .3), (.3001, .3), (.6, .6)])
    result = _print(store, council.id, tmp_path / "map.pdf")
    assert set(_pin_boxes(result.path)) == {1, 2}
    text = flat(page_texts(result.path)[0])
    assert "①サロン1の集会所○サロン1○サロン2○サロン3②サロン4の集会所○サロン4" in text


def test_neighbourhood_names_inside_the_frame(store, council, tmp_path):
    _with_map(store, council.id)
    _add(store, council.id, [(.5, .5)])
    places = {"北ノ町内会": (0, 0), "南ヶ丘町内会": (1, 1), "中央": (.5, .3), "地図にない町": None}
    for name, place in places.items():
        nb = neighbourhoods.create_neighbourhood(store, council.id, {"name": name})
        if place is not None:
            area_map.set_neighbourhood_position(store, nb.id, *place)
    result = _print(store, council.id, tmp_path / "map.pdf")
    ((frame, _),) = _images(result.path)
    runs = {text: (x, y, size) for text, x, y, size in _runs(result.path) if text in places}
    assert set(runs) == {"北ノ町内会", "南ヶ丘町内会", "中央"}
    for name, (x, y, size) in runs.items():
        box = (x, y - .15 * size, x + text_width(name, GOTHIC_BOLD, size), y + .9 * size)
        assert _inside(box, frame), (name, box, frame)


# --- the legend ------------------------------------------------------------------------------

def test_legend_lists_every_resource_in_readable_type(store, council, tmp_path):
    _with_map(store, council.id)
    _add(store, council.id, [(.1, .1), (.4, .6), None])
    result = _print(store, council.id, tmp_path / "map.pdf")
    text = flat(page_texts(result.path)[0])
    assert "番号と場所" in text
    assert "①サロン1の集会所○サロン1" in text and "②サロン2の集会所○サロン2" in text
    assert "地図にないもの○サロン3" in text
    legend = _plan(store, council.id).legend
    sizes = [size for t, x, y, size in _runs(result.path)
             if legend.x0 - 1 <= x <= legend.x1 and legend.y0 <= y <= legend.y1]
    assert len(sizes) >= 6 and min(sizes) >= 10.5


@pytest.mark.slow
def test_long_legend_continues_on_a_second_page(store, council, tmp_path):
    _with_map(store, council.id)
    _add(store, council.id, [((i * 37 % 100) / 100, (i * 61 % 100) / 100 * .7 + i / 1000)
                             for i in range(300)])
    result = _print(store, council.id, tmp_path / "map.pdf")
    pages = [flat(t) for t in page_texts(result.path)]
    assert result.pages == len(pages) >= 2
    assert set(page_sizes(result.path)) == {A4_LANDSCAPE}
    assert "番号と場所（つづき）" not in pages[0]
    assert all("番号と場所（つづき）" in p for p in pages[1:])
    everything = "".join(pages)
    for i in range(300):
        assert f"○サロン{i + 1}" in everything, i
    body = _plan(store, council.id).body
    for page in range(1, result.pages):  # everything above the footer
        assert min(size for _, _, y, size in _runs(result.path, page) if y >= body.y0) >= 10.5
    assert len(_pin_boxes(result.path)) == 300


def test_note_says_where_the_map_is_from_and_about_latitude_longitude(store, council, tmp_path):
    _with_map(store, council.id)
    _add(store, council.id, [(.5, .5)])
    before = flat(page_texts(_print(store, council.id, tmp_path / "a.pdf").path)[0])
    assert "地図:テスト地区の地図（出典:市の地図.png）" in before and "緯度・経度" not in before
    area_map.set_reference_points(store, council.id, [
        area_map.ReferencePoint(.1, .1, 36.35, 138.95), area_map.ReferencePoint(.9, .9, 36.33, 138.99)])
    after = flat(page_texts(_print(store, council.id, tmp_path / "b.pdf").path)[0])
    assert "緯度・経度つきで書き出せます" in after


@pytest.mark.slow
def test_council_of_real_size_with_a_scanned_map(stress_template, tmp_path):
    """西部中央地区: 300 resources pinned at 100 places, a JPEG scan; nothing overprints."""
    import shutil

    from app.services.stress import STRESS_COUNCIL

    db = shutil.copyfile(stress_template, tmp_path / "stress.sqlite3")
    with Store.open(db) as store:
        council_id = councils.find_council(store, STRESS_COUNCIL).id
        _with_map(store, council_id, (3000, 2250), "JPEG")
        for paper, size in (("A4", A4_LANDSCAPE), ("A3", A3_LANDSCAPE)):
            result = _print(store, council_id, tmp_path / f"{paper}.pdf", paper=paper)
            assert set(page_sizes(result.path)) == {size} and result.pages >= 2
            assert layout_faults(result.path) == []
            text = flat("".join(page_texts(result.path)))
            assert all(flat(r.name) in text for r in resources.list_resources(store, council_id))
            ((frame, _),) = _images(result.path)
            boxes = _pin_boxes(result.path)
            assert len(boxes) == 100 and all(_inside(b, frame) for b in boxes.values())


# --- without a map -----------------------------------------------------------------------------

def test_without_a_map_a_plain_frame_and_how_to_add_one(store, council, tmp_path):
    _add(store, council.id, [(0, 0), (1, 1), (.5, .5), None])
    result = _print(store, council.id, tmp_path / "map.pdf")
    assert page_sizes(result.path) == [A4]
    assert _images(result.path) == []
    text = flat(page_texts(result.path)[0])
    assert "枠の中の位置はおおよその目安" in text and "地図にないもの" in text
    assert any("地図の画像が登録されていない" in w and "「地図」タブ" in w for w in result.warnings)
    frame = _plan(store, council.id).frame
    for box in _pin_boxes(result.path).values():
        assert _inside(box, (frame.x0, frame.y0, frame.x1, frame.y1))


def test_no_resources_is_a_clear_error(store, council, tmp_path):
    with pytest.raises(PrintError, match="社会資源が登録されていません"):
        _print(store, council.id, tmp_path / "map.pdf")


# --- the command line -------------------------------------------------------------------------

@pytest.mark.slow
def test_cli_prints_the_stored_map_on_a3(db_path, tmp_path):
    with Store.open(db_path) as store:
        council = councils.create_council(store, {"name": "地図地区", "tier": 2})
        _with_map(store, council.id, (1600, 1000), "JPEG")
        _add(store, council.id, [(.2, .2), (.8, .7)])
    out = tmp_path / "out.pdf"
    done = subprocess.run([sys.executable, "-m", "app", "--db", str(db_path), "print", "resource-map",
                           "--council", "地図地区", "-o", str(out), "--paper", "A3"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr
    assert page_sizes(out) == [A3_LANDSCAPE] and "1ページ" in done.stdout
    assert len(_images(out)) == 1 and set(_pin_boxes(out)) == {1, 2}
    bad = subprocess.run([sys.executable, "-m", "app", "--db", str(db_path), "print", "flyer",
                          "--council", "地図地区", "-o", str(out), "--paper", "A3"],
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert bad.returncode == 1 and "「--paper」の指定は flyer" in bad.stderr
