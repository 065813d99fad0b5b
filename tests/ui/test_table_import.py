"""ほかで作った一覧を読み込む: the dialog on real files, nothing written before 読み込む."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import backups, councils, members, resources
from app.ui.table_import import TableImportDialog
from tests.exchange.conftest import settled


def _dialog(window, qtbot) -> TableImportDialog:
    page = window.show_page("exchange")
    page.open_dialogs_modeless = True
    qtbot.mouseClick(page.table_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(TableImportDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    return dialog


def _member_book(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名簿"
    sheet.append(["令和7年度 見守り協力員名簿"])
    sheet.append(["No.", "お名前", "フリガナ", "住所（町内会）", "TEL", "登録", "メモ欄"])
    for row in rows:
        sheet.append(row)
    other = book.create_sheet("集計")
    other.append(["町内会名", "人数"])
    book.save(path)
    return path


def _mapped(dialog) -> dict[str, str]:
    return {dialog.mapping_table.item(r, 0).text(): dialog.combos[r].currentText()
            for r in range(dialog.mapping_table.rowCount())}


def _yawata(window):
    return councils.find_council(window.controller.store, "八幡")


@pytest.mark.slow
def test_page_button_opens_the_dialog(window, qtbot):
    page = window.show_page("exchange")
    assert page.table_button.text() == "ほかで作った一覧を読み込む"
    dialog = _dialog(window, qtbot)
    assert dialog.windowTitle() == "ほかで作った一覧を読み込む"
    assert not dialog.import_button.isEnabled()  # no file yet
    assert [dialog.kind_box.itemText(i) for i in range(dialog.kind_box.count())] == \
        ["名簿", "社会資源の一覧", "あんしんセンターの集計表"]


@pytest.mark.slow
def test_member_list_with_unusual_headers(window, qtbot, tmp_path):
    store = window.controller.store
    yawata = _yawata(window)
    before = len(members.list_members(store, yawata.id))
    path = _member_book(tmp_path / "協力員.xlsx", [
        [1, "上原 春子", "ウエハラ ハルコ", "金井淵", "027-111-2222", "令和7年4月1日", "鍵あずかり"],
        [2, "小林 夏夫", "コバヤシ ナツオ", "上剣崎", "０９０−１２３４−５６７８", dt.date(2025, 5, 1), ""],
        [3, "森 秋子", "モリ アキコ", "若田", "", "", "朝の声かけ"],
    ])
    window.show_page("members")                                   # loaded before: must refresh
    window.controller.undo_stack.push(_noop_step())
    dialog = _dialog(window, qtbot)
    dialog.open_file(path)

    assert dialog.sheet_box.isVisibleTo(dialog)                 # two sheets: the chooser is shown
    assert [dialog.sheet_box.itemText(i) for i in range(2)] == ["名簿", "集計"]
    assert dialog.kind_box.currentText() == "名簿"               # guessed from the headers
    mapped = _mapped(dialog)
    assert mapped["お名前"] == "氏名" and mapped["フリガナ"] == "ふりがな"
    assert mapped["住所（町内会）"] == "住所"                      # the guess: 住所 wins over 町内会
    assert mapped["TEL"] == "電話" and mapped["登録"] == "登録日"
    assert mapped["No."] == "読み込まない" and mapped["メモ欄"] == "備考"
    examples = dialog.mapping_table.item(1, 1).text()
    assert "上原 春子" in examples and "小林 夏夫" in examples

    # The column holds 町内会 names, not addresses: the user says so.
    row = [dialog.mapping_table.item(r, 0).text() for r in range(dialog.mapping_table.rowCount())
           ].index("住所（町内会）")
    dialog.combos[row].setCurrentIndex(dialog.combos[row].findText("町内会"))

    table = dialog.preview_table
    labels = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert labels[:2] == ["氏名", "ふりがな"] and "町内会" in labels and "住所" not in labels
    assert table.rowCount() == 3
    assert table.verticalHeaderItem(0).text() == "3行目"
    cell = {label: table.item(1, c).text() for c, label in enumerate(labels)}
    assert cell["電話"] == "090-1234-5678" and cell["登録日"] == "令和7年5月1日"
    assert cell["町内会"] == "上剣崎"
    assert "問題は見つかりませんでした" in dialog.status.text() and "3件" in dialog.status.text()
    assert len(members.list_members(store, yawata.id)) == before   # nothing written yet
    backups_before = len(backups.list_backups(store.path))

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.report is not None and dialog.report.saved == 3
    assert "読み込みました" in dialog.status.text()
    assert not dialog.import_button.isEnabled()                  # not twice
    assert len(backups.list_backups(store.path)) == backups_before + 1
    assert window.controller.undo_stack.count() == 0

    found = {m.name: m for m in members.list_members(store, yawata.id)}
    assert len(found) == before + 3
    natsuo = found["小林 夏夫"]
    assert natsuo.neighbourhood_name == "上剣崎" and natsuo.phone == "090-1234-5678"
    assert natsuo.registered_on == dt.date(2025, 5, 1) and natsuo.address == ""
    assert found["上原 春子"].note == "鍵あずかり" and found["上原 春子"].sort_key == "うえはらはるこ"

    page = window.show_page("members")
    QApplication.processEvents()
    shown = {page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())}
    assert {"上原 春子", "小林 夏夫", "森 秋子"} <= shown


def _noop_step():
    from PySide6.QtGui import QUndoCommand
    return QUndoCommand("前の編集")


@pytest.mark.slow
def test_shift_jis_csv_of_resources(window, qtbot, tmp_path):
    store = window.controller.store
    yawata = _yawata(window)
    before = {r.name for r in resources.list_resources(store, yawata.id)}
    path = tmp_path / "社会資源.csv"
    with path.open("w", encoding="cp932", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["サロン名", "種類", "開催場所", "曜日", "参加費", "問い合わせ"])
        writer.writerow(["ひだまりカフェ", "居場所・サロン", "八幡公民館", "毎月第2水曜 10:00〜12:00", "100円",
                         "027-343-0001"])
        writer.writerow(["ゆうやけ体操", "", "若田集会所", "毎週金曜", "無料", ""])
    dialog = _dialog(window, qtbot)
    dialog.open_file(path)

    assert not dialog.sheet_box.isVisibleTo(dialog)               # a CSV has no sheets
    assert dialog.kind_box.currentText() == "社会資源の一覧"
    mapped = _mapped(dialog)
    assert mapped["サロン名"] == "名称" and mapped["種類"] == "分類" and mapped["開催場所"] == "会場"
    assert mapped["曜日"] == "日程" and mapped["参加費"] == "費用"
    assert mapped["問い合わせ"] == "読み込まない"
    row = list(mapped).index("問い合わせ")
    dialog.combos[row].setCurrentIndex(dialog.combos[row].findText("電話"))
    labels = [dialog.preview_table.horizontalHeaderItem(c).text()
              for c in range(dialog.preview_table.columnCount())]
    assert "電話" in labels
    assert dialog.preview_table.item(0, labels.index("名称")).text() == "ひだまりカフェ"
    assert dialog.import_button.isEnabled()

    report = dialog.import_now()
    assert report is not None and report.saved == 2 and "Shift_JIS" in report.source
    found = {r.name: r for r in resources.list_resources(store, yawata.id)}
    assert set(found) - before == {"ひだまりカフェ", "ゆうやけ体操"}
    assert found["ひだまりカフェ"].phone == "027-343-0001" and found["ひだまりカフェ"].venue == "八幡公民館"


@pytest.mark.slow
def test_a_bad_row_is_shown_with_row_and_column_and_nothing_is_written(window, qtbot, tmp_path):
    store = window.controller.store
    path = _member_book(tmp_path / "まちがい.xlsx", [
        [1, "上原 春子", "ウエハラ ハルコ", "金井淵", "027-111-2222", "2025/4/1", ""],
        [2, "小林 夏夫", "コバヤシ ナツオ", "上剣崎", "027-111-3333", "2025/2/30", ""],
        [3, "森 秋子", "モリ アキコ", "若田", "でんわなし", "", ""],
    ])
    before = settled(store)
    dialog = _dialog(window, qtbot)
    dialog.open_file(path)

    text = dialog.problems.toPlainText()
    assert "まちがい.xlsx シート「名簿」 4行目「登録」" in text     # the impossible date
    assert "5行目「TEL」" in text                                  # the phone that is not one
    assert "読み込めません" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    labels = [dialog.preview_table.horizontalHeaderItem(c).text()
              for c in range(dialog.preview_table.columnCount())]
    assert dialog.preview_table.item(1, labels.index("登録日")).text().startswith("⚠")
    assert dialog.import_now() is None
    assert settled(store) == before


def test_an_unreadable_file_is_explained_in_the_dialog(window, qtbot, tmp_path):
    store = window.controller.store
    before = settled(store)
    bad = tmp_path / "名簿.csv"
    bad.write_bytes("氏名,電話\n".encode() + b"\x82\xa0\xff\xfe\x80\x81,1\n")
    dialog = _dialog(window, qtbot)
    dialog.open_file(bad)
    assert "文字コード" in dialog.problems.toPlainText()
    assert "読み込めません" in dialog.status.text()
    assert not dialog.import_button.isEnabled() and dialog.mapping_table.rowCount() == 0

    old = tmp_path / "古い.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    dialog.open_file(old)
    assert ".xlsx" in dialog.problems.toPlainText()
    assert settled(store) == before


@pytest.mark.parametrize("kind_text", ["社会資源の一覧"])
@pytest.mark.slow
def test_changing_the_kind_guesses_the_columns_again(window, qtbot, tmp_path, kind_text):
    path = _member_book(tmp_path / "協力員.xlsx", [[1, "上原 春子", "ウエハラ ハルコ", "金井淵", "", "", ""]])
    dialog = _dialog(window, qtbot)
    dialog.open_file(path)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findText(kind_text))
    combo = dialog.combos[1]
    assert [combo.itemText(i) for i in range(3)] == ["読み込まない", "名称", "分類"]
    assert combo.currentText() == "名称"


@pytest.mark.slow
def test_a_password_is_asked_in_the_dialog(window, qtbot, tmp_path):
    from app.exchange.export_file import encrypt

    plain = _member_book(tmp_path / "plain.xlsx", [[1, "上原 春子", "ウエハラ ハルコ", "", "", "", ""]])
    locked = tmp_path / "鍵つき.xlsx"
    locked.write_bytes(encrypt(plain.read_bytes(), "あいことば"))
    dialog = _dialog(window, qtbot)
    assert not dialog.password.isVisibleTo(dialog)
    dialog.open_file(locked)
    assert "パスワード" in dialog.problems.toPlainText() and "--password" not in dialog.problems.toPlainText()
    assert dialog.password.isVisibleTo(dialog) and not dialog.import_button.isEnabled()
    dialog.password.setText("あいことば")
    dialog.password.editingFinished.emit()
    assert dialog.mapping_table.rowCount() == 7 and dialog.import_button.isEnabled()
    assert dialog.import_now().saved == 1


@pytest.mark.slow
def test_an_anshin_center_crosstab_is_recognised(window, qtbot, tmp_path):
    from app.services import tallies

    store = window.controller.store
    yawata = _yawata(window)
    path = tmp_path / "ニーズ集計.csv"
    path.write_text("町内会名,見守り,買い物,通院,対象人数\n金井淵,4,2,1,6\n若田,1,,2,3\n合計,5,2,3,9\n",
                    encoding="cp932")
    before = len(tallies.list_tallies(store, yawata.id))
    dialog = _dialog(window, qtbot)
    dialog.open_file(path)
    assert dialog.kind_box.currentText() == "あんしんセンターの集計表"
    mapped = _mapped(dialog)
    assert mapped["町内会名"] == "町内会名" and mapped["見守り"] == "項目（集計する列）"
    assert mapped["対象人数"] == "対象人数" and not dialog.combos[0].isEnabled()
    assert "集計表の種類" in dialog.problems.toPlainText()       # the import's note, before reading
    assert "--tally-kind" not in dialog.problems.toPlainText()
    assert dialog.import_now().saved == 2
    assert len(tallies.list_tallies(store, yawata.id)) == before + 1
    report = dialog.problems.toPlainText().splitlines()
    assert report[0].startswith("注意: 集計表の種類") and report[1].startswith("読み込みました")


@pytest.mark.slow
def test_an_unknown_neighbourhood_can_be_added_from_the_dialog(window, qtbot, tmp_path):
    from app.services import neighbourhoods

    store = window.controller.store
    yawata = _yawata(window)
    path = _member_book(tmp_path / "協力員.xlsx", [[1, "上原 春子", "ウエハラ ハルコ", "", "", "", ""],
                                                  [2, "森 秋子", "モリ アキコ", "", "", "", ""]])
    book = openpyxl.load_workbook(path)
    book["名簿"]["D2"] = "町内会"
    book["名簿"]["D4"] = "新町"
    book.save(path)
    dialog = _dialog(window, qtbot)
    dialog.open_file(path)
    text = dialog.problems.toPlainText()
    assert "4行目「町内会」: 町内会「新町」" in text and "--add-neighbourhoods" not in text
    assert "「一覧にない町内会を新しく登録する」にチェック" in text
    assert not dialog.import_button.isEnabled()
    dialog.add_neighbourhoods.setChecked(True)
    assert dialog.import_button.isEnabled()
    assert dialog.import_now().added_neighbourhoods == ("新町",)
    assert "新町" in {n.name for n in neighbourhoods.list_neighbourhoods(store, yawata.id)}
