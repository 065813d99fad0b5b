"""メンバー: the member and supporter list in 五十音 order, instant filters, add/edit/delete,
and 確認済みにする for the yearly re-confirmation."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLineEdit

from app.errors import ValidationError
from app.models import MEMBER_STATUSES
from app.services import members, neighbourhoods, snapshots
from app.services.members import MemberDTO
from app.services.normalize import kana_key, nfkc
from app.ui.pages.base import Page
from app.ui.privacy_guard import reveal_button, reveal_state
from app.ui.widgets import (
    DTO_ROLE,
    Column,
    DtoTableModel,
    FormDialog,
    FormField,
    button,
    empty_hint,
    enable_with_selection,
    form_fields,
    label,
    record_table,
    wareki,
)

ALL = "すべて"
KINDS = {ALL: None, "地域づくりを考える人": lambda m: m.is_thinker,
         "サービスの担い手": lambda m: m.is_provider, "コアメンバー": lambda m: m.is_core,
         "サポーター以外": lambda m: not m.is_supporter}


def kind_text(m: MemberDTO) -> str:
    parts = [name for name, on in (("考える人", m.is_thinker), ("担い手", m.is_provider),
                                   ("コア", m.is_core)) if on]
    return "・".join(parts)


COLUMNS = (
    Column("氏名", lambda m: m.name, lambda m: (m.sort_key, m.name)),
    Column("ふりがな", lambda m: m.furigana, lambda m: m.sort_key),
    Column("役割", lambda m: "、".join(m.roles)),
    Column("区分", kind_text),
    Column("町内会", lambda m: m.neighbourhood_name),
    Column("状況", lambda m: m.status),
    Column("最終確認日", lambda m: wareki(m.last_confirmed_on),
           lambda m: m.last_confirmed_on or dt.date.min),
)


class MembersPage(Page):
    key = "members"
    title = "メンバー"
    areas = frozenset({"members", "neighbourhoods", "trainings"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.all: list[MemberDTO] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("名前・ふりがなで探す")
        self.search.setToolTip("名前やふりがなの一部を入れると、すぐに絞り込みます")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.role_filter = QComboBox()
        self.role_filter.setToolTip("役割で絞り込みます")
        self.kind_filter = QComboBox()
        self.kind_filter.addItems(list(KINDS))
        self.kind_filter.setToolTip("サポーターの区分で絞り込みます")
        self.status_filter = QComboBox()
        self.status_filter.addItems([ALL, *MEMBER_STATUSES])
        self.status_filter.setToolTip("活動の状況で絞り込みます")
        for combo in (self.role_filter, self.kind_filter, self.status_filter):
            combo.currentIndexChanged.connect(self.apply_filter)
        # Search and the three filters on two rows: one row is cut off with large text at 1024.
        filters = QGridLayout()
        filters.addWidget(self.search, 0, 0, 1, 4)
        for i, (text, combo) in enumerate((("役割", self.role_filter), ("状況", self.status_filter),
                                           ("区分", self.kind_filter))):
            row, col = (0, 4) if i == 0 else (1, 2 * (i - 1))
            filters.addWidget(label(text), row, col)
            filters.addWidget(combo, row, col + 1)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        for col in (1, 3, 5):
            filters.setColumnStretch(col, 1)
        self.body.addLayout(filters)
        self.empty = empty_hint("まだメンバーがいません。「メンバーを追加」で登録するか、「ファイル」ページの"
                                "「ほかで作った一覧を読み込む」で名簿を読み込めます。")
        self.body.addWidget(self.empty)

        # 電話 masked (090-****-5678) until 「電話・住所を表示」 is pressed; locking hides it again.
        self.reveal = reveal_state(controller)
        self.model = DtoTableModel((*COLUMNS, Column("電話", lambda m: self.reveal.phone(m.phone))), self)
        self.reveal.subscribe(lambda _shown: self.apply_filter())
        self.table = record_table(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        # Column widths from the first rows only: measuring 10,000 rows costs 100 ms a keystroke.
        self.table.horizontalHeader().setResizeContentsPrecision(50)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.body.addWidget(self.table, 1)
        self.count = label("", "note")
        self.body.addWidget(self.count)

        actions = QHBoxLayout()
        self.add_button = button("メンバーを追加", self.add, role="primary",
                                 tip="新しいメンバー・サポーターを登録します")
        self.edit_button = button("編集", self.edit_selected, tip="選んだ人の情報を直します")
        self.delete_button = button("削除", self.delete_selected, role="danger",
                                    tip="選んだ人を名簿から削除します（確認があります）")
        self.confirm_button = button("確認済みにする", self.confirm_selected,
                                     tip="選んだサポーターの登録を、今日確認したことにします（年に1回）")
        for widget in (self.add_button, self.edit_button, self.delete_button):
            actions.addWidget(widget)
        enable_with_selection(self.table, self.edit_button, self.delete_button, self.confirm_button)
        actions.addStretch(1)
        actions.addWidget(self.confirm_button)
        self.body.addLayout(actions)
        # A second row, so that large text on a 1024-wide screen cuts nothing off.
        more = QHBoxLayout()
        self.reveal_button = reveal_button(controller)
        more.addWidget(self.reveal_button)
        more.addStretch(1)
        self.body.addLayout(more)

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.all = members.list_members(self.store, self.council_id)
        self._nb = {n.name: n.id for n in neighbourhoods.list_neighbourhoods(self.store, self.council_id)}
        current = self.role_filter.currentText()
        self.role_filter.blockSignals(True)
        self.role_filter.clear()
        self.role_filter.addItems([ALL, *members.role_names(self.store)])
        self.role_filter.setCurrentText(current or ALL)
        self.role_filter.blockSignals(False)
        self.apply_filter()
        self.empty.setVisible(not self.all)
        self.table.resizeColumnsToContents()

    def apply_filter(self) -> None:
        """Filtering happens on the loaded DTOs, so each keystroke costs no database query."""
        text = self.search.text().strip()
        needle_name, needle_kana = nfkc(text), kana_key(text)
        role = self.role_filter.currentText()
        kind = KINDS.get(self.kind_filter.currentText())
        status = self.status_filter.currentText()
        shown = [m for m in self.all
                 if (not text or needle_name in m.name or needle_kana in m.sort_key)
                 and (role in ("", ALL) or role in m.roles)
                 and (kind is None or kind(m))
                 and (status == ALL or m.status == status)]
        self.model.set_rows(shown)
        self.count.setText(f"{len(shown)}人を表示（全{len(self.all)}人）")

    def selected(self) -> list[MemberDTO]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.model.data(index, DTO_ROLE) for index in rows]

    # --- edits --------------------------------------------------------------------------------
    def _fields(self) -> list[FormField]:
        """From members.MEMBER_FIELDS: labels, kinds and tips are declared there once."""
        return form_fields(members.MEMBER_FIELDS, {"roles": members.role_names(self.store),
                                                   "neighbourhood": ["（なし）", *self._nb]})

    def _raw(self, values: dict) -> dict:
        nb = values.pop("neighbourhood")
        values["neighbourhood_id"] = self._nb.get(nb)
        return values

    def add(self) -> FormDialog:
        store, council_id = self.store, self.council_id

        def save(values: dict):
            raw = self._raw(values)
            return self.controller.create(f"{raw['name'] or 'メンバー'}さんを追加", "member",
                                          lambda: members.create_member(store, council_id, raw),
                                          {"members"})

        return self.open_dialog(FormDialog("メンバーを追加", self._fields(),
                                     {"status": "活動中", "registered_on": dt.date.today()}, save, self))

    def edit_selected(self) -> FormDialog | None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.controller.message.emit("直す人を一人選んでください")
            return None
        m = chosen[0]
        values = {f.name: getattr(m, f.name, None) for f in self._fields()}
        values["neighbourhood"] = m.neighbourhood_name or "（なし）"

        def save(new: dict):
            raw = self._raw(new)
            return self.controller.update(f"{m.name}さんを編集", "member", m.id,
                                          lambda: members.update_member(self.store, m.id, raw),
                                          {"members"})

        return self.open_dialog(FormDialog(f"{m.name}さんの情報", self._fields(), values, save, self))

    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.controller.message.emit("削除する人を選んでください")
            return
        what = f"{chosen[0].name}さん" if len(chosen) == 1 else f"{len(chosen)}人のメンバー"
        from app.ui.purge_confirm import confirm_member_delete, purge_deleted

        deleting, purge_too = confirm_member_delete(self, what)
        if not deleting:
            return
        with self.controller.several(f"{what}を削除"):  # one Ctrl+Z brings them all back
            for m in chosen:
                self.controller.delete(f"{m.name}さんを削除", "member", m.id,
                                       lambda m=m: members.delete_member(self.store, m.id), {"members"})
        if purge_too:  # 「バックアップからも完全に消す」
            purge_deleted(self, [m.id for m in chosen])

    def confirm_selected(self) -> None:
        chosen = [m for m in self.selected() if m.is_supporter]
        if not chosen:
            self.controller.message.emit("確認済みにするサポーターを選んでください")
            return
        before = [snapshots.capture(self.store, "member", m.id) for m in chosen]
        today = dt.date.today()
        ids = [m.id for m in chosen]

        def undo() -> None:
            for snap in before:
                snapshots.revert(self.store, snap)

        try:
            self.controller.apply(f"{len(ids)}人を確認済みにする",
                                  lambda: members.confirm_members(self.store, ids, today), undo,
                                  areas={"members"})
        except ValidationError as exc:
            self.controller.failed.emit(str(exc))
