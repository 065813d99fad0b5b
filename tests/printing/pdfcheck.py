"""Reading our PDFs back: sizes, fonts, text, font sizes, and rendering each page."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

A4 = (595, 842)
A5 = (420, 595)
A4_LANDSCAPE = (842, 595)


def page_sizes(path: Path) -> list[tuple[int, int]]:
    reader = PdfReader(path)
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]


def page_texts(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(path).pages]


def flat(text: str) -> str:
    """Text without line breaks and spaces: wrapped phrases compare whole."""
    return re.sub(r"\s+", "", text)


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _fonts_in(resources, seen: set) -> list[DictionaryObject]:
    out = []
    resources = _resolve(resources)
    if not resources:
        return out
    for font in (_resolve(resources.get("/Font")) or {}).values():
        font = _resolve(font)
        if id(font) not in seen:
            seen.add(id(font))
            out.append(font)
    for xobj in (_resolve(resources.get("/XObject")) or {}).values():
        xobj = _resolve(xobj)
        if xobj.get("/Subtype") == "/Form" and "/Resources" in xobj:
            out += _fonts_in(xobj["/Resources"], seen)
    return out


def fonts(path: Path) -> list[DictionaryObject]:
    seen: set = set()
    out = []
    for page in PdfReader(path).pages:
        out += _fonts_in(page.get("/Resources"), seen)
    return out


def font_is_embedded(font: DictionaryObject) -> bool:
    if font.get("/Subtype") == "/Type0":
        descendant = _resolve(_resolve(font["/DescendantFonts"])[0])
        descriptor = _resolve(descendant.get("/FontDescriptor"))
    else:
        descriptor = _resolve(font.get("/FontDescriptor"))
    return bool(descriptor) and any(k in descriptor for k in ("/FontFile2", "/FontFile", "/FontFile3"))


def font_names(path: Path) -> set[str]:
    return {str(f.get("/BaseFont")) for f in fonts(path)}


def text_sizes(path: Path, page: int = 0) -> list[tuple[float, str]]:
    """(effective font size, text) for each text run drawn on a page."""
    runs: list[tuple[float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            scale = abs(tm[0] * cm[0]) or 1
            runs.append((round(font_size * scale, 2), text))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return runs


def render_pages(path: Path, scale: float = 0.5):
    """Every page as a greyscale PIL image (pypdfium2)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].render(scale=scale, grayscale=True).to_pil() for i in range(len(pdf))]
    finally:
        pdf.close()


def ink_fraction(image) -> float:
    """Share of pixels that are clearly not white."""
    grey = image.convert("L")
    hist = grey.histogram()
    dark = sum(hist[:200])
    return dark / (grey.width * grey.height)


PRINTABLE_INSET = 14.0  # points (5 mm): what an office printer cannot reach at the sheet's edge


def text_boxes(path: Path) -> list[list[tuple[float, float, float, float]]]:
    """Each page's text boxes (left, bottom, right, top in points), as pdfium groups the text."""
    import pypdfium2 as pdfium

    pages = []
    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            text = page.get_textpage()
            boxes = [text.get_rect(i) for i in range(text.count_rects())]
            pages.append([b for b in boxes if text.get_text_bounded(*b).strip()])
            text.close()
            page.close()
    finally:
        doc.close()
    return pages


def layout_faults(path: Path, *, slack: float = 1.0) -> list[str]:
    """Text outside the printable area or two text boxes overprinting each other, by page."""
    faults = []
    for number, (size, boxes) in enumerate(zip(page_sizes(path), text_boxes(path), strict=True), 1):
        w, h = size
        for left, bottom, right, top in boxes:
            if (left < PRINTABLE_INSET or bottom < PRINTABLE_INSET or right > w - PRINTABLE_INSET
                    or top > h - PRINTABLE_INSET):
                faults.append(f"p{number}: outside the printable area at {left:.0f},{bottom:.0f}")
        ordered = sorted(boxes, key=lambda b: b[1])
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                if b[1] >= a[3] - slack:
                    break
                dx = min(a[2], b[2]) - max(a[0], b[0])
                dy = min(a[3], b[3]) - max(a[1], b[1])
                if dx > slack and dy > slack:
                    faults.append(f"p{number}: text overlaps at {a[0]:.0f},{a[1]:.0f}")
    return faults


def page_fill(path: Path, *, margin: float = 40.0) -> list[float]:
    """How far down each page the text reaches (0..1 of the body area, footer band left out)."""
    fills = []
    for (_w, h), boxes in zip(page_sizes(path), text_boxes(path), strict=True):
        lowest = min((b[1] for b in boxes if b[1] > margin), default=h - margin)
        fills.append(round(1 - (lowest - margin) / (h - 2 * margin), 2))
    return fills
