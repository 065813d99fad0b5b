"""Printing figures for issue 4.

    python benchmarks/print_bench.py

1. A 40-page supporters' handbook (the demo's 八幡 plus synthetic members who consented to be
   listed), rendered through app.printing, against raw reportlab drawing the same pages in the
   same run: every canvas call our render makes is recorded, then replayed on a plain Canvas
   (same fonts, same strings, same positions, same compression). Targets: <= 1 s and <= 4x.
2. A 回覧 flyer (協議体が発足しました, and the longest template). Target: <= 0.3 s.
3. One preview page (the flyer) rendered to an image with pypdfium2, as the window's print
   preview does. Target: <= 100 ms.

Times are the median wall-clock of several runs (CPU time beside it) after one warm-up (fonts registered, imports done), which is
what a user sees from the second print on; the first print in a session also pays about 0.15 s
for reading the three font files.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.pdfgen.canvas import Canvas

from app.printing import handbook as handbook_module
from app.printing import render
from app.printing.base import Job, collecting
from app.printing.fonts import GOTHIC, register_fonts
from app.services import councils, demo, members
from app.store import Store

RUNS = 5
TARGET_PAGES = 40

# Canvas calls that put something on a page; anything else a Canvas does internally is a
# consequence of these.
DRAWING_CALLS = (
    "saveState", "restoreState", "translate", "scale", "rotate", "transform", "setFont",
    "setFillColor", "setStrokeColor", "setFillGray", "setStrokeGray", "setLineWidth",
    "setLineCap", "setLineJoin", "setDash", "drawString", "drawCentredString",
    "drawRightString", "line", "lines", "rect", "roundRect", "circle", "ellipse", "drawImage",
    "drawPath", "showPage",
)


class RecordingCanvas(Canvas):
    """A Canvas that also keeps a log of the top-level drawing calls made on it."""

    log: list[tuple[str, tuple, dict]] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._depth = 0
        RecordingCanvas.log = []


def _recorder(name: str):
    original = getattr(Canvas, name)

    def call(self, *args, **kwargs):
        if self._depth == 0:
            RecordingCanvas.log.append((name, args, kwargs))
        self._depth += 1
        try:
            return original(self, *args, **kwargs)
        finally:
            self._depth -= 1

    call.__name__ = name
    return call


for _name in DRAWING_CALLS:
    setattr(RecordingCanvas, _name, _recorder(_name))


def raw_replay(log: list[tuple[str, tuple, dict]], pagesize) -> bytes:
    """Raw reportlab: the same calls straight on a Canvas, no Platypus, no data, no wrapping."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=pagesize, initialFontName=GOTHIC, initialFontSize=10)
    for name, args, kwargs in log:
        getattr(canvas, name)(*args, **kwargs)
    canvas.save()
    return buffer.getvalue()


class Timing:
    """Median wall-clock and CPU seconds; CPU time shows the cost when the machine is busy."""

    def __init__(self, wall: list[float], cpu: list[float]) -> None:
        self.wall = statistics.median(wall)
        self.cpu = statistics.median(cpu)

    def __str__(self) -> str:
        return f"{self.wall * 1000:.0f} ms (CPU {self.cpu * 1000:.0f} ms)"


def median_time(fn, runs: int = RUNS) -> tuple[Timing, object]:
    fn()  # warm-up
    wall, cpu, result = [], [], None
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Timing(wall, cpu), result


def add_listed_members(store: Store, council_id: str, count: int, start: int) -> None:
    surnames = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
    kana = ("さとう", "すずき", "たかはし", "たなか", "いとう", "わたなべ", "やまもと", "なかむら",
            "こばやし", "かとう")
    given = ("花子", "太郎", "幸子", "茂", "和子", "博", "洋子", "進")
    given_kana = ("はなこ", "たろう", "さちこ", "しげる", "かずこ", "ひろし", "ようこ", "すすむ")
    raws = []
    for i in range(start, start + count):
        s, g = i % len(surnames), (i // len(surnames)) % len(given)
        raws.append({"name": f"{surnames[s]} {given[g]}{i}", "furigana": f"{kana[s]} {given_kana[g]}",
                     "is_thinker": True, "consent_handbook": True, "status": "活動中",
                     "roles": "住民"})
    members.create_members(store, council_id, raws)


def main() -> int:
    register_fonts()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        store = Store.open(tmp_path / "bench.sqlite3")
        try:
            demo.load_demo(store)
            council = councils.find_council(store, "八幡")
            out = tmp_path / "handbook.pdf"

            # Grow the member list until the handbook has at least TARGET_PAGES pages.
            added = 0
            pages = render(store, "handbook", council.id, out).pages
            while pages < TARGET_PAGES:
                step = max(8, (TARGET_PAGES - pages) * 15)
                add_listed_members(store, council.id, step, added)
                added += step
                pages = render(store, "handbook", council.id, out).pages

            ours, result = median_time(lambda: render(store, "handbook", council.id, out))
            job = Job(store, councils.get_council(store, council.id), dt.date.today(), {})
            with collecting():
                handbook_module.make(job, canvasmaker=RecordingCanvas)
            log = list(RecordingCanvas.log)
            from reportlab.lib.pagesizes import A5

            raw, raw_pdf = median_time(lambda: raw_replay(log, A5))
            ratio = ours.wall / raw.wall
            print(f"handbook: {result.pages} pages ({added} synthetic members added), "
                  f"app.printing {ours}, raw reportlab same pages {raw} "
                  f"({len(log)} canvas calls), ratio {ratio:.2f}x (CPU {ours.cpu / raw.cpu:.2f}x) "
                  f"[target <= 1000 ms and <= 4x]")
            ok &= ours.wall <= 1.0 and ratio <= 4.0

            flyer_out = tmp_path / "flyer.pdf"
            flyer, _ = median_time(lambda: render(store, "flyer", council.id, flyer_out,
                                                  template="launch"))
            print(f"flyer: {flyer} [target <= 300 ms]")
            ok &= flyer.wall <= 0.3
            # The newsletter needs the tightest type to fit one sheet: three layout passes.
            longest, _ = median_time(lambda: render(store, "flyer", council.id, tmp_path / "n.pdf",
                                                    template="newsletter"))
            print(f"flyer (協議体だより, three layout passes): {longest} [target <= 300 ms]")
            ok &= longest.wall <= 0.3

            import pypdfium2 as pdfium

            def preview():
                pdf = pdfium.PdfDocument(str(flyer_out))
                try:
                    page = pdf[0]
                    return page.render(scale=96 / 72).to_pil()  # 96 dpi: a screen preview
                finally:
                    pdf.close()

            shown, image = median_time(preview, runs=10)
            print(f"preview: page 1 of the flyer at 96 dpi ({image.width}x{image.height}) with "
                  f"pypdfium2 {shown} [target <= 100 ms]")
            ok &= shown.wall <= 0.1
        finally:
            store.close()
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
