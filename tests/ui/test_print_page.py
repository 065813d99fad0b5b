"""The 印刷 page: preview of every page, flyer wording, save to PDF, print through QPrinter."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter


def choose(page, kind: str) -> None:
    page.kind.setCurrentIndex(page.kind.findData(kind))
    page.update_preview()


@pytest.mark.slow
def test_flyer_preview_custom_headline_and_save(window, tmp_path, qtbot):
    page = window.show_page("print")
    choose(page, "flyer")
    assert page.preview.page_count == 1
    qtbot.waitUntil(lambda: 0 in page.preview.rendered_pages())
    shown = page.preview.rendered_pages()[0]
    assert 0 < shown.width() <= page.preview.viewport().width()  # whole page in view
    assert page.template.isVisible() and not page.survey.isVisible()
    page.template.setCurrentIndex(page.template.findData("recruit"))
    page.headline.setText("サポーターを募集しています")
    page.update_preview()
    saved = page.save_pdf(tmp_path / "flyer.pdf")
    text = PdfReader(saved).pages[0].extract_text().replace("\n", "")
    assert "サポーターを募集しています" in text
    assert "動ける人がお互いに見守る交流のあるまち" in text


@pytest.mark.slow
def test_handbook_preview_has_every_page(window):
    page = window.show_page("print")
    choose(page, "handbook")
    assert page.preview.page_count >= 8
    assert "ページ" in page.info.text()


@pytest.mark.slow
def test_print_to_a_printer(window, tmp_path):
    page = window.show_page("print")
    choose(page, "roster")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = page.print_to(printer)
    assert pages == page.preview.page_count >= 1
    assert len(PdfReader(tmp_path / "printed.pdf").pages) == pages


def test_nothing_to_print_is_explained(window):
    window.select_council("榛名")  # no members, no survey
    page = window.show_page("print")
    choose(page, "survey-results")
    assert page.preview.page_count == 0 and "アンケート" in page.info.text()
    assert not page.print_button.isEnabled()


@pytest.mark.slow
def test_survey_form_return_date_place_and_cover_letter(window, qtbot):
    from tests.ui.conftest import type_japanese

    window.select_council("乗附")
    page = window.show_page("print")
    choose(page, "survey-form")
    assert page.return_by.isVisible() and page.return_to.isVisible() and page.letter.isVisible()
    assert not page.letter_text.isVisible() and not page.template.isVisible()
    assert any("回収日" in page.warnings.item(i).text() for i in range(page.warnings.count()))
    assert page.preview.page_count == 2
    page.return_by.setText("２０２７年１月３１日")
    type_japanese(page.return_to, "公民館の回収箱")
    page.letter.setChecked(True)
    assert page.letter_text.isVisible()
    page.update_preview()
    assert page.preview.page_count == 3  # the letter is a page of its own
    text = "".join(p.extract_text() for p in PdfReader(page.save_pdf(
        window.controller.store.path.parent / "form.pdf")).pages).replace("\n", "")
    assert "令和9年1月31日" in text and "公民館の回収箱" in text and "ご協力のお願い" in text


def test_impossible_return_date_is_named_and_nothing_is_previewed(window):
    window.select_council("乗附")
    page = window.show_page("print")
    choose(page, "survey-form")
    page.return_by.setText("2027-02-30")
    page.update_preview()
    assert page.preview.page_count == 0 and "回収日" in page.info.text() and "30日はありません" in page.info.text()
    assert not page.print_button.isEnabled()


@pytest.mark.slow
def test_booklet_explains_how_to_fold_and_presets_the_printer(window):
    page = window.show_page("print")
    choose(page, "roster")
    assert not page.booklet_how.isVisible()
    assert page.new_printer().colorMode() == QPrinter.ColorMode.GrayScale
    choose(page, "booklet")
    assert page.booklet_how.isVisible() and "短い辺" in page.booklet_how.text()
    choose(page, "resource-map")
    assert page.new_printer().colorMode() == QPrinter.ColorMode.Color


@pytest.mark.slow
def test_booklet_on_a_printer_without_two_sides_prints_fronts_then_backs(window, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QAbstractButton, QApplication

    page = window.show_page("print")
    choose(page, "booklet")
    sides = page.preview.page_count
    printer = page.new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "fronts.pdf"))
    said = []

    def answer(texts: list[str]) -> None:
        def click() -> None:
            box = QApplication.activeModalWidget()
            if box is None or not any(b.text() == texts[0] for b in box.findChildren(QAbstractButton)):
                QTimer.singleShot(10, click)
                return
            said.append(box.text())
            if texts[0] == "裏面を印刷する":  # the stack goes back in: the backs are a new file
                printer.setOutputFileName(str(tmp_path / "backs.pdf"))
            next(b for b in box.findChildren(QAbstractButton) if b.text() == texts[0]).click()
            if texts[1:]:
                answer(texts[1:])
        QTimer.singleShot(0, click)

    answer(["2回に分けて印刷する", "裏面を印刷する"])
    assert page.send(printer) == sides
    assert "2回に分けて" in said[0] and "裏返して" in said[1]
    fronts, backs = PdfReader(tmp_path / "fronts.pdf"), PdfReader(tmp_path / "backs.pdf")
    assert len(fronts.pages) == (sides + 1) // 2 and len(backs.pages) == sides // 2
    # Printed as images: the first back looks like the booklet's side 2, not side 1.
    from tests.ui.test_print_path import small_gray

    def diff(a, b):
        return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a)

    sources = [small_gray(page.pdf, i) for i in range(sides)]
    for name, pass_sides in (("fronts", range(0, sides, 2)), ("backs", range(1, sides, 2))):
        for printed, side in enumerate(pass_sides):
            image = small_gray(str(tmp_path / f"{name}.pdf"), printed)
            assert min(range(sides), key=lambda i, im=image: diff(im, sources[i])) == side


@pytest.mark.slow
def test_a_long_document_is_previewed_a_screenful_at_a_time(qtbot, tmp_path, stress_template):
    """The stress council's 100-page roster: only the pages in view hold an image, scrolling
    to the end shows the last page, and the early ones are released."""
    import shutil

    from app.services.stress import STRESS_COUNCIL
    from app.store import Store
    from app.ui.controller import Controller
    from app.ui.main_window import MainWindow
    from app.ui.pdf_preview import KEEP

    path = tmp_path / "stress.sqlite3"
    shutil.copyfile(stress_template, path)
    with Store.open(path) as store:
        win = MainWindow(Controller(store))
        qtbot.addWidget(win)
        win.resize(1024, 700)
        win.show()
        win.select_council(STRESS_COUNCIL)
        page = win.show_page("print")
        choose(page, "roster")
        preview = page.preview
        assert preview.page_count >= 100
        qtbot.waitUntil(lambda: 0 in preview.rendered_pages())
        assert len(preview.rendered_pages()) <= 4
        bar = preview.verticalScrollBar()
        qtbot.waitUntil(lambda: bar.maximum() > 100 * 300)  # every page laid out
        for value in range(0, bar.maximum(), bar.maximum() // 10):  # reading down the roster
            bar.setValue(value)
            qtbot.wait(5)
            assert len(preview.rendered_pages()) <= KEEP
        bar.setValue(bar.maximum())
        last = preview.page_count - 1
        qtbot.waitUntil(lambda: last in preview.rendered_pages())
        assert 0 not in preview.rendered_pages()
        assert len(preview.rendered_pages()) <= KEEP
        win.close()
