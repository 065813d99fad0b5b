"""The 会議・活動 and 研修 pages driven as a user would: type in Japanese, tick who came, write
the minutes, undo, delete with confirmation, mark a member 修了 and see a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.services import councils, meetings, trainings
from app.ui.widgets import FormDialog
from tests.ui.conftest import answer_next_dialog, type_japanese

# --- 会議・活動 ---------------------------------------------------------------------------------


def open_meetings(window):
    page = window.show_page("meetings")
    page.open_dialogs_modeless = True
    return page


def cell(page, row: int, column: int) -> str:
    return page.model.data(page.model.index(row, column))


def titles(page) -> list[str]:
    return [m.title for m in page.model.rows]


def select_title(page, title: str) -> None:
    page.select_id(next(m.id for m in page.model.rows if m.title == title))


def tick(dialog, *names: str) -> None:
    for box in dialog.attendance.boxes.values():
        if box.text() in names:
            box.setChecked(True)


def test_log_newest_first_upcoming_marked_and_next_regular(window):
    page = open_meetings(window)
    rows = page.model.rows
    assert len(rows) == 8
    assert [m.held_on for m in rows] == sorted((m.held_on for m in rows), reverse=True)
    today = dt.date.today()
    upcoming = [r for r, m in enumerate(rows) if m.held_on >= today]
    assert upcoming and all(rows[r].kind == "定例会" for r in upcoming)
    assert all(cell(page, r, 0) == "予定" for r in upcoming)
    assert all(cell(page, r, 0) == "" for r in range(len(rows)) if r not in upcoming)
    # The page opens on the next meeting, marked 【次回】 in the detail pane.
    nearest = rows[upcoming[-1]]
    assert page.selected().id == nearest.id
    assert page.detail_title.text().startswith("【次回】")
    founding = len(rows) - 1
    assert cell(page, founding, 1) == "平成28年1月20日（水）"
    assert cell(page, founding, 2) == "10:00〜12:00"
    assert (cell(page, founding, 6), cell(page, founding, 7)) == ("24人", "14人")
    page.kind_filter.setCurrentText("情報交換会")
    assert titles(page) == ["第2層協議体情報交換会（第3回）"]
    assert "1件を表示" in page.count.text()
    page.kind_filter.setCurrentText("すべて")

    # 「次の定例会を作る」: the next 第3水曜日 after today with no 定例会 yet, 10:00〜12:00 at 八幡公民館.
    dialog = page.add_next_regular()
    day = dialog.inputs["held_on"].date()
    assert day > today and day.weekday() == 2 and 15 <= day.day <= 21  # 第3水曜日
    assert day not in {m.held_on for m in page.model.rows}
    assert dialog.inputs["start_time"].text() == "10:00" and dialog.inputs["end_time"].text() == "12:00"
    assert dialog.inputs["venue"].text() == "八幡公民館"
    assert dialog.inputs["kind"].currentText() == "定例会"
    assert "第3(水)" in dialog.note.text() and dialog.note.isVisible()
    dialog.attendance.check_all()
    assert all(b.isChecked() for b in dialog.attendance.boxes.values())
    dialog.attendance.clear_all()
    assert not any(b.isChecked() for b in dialog.attendance.boxes.values())
    dialog._save()
    made = page.selected()
    assert made.held_on == day and made.title == f"八幡協議体 定例会（{day.month}月）"
    assert cell(page, page.model.rows.index(made), 0) == "予定"


@pytest.mark.slow
def test_add_with_attendees_edit_minutes_undo_and_delete(window, qtbot, demo_store):
    page = open_meetings(window)
    dialog: FormDialog = page.add()
    dialog.inputs["held_on"].setText("令和8年3月4日")
    dialog.inputs["kind"].setCurrentText("勉強会")
    type_japanese(dialog.inputs["title"], "見守りの勉強会")
    type_japanese(dialog.inputs["venue"], "八幡公民館 和室")
    qtbot.keyClicks(dialog.inputs["start_time"], "13:30")
    qtbot.keyClicks(dialog.inputs["end_time"], "15:00")
    qtbot.keyClicks(dialog.inputs["attendance_count"], "18")
    tick(dialog, "阿部 千代", "池田 実")
    assert dialog.attendance.title.text() == "出席したメンバー（2人）"
    dialog._save()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    assert window.statusBar().currentMessage() == "保存しました"
    added = page.selected()
    assert added.title == "見守りの勉強会" and added.held_on == dt.date(2026, 3, 4)
    assert (added.start_time, added.end_time) == (dt.time(13, 30), dt.time(15))
    assert len(added.attendee_ids) == 2 and added.attendance_count == 18
    assert "阿部 千代、池田 実" in page.detail_people.text()

    edit = page.edit_selected()
    assert [b.text() for b in edit.attendance.boxes.values() if b.isChecked()] == ["阿部 千代", "池田 実"]
    minutes = edit.inputs["minutes"]
    type_japanese(minutes, "見守りの方法を学んだ。")
    qtbot.keyClick(minutes, Qt.Key.Key_Return)
    type_japanese(minutes, "次回は声かけの練習。")
    edit._save()
    assert page.minutes.toPlainText() == "見守りの方法を学んだ。\n次回は声かけの練習。"
    stored = next(m for m in meetings.list_meetings(demo_store, added.council_id) if m.id == added.id)
    assert stored.minutes.splitlines() == ["見守りの方法を学んだ。", "次回は声かけの練習。"]

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    select_title(page, "見守りの勉強会")
    assert page.minutes.toPlainText() == ""
    assert len(page.selected().attendee_ids) == 2  # attendance survives the undo of the edit
    window.controller.undo_stack.undo()
    assert "見守りの勉強会" not in titles(page)
    window.controller.undo_stack.redo()
    assert "見守りの勉強会" in titles(page)

    select_title(page, "見守りの勉強会")
    answer_next_dialog("やめる")
    page.delete_selected()
    assert "見守りの勉強会" in titles(page)
    answer_next_dialog("削除する")
    page.delete_selected()
    assert "見守りの勉強会" not in titles(page)
    window.controller.undo_stack.undo()
    select_title(page, "見守りの勉強会")
    assert len(page.selected().attendee_ids) == 2


def test_bad_time_is_shown_at_the_field_and_nothing_is_saved(window, qtbot, demo_store):
    page = open_meetings(window)
    before = len(page.model.rows)
    dialog = page.add()
    type_japanese(dialog.inputs["title"], "臨時の会")
    qtbot.keyClicks(dialog.inputs["start_time"], "12:00")
    qtbot.keyClicks(dialog.inputs["end_time"], "10:00")
    dialog._save()
    assert dialog.isVisible()
    assert dialog.errors["end_time"].isVisible()
    assert "開始より後" in dialog.errors["end_time"].text()
    assert dialog.inputs["end_time"].property("invalid") is True
    dialog.inputs["end_time"].clear()
    qtbot.keyClicks(dialog.inputs["end_time"], "25:00")
    dialog._save()
    assert "時刻" in dialog.errors["end_time"].text()
    # Fewer people than the members ticked: the message is at 参加人数.
    dialog.inputs["end_time"].clear()
    tick(dialog, "阿部 千代", "池田 実", "伊藤 清")
    qtbot.keyClicks(dialog.inputs["attendance_count"], "2")
    dialog._save()
    assert not dialog.errors["end_time"].isVisible()
    assert "3人" in dialog.errors["attendance_count"].text()
    yawata = councils.find_council(demo_store, "八幡")
    assert len(meetings.list_meetings(demo_store, yawata.id)) == before == len(page.model.rows)
    assert window.controller.undo_stack.count() == 0
    dialog.reject()


# --- 研修 -----------------------------------------------------------------------------------------


def open_trainings(window):
    page = window.show_page("trainings")
    page.open_dialogs_modeless = True
    return page


def select_training(page, day: dt.date) -> None:
    page.select_id(next(t.id for t in page.model.rows if t.held_on == day))


def pick(qtbot, page, member_id: str, state: str) -> None:
    """Click a member's 欠席/出席/修了 as the user does (rows appear on the next event loop)."""
    radio = page.rows[member_id].buttons[state]
    qtbot.waitUntil(radio.isVisible, timeout=2000)
    qtbot.mouseClick(radio, Qt.MouseButton.LeftButton)


