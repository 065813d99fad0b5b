"""Storing a council's area map from a large scan or photo.

    python benchmarks/map_store_bench.py

Makes a 4,000×3,000 "photo of a paper map" (drawn streets and names, a paper texture, camera
noise, saved as a JPEG at quality 92 as phones do) and a 2,480×3,508 "scan" of an A4 map as a
PDF page, then measures read_image + set_map into a fresh database, best of 3:
- 4,000×3,000 JPEG to the stored map                      target < 1 s
- the stored size                                         target ≤ 2 MB per council
and prints the stored pixel size and format. Also the demo's drawn map (PNG).
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw, ImageFilter

from app.services import area_map, councils
from app.services.demo_map import demo_map_png
from app.store import Store


def paper_map(size: tuple[int, int]) -> Image.Image:
    rng = random.Random(7)
    w, h = size
    image = Image.new("RGB", size, (236, 232, 220))
    d = ImageDraw.Draw(image)
    for _ in range(260):  # blocks of houses
        x, y = rng.randrange(w), rng.randrange(h)
        d.rectangle([x, y, x + rng.randrange(40, 160), y + rng.randrange(30, 120)],
                    fill=(rng.randrange(200, 240), rng.randrange(190, 230), rng.randrange(170, 210)),
                    outline=(90, 90, 90), width=2)
    for i in range(0, w, 180):
        d.line([(i, 0), (i + rng.randrange(-200, 200), h)], fill=(255, 255, 255), width=rng.choice((10, 18, 30)))
    for i in range(0, h, 160):
        d.line([(0, i), (w, i + rng.randrange(-150, 150))], fill=(255, 255, 255), width=rng.choice((10, 18)))
    for _ in range(400):  # names and house numbers
        x, y = rng.randrange(w), rng.randrange(h)
        d.text((x, y), f"{rng.randrange(1, 40)}-{rng.randrange(1, 20)}", fill=(40, 40, 40))
    image = image.filter(ImageFilter.GaussianBlur(1.2))  # a camera's softness
    noise = Image.effect_noise(size, 18).convert("RGB")
    return Image.blend(image, noise, 0.08)


def best(fn, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    photo = io.BytesIO()
    paper_map((4000, 3000)).save(photo, "JPEG", quality=92)
    scan = paper_map((2480, 3508))
    pdf = io.BytesIO()
    scan.save(pdf, "PDF", resolution=300)
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "bench.sqlite3") as store:
        council = councils.create_council(store, {"name": "測定地区", "tier": 2})
        for label, data in (("4,000×3,000 JPEG (photo)", photo.getvalue()),
                            ("A4 scan as a PDF page", pdf.getvalue()),
                            ("demo's drawn map (PNG)", demo_map_png())):
            seconds, stored = best(lambda d=data: area_map.set_map(
                store, council.id, area_map.read_image(d, "bench"), "bench"))
            target = "  (target < 1 s, ≤ 2 MB)" if "JPEG" in label else ""
            print(f"{label:28s} source {len(data) / 1e6:5.2f} MB -> {stored.width}×{stored.height} "
                  f"{stored.image_format.upper():4s} {len(stored.image) / 1e6:.2f} MB in {seconds:.2f} s{target}")


if __name__ == "__main__":
    main()
