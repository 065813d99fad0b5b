"""The crash log holds no personal data: an error whose message quotes a member's name, phone
and address (directly, through a UserError it was raised from, or a database error) leaves the
type and the code's file/line/function in the log, never the data. The log file is 0600."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.errors import UserError
from app.services import councils, members
from app.ui import crash


def _close_crash_dialogs(seen: list[str]) -> None:
    def look() -> None:
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "crashDialog":
            QTimer.singleShot(10, look)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == "続ける").click()

    QTimer.singleShot(0, look)


@pytest.mark.qt_no_exception_capture
def test_an_error_quoting_members_leaves_no_personal_data_in_the_log(window, qtbot, crash_handler,
                                                                     demo_store, monkeypatch):
    yawata = councils.find_council(demo_store, "八幡")
    people = members.list_members(demo_store, yawata.id)
    assert people and any(m.phone for m in people)
    page = window.show_page("members")
    everyone = "、".join(f"{m.name} {m.furigana} {m.phone} {m.address}" for m in people)

    def broken_delete() -> None:
        secret = everyone  # a local variable holding the data: never logged either
        try:
            try:
                raise sqlite3.IntegrityError(f"UNIQUE constraint failed: {secret}")
            except sqlite3.Error as exc:
                raise UserError(f"{secret} を削除できません") from exc
        except UserError:
            raise RuntimeError(f"delete failed for {secret}")  # noqa: B904 - the chain is logged too

    monkeypatch.setattr(page, "delete_selected", broken_delete)
    seen: list[str] = []
    _close_crash_dialogs(seen)
    QTimer.singleShot(0, page.delete_selected)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=3000)

    _close_crash_dialogs(seen)
    crash_handler.thread_excepthook(type("Args", (), {
        "exc_type": UserError, "exc_value": UserError(everyone), "exc_traceback": None,
        "thread": None})())
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=3000)

    for handler in logging.getLogger().handlers:
        handler.flush()
    log = crash_handler.log_path.read_text(encoding="utf-8")
    assert "RuntimeError" in log and "broken_delete" in log and "delete failed for" in log
    assert "app.errors.UserError" in log and "sqlite3.IntegrityError" in log
    for m in people:
        for value in (m.name, m.furigana, m.phone, m.address, m.phone.replace("-", "")):
            if value:
                assert value not in log, value
    assert "secret" not in log  # no local variables
    if os.name != "nt":
        assert stat.S_IMODE(crash_handler.log_path.stat().st_mode) == 0o600


def test_safe_message_keeps_plain_words_and_drops_data():
    assert crash.safe_message(KeyError("member_id")) == "'member_id'"
    assert crash.safe_message(ValueError("山田 花子 027-123-4567 a@b.jp")) == "… … ###-###-#### …@…"
    assert crash.safe_message(UserError("plain ascii too")) == "（文面は記録しません）"
    assert crash.safe_message(sqlite3.OperationalError("no such row x")) == "（文面は記録しません）"