def stored(store, training):
    return next(t for t in trainings.list_trainings(store, training.council_id) if t.id == training.id)


@pytest.mark.slow
def test_trainings_mark_completed_refusal_and_undo(window, qtbot, demo_store):
    page = open_trainings(window)
    shown = [(page.model.data(page.model.index(r, 0)), page.model.data(page.model.index(r, 3)))
             for r in range(page.model.rowCount())]
    assert shown == [("平成29年6月17日", "45人"), ("平成29年1月30日", "65人")]
    assert "修了した人はメンバーの区分で『サービスの担い手』にできます" in page.note.text()
    assert page.note.isVisible()

    # Mark a member who missed the 1月30日 session as 修了: stored at once, one undo step.
    select_training(page, dt.date(2017, 1, 30))
    assert "平成29年1月30日" in page.editor_title.text()
    newcomer = next(r for r in page.sheet if r.state == "欠席" and not r.is_provider)
    completed_before = page.model.data(page.model.index(1, 5))
    pick(qtbot, page, newcomer.member_id, "修了")
    assert window.statusBar().currentMessage() == "保存しました"
    assert dict(stored(demo_store, page.selected()).attendance)[newcomer.member_id] is True
    assert page.state_of(newcomer.member_id) == "修了"
    assert page.model.data(page.model.index(1, 5)) != completed_before
    pick(qtbot, page, newcomer.member_id, "出席")  # present, not completed
    assert dict(page.selected().attendance)[newcomer.member_id] is False
    window.controller.undo_stack.undo()
    assert page.state_of(newcomer.member_id) == "修了"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.state_of(newcomer.member_id) == "欠席"
    assert newcomer.member_id not in dict(stored(demo_store, page.selected()).attendance)
    assert page.model.data(page.model.index(1, 5)) == completed_before

    # Taking away a サービスの担い手's only 修了 is refused, said in words, and nothing changes.
    select_training(page, dt.date(2017, 6, 17))
    provider = next(r for r in page.sheet if r.is_provider and r.state == "修了")
    before = stored(demo_store, page.selected()).attendance
    steps = window.controller.undo_stack.count()
    answer_next_dialog("閉じる")
    pick(qtbot, page, provider.member_id, "欠席")
    assert page.error.isVisible()
    assert f"{provider.name}さんはサービスの担い手です" in page.error.text()
    assert page.state_of(provider.member_id) == "修了"  # the buttons show what is stored
    assert stored(demo_store, page.selected()).attendance == before
    assert window.controller.undo_stack.count() == steps
    assert QApplication.activeModalWidget() is None  # the explanation was shown and closed


