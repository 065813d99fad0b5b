"""The 印刷 page's 年度のまとめ: a 年度 chooser (today's by default), the PDF and an Excel file;
for the tier-1 council, the city's report."""

from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader

from app.services import year_report
from app.ui.pages.printing import PrintPage


def _choose(page: PrintPage, year: int | None = None) -> None:
    page.kind.setCurrentIndex(page.kind.findData("year-report"))
    if year is not None:
        page.year.setCurrentIndex(page.year.findData(year))
    page.update_preview()


def _text(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")


@pytest.mark.slow
def test_a_councils_year_with_the_year_chooser(window, tmp_path):
    page = window.show_page("print")
    assert not page.year.isVisible() and not page.excel_button.isVisible()
    _choose(page)
    assert page.year.isVisible() and page.excel_button.isVisible() and page.year_note.isVisible()
    assert page.year.currentData() == year_report.current_year()  # today's 年度 first
    years = [page.year.itemData(i) for i in range(page.year.count())]
    assert years == sorted(years, reverse=True) and 2015 in years  # the demo's founding meeting
    assert page.year.itemText(page.year.findData(2019)) == "令和元年度（2019年度）"
    _choose(page, 2016)
    assert page.options() == {"year": 2016}
    assert page.preview.page_count == 1
    text = _text(page.save_pdf(tmp_path / "h28.pdf"))
    assert "八幡地区協議体" in text and "平成28年度（2016年度）のまとめ" in text
    assert "平成29年1月30日" in text and "平成29年6月17日" not in text
    saved = page.save_excel(tmp_path / "h28.xlsx")
    rows = list(openpyxl.load_workbook(saved).worksheets[0].iter_rows(values_only=True))
    got = dict(zip(rows[0], rows[1], strict=True))
    assert got["協議体"] == "八幡" and got["担い手養成講座の参加者"] == 65
    page.kind.setCurrentIndex(page.kind.findData("roster"))
    assert not page.year.isVisible() and not page.excel_button.isVisible()
    assert "year" not in page.options()


@pytest.mark.slow
def test_the_tier_one_council_prints_the_citys_year(window, tmp_path):
    window.select_council("高崎市")
    page = window.show_page("print")
    _choose(page, 2017)
    assert "第2層の全協議体" in page.year_note.text()
    assert page.preview.page_count >= 2
    text = _text(page.save_pdf(tmp_path / "city.pdf"))
    assert "高崎市平成29年度（2017年度）のまとめ" in text.replace(" ", "") and "八幡" in text and "吉井" in text
    rows = list(openpyxl.load_workbook(page.save_excel(tmp_path / "city.xlsx")).worksheets[0]
                .iter_rows(values_only=True))
    assert len(rows) == 1 + 26 + 1 and rows[-1][0] == "合計"
