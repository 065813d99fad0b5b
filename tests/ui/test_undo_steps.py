"""The controller owns the undo stack and the change signals: a multi-row edit is one undo step
that refreshes the pages once, and data replaced from outside drops the older steps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.services import councils, members
from tests.ui.conftest import answer_next_dialog

UI = Path(__file__).resolve().parents[2] / "app" / "ui"


def yawata_members(store) -> list:
    return members.list_members(store, councils.find_council(store, "八幡").id)


def select_rows(page, rows: list[int]) -> None:
    page.table.clearSelection()
    flags = page.table.selectionModel().SelectionFlag
    for row in rows:
        page.table.selectionModel().select(page.model.index(row, 0), flags.Select | flags.Rows)


@pytest.mark.slow
def test_deleting_three_members_is_one_ctrl_z(window, demo_store):
    page = window.show_page("members")
    select_rows(page, [0, 1, 2])
    gone = {m.id for m in page.selected()}
    assert len(gone) == 3
    count = len(yawata_members(demo_store))
    stack, told = window.controller.undo_stack, []
    window.controller.changed.connect(told.append)
    before = stack.count()

    answer_next_dialog("削除する")
    page.delete_selected()
    assert len(yawata_members(demo_store)) == count - 3 and page.model.rowCount() == count - 3
    assert stack.count() == before + 1 and stack.undoText() == "3人のメンバーを削除"
    assert told == [frozenset({"members"})]  # the pages read once, not once per member

    told.clear()
    stack.undo()  # one Ctrl+Z
    assert {m.id for m in yawata_members(demo_store)} >= gone
    assert len(yawata_members(demo_store)) == count and page.model.rowCount() == count
    assert told == [frozenset({"members"})]
    assert window.statusBar().currentMessage() == "元に戻しました: 3人のメンバーを削除"

    told.clear()
    stack.redo()
    assert not gone & {m.id for m in yawata_members(demo_store)}
    assert told == [frozenset({"members"})]


@pytest.mark.slow
def test_undo_of_one_step_still_tells_its_areas(window, demo_store):
    page = window.show_page("members")
    select_rows(page, [0])
    told = []
    window.controller.changed.connect(told.append)
    answer_next_dialog("削除する")
    page.delete_selected()
    window.controller.undo_stack.undo()
    assert told == [frozenset({"members"}), frozenset({"members"})]


def test_data_replaced_from_outside_drops_the_steps_and_tells_every_page(window, demo_store):
    controller, told = window.controller, []
    controller.changed.connect(told.append)
    yawata = councils.find_council(demo_store, "八幡")
    controller.update("備考を変更", "council", yawata.id,
                      lambda: councils.update_council(demo_store, yawata.id, {"note": "メモ"}),
                      {"council"})
    assert controller.undo_stack.count() == 1
    controller.replaced(text="読み込みました")
    assert controller.undo_stack.count() == 0
    assert told[-1] == frozenset()  # no area named: every page reads again
    assert window.statusBar().currentMessage() == "読み込みました"


def test_pages_leave_the_undo_stack_and_the_change_signal_to_the_controller():
    """Only the controller clears the undo stack or says what changed (`replaced`,
    `forget_steps`, `set_preference(..., areas=)`)."""
    found = []
    for path in UI.rglob("*.py"):
        if path.name == "controller.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"undo_stack\.clear\(", r"controller\.changed\.emit\("):
            if re.search(pattern, text):
                found.append(f"{path.relative_to(UI)}: {pattern}")
    assert found == []
