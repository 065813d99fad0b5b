"""The frozen program: build the one-folder bundle with PyInstaller and run it headless.

Slow (about a minute on 2 cores), so it runs only when asked:

    SASAEAI_BUNDLE_TEST=1 /work/venv/bin/pytest tests/test_bundle.py -q

It needs PyInstaller in the environment (`pip install pyinstaller`) and, for the installer
script check, makensis (`apt-get install nsis`). See installer/README.md.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("SASAEAI_BUNDLE_TEST") != "1",
                                reason="set SASAEAI_BUNDLE_TEST=1 to build and test the bundle")

SCRIPT = Path(__file__).resolve().parent.parent / "installer" / "build_linux_bundle.py"


def _builder():
    spec = importlib.util.spec_from_file_location("build_linux_bundle", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_frozen_bundle_finds_its_migrations_and_fonts(tmp_path):
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install pyinstaller)")
    builder = _builder()
    report = builder.run(tmp_path / "dist", tmp_path / "work",
                         nsis=shutil.which("makensis") is not None, runs=3)
    smoke = report["smoke"]
    assert "27協議体を追加" in smoke["demo"]           # created through the bundled migrations
    assert smoke["check"].startswith("OK:")
    assert all("BIZUDGothic" in f and "NOT" not in f for f in smoke["flyer_fonts"])
    assert smoke["screenshot_members"]["colours"] > 50
    assert report["size_mb"] <= builder.SIZE_TARGET_MB
    assert report["start"]["first_paint_median_s"] <= builder.FIRST_PAINT_TARGET_S
    if "nsis" in report:
        assert report["nsis"]["warnings"] == []
