"""The 「印刷」 button after the printer dialog: pages sent with a progress window and a
「中止」 button, and a booklet printed in two passes (fronts, then backs) on a printer that
cannot print both sides by itself."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from app.ui.print_job import print_pdf

BOOKLET_HOW = (
    "冊子の作り方：A4の紙の両面に印刷します（プリンターの設定で「両面」「短い辺でとじる」）。"
    "出てきた紙を重ねたまま半分に折り、折り目をホッチキスでとめます。"
    "両面印刷できないプリンターでは、「印刷」を押すと表面と裏面を2回に分けて印刷し、"
    "紙の入れ直し方をそのつど案内します。")
TURN_STACK = (
    "表面の印刷が終わりました。\n\n"
    "出てきた紙の束を、順番を変えずにそろえ、短い辺を軸に裏返して、用紙トレイに戻してください。"
    "（紙の向きはプリンターによって違います。はじめてのときは、説明書の「手動両面印刷」の図を見てください。）\n\n"
    "戻したら「裏面を印刷する」を押してください。")


def choose(parent: QWidget | None, title: str, text: str, choices: list[str]) -> str | None:
    """A question with worded answers (the first is the default); None when closed or cancelled."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    buttons = [box.addButton(c, QMessageBox.ButtonRole.AcceptRole) for c in choices]
    cancel = box.addButton("やめる", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(buttons[0])
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return clicked.text() if clicked in buttons else None


def send(parent: QWidget | None, pdf: bytes, printer: QPrinter,
         indexes: list[int] | None = None, what: str = "") -> int:
    """Print with a progress window; 「中止」 stops after the page being drawn."""
    dialog = QProgressDialog(f"{what}印刷しています…", "中止", 0, 100, parent)
    dialog.setWindowTitle("印刷")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)

    def progress(done: int, total: int) -> bool:
        dialog.setMaximum(total)
        dialog.setValue(done)
        dialog.setLabelText(f"{what}印刷しています… {done} / {total}ページ")
        QApplication.processEvents()
        return not dialog.wasCanceled()

    try:
        return print_pdf(pdf, printer, progress=progress, indexes=indexes)
    finally:
        dialog.reset()
        dialog.deleteLater()


def send_booklet(parent: QWidget | None, pdf: bytes, printer: QPrinter, sides: int) -> int:
    """A booklet: at once where the printer prints both sides, else fronts and backs in turn."""
    whole = printer.printRange() != QPrinter.PrintRange.PageRange
    if printer.duplex() != QPrinter.DuplexMode.DuplexNone or not whole or sides < 2:
        return send(parent, pdf, printer)
    answer = choose(parent, "冊子の印刷",
                    "このプリンターは両面印刷が選ばれていません。\n"
                    "表面と裏面を2回に分けて印刷しますか？（間に紙を入れ直します）",
                    ["2回に分けて印刷する", "片面だけに印刷する"])
    if answer is None:
        return 0
    if answer == "片面だけに印刷する":
        return send(parent, pdf, printer)
    fronts = send(parent, pdf, printer, indexes=list(range(0, sides, 2)), what="表面を")
    if choose(parent, "裏面の印刷", TURN_STACK, ["裏面を印刷する"]) is None:
        return fronts
    return fronts + send(parent, pdf, printer, indexes=list(range(1, sides, 2)), what="裏面を")
