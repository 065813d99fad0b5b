"""The window's 「印刷」 path with a 200-page document from the stress council.

    python benchmarks/window_print_bench.py [--dpi-cap N]

Makes the stress council (`demo --stress`), prints its roster, 出欠表 and resource list (portrait
and landscape pages) joined into one document of 200+ pages, then sends it through the same
`print_pdf` the 印刷 page uses to a QPrinter(HighResolution) writing a PDF (the same QPrinter a
real driver gets, 1,200 dpi). Prints seconds per page and the process's peak memory.
Targets: <= 0.25 s per page, peak <= 400 MB.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def stress_document(folder: Path) -> bytes:
    """The stress council's roster + 出欠表 + resource list, joined, as one PDF."""
    from pypdf import PdfWriter

    from app.printing import render_bytes
    from app.services.stress import load_stress
    from app.store import Store

    store = Store.open(folder / "stress.sqlite3", create=True)
    try:
        council_id = load_stress(store)
        writer = PdfWriter()
        for kind in ("roster", "attendance", "resources"):
            data, _result = render_bytes(store, kind, council_id)
            writer.append(io.BytesIO(data))
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi-cap", type=int, default=None)
    parser.add_argument("--colour", action="store_true", help="print in colour, not grayscale")
    args = parser.parse_args()

    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from app.ui.print_job import DPI_CAP, preset, print_pdf

    app = QApplication.instance() or QApplication([])  # noqa: F841 (QPrinter needs one)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = stress_document(folder)
        before = rss_mb()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(folder / "printed.pdf"))
        preset(printer, colour=args.colour, booklet=False)  # as the 印刷 page does
        cap = args.dpi_cap or DPI_CAP
        start = time.perf_counter()
        pages = print_pdf(data, printer, dpi_cap=cap)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = (folder / "printed.pdf").stat().st_size / 2**20
    mode = "colour" if args.colour else "grayscale"
    print(f"pages sent: {pages} at {cap} dpi, {mode} (printer {printer.resolution()} dpi)")
    print(f"seconds: {seconds:.1f} = {seconds / pages:.3f} s per page (target <= 0.25)")
    print(f"memory: {before:.0f} MB before printing, peak {peak:.0f} MB (target <= 400)")
    print(f"printed PDF: {size:.0f} MB")


if __name__ == "__main__":
    main()
