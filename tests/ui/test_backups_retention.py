"""The backup page says how long backups keep data, and (without a passcode only) that a copied
file can be read."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from app.services import privacy
from tests.ui.test_backups_help_lock import open_backups

RETENTION = ("2日間はすべて、30日まではその日の最後の1つ、1年までは月に1つ、いちばん新しいものはずっと残します。"
             "削除したメンバーの情報もその間バックアップに残ります（「完全に消す」で消せます）")
PLAIN = "パスコードを設定していないので、このパソコンのファイルを持ち出すと中身を読めます"


def shown(page) -> str:
    return "\n".join(w.text() for w in page.findChildren(QLabel) if w.isVisibleTo(page))


def test_retention_and_the_plain_file_sentence_are_shown(window):
    page = open_backups(window)
    page.refresh()
    assert RETENTION in shown(page)
    assert PLAIN in shown(page)


@pytest.mark.slow
def test_with_a_passcode_the_plain_file_sentence_is_not_shown(window, demo_store):
    privacy.set_passcode(demo_store, "24681357", "24681357")
    page = open_backups(window)
    page.refresh()
    text = shown(page)
    assert RETENTION in text and PLAIN not in text
    assert privacy.ENCRYPTED_FILE_TEXT in text
