"""Render sasaeai.svg to the PNG sizes and the Windows .ico the window and installer use.

Run from the repository root: `python resources/icons/make_icons.py` (needs PySide6 and Pillow).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    renderer = QSvgRenderer(str(HERE / "sasaeai.svg"))
    pngs = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = HERE / f"sasaeai-{size}.png"
        image.save(str(path))
        pngs.append(path)
    (HERE / "sasaeai.png").write_bytes((HERE / "sasaeai-256.png").read_bytes())
    images = [Image.open(p).convert("RGBA") for p in pngs]
    # Each size drawn from the vector, not shrunk from the 256 px one: crisper at 16 px.
    images[-1].save(HERE / "sasaeai.ico", sizes=[(s, s) for s in SIZES], append_images=images[:-1])
    print(f"saved {len(pngs)} PNG sizes, sasaeai.png and sasaeai.ico in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
