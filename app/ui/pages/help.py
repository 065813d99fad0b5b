"""使い方: plain help for volunteers — what a 協議体 keeps, printing a 回覧 flyer, sending the file
to the coordinator, what to do when something goes wrong, and personal data. Short sentences,
big text (the style sheet's sizes), buttons that open the page being explained."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.services import privacy
from app.ui import crash
from app.ui.pages.base import Page
from app.ui.widgets import button, label

INTRO = ("ささえあいノートは、協議体の記録をまとめておくノートです。インターネットにはつながりません。"
         "データは、このパソコンの中だけにあります。")

KEEPS = (
    ("メンバー", "協議体のメンバーとサポーターの名前・役割・町内会・連絡先。名簿にのせてよいかの同意も。"),
    ("ニーズ", "住民の困りごとや、必要な手助け。あんしんセンターの集計表や、聞き取りの結果。"),
    ("アンケート", "配った数、回収した数、答えの数。割合は自動で計算します。回答用紙を1枚ずつ番号で"
                   "入れると、町内会ごとの集計や、二つの問を組み合わせた集計（クロス集計）もできます。"),
    ("社会資源", "サロン、体操、移動販売など、地域の集まりや助け合い。日程と場所も。"),
    ("会議・活動", "毎月の会議の記録と出席。"),
    ("研修", "担い手養成講座などの出席と修了。"),
    ("提言", "市や第1層協議体に伝えた「こうしてほしい」と、その回答。"),
    ("協議体の設定", "目指す地域像、会議の場所と日程、チラシにのせる連絡先、町内会と世帯数。"),
    ("年度のまとめ", "4月から3月までに開いた会議や研修、サポーター、つくった社会資源、ニーズ、提言の数。"
                     "「印刷」で「年度のまとめ」を選ぶと、市に出す報告に使えます（Excelにも保存できます）。"),
)

PRINT_STEPS = (
    "左の一覧で「印刷」を押します。",
    "「印刷するもの」で「回覧チラシ」を選びます。",
    "「チラシの種類」を選びます（協議体が発足しました、会議のお知らせ など）。",
    "見出しと本文は、空欄のままなら決まった文になります。自分の言葉に変えることもできます。",
    "右の見本で確かめてから「印刷」を押します。「PDFに保存」を押すと、ほかのパソコンでも印刷できます。",
)

SEND_STEPS = (
    "上の「協議体」で、送る協議体を選びます。",
    "左の一覧で「ファイル」を押します。",
    "名前や電話番号を見せる必要がないときは、「名前・住所・備考を伏せる（匿名にする）」に"
    "チェックを入れます。パスワードをかけることもできます。",
    "「ファイルに書き出す」を押して、保存する場所にUSBメモリを選びます。",
    "そのUSBメモリを、第1層の生活支援コーディネーターに渡します。",
)

TROUBLE = (
    ("間違えて消した・直した",
     "上の「元に戻す」を押します（キーボードなら Ctrl と Z）。何回でも戻せます。"
     "戻しすぎたときは「やり直す」（Ctrl と Y）を押します。"),
    ("データがおかしくなった",
     "「バックアップ」のページで、戻したい日時を選んで「この時点に戻す」を押します。"
     "いまの状態も先にバックアップするので、あとで元にも戻せます。"
     "ファイルを読み込んだあとでおかしくなったときは、「ファイルを読み込む前（自動）」の時点に戻します。"),
    ("「思いがけない問題が起きました」と出た",
     "それまでに保存したもの（「保存しました」と出たもの）は残っています。画面を確かめて、"
     "もう一度やってみてください。何度も出るときは、下の記録（ログ）のファイルを、"
     "パソコンに詳しい人に見せてください。"),
    ("画面がロックされた",
     "パスコードを入れて「開く」を押します。忘れたときは、パソコンの管理をしている人に相談してください。"),
    ("「別のささえあいノートで使われています」と出た",
     "もう一つ開いています。開いている画面を閉じてから、もう一度開いてください。"),
    ("文字が小さくて読みにくい", "上の「文字を大きく」を押します。"),
)


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(title)
    frame.setProperty("role", "card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(18, 14, 18, 14)
    box.setSpacing(8)
    box.addWidget(label(title, "heading", wrap=True))
    return frame, box


def _text(text: str, role: str | None = None):
    widget = label(text, role, wrap=True)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


class HelpPage(Page):
    key = "help"
    title = "使い方"
    areas = frozenset()

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.body.addWidget(_text(INTRO))
        self.jump_buttons: dict[str, object] = {}
        self.cards: list[QFrame] = []
        self.contents_buttons: list = []
        self.contents = QGridLayout()
        self.body.addLayout(self.contents)

        card, box = self._section("1. 協議体が残しておくもの", "1. 残しておくもの")
        for name, what in KEEPS:
            box.addWidget(_text(name, "subheading"))
            box.addWidget(_text(what))
        box.addWidget(_text("合計や割合は、自動で計算します。同じ数を二度入れる必要はありません。", "note"))
        self.body.addWidget(card)

        card, box = self._section("2. 回覧チラシを印刷する", "2. チラシの印刷")
        self._steps(box, PRINT_STEPS)
        box.addWidget(_text("チラシにのる会議の日程・場所・連絡先は、「協議体の設定」で直せます。", "note"))
        self._jump(box, "print", "印刷のページを開く")
        self.body.addWidget(card)

        card, box = self._section("3. コーディネーターにファイルを送る", "3. ファイルを送る")
        self._steps(box, SEND_STEPS)
        box.addWidget(_text("パスワードは、電話など別の方法で伝えます。USBメモリは、なくさないよう"
                            "気をつけて運びます。", "note"))
        self._jump(box, "exchange", "ファイルのページを開く")
        self.body.addWidget(card)

        card, box = self._section("4. 困ったとき", "4. 困ったとき")
        for trouble, remedy in TROUBLE:
            box.addWidget(_text(trouble, "subheading"))
            box.addWidget(_text(remedy))
        self.log_label = label("", "note")
        # A long path must not widen the page; the whole path is in the tooltip too.
        self.log_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.log_label)
        self._jump(box, "backups", "バックアップのページを開く")
        self.body.addWidget(card)

        card, box = self._section("5. 個人情報について", "5. 個人情報")
        for text in (privacy.PERSONAL_DATA_TEXT, privacy.WHO_MAY_SEE_TEXT,
                     privacy.HOW_TO_PROTECT_TEXT):
            box.addWidget(_text(text))
        box.addWidget(_text("パスコードと、ロックするまでの時間は「バックアップ」のページで決めます。", "note"))
        self.body.addWidget(card)
        self.body.addStretch(1)

    def _section(self, title: str, short: str) -> tuple[QFrame, QVBoxLayout]:
        """A card, with a button in the contents at the top that scrolls to it."""
        card, box = _card(title)
        index = len(self.cards)
        self.cards.append(card)
        widget = button(short, lambda: self.scroll_to(index),
                        tip=f"「{title.split('. ', 1)[-1]}」のところへ移ります")
        self.contents.addWidget(widget, index // 2, index % 2)
        self.contents_buttons.append(widget)
        return card, box

    def scroll_to(self, index: int) -> None:
        card = self.cards[index]
        parent: QWidget | None = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.verticalScrollBar().setValue(card.mapTo(self, card.rect().topLeft()).y())

    def _steps(self, box: QVBoxLayout, steps) -> None:
        for number, step in enumerate(steps, start=1):
            box.addWidget(_text(f"{number}．{step}"))

    def _jump(self, box: QVBoxLayout, key: str, text: str) -> None:
        row = QHBoxLayout()
        widget = button(text, lambda: self.open_page(key), tip=f"「{text.removesuffix('を開く')}」に移ります")
        row.addWidget(widget)
        row.addStretch(1)
        box.addLayout(row)
        self.jump_buttons[key] = widget

    def open_page(self, key: str) -> bool:
        window = self.window()
        if key in getattr(window, "pages", {}):
            window.show_page(key)
            return True
        return False

    def reload(self) -> None:
        self._stale = False
        self.refresh()

    def refresh(self) -> None:
        path = crash.log_path()
        self.log_label.setText(f"記録（ログ）のファイル: {path}" if path else "")
        self.log_label.setToolTip(str(path or ""))
        pages = getattr(self.window(), "pages", {})
        for key, widget in self.jump_buttons.items():
            widget.setVisible(key in pages)
