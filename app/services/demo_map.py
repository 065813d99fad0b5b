"""The demo's area map: a plain, made-up map of 八幡地区 drawn here (roads, a river, the railway,
the places the demo's resources meet, 町内会 names), so the demo shows a real map without
borrowing anyone's. Drawn with Pillow and the bundled BIZ UD Gothic; a few flat colours, so it
is stored as a small palette PNG."""

from __future__ import annotations

import functools
import io

from app.store import bundle_root

SIZE = (2400, 1700)
PAPER, FIELD, ROAD, MAIN_ROAD, WATER, RAIL, INK, PLACE = (
    "#fbfaf5", "#eef3e4", "#ffffff", "#f6d98b", "#a8cbe8", "#555555", "#333333", "#e8b4a0")
NAME = "八幡地区の地図（見本）"
SOURCE = "見本の地図（実在の地図ではありません）"

# Places on the map (fractions of the image): the demo's resources pin these spots.
PLACES = (
    ("上町崎公民館", .32, .28),  # its name above: the railway runs just below
    ("八幡公民館", .45, .55),
    ("下大島集会所", .71, .62),
    ("上剣崎集会所", .22, .40),
    ("群馬八幡駅", .58, .30),
)
# Where each 町内会's name is written (also its pin on the map).
NEIGHBOURHOOD_PLACES = {
    "金井淵": (.12, .15), "上剣崎": (.14, .52), "下剣崎": (.26, .74), "下大島": (.78, .72),
    "町屋": (.86, .40), "群馬八幡": (.66, .20), "八幡1": (.40, .40), "八幡2": (.52, .66),
    "八幡3": (.36, .88), "八幡4": (.62, .86), "若田": (.90, .12),
}
# Two made-up reference points, so the demo shows latitude/longitude export.
REFERENCES = ((.05, .05, 36.345, 138.925), (.95, .95, 36.315, 138.985))


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    name = "BIZUDGothic-Bold.ttf" if bold else "BIZUDGothic-Regular.ttf"
    return ImageFont.truetype(str(bundle_root() / "resources" / "fonts" / name), size)


@functools.cache
def demo_map_png() -> bytes:
    from PIL import Image, ImageDraw

    w, h = SIZE
    image = Image.new("RGB", SIZE, PAPER)
    d = ImageDraw.Draw(image)

    def p(x: float, y: float) -> tuple[int, int]:
        return round(x * w), round(y * h)

    # Fields and the river (碓氷川 in spirit, not in shape) along the south.
    d.rectangle([p(0, 0), p(1, 1)], fill=FIELD)
    river = [p(0, .93), p(.2, .90), p(.4, .95), p(.6, .92), p(.8, .97), p(1, .94)]
    d.line(river, fill=WATER, width=70, joint="curve")
    # Streets: a loose grid, then two main roads and the railway on top.
    for x in (.1, .22, .34, .46, .58, .70, .82, .94):
        d.line([p(x, .05), p(x + .02, .88)], fill=ROAD, width=14)
    for y in (.12, .26, .40, .54, .68, .80):
        d.line([p(.03, y), p(.97, y + .01)], fill=ROAD, width=14)
    d.line([p(0, .47), p(.3, .45), p(.6, .49), p(1, .46)], fill=MAIN_ROAD, width=34, joint="curve")
    d.line([p(.5, 0), p(.47, .4), p(.5, .7), p(.46, 1)], fill=MAIN_ROAD, width=30, joint="curve")
    rail = [p(0, .33), p(.4, .31), p(.7, .29), p(1, .27)]
    d.line(rail, fill=RAIL, width=12)
    for i in range(41):  # the railway's ties
        x = i / 40
        y = .33 - .06 * x
        d.line([p(x, y - .008), p(x, y + .008)], fill=RAIL, width=4)

    label, small = _font(44, bold=True), _font(30)
    road_font = _font(28)
    d.text(p(.80, .455), "県道", font=road_font, fill=INK, anchor="mm")
    d.text(p(.52, .10), "市道", font=road_font, fill=INK, anchor="lm")
    d.text(p(.14, .905), "川", font=label, fill="#3a6f9a", anchor="mm")
    d.text(p(.86, .255), "JR線", font=road_font, fill=INK, anchor="mm")
    for name, x, y in PLACES:
        cx, cy = p(x, y)
        d.rectangle([cx - 26, cy - 20, cx + 26, cy + 20], fill=PLACE, outline=INK, width=3)
        above = name == "上町崎公民館"
        d.text((cx, cy - 34) if above else (cx, cy + 34), name, font=small, fill=INK,
               anchor="md" if above else "ma", stroke_width=5, stroke_fill=PAPER)
    for name, (x, y) in NEIGHBOURHOOD_PLACES.items():
        d.text(p(x, y), name, font=label, fill="#6b4f2a", anchor="mm",
               stroke_width=6, stroke_fill=PAPER)
    # North arrow and a scale bar with no claim to a real scale.
    nx, ny = p(.95, .78)
    d.polygon([(nx, ny - 60), (nx - 22, ny + 10), (nx + 22, ny + 10)], fill=INK)
    d.text((nx, ny + 40), "北", font=label, fill=INK, anchor="mm")
    d.text(p(.02, .985), "見本の地図（実在の地図ではありません）", font=road_font, fill=INK, anchor="ld")

    out = io.BytesIO()
    image.quantize(32).save(out, "PNG", optimize=True)
    return out.getvalue()
