"""Build the one-folder bundle with PyInstaller on Linux and prove the frozen program works.

    /work/venv/bin/python installer/build_linux_bundle.py [--skip-build] [--nsis]

Runs the frozen program headless against a new database: `demo` (creates it through the bundled
alembic migrations), `check`, a `screenshot` of two pages and `print flyer` (the bundled BIZ UD
fonts must be embedded in the PDF). Then it measures the unpacked size and the time from
starting the window to its first paint (and to its pages being ready), and, with --nsis,
compiles installer/sasaeai.nsi against the bundle to check the installer script. Prints a
summary and writes it to <dist>/bundle-report.json; exits 1 when a step fails.

PyInstaller is not a dependency of the program; this script installs it into the running
Python environment when missing (`pip install pyinstaller`).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "sasaeai.spec"
NSI = ROOT / "installer" / "sasaeai.nsi"
SIZE_TARGET_MB = 250
FIRST_PAINT_TARGET_S = 2.0
COUNCILS_TARGET_S = 0.5  # the whole `sasaeai councils` command, frozen


class BundleError(Exception):
    pass


def ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        print("PyInstaller を入れます（pip install pyinstaller）…", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pyinstaller"], check=True)


def build(dist: Path, work: Path) -> float:
    ensure_pyinstaller()
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise BundleError(f"PyInstaller failed:\n{result.stderr[-4000:]}")
    return time.monotonic() - started


def folder_size(folder: Path) -> tuple[int, int, list[tuple[int, str]]]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    sizes = sorted(((p.stat().st_size, str(p.relative_to(folder))) for p in files), reverse=True)
    return sum(s for s, _ in sizes), len(files), sizes[:12]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def run_cli(exe: Path, args: list[str], cwd: Path) -> str:
    result = subprocess.run([str(exe), *args], cwd=cwd, env=_env(), capture_output=True,
                            text=True, timeout=300)
    if result.returncode != 0:
        raise BundleError(f"{exe.name} {' '.join(args)} -> exit {result.returncode}\n"
                          f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout.strip()


def check_pdf_fonts(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = (target.get("/FontDescriptor") or {})
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(f"{font.get('/BaseFont')}{'' if embedded else ' (NOT embedded)'}")
    return sorted(fonts)


def check_png(png: Path, size: tuple[int, int]) -> int:
    from PIL import Image

    with Image.open(png) as image:
        if image.size != size:
            raise BundleError(f"{png.name}: {image.size}, expected {size}")
        colours = len(image.convert("RGB").getcolors(maxcolors=1_000_000) or [])
    if colours < 50:
        raise BundleError(f"{png.name} looks blank ({colours} colours)")
    return colours


def smoke(bundle: Path, scratch: Path) -> dict:
    cli = bundle / ("sasaeai.exe" if os.name == "nt" else "sasaeai")
    db = scratch / "bundle-test.sqlite3"
    out: dict = {}
    t = time.monotonic()
    out["demo"] = run_cli(cli, ["--db", str(db), "demo"], scratch)
    out["demo_s"] = round(time.monotonic() - t, 2)
    out["check"] = run_cli(cli, ["--db", str(db), "check"], scratch)
    for page in ("home", "members"):
        png = scratch / f"bundle-{page}.png"
        run_cli(cli, ["--db", str(db), "screenshot", "--council", "八幡", "--page", page,
                      "-o", str(png)], scratch)
        out[f"screenshot_{page}"] = {"path": str(png), "colours": check_png(png, (1280, 800))}
    pdf = scratch / "bundle-flyer.pdf"
    out["print"] = run_cli(cli, ["--db", str(db), "print", "flyer", "--council", "八幡",
                                 "-o", str(pdf)], scratch)
    fonts = check_pdf_fonts(pdf)
    out["flyer_fonts"] = fonts
    if not fonts or any("NOT embedded" in f for f in fonts) or not any("BIZ" in f for f in fonts):
        raise BundleError(f"flyer fonts not embedded BIZ UD: {fonts}")
    out["flyer_pdf"] = str(pdf)
    return out


def measure_start(bundle: Path, scratch: Path, runs: int = 5) -> dict:
    gui = bundle / ("SasaeaiNote.exe" if os.name == "nt" else "SasaeaiNote")
    db = scratch / "bundle-test.sqlite3"
    first, ready = [], []
    for _ in range(runs):
        env = _env()
        env["SASAEAI_MEASURE_START"] = repr(time.time())
        result = subprocess.run([str(gui), "--db", str(db)], cwd=scratch, env=env,
                                capture_output=True, text=True, timeout=60)
        lines = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
        if result.returncode != 0 or not lines:
            raise BundleError(f"start measurement failed: exit {result.returncode}\n"
                              f"{result.stdout[-1000:]}\n{result.stderr[-3000:]}")
        seen = json.loads(lines[-1])
        first.append(seen["first_paint_s"])
        ready.append(seen.get("ready_s", float("nan")))
    cli = bundle / ("sasaeai.exe" if os.name == "nt" else "sasaeai")
    listing = []
    for _ in range(runs):  # a file in good order: read with sqlite3 alone (plain_read.open_clean)
        t = time.monotonic()
        run_cli(cli, ["--db", str(db), "councils"], scratch)
        listing.append(time.monotonic() - t)
    return {"runs": runs, "first_paint_s": [round(v, 3) for v in first],
            "first_paint_median_s": round(statistics.median(first), 3),
            "ready_median_s": round(statistics.median(ready), 3),
            "councils_s": [round(v, 3) for v in listing],
            "councils_median_s": round(statistics.median(listing), 3)}


def compile_nsis(bundle: Path, out_dir: Path) -> dict:
    makensis = shutil.which("makensis")
    if makensis is None:
        return {"skipped": "makensis not found (apt-get install nsis)"}
    sys.path.insert(0, str(ROOT))
    from app import __version__

    setup = out_dir / f"SasaeaiNote-{__version__}-setup.exe"
    result = subprocess.run([makensis, "-V2", "-INPUTCHARSET", "UTF8", f"-DDIST={bundle}",
                             f"-DVERSION={__version__}", f"-DOUTFILE={setup}", str(NSI)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BundleError(f"makensis failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    warnings = [ln for ln in result.stdout.splitlines() if "warning" in ln.lower()]
    return {"setup": str(setup), "setup_mb": round(setup.stat().st_size / 2**20, 1),
            "warnings": warnings}


def run(dist: Path, work: Path, *, skip_build: bool = False, nsis: bool = False,
        runs: int = 5) -> dict:
    report: dict = {}
    if not skip_build:
        report["build_s"] = round(build(dist, work), 1)
    bundle = dist / "SasaeaiNote"
    if not bundle.is_dir():
        raise BundleError(f"{bundle} がありません。--skip-build を外して作ってください。")
    total, count, biggest = folder_size(bundle)
    report["size_mb"] = round(total / 2**20, 1)
    report["files"] = count
    report["biggest"] = [f"{s / 2**20:.1f} MB  {name}" for s, name in biggest]
    internal = bundle / "_internal"
    for needed in ("migrations/env.py", "resources/fonts/BIZUDGothic-Regular.ttf",
                   "resources/fonts/OFL.txt", "resources/icons/sasaeai-256.png",
                   "PySide6/Qt/translations/qtbase_ja.qm"):
        if not (internal / needed).exists():
            raise BundleError(f"missing from the bundle: {needed}")
    with tempfile.TemporaryDirectory(prefix="sasaeai-bundle-") as tmp:
        scratch = Path(tmp)
        report["smoke"] = smoke(bundle, scratch)
        keep = dist / "bundle-smoke"
        keep.mkdir(exist_ok=True)
        for name in ("bundle-home.png", "bundle-members.png", "bundle-flyer.pdf"):
            shutil.copy2(scratch / name, keep / name)
        report["start"] = measure_start(bundle, scratch, runs)
    if nsis:
        report["nsis"] = compile_nsis(bundle, dist)
    report["size_ok"] = report["size_mb"] <= SIZE_TARGET_MB
    report["first_paint_ok"] = report["start"]["first_paint_median_s"] <= FIRST_PAINT_TARGET_S
    report["councils_ok"] = report["start"]["councils_median_s"] <= COUNCILS_TARGET_S
    (dist / "bundle-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2),
                                             encoding="utf-8")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--skip-build", action="store_true", help="test the bundle already in --dist")
    parser.add_argument("--nsis", action="store_true", help="also compile installer/sasaeai.nsi")
    parser.add_argument("--runs", type=int, default=5, help="start-up measurements")
    args = parser.parse_args()
    try:
        report = run(args.dist, args.work, skip_build=args.skip_build, nsis=args.nsis,
                     runs=args.runs)
    except BundleError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = report["size_ok"] and report["first_paint_ok"] and report["councils_ok"]
    print(f"\n大きさ {report['size_mb']} MB（目標 {SIZE_TARGET_MB} MB 以下）、最初の表示まで "
          f"{report['start']['first_paint_median_s']} 秒（目標 {FIRST_PAINT_TARGET_S} 秒以下）、"
          f"councils {report['start']['councils_median_s']} 秒（目標 {COUNCILS_TARGET_S} 秒以下）: "
          f"{'OK' if ok else '目標に届いていません'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
