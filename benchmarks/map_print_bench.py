"""Printing the 社会資源マップ with a full-size stored map and 300 pins (issue 11).

    python benchmarks/map_print_bench.py [--keep DIR]

Makes a database with 西部中央地区 (app/services/stress.py: 300 resources), gives each resource
a place of its own (300 pins, 30 of them crowding the top left corner), stores a 3000×2250 JPEG map for it (drawn here like a scanned city map: blocks, roads, a river,
grain; stored through area_map.read_image/set_map as a user's file would be), then renders
`resource-map` in this process on A4 and A3: the first render (fonts registered, modules
imported) and the median of the next runs, with the page count and the PDF's size.
Target: < 2 s per render. --keep DIR keeps the database and the PDFs there.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.printing import render
from app.services import area_map, resources
from app.services.stress import STRESS_COUNCIL, load_stress
from app.store import Store, bundle_root

RUNS = 5
SIZE = (3000, 2250)


def scanned_map(size: tuple[int, int] = SIZE, seed: int = 11) -> bytes:
    """A made-up city map as a scanner would give it (a JPEG with grain)."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    w, h = size
    image = Image.new("RGB", size, (246, 243, 232))
    d = ImageDraw.Draw(image)
    for _ in range(900):  # building blocks
        x, y = rng.randrange(w), rng.randrange(h)
        bw, bh = rng.randrange(30, 140), rng.randrange(30, 110)
        shade = rng.randrange(205, 232)
        d.rectangle([x, y, x + bw, y + bh], fill=(shade, shade - 6, shade - 14), outline=(150, 140, 130))
    for x in range(0, w, 210):
        d.line([(x + rng.randrange(-20, 20), 0), (x + rng.randrange(-40, 40), h)], fill="white", width=18)
    for y in range(0, h, 190):
        d.line([(0, y + rng.randrange(-20, 20)), (w, y + rng.randrange(-40, 40))], fill="white", width=18)
    d.line([(0, h * .55), (w * .4, h * .5), (w, h * .6)], fill=(245, 205, 120), width=46)
    d.line([(0, h * .9), (w * .3, h * .85), (w * .7, h * .93), (w, h * .88)], fill=(160, 200, 230), width=90)
    font = ImageFont.truetype(str(bundle_root() / "resources" / "fonts" / "BIZUDGothic-Bold.ttf"), 56)
    for i, name in enumerate(("上並榎", "緑が丘", "大橋", "石原", "西部中央", "南町", "北町", "東町")):
        d.text((w * (.1 + .11 * i), h * (.15 + .09 * (i % 4))), name, font=font, fill=(90, 70, 50),
               stroke_width=6, stroke_fill=(246, 243, 232))
    grain = Image.effect_noise(size, 18).convert("RGB")
    image = Image.blend(image, grain, 0.06)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", type=Path, help="keep the database and the PDFs in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "map-bench.sqlite3"
        db.unlink(missing_ok=True)
        with Store.open(db) as store:
            start = time.perf_counter()
            council_id = load_stress(store)
            source = scanned_map()
            stored = area_map.set_map(store, council_id, area_map.read_image(source, "scan.jpg"),
                                      source="scan.jpg")
            print(f"setup: {time.perf_counter() - start:.1f} s; map given {len(source) / 1e6:.1f} MB "
                  f"{SIZE[0]}×{SIZE[1]}, stored {len(stored.image) / 1e6:.2f} MB "
                  f"{stored.width}×{stored.height} {stored.image_format}")
            listed = resources.list_resources(store, council_id)
            for i, r in enumerate(listed):  # 300 places of their own; 30 crowd one corner
                if i % 10 == 0:
                    x, y = .01 + i // 10 % 6 * .012, .01 + i // 60 * .012
                else:
                    x, y = (.5 + .618034 * i) % 1, (.5 + .754878 * i) % 1
                resources.set_map_position(store, r.id, round(x, 3), round(y, 3))
            listed = resources.list_resources(store, council_id)
            pins = area_map.map_numbers(listed)
            print(f"{STRESS_COUNCIL}: {len(listed)} resources, {len(pins)} with a pin, "
                  f"{len(set(pins.values()))} pins (shared spots share one)")
            for paper in ("A4", "A3"):
                out = folder / f"resource-map-{paper}.pdf"
                times = []
                for _ in range(RUNS + 1):
                    t = time.perf_counter()
                    result = render(store, "resource-map", council_id, out, paper=paper)
                    times.append(time.perf_counter() - t)
                print(f"{paper}: first {times[0]:.2f} s, median {statistics.median(times[1:]):.2f} s "
                      f"(max {max(times[1:]):.2f}), {result.pages} pages, "
                      f"{out.stat().st_size / 1e6:.2f} MB PDF  (target < 2 s)")


if __name__ == "__main__":
    main()
