"""Every document of the stress council (西部中央地区), printed from the CLI as a user would.

    python benchmarks/stress_print_bench.py

Makes a fresh database with `demo --stress`, then runs `python -m app print KIND` once per
document kind (and per flyer template) and prints wall-clock seconds, pages and peak memory of
each process (the whole command: start-up, reading the data, layout, writing the PDF).
Target: each <= 3 s.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNCIL = "西部中央地区"
JOBS = [("flyer", t) for t in ("launch", "meeting", "recruit", "newsletter")] + [
    (k, None) for k in ("handbook", "booklet", "resources", "resource-map", "needs",
                        "survey-results", "survey-form", "roster", "attendance")]


def run(args: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, done.stdout.strip()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "stress.sqlite3")
        seconds, _, _ = run(["--db", db, "demo", "--stress"])
        print(f"demo --stress: {seconds:.2f} s")
        print(f"{'document':<22}{'seconds':>9}{'pages':>7}{'peak MB (max so far)':>22}")
        worst = 0.0
        for kind, template in JOBS:
            out = str(Path(tmp) / f"{kind}-{template or ''}.pdf")
            extra = ["--template", template] if template else []
            seconds, peak, said = run(["--db", db, "print", kind, "--council", COUNCIL, "-o", out,
                                       *extra])
            pages = said.rsplit("（", 1)[-1].rstrip("ページ）") if "ページ" in said else "?"
            worst = max(worst, seconds)
            print(f"{kind + (' ' + template if template else ''):<22}{seconds:>9.2f}{pages:>7}"
                  f"{peak:>22.0f}")
        print(f"slowest: {worst:.2f} s (target <= 3 s)")


if __name__ == "__main__":
    main()
