"""The 印刷 page: preview of every page, flyer wording, save to PDF, print through QPrinter."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter


def choose(page, kind: str) -> None:
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.update_preview()


def test_flyer_preview_custom_headline_and_save(window, tmp_path):
    page = window.show_page("print")
    choose(page, "flyer")
    assert len(page.images) == 1
    assert page.images[0].width() <= page.preview.viewport().width()  # whole page in view
    assert page.template.isVisible() and not page.survey.isVisible()
    page.template.setCurrentIndex(page.template.findData("recruit"))
    page.headline.setText("サポーターを募集しています")
    page.update_preview()
    saved = page.save_pdf(tmp_path / "flyer.pdf")
    text = PdfReader(saved).pages[0].extract_text().replace("\n", "")
    assert "サポーターを募集しています" in text
    assert "動ける人がお互いに見守る交流のあるまち" in text


def test_handbook_preview_has_every_page(window):
    page = window.show_page("print")
    choose(page, "handbook")
    assert len(page.images) >= 8
    assert "ページ" in page.info.text()


def test_print_to_a_printer(window, tmp_path):
    page = window.show_page("print")
    choose(page, "roster")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = page.print_to(printer)
    assert pages == len(page.images) >= 1
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages


def test_nothing_to_print_is_explained(window):
    window.select_council("榛名")  # no members, no survey
    page = window.show_page("print")
    choose(page, "survey-results")
    assert page.images == [] and "アンケート" in page.info.text()
    assert not page.print_button.isEnabled()
