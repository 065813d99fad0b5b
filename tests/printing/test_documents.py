"""Every kind of document: page size, embedded fonts, 禁則 in the printed text, pages render."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from app.errors import UserError
from app.printing import KINDS, render
from app.printing.kinsoku import LINE_START_FORBIDDEN
from tests.printing.pdfcheck import (
    A4,
    A4_LANDSCAPE,
    A5,
    font_is_embedded,
    fonts,
    ink_fraction,
    page_sizes,
    page_texts,
    render_pages,
)

CASES = {  # kind: (council, page size)
    "flyer": ("八幡", A4),
    "handbook": ("八幡", A5),
    "booklet": ("八幡", A4_LANDSCAPE),
    "resources": ("八幡", A4),
    "resource-map": ("八幡", A4_LANDSCAPE),  # the demo's map is landscape
    "needs": ("八幡", A4_LANDSCAPE),
    "survey-results": ("乗附", A4),
    "survey-form": ("乗附", A4),
    "roster": ("八幡", A4),
    "attendance": ("八幡", A4),
    "overview": ("高崎市（第1層）", A4_LANDSCAPE),
    "year-report": ("八幡", A4),
}


def test_cases_cover_every_kind():
    assert set(CASES) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_page_size_and_count(rendered, kind):
    council, size = CASES[kind]
    result = rendered(kind, council=council)
    sizes = page_sizes(result.path)
    assert len(sizes) == result.pages >= 1
    assert set(sizes) == {size}
    assert PdfReader(result.path).metadata.title


@pytest.mark.parametrize("kind", KINDS)
def test_all_fonts_are_the_bundled_ones_and_embedded(rendered, kind):
    found = fonts(rendered(kind, council=CASES[kind][0]).path)
    assert found
    for font in found:
        assert "BIZUD" in str(font.get("/BaseFont")), font.get("/BaseFont")
        assert font_is_embedded(font), font.get("/BaseFont")


@pytest.mark.parametrize("kind", KINDS)
def test_no_printed_line_starts_with_a_forbidden_character(rendered, kind):
    for number, text in enumerate(page_texts(rendered(kind, council=CASES[kind][0]).path), 1):
        for line in text.splitlines():
            line = line.strip()
            assert not line or line[0] not in LINE_START_FORBIDDEN, (kind, number, line)


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_renders_and_is_not_blank(rendered, kind):
    result = rendered(kind, council=CASES[kind][0])
    images = render_pages(result.path, scale=0.25)
    assert len(images) == result.pages
    for i, image in enumerate(images):
        assert ink_fraction(image) > 0.002, (kind, i)  # the notes page is mostly ruled lines


def test_unknown_kind_and_misplaced_options_are_refused(print_store, council_id, tmp_path):
    with pytest.raises(UserError, match="種類"):
        render(print_store, "poster", council_id("八幡"), tmp_path / "x.pdf")
    with pytest.raises(UserError, match="template"):
        render(print_store, "roster", council_id("八幡"), tmp_path / "x.pdf", template="launch")
    assert not list(tmp_path.iterdir())  # nothing half-written


def test_output_is_written_whole(print_store, council_id, tmp_path):
    out = tmp_path / "sub" / "flyer.pdf"
    result = render(print_store, "flyer", council_id("八幡"), out)
    assert result.path == out and out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in out.parent.iterdir()] == ["flyer.pdf"]
