"""Exchange figures (issue 5): export speed against raw openpyxl, merging 26 council files, memory.

Run: python benchmarks/exchange_bench.py   (prints one line per figure with its target)

Each measured phase runs in a child process of its own, so its peak memory (ru_maxrss) is its
own and not what building the test data cost.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MEMBERS = 10_000
COUNCILS = 26


def peak_mb() -> float:
    # Linux reports kilobytes (macOS bytes; this script is run on the Linux CI and dev machines).
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_prepare(work: Path) -> dict:
    from app.exchange.export_file import export_councils
    from app.services import demo
    from app.store import Store

    started = time.perf_counter()
    with Store.open(work / "big.sqlite3") as store:
        demo.load_demo(store)
        demo.load_synthetic(store, 1, members=MEMBERS, resources=0, needs=0, seed=7)
    with Store.open(work / "26.sqlite3") as store:
        demo.load_demo(store)
        demo.load_synthetic(store, COUNCILS)
        from app.services import councils
        for summary in councils.list_councils(store):
            if summary.name.startswith("試験地区"):
                export_councils(store, work / f"{summary.name}.xlsx", [summary.id])
    with Store.open(work / "empty.sqlite3"):
        pass
    return {"seconds": time.perf_counter() - started}


def phase_export(work: Path) -> dict:
    """Our export of the 10,000-member council vs openpyxl write-only of the same 15 columns."""
    import openpyxl

    from app.exchange import sheets as S
    from app.exchange.export_file import Names, export_councils, renderer
    from app.models import Member
    from app.services import councils
    from app.store import Store

    with Store.open(work / "big.sqlite3") as store:
        council = councils.find_council(store, "試験地区001")
        with store.session() as s:
            names = Names(s, [council.id])
            from sqlalchemy import select
            rows = s.execute(select(Member.__table__).where(Member.council_id == council.id)
                             .order_by(Member.sort_key)).all()
            render = renderer(S.MEMBERS, names, anonymize=False)
            cells = [render(r)[0][:15] for r in rows]  # the 15 member columns
        assert len(cells) == MEMBERS and len(cells[0]) == 15

        def raw() -> None:
            wb = openpyxl.Workbook(write_only=True)
            ws = wb.create_sheet("メンバー")
            ws.append(S.MEMBERS.headers[:15])
            for row in cells:
                ws.append(row)
            wb.save(work / "raw.xlsx")

        def ours() -> None:
            export_councils(store, work / "ours.xlsx", [council.id])

        timings = {"raw": [], "ours": []}
        for _round in range(3):  # interleaved, best of three: the machine's load hits both alike
            for name, fn in (("raw", raw), ("ours", ours)):
                started = time.perf_counter()
                fn()
                timings[name].append(time.perf_counter() - started)
    return {"raw": min(timings["raw"]), "ours": min(timings["ours"]), "peak_mb": peak_mb()}


def phase_merge(work: Path) -> dict:
    from app.exchange.merge import import_files
    from app.store import Store

    files = sorted(work.glob("試験地区*.xlsx"))
    assert len(files) == COUNCILS, files
    db = shutil.copyfile(work / "empty.sqlite3", work / "coordinator.sqlite3")
    with Store.open(db) as store:
        started = time.perf_counter()
        report = import_files(store, files)
        first = time.perf_counter() - started
        added = sum(c.added for c in report.sheets.values())
        started = time.perf_counter()
        again = import_files(store, files)
        second = time.perf_counter() - started
    return {"first": first, "second": second, "added": added, "changed_again": again.changed,
            "peak_mb": peak_mb(), "cells": sum(f.stat().st_size for f in files)}


def phase_cli_all(work: Path) -> dict:
    """The coordinator's case: one `export --all` file of every council, read by the command
    line into an empty database (the whole process: start-up, reading, merging)."""
    from app.exchange.export_file import export_councils
    from app.store import Store

    with Store.open(work / "26.sqlite3") as store:
        export_councils(store, work / "all.xlsx")
    db = shutil.copyfile(work / "empty.sqlite3", work / "from-all.sqlite3")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "app", "--db", str(db), "import", str(work / "all.xlsx")],
                   cwd=Path(__file__).resolve().parent.parent, check=True, capture_output=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "mb": (work / "all.xlsx").stat().st_size / 1e6}


def run_phase(name: str, work: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", name, str(work)], capture_output=True,
                         text=True, encoding="utf-8", check=False)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"phase {name} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="exchange-bench-"))
    try:
        prep = run_phase("prepare", work)
        print(f"(test data: {MEMBERS:,} members; demo --synthetic {COUNCILS} exported to {COUNCILS} "
              f"files in {prep['seconds']:.1f} s)")
        export = run_phase("export", work)
        ratio = export["ours"] / export["raw"]
        print(f"{'export 10,000 members x 15 columns':<44} {export['ours'] * 1000:9.0f} ms")
        print(f"{'  raw openpyxl write-only, same cells':<44} {export['raw'] * 1000:9.0f} ms")
        print(f"{'  ratio':<44} {ratio:9.2f} x    (target <= 1.5 x)  "
              f"{'OK' if ratio <= 1.5 else 'OVER'}")
        merge = run_phase("merge", work)
        print(f"{'merge 26 council files (empty database)':<44} {merge['first'] * 1000:9.0f} ms   "
              f"(target <= 10,000 ms)  {'OK' if merge['first'] <= 10 else 'OVER'}"
              f"  [{merge['added']:,} rows added]")
        print(f"{'  the same 26 files again (nothing changes)':<44} {merge['second'] * 1000:9.0f} ms"
              f"   changed: {merge['changed_again']}")
        every = run_phase("cli_all", work)
        print(f"{'one export --all file, CLI import (empty db)':<44} {every['seconds'] * 1000:9.0f} ms   "
              f"(target <= 10,000 ms)  {'OK' if every['seconds'] <= 10 else 'OVER'}"
              f"  [{every['mb']:.1f} MB file, peak {every['peak_mb']:.0f} MB]")
        peak = max(export["peak_mb"], merge["peak_mb"], every["peak_mb"])
        print(f"{'peak memory (merge process)':<44} {merge['peak_mb']:9.0f} MB   (target < 500 MB)  "
              f"{'OK' if peak < 500 else 'OVER'}")
        print(f"{'peak memory (export process)':<44} {export['peak_mb']:9.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--phase":
        result = {"prepare": phase_prepare, "export": phase_export, "merge": phase_merge,
                  "cli_all": phase_cli_all}[sys.argv[2]](Path(sys.argv[3]))
        print(json.dumps(result))
    else:
        main()