@pytest.mark.slow
def test_add_edit_and_delete_a_training(window, qtbot, demo_store):
    page = open_trainings(window)
    dialog = page.add()
    dialog.inputs["held_on"].setText("2026-10-03")
    dialog.inputs["title"].clear()
    type_japanese(dialog.inputs["title"], "担い手養成講座（秋）")
    qtbot.keyClicks(dialog.inputs["participant_count"], "30")
    dialog._save()
    assert dialog.result() == FormDialog.DialogCode.Accepted
    added = page.selected()
    assert (added.title, added.participant_count, added.venue) == ("担い手養成講座（秋）", 30, "八幡公民館")
    assert page.model.data(page.model.index(0, 0)) == "令和8年10月3日"

    pick(qtbot, page, page.sheet[0].member_id, "出席")
    edit = page.edit_selected()
    edit.inputs["participant_count"].clear()
    qtbot.keyClicks(edit.inputs["participant_count"], "0")
    edit._save()  # fewer than the one member recorded: refused at the field
    assert "1人" in edit.errors["participant_count"].text()
    edit.inputs["participant_count"].clear()
    qtbot.keyClicks(edit.inputs["participant_count"], "31")
    edit._save()
    assert page.selected().participant_count == 31

    answer_next_dialog("やめる")
    page.delete_selected()
    assert any(t.id == added.id for t in page.model.rows)
    answer_next_dialog("削除する")
    page.delete_selected()
    assert not any(t.id == added.id for t in page.model.rows)
    window.controller.undo_stack.undo()
    back = next(t for t in page.model.rows if t.id == added.id)
    assert len(back.attendance) == 1 and back.participant_count == 31

    # A session that holds a provider's only 修了 cannot be deleted: explained, kept.
    select_training(page, dt.date(2017, 6, 17))
    steps = window.controller.undo_stack.count()
    answer_next_dialog("削除する")
    QTimer.singleShot(50, lambda: answer_next_dialog("閉じる"))
    page.delete_selected()
    assert any(t.held_on == dt.date(2017, 6, 17) for t in page.model.rows)
    assert window.controller.undo_stack.count() == steps


def test_the_log_fits_1024x700_with_large_text_and_shows_every_column_when_wide(window):
    page = open_meetings(window)
    window.large_text.setChecked(True)
    window._apply_text_scale()
    window.resize(1024, 700)
    try:
        for _ in range(3):
            QApplication.processEvents()
        header = page.table.horizontalHeader()
        assert header.length() <= page.table.viewport().width()  # no sideways scroll
        hidden = [page.model.headerData(c, Qt.Orientation.Horizontal)
                  for c in range(page.model.columnCount()) if page.table.isColumnHidden(c)]
        assert hidden and "題名" not in hidden and "開催日" not in hidden
        shown = page.detail_people.text() + page.detail_when.text()
        assert "参加人数" in shown and "出席メンバー" in shown  # what the hidden columns held
    finally:
        window.large_text.setChecked(False)
        window._apply_text_scale()
    window.resize(1900, 900)
    for _ in range(3):
        QApplication.processEvents()
    assert not any(page.table.isColumnHidden(c) for c in range(page.model.columnCount()))
