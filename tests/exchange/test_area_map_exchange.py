"""The council's map and the pins in the coordinator's file: they travel byte for byte, merge
like other rows (an edit, a removal, two PCs each with a map), an anonymised file keeps them,
a damaged or hostile image is refused naming the sheet and row, and files written before maps
travelled still import."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import random
import shutil
import struct
import time
import zlib

import openpyxl
import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from app.exchange import map_sheet
from app.exchange import sheets as S
from app.exchange.conflicts import conflicts, resolve
from app.exchange.export_file import export_councils
from app.exchange.merge import ImportFailed, import_files
from app.exchange.reading import Problems, read_file
from app.models import SyncBase
from app.services import area_map, councils, members, neighbourhoods, resources
from app.services.area_map import ReferencePoint
from app.store import Store
from tests.exchange.conftest import edit_cells, settled, sheet_dicts

POINTS = [ReferencePoint(.1, .1, 36.345, 138.925), ReferencePoint(.9, .9, 36.315, 138.985)]
PINS = {"サロン": (.25, .4), "体操": (.7, .65), "配食": None}
LABELS = {"本町1": (.2, .2), "本町2": (.8, .3), "本町3": None}


def drawn_map(colour: str = "#f6d98b", size: tuple[int, int] = (1200, 800)) -> area_map.PreparedImage:
    image = Image.new("RGB", size, "#fbfaf5")
    d = ImageDraw.Draw(image)
    for x in range(0, size[0], 90):
        d.line([(x, 0), (x + 200, size[1])], fill="#ffffff", width=12)
    d.line([(0, size[1] // 2), (size[0], size[1] // 3)], fill=colour, width=30)
    out = io.BytesIO()
    image.save(out, "PNG")
    return area_map.read_image(out.getvalue(), "本町の地図.png")


def photo_map() -> area_map.PreparedImage:
    """A scan-like image that stays near the 2 MB a stored map may have."""
    noise = random.Random(7).randbytes(1800 * 1300 * 3)
    image = Image.frombytes("RGB", (1800, 1300), noise).resize((3000, 2200), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return area_map.read_image(out.getvalue(), "scan.jpg")


def setup_council(store: Store, image: area_map.PreparedImage) -> str:
    council = councils.create_council(store, {"name": "本町地区", "tier": 2})
    for name, spot in LABELS.items():
        nb = neighbourhoods.create_neighbourhood(store, council.id, {"name": name})
        if spot:
            area_map.set_neighbourhood_position(store, nb.id, *spot)
    for name, spot in PINS.items():
        resources.create_resource(store, council.id, {"name": name, "venue": "本町公民館",
                                                      "map_x": spot and spot[0], "map_y": spot and spot[1]})
    members.create_member(store, council.id, {"name": "山田 花子", "phone": "090-0000-0001"})
    area_map.set_map(store, council.id, image, "本町の地図.png", "本町地区の地図")
    area_map.set_reference_points(store, council.id, POINTS)
    return council.id


def picture(store: Store, council_name: str = "本町地区") -> dict:
    """The map (every column but the row's times) and every pin, as stored."""
    council = councils.find_council(store, council_name)
    m = area_map.get_map(store, council.id)
    return {
        "map": dataclasses.asdict(m) if m else None,
        "pins": {r.name: (r.map_x, r.map_y) for r in resources.list_resources(store, council.id)},
        "labels": {n.name: (n.map_x, n.map_y) for n in neighbourhoods.list_neighbourhoods(store, council.id)},
    }


@pytest.fixture
def pc_a(store):
    setup_council(store, drawn_map())
    return store


@pytest.fixture
def pc_b(tmp_path, template_db):
    with Store.open(shutil.copyfile(template_db, tmp_path / "b.sqlite3")) as opened:
        yield opened


def export(store: Store, path, **options):
    export_councils(store, path, [councils.find_council(store, "本町地区").id], **options)
    return path


@pytest.mark.slow
def test_map_and_pins_arrive_byte_for_byte_and_a_second_import_changes_nothing(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    report = import_files(pc_b, [path])
    assert report.sheets["地図"].added == 1 and not report.conflicts
    sent, got = picture(pc_a), picture(pc_b)
    assert got == sent
    stored = got["map"]
    assert hashlib.sha256(stored["image"]).digest() == hashlib.sha256(area_map.get_map(
        pc_a, councils.find_council(pc_a, "本町地区").id).image).digest()
    assert (stored["image_format"], stored["width"], stored["height"]) == ("png", 1200, 800)
    assert area_map.get_map(pc_b, councils.find_council(pc_b, "本町地区").id).located
    assert got["labels"]["本町1"] == (.2, .2) and got["labels"]["本町3"] == (None, None)
    assert got["pins"]["体操"] == (.7, .65) and got["pins"]["配食"] == (None, None)

    again = import_files(pc_b, [path])
    assert not again.changed and again.sheets["地図"].unchanged == 1
    assert picture(pc_b) == sent


@pytest.mark.slow
def test_the_file_shows_the_map_row_and_keeps_the_image_in_a_hidden_sheet(pc_a, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    rows = list(wb["地図"].iter_rows(values_only=True))
    header = dict(zip(rows[0], rows[1], strict=False))
    assert header["地図の名前"] == "本町地区の地図" and header["画像の形式"] == "png"
    assert (header["幅（画素）"], header["高さ（画素）"]) == (1200, 800)
    assert (header["基準点1（緯度）"], header["基準点2（経度）"]) == (36.345, 138.985)
    assert wb[map_sheet.IMAGE_SHEET].sheet_state == "hidden"
    image = wb[map_sheet.IMAGE_SHEET]
    text = "".join(r[2] for r in image.iter_rows(min_row=2, values_only=True))
    assert base64.b64decode(text) == area_map.get_map(pc_a, councils.find_council(pc_a, "本町地区").id).image
    assert all(len(r[2]) <= 32_767 for r in image.iter_rows(min_row=2, values_only=True))
    labels = {r["町内会名"]: (r["地図の位置（横）"], r["地図の位置（縦）"]) for r in sheet_dicts(path, "町内会")}
    assert labels == {"本町1": (.2, .2), "本町2": (.8, .3), "本町3": (None, None)}


@pytest.mark.slow
def test_a_replaced_map_merges_and_a_removal_travels_as_a_deletion(pc_a, pc_b, tmp_path):
    import_files(pc_b, [export(pc_a, tmp_path / "1.xlsx")])
    council_a = councils.find_council(pc_a, "本町地区").id
    council_b = councils.find_council(pc_b, "本町地区").id
    new_image = drawn_map("#a8cbe8", (1000, 900))
    area_map.set_map(pc_a, council_a, new_image, "新しい地図.png", "本町地区の新しい地図")
    report = import_files(pc_b, [export(pc_a, tmp_path / "2.xlsx")])
    assert report.sheets["地図"].updated == 1 and not report.conflicts
    got = area_map.get_map(pc_b, council_b)
    assert got.image == new_image.data and (got.width, got.height) == (1000, 900)
    assert got.source == "新しい地図.png" and not got.located  # a new image clears the points
    assert picture(pc_b) == picture(pc_a)

    area_map.remove_map(pc_a, council_a)
    report = import_files(pc_b, [export(pc_a, tmp_path / "3.xlsx")])
    assert report.sheets["地図"].deleted == 1 and not report.conflicts
    assert area_map.get_map(pc_b, council_b) is None
    assert picture(pc_b)["pins"] == picture(pc_a)["pins"]  # the pins stay for a next map


@pytest.mark.slow
def test_an_edit_on_the_coordinators_side_comes_back(pc_a, pc_b, tmp_path):
    """B (the coordinator) sets the reference points again; A reads B's file and has them."""
    import_files(pc_b, [export(pc_a, tmp_path / "1.xlsx")])
    council_b = councils.find_council(pc_b, "本町地区").id
    moved = [ReferencePoint(.2, .2, 36.34, 138.93), POINTS[1]]
    area_map.set_reference_points(pc_b, council_b, moved)
    report = import_files(pc_a, [export(pc_b, tmp_path / "2.xlsx")])
    assert report.sheets["地図"].updated == 1 and not report.conflicts
    got = area_map.get_map(pc_a, councils.find_council(pc_a, "本町地区").id)
    assert (got.ref1_x, got.ref1_lat, got.ref1_lon) == (.2, 36.34, 138.93)


@pytest.mark.slow
def test_two_pcs_with_a_map_each_keep_the_later_one_on_both(pc_a, pc_b, tmp_path):
    council_a = councils.find_council(pc_a, "本町地区").id
    area_map.remove_map(pc_a, council_a)
    import_files(pc_b, [export(pc_a, tmp_path / "1.xlsx")])
    council_b = councils.find_council(pc_b, "本町地区").id
    area_map.set_map(pc_a, council_a, drawn_map("#ff0000"), "a.png")
    later = drawn_map("#0000ff")
    area_map.set_map(pc_b, council_b, later, "b.png")
    from_a, from_b = export(pc_a, tmp_path / "a.xlsx"), export(pc_b, tmp_path / "b.xlsx")

    on_b = import_files(pc_b, [from_a])
    assert area_map.get_map(pc_b, council_b).image == later.data
    assert any("（a.png）は、こちらの地図のほうが後に直されているので読み込みませんでした" in n
               for n in on_b.notes), on_b.notes
    on_a = import_files(pc_a, [from_b])
    assert area_map.get_map(pc_a, council_a).image == later.data
    assert any("こちらの「本町地区の地図」（a.png）より後に直された、ファイルの「本町地区の地図」（b.png）にしました"
               in n for n in on_a.notes), on_a.notes
    assert on_a.sheets["地図"].added == 1
    # A's own map went, and that deletion reaches B as nothing to do: both hold B's map.
    import_files(pc_b, [export(pc_a, tmp_path / "a2.xlsx")])
    assert picture(pc_a) == picture(pc_b)


@pytest.mark.slow
def test_an_anonymised_file_keeps_the_map_and_the_pins(pc_a, pc_b, tmp_path):
    import_files(pc_b, [export(pc_a, tmp_path / "anon.xlsx", anonymize=True)])
    assert picture(pc_b) == picture(pc_a)
    council_b = councils.find_council(pc_b, "本町地区").id
    assert [m.name for m in members.list_members(pc_b, council_b)] == [S.WITHHELD]


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def _put_image(path, data: bytes, *, fix_hash: bool = True) -> None:
    """Replace the map's image in the file as a forger would: new base64 rows, each row's own
    hash recomputed, and (unless told not to) the 地図 row's hash too."""
    wb = openpyxl.load_workbook(path)
    ws = wb[map_sheet.IMAGE_SHEET]
    map_id = ws.cell(row=2, column=1).value
    ws.delete_rows(2, ws.max_row)
    text = base64.b64encode(data).decode("ascii")
    for number, start in enumerate(range(0, len(text), map_sheet.IMAGE_CHUNK), start=1):
        piece = text[start:start + map_sheet.IMAGE_CHUNK]
        ws.append([map_id, number, piece, map_sheet._piece_hash(piece)])
    if fix_hash:
        sheet = wb["地図"]
        column = [c.value for c in sheet[1]].index("画像の照合用") + 1
        sheet.cell(row=2, column=column).value = map_sheet.image_hash(data)
    wb.save(path)


def _garbage_row(path, *, fix_row_hash: bool) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[map_sheet.IMAGE_SHEET]
    ws.cell(row=2, column=3).value = "これはbase64ではありません!!"
    if fix_row_hash:
        ws.cell(row=2, column=4).value = map_sheet._piece_hash("これはbase64ではありません!!")
    wb.save(path)


def _truncated(path) -> None:
    data = drawn_map().data
    _put_image(path, data[:len(data) // 2])


CORRUPTIONS = {
    "garbage base64": (lambda p: _garbage_row(p, fix_row_hash=True), "シート「_地図の画像」 2行目「画像（base64）」",
                       "base64 として読めません"),
    "a changed row": (lambda p: _garbage_row(p, fix_row_hash=False), "シート「_地図の画像」 2行目",
                      "このシートは変更しないでください"),
    "30000x30000 header": (lambda p: _put_image(p, _png_header(30_000, 30_000)), "シート「地図」 2行目",
                           "画素数が多すぎます"),
    "a truncated PNG": (_truncated, "シート「地図」 2行目", "途中で壊れて"),
    "4000x100 header": (lambda p: _put_image(p, _png_header(4_000, 100)), "シート「地図」 2行目",
                        "4,000×100 画素"),
    "not an image": (lambda p: _put_image(p, b"name,phone\n" * 100), "シート「地図」 2行目", "画像として読めません"),
    "image without its hash": (lambda p: _put_image(p, drawn_map("#00ff00").data, fix_hash=False),
                               "シート「地図」 2行目", "照合用の値と合いません"),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
@pytest.mark.slow
def test_a_damaged_or_hostile_image_is_refused_naming_sheet_and_row(pc_a, pc_b, tmp_path, kind):
    damage, where, words = CORRUPTIONS[kind]
    import_files(pc_b, [export(pc_a, tmp_path / "1.xlsx")])  # B has a map to lose
    area_map.set_map(pc_a, councils.find_council(pc_a, "本町地区").id, drawn_map("#123456"))
    path = export(pc_a, tmp_path / "2.xlsx")
    damage(path)
    before = settled(pc_b)
    with pytest.raises(ImportFailed) as err:
        import_files(pc_b, [path])
    message = "\n".join(err.value.problems)
    assert where in message and words in message, message
    assert "データベースは変えていません" in str(err.value)
    assert settled(pc_b) == before


@pytest.mark.slow
def test_a_map_too_large_for_the_file_is_refused_before_decoding(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "big.xlsx")
    _put_image(path, b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(area_map.MAX_STORED))
    before = settled(pc_b)
    with pytest.raises(ImportFailed, match="シート「地図」 2行目「地図の画像」: 画像が大きすぎます"):
        import_files(pc_b, [path])
    assert settled(pc_b) == before


def _old_format(path) -> None:
    """As the version before maps travelled wrote it: no 地図 sheets, no 町内会 map columns, and
    the 町内会 stamps' digests computed over the old columns."""
    wb = openpyxl.load_workbook(path)
    for title in ("地図", map_sheet.IMAGE_SHEET):
        del wb[title]
    ws = wb["町内会"]
    headers = [c.value for c in ws[1]]
    for header in ("地図の位置（縦）", "地図の位置（横）"):
        ws.delete_cols(headers.index(header) + 1)
        headers.remove(header)
    old = dataclasses.replace(S.NEIGHBOURHOODS, columns=tuple(c for c in S.NEIGHBOURHOODS.columns
                                                              if not c.optional))
    parser = S.RowParser(old)
    at = {h: i for i, h in enumerate(headers)}
    for row in ws.iter_rows(min_row=2):
        cells = [row[at[c.header]].value for c in old.columns]
        values, withheld, _errors = parser.parse(cells)
        stamp = row[at[S.STAMP_HEADER]]
        created, updated, _digest, base = stamp.value.split("|")
        stamp.value = "|".join((created, updated, parser.digest(values, withheld), base))
    wb.save(path)


@pytest.mark.slow
def test_a_file_written_before_maps_travelled_still_imports_and_keeps_the_pins(pc_a, pc_b, tmp_path):
    import_files(pc_b, [export(pc_a, tmp_path / "1.xlsx")])
    old = export(pc_a, tmp_path / "old.xlsx")
    _old_format(old)
    parsed = read_file(old, None, Problems())
    assert parsed.rows["neighbourhood"] and not any(r.edited for r in parsed.rows["neighbourhood"])
    assert "map_x" not in parsed.rows["neighbourhood"][0].values  # so the stored places stay
    before = picture(pc_b)
    report = import_files(pc_b, [old])
    assert not report.changed and report.sheets["町内会"].unchanged == 3, report.sheets["町内会"]
    assert picture(pc_b) == before  # the map and the 町内会 places stay


@pytest.mark.slow
def test_an_old_file_into_a_new_database(pc_a, tmp_path, template_db):
    old = export(pc_a, tmp_path / "old.xlsx")
    _old_format(old)
    with Store.open(shutil.copyfile(template_db, tmp_path / "new.sqlite3")) as fresh:
        report = import_files(fresh, [old])
        assert report.sheets["町内会"].added == 3 and report.sheets["地図"].added == 0
        got = picture(fresh)
    assert got["map"] is None and set(got["labels"].values()) == {(None, None)}
    assert got["pins"] == picture(pc_a)["pins"]


@pytest.mark.slow
def test_a_place_set_after_an_upgrade_is_taken_without_a_conflict(pc_a, pc_b, tmp_path):
    """Bases both PCs agreed on before 町内会 had places do not know the new fields: the later
    edit decides, and no person is asked."""
    import_files(pc_b, [export(pc_a, tmp_path / "1.xlsx")])
    for store in (pc_a, pc_b):
        with store.session() as s:
            for row in s.scalars(select(SyncBase).where(SyncBase.table_name == "neighbourhood")):
                row.hashes = ";".join(p for p in row.hashes.split(";") if not p.startswith("map_"))
    council_a = councils.find_council(pc_a, "本町地区").id
    nb = next(n for n in neighbourhoods.list_neighbourhoods(pc_a, council_a) if n.name == "本町3")
    area_map.set_neighbourhood_position(pc_a, nb.id, .5, .9)
    report = import_files(pc_b, [export(pc_a, tmp_path / "2.xlsx")])
    assert not report.conflicts and report.sheets["町内会"].updated == 1
    assert picture(pc_b)["labels"]["本町3"] == (.5, .9)


@pytest.mark.slow
def test_a_map_of_two_megabytes_travels(store, tmp_path, template_db):
    image = photo_map()
    assert 1_500_000 < len(image.data) <= area_map.MAX_STORED and image.image_format == "jpeg"
    setup_council(store, image)
    path = export(store, tmp_path / "big.xlsx")
    with Store.open(shutil.copyfile(template_db, tmp_path / "b.sqlite3")) as b:
        import_files(b, [path])
        assert picture(b) == picture(store)
    assert path.stat().st_size < 3 * len(image.data)


@pytest.mark.slow
def test_an_edited_reference_point_in_excel_is_checked(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    edit_cells(path, "地図", {(2, "基準点2（経度）"): 138.9})  # west of point 1 while right of it
    with pytest.raises(ImportFailed, match="シート「地図」 2行目「地図の基準点」: 経度が地図の左右と逆"):
        import_files(pc_b, [path])
    edit_cells(path, "地図", {(2, "基準点2（経度）"): None})
    with pytest.raises(ImportFailed, match="4つを入れてください"):
        import_files(pc_b, [path])


@pytest.mark.slow
def test_demo_export_and_import_times(demo_store, tmp_path, template_db):
    """The demo with a 2 MB map on 八幡: how long writing and reading the city's file takes."""
    yawata = councils.find_council(demo_store, "八幡")
    image = photo_map()
    area_map.set_map(demo_store, yawata.id, image, "scan.jpg")
    start = time.perf_counter()
    export_councils(demo_store, tmp_path / "demo.xlsx")
    written = time.perf_counter() - start
    with Store.open(shutil.copyfile(template_db, tmp_path / "b.sqlite3")) as b:
        start = time.perf_counter()
        import_files(b, [tmp_path / "demo.xlsx"])
        read = time.perf_counter() - start
        assert area_map.get_map(b, councils.find_council(b, "八幡").id).image == \
            area_map.get_map(demo_store, yawata.id).image
    size = (tmp_path / "demo.xlsx").stat().st_size
    print(f"demo + {len(image.data) / 1e6:.2f} MB map: export {written:.2f} s, import {read:.2f} s, "
          f"file {size / 1e6:.2f} MB")
    assert written < 10 and read < 15


@pytest.mark.slow
def test_the_same_map_replaced_on_both_pcs_is_listed_and_converges(pc_a, pc_b, tmp_path):
    """Both replaced the image of the one map since they last agreed: the later wins on both
    PCs, and a person sees it in words (the image's size, not its bytes)."""
    import_files(pc_b, [export(pc_a, tmp_path / "1.xlsx")])
    council_a = councils.find_council(pc_a, "本町地区").id
    council_b = councils.find_council(pc_b, "本町地区").id
    area_map.set_map(pc_a, council_a, drawn_map("#ff0000"), "a.png")
    later = drawn_map("#0000ff", (900, 900))
    area_map.set_map(pc_b, council_b, later, "b.png")
    from_a, from_b = export(pc_a, tmp_path / "a.xlsx"), export(pc_b, tmp_path / "b.xlsx")
    report = import_files(pc_b, [from_a])
    assert report.conflicts and area_map.get_map(pc_b, council_b).image == later.data
    import_files(pc_a, [from_b])
    assert picture(pc_a) == picture(pc_b)
    listed = next(c for c in conflicts(pc_b) if c.sheet == "地図")
    image = next(f for f in listed.fields if f.name == "地図の画像")
    assert image.kept.startswith("画像（") and image.kept.endswith(" KB）") and image.other != image.kept
    done = resolve(pc_b, listed.key, "other")
    assert "地図の画像は戻せません" in done
    kept = area_map.get_map(pc_b, council_b)
    assert (kept.image, kept.source) == (later.data, "b.png")  # the image and its file stay together


@pytest.mark.slow
def test_more_map_rows_than_councils_are_refused_before_any_is_decoded(pc_a, pc_b, tmp_path):
    path = export(pc_a, tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(path)
    sheet = wb["地図"]
    copy = [c.value for c in sheet[2]]
    copy[0] = "00000000-0000-4000-8000-000000000001"
    sheet.append(copy)
    wb.save(path)
    with pytest.raises(ImportFailed, match="シート「地図」 3行目: 地図が2行あります。地図は協議体に一つなので、"
                                           "このファイルでは1行までです"):
        import_files(pc_b, [path])
