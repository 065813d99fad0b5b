"""The members page's delete confirmation: 「バックアップからも完全に消す」 off by default; checked,
the deleted member is rewritten out of every backup."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QCheckBox

from app.services import backups
from tests.ui.test_members_page import names, open_page, select


def answer_with_purge(seen: list[bool], purge: bool) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "memberDeleteDialog":
            QTimer.singleShot(10, click)
            return
        check = box.findChild(QCheckBox)
        seen.append(check.isChecked())
        check.setChecked(purge)
        next(b for b in box.buttons() if b.text() == "削除する").click()

    QTimer.singleShot(0, click)


def member_ids(path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {row[0] for row in con.execute("SELECT id FROM member")}
    finally:
        con.close()


@pytest.mark.slow
def test_delete_with_purge_removes_the_member_from_every_backup(window, demo_store):
    page = open_page(window)
    member = next(m for m in page.model.rows if m.name == "橋本 ハル")
    other = next(m for m in page.model.rows if m.name == "田中 幸子")
    first = backups.backup_now(demo_store).path
    seen: list[bool] = []

    select(page, "田中 幸子")
    answer_with_purge(seen, purge=False)  # deleted, and kept in the backups
    page.delete_selected()
    assert other.id in member_ids(first)

    second = backups.backup_now(demo_store).path
    select(page, "橋本 ハル")
    answer_with_purge(seen, purge=True)
    page.delete_selected()
    assert seen == [False, False]  # the check box starts off
    assert "橋本 ハル" not in names(page)
    for path in (first, second):
        ids = member_ids(path)
        assert member.id not in ids
        assert other.id in ids or path == second
    assert "バックアップからも消しました" in window.statusBar().currentMessage()
