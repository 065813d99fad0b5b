"""ニーズ: the needs heard (一覧), their crosstab by 町内会 and 分類 (crosstab.py), and what is
still missing next to the council's vision (足りないもの); the form in dialog.py, the words in
texts.py."""

from app.ui.pages.needs.page import NeedsPage

__all__ = ["NeedsPage"]
