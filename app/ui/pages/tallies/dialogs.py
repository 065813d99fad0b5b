"""The 集計表's forms: a new table, its information, a new 町内会 row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from app.models import TALLY_KINDS
from app.ui.widgets import FormDialog, FormField

KINDS = {text: kind for kind, text in TALLY_KINDS.items()}  # 種類 as shown -> stored kind

NEW_TABLE_FIELDS = (
    FormField("kind", "種類", "choice", list(KINDS), tip="あんしんセンターから受け取る表のどちらかを選びます"),
    FormField("title", "題名", tip="空のときは種類の名前になります"),
    FormField("period_from", "期間（から）", "date"),
    FormField("period_to", "期間（まで）", "date"),
    FormField("source", "出典", tip="例: 高齢者あんしんセンター"),
)
INFO_FIELDS = (
    FormField("title", "題名"),
    FormField("period_from", "期間（から）", "date"),
    FormField("period_to", "期間（まで）", "date"),
    FormField("source", "出典"),
    FormField("note", "メモ", "long"),
)
ROW_FIELDS = (
    FormField("label", "町内会名", tip="町内会の設定にある名前なら、世帯数がつながります"),
    FormField("target_persons", "対象人数"),
)


def tally_dialog(title: str, fields: tuple[FormField, ...], values: dict[str, Any],
                 save: Callable[[dict[str, Any]], Any], parent: QWidget) -> FormDialog:
    dialog = FormDialog(title, fields, values, save, parent)
    # Wide enough for the 和暦 example in the date fields.
    dialog.setMinimumWidth(dialog.fontMetrics().horizontalAdvance("あ") * 30)
    return dialog
