"""The 印刷 page's 社会資源マップ: which stored map is used (or how to add one) and A4/A3."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from app.services import area_map, councils


def _choose_map(page) -> None:
    page.kind.setCurrentIndex(page.kind.findData("resource-map"))
    page.update_preview()


def _size(pdf_path) -> tuple[int, int]:
    box = PdfReader(pdf_path).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.slow
def test_resource_map_uses_the_stored_map_on_a4_or_a3(window, tmp_path):
    page = window.show_page("print")
    _choose_map(page)
    assert page.paper.isVisible() and page.map_note.isVisible()
    assert "八幡地区の地図（見本）" in page.map_note.text() and "横向き" in page.map_note.text()
    assert page.options() == {"paper": "A4"}
    assert page.preview.page_count == 1
    assert _size(page.save_pdf(tmp_path / "a4.pdf")) == (842, 595)
    page.paper.setCurrentIndex(page.paper.findData("A3"))
    page.update_preview()
    assert page.options() == {"paper": "A3"}
    assert _size(page.save_pdf(tmp_path / "a3.pdf")) == (1191, 842)
    page.kind.setCurrentIndex(page.kind.findData("roster"))
    assert not page.paper.isVisible() and "paper" not in page.options()


@pytest.mark.slow
def test_without_a_stored_map_the_page_says_how_to_add_one(window):
    store = window.controller.store
    area_map.remove_map(store, councils.find_council(store, "八幡").id)
    page = window.show_page("print")
    page.refresh()
    _choose_map(page)
    note = page.map_note.text()
    assert "地図の画像がない" in note and "社会資源のページの「地図」タブ" in note
    warnings = [page.warnings.item(i).text() for i in range(page.warnings.count())]
    assert any("地図の画像が登録されていない" in w for w in warnings)
    assert page.preview.page_count == 1
