"""The 地図 tab of the 社会資源 page: the council's map (kept in its database, so backups and the
coordinator's file carry it) with numbered pins, the legend, optional layers (町内会の名前,
居場所だけ, ニーズの数), and the buttons that choose, remove and locate the map image.

Every change goes through the controller, one undo step each: a pin placed, dragged or moved
with the keys (saved when the mouse or key is let go), removed, a map stored or removed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services import area_map, needs, neighbourhoods, resources
from app.services.resources import ResourceDTO
from app.ui import worker
from app.ui.map_view import MapView, Marker
from app.ui.widgets import button, confirm_delete, label

SALON = "居場所・サロン"
UNPLACED = "（印なし）"
ROW_ROLE = Qt.ItemDataRole.UserRole  # (kind, id) of a legend row
NOTE = "一覧で選び、地図をクリックして印を置きます（動かす: 引っぱる・矢印キー、外す: Delete）。"
KEPT = "地図の画像はデータベースに保存され、バックアップと提出用のファイルにも入ります。"
NO_MAP = "地図の画像がまだないので、枠は位置の目安です。"


def _read_image(path: Path, page: int | None) -> area_map.PreparedImage:
    """Reads and shrinks a chosen file, on a worker (a big scan takes a moment)."""
    from app.ui.print_job import PDFIUM_LOCK  # pdfium: one thread at a time

    with PDFIUM_LOCK:
        return area_map.read_image_file(path, page)


def pdf_page_count(path: Path) -> int | None:
    """Pages of a PDF, or None when it is not one (read_image_file then says what is wrong)."""
    import pypdfium2 as pdfium

    from app.ui.print_job import PDFIUM_LOCK

    try:
        with path.open("rb") as f:
            if f.read(5) != b"%PDF-":
                return None
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(path))
            try:
                return len(pdf)
            finally:
                pdf.close()
    except (OSError, pdfium.PdfiumError):
        return None


class PageDialog(QDialog):
    """Which page of a PDF holds the map."""

    def __init__(self, name: str, pages: int, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PDF のページを選ぶ")
        layout = QVBoxLayout(self)
        layout.addWidget(label(f"「{name}」は {pages} ページあります。地図のページを選んでください。",
                               wrap=True))
        self.spin = QSpinBox()
        self.spin.setRange(1, pages)
        self.spin.setSuffix(" ページ目")
        self.spin.setToolTip(f"1〜{pages} のページ")
        layout.addWidget(self.spin)
        buttons = QDialogButtonBox()
        buttons.addButton("このページを使う", QDialogButtonBox.ButtonRole.AcceptRole).setProperty("role", "primary")
        buttons.addButton("やめる", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class MapTab(QWidget):
    def __init__(self, page) -> None:
        super().__init__()
        self.page = page
        self.controller = page.controller
        self.resources: list[ResourceDTO] = []
        self.area: area_map.AreaMapDTO | None = None
        self._stale = True
        self._reader: worker.Job | None = None
        self._order: list[tuple[str, str]] = []
        self._shown_council: str | None = None
        # A report of success goes after a while; an error stays until the next try.
        self._status_timer = QTimer(self, singleShot=True, interval=15000)
        self._status_timer.timeout.connect(lambda: self.show_status(""))

        self.choose_button = button("地図の画像を選ぶ…", self.choose_file, role="primary",
                                    tip="地区の地図の画像（PNG・JPEG、スキャンや写真）か PDF のページを"
                                        "選んで、この協議体の地図にします。" + KEPT)
        self.remove_button = button("地図を外す", self.remove_map, role="danger",
                                    tip="地図の画像を外します。印の位置は残ります（元に戻す: Ctrl+Z）")
        self.reference_button = button("緯度・経度…", self.edit_reference,
                                       tip="基準点（緯度・経度）: 地図の上の2か所に緯度・経度を入れると、"
                                           "社会資源の書き出しに緯度・経度が付きます")
        top = QHBoxLayout()
        for widget in (self.choose_button, self.remove_button, self.reference_button):
            top.addWidget(widget)
        top.addStretch(1)
        self.status = label("", "note", wrap=True)
        self.status.hide()

        self.view = MapView()
        self.view.place.connect(self.place_chosen)
        self.view.moved.connect(self.save_move)
        self.view.picked.connect(self.choose)
        self.view.remove_requested.connect(self.remove_pin)
        self.view.step_choice = self._step

        self.legend = QListWidget()
        self.legend.setWordWrap(True)
        self.legend.setSpacing(2)
        self.legend.setMinimumHeight(self.fontMetrics().height() * 3)
        # Its size hint would make the page taller than a 1024×700 screen: take what is left.
        self.legend.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.legend.setToolTip("ここで選んでから地図の上をクリックすると、その場所に印を置きます")
        self.legend.currentItemChanged.connect(lambda *_a: self._chosen_changed())
        self.unpin_button = button("印を外す", self.remove_pin, tip="選んだものの印を地図から外します"
                                                                  "（Delete キー、元に戻す: Ctrl+Z）")
        self.names_layer = QCheckBox("町内会の名前")
        self.names_layer.setToolTip("町内会の名前を地図に出します。名前も引っぱって動かせます")
        self.salons_layer = QCheckBox("居場所だけ")
        self.salons_layer.setToolTip(f"分類が「{SALON}」の社会資源だけを出します")
        self.needs_layer = QCheckBox("ニーズの数")
        self.needs_layer.setToolTip("町内会ごとに、まだ済んでいないニーズの数を出します")
        for box in (self.names_layer, self.salons_layer, self.needs_layer):
            box.toggled.connect(lambda _on: self.refresh())
        right = QVBoxLayout()
        right.addWidget(label("番号と名称", "subheading"))
        right.addWidget(self.legend, 1)
        right.addWidget(self.unpin_button)
        layers = QHBoxLayout()
        layers.addWidget(label("地図に出すもの:"))
        for box in (self.names_layer, self.salons_layer, self.needs_layer):
            layers.addWidget(box)
        layers.addStretch(1)

        body = QHBoxLayout()
        body.addWidget(self.view, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addLayout(layers)
        layout.addLayout(body, 1)
        self.note = label(NOTE, "note", wrap=True)
        layout.addWidget(self.note)

    @property
    def store(self):
        return self.page.store

    @property
    def council_id(self) -> str | None:
        return self.page.council_id

    # --- data ------------------------------------------------------------------------------------
    def set_resources(self, rows: list[ResourceDTO]) -> None:
        """From the page's refresh: the map itself is read when the tab is shown."""
        self.resources = rows
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        self._stale = False
        council_id = self.council_id
        if not council_id:
            return
        if council_id != self._shown_council and not self.busy:
            self.show_status("")  # a message about another council's map
        self._shown_council = council_id
        self.area = area_map.get_map(self.store, council_id)
        if not self.view.set_image(self.area.image if self.area else None):
            self.show_status("保存されている地図の画像を表示できません。「地図の画像を選ぶ…」で"
                             "入れ直してください。", error=True)
        self.remove_button.setEnabled(self.area is not None)
        self.reference_button.setEnabled(self.area is not None)
        # Short: on a 1024×700 screen with large text every line is taken from the map.
        self.note.setText(NOTE + (NO_MAP if self.area is None else ""))
        self.view.setToolTip("" if self.area is None else
                             f"{self.area.name}" + (f"（{self.area.source}）" if self.area.source else "")
                             + ("\n基準点があるので、印に緯度・経度が付きます。" if self.area.located else ""))
        self._fill()

    def _fill(self) -> None:
        chosen = self.chosen()
        numbers = area_map.map_numbers(self.resources)
        shown = [r for r in self.resources if not self.salons_layer.isChecked() or r.category == SALON]
        rows: list[tuple[str, str, str, str]] = []  # kind, id, text, tip
        groups: dict[int, list[ResourceDTO]] = {}
        for r in shown:
            number = numbers.get(r.id)
            if number is not None:
                groups.setdefault(number, []).append(r)
            text = f"{number}. {r.name}" if number is not None else f"{r.name}{UNPLACED}"
            rows.append(("resource", r.id, text, f"{r.name}　{r.venue}" if r.venue else r.name))
        markers = [Marker("resource", tuple(r.id for r in group), str(number),
                          "\n".join(f"{number}. {r.name}" + (f"（{r.venue}）" if r.venue else "") for r in group),
                          group[0].map_x, group[0].map_y)
                   for number, group in sorted(groups.items())]
        names, counts = self.names_layer.isChecked(), self.needs_layer.isChecked()
        if names or counts:
            open_needs = {row.neighbourhood_id: row.total.records for row in needs.crosstab(
                self.store, self.council_id, needs.OPEN_STATUSES).rows} if counts else {}
            for nb in neighbourhoods.list_neighbourhoods(self.store, self.council_id):
                badge = f"ニーズ {open_needs.get(nb.id, 0)}" if counts else ""
                placed = nb.map_x is not None and nb.map_y is not None
                rows.append(("neighbourhood", nb.id, f"町内会 {nb.name}" + ("" if placed else UNPLACED),
                             f"町内会「{nb.name}」" + (f"：まだ済んでいないニーズ {open_needs.get(nb.id, 0)}件"
                                                    if counts else "")))
                if placed:
                    markers.append(Marker("neighbourhood", (nb.id,), nb.name if names else "",
                                          rows[-1][3], nb.map_x, nb.map_y, badge))
        self.legend.blockSignals(True)
        self.legend.clear()
        for kind, row_id, text, tip in rows:
            item = QListWidgetItem(text)
            item.setData(ROW_ROLE, (kind, row_id))
            item.setToolTip(tip)
            self.legend.addItem(item)
            if (kind, row_id) == chosen:
                self.legend.setCurrentItem(item)
        self.legend.blockSignals(False)
        self._order = [(kind, row_id) for kind, row_id, _t, _tip in rows]
        self.view.set_markers(markers)
        self._chosen_changed()

    # --- choosing --------------------------------------------------------------------------------
    def chosen(self) -> tuple[str, str] | None:
        item = self.legend.currentItem()
        return item.data(ROW_ROLE) if item is not None else None

    def choose(self, kind: str, row_id: str) -> None:
        if (kind, row_id) in self._order:
            self.legend.setCurrentRow(self._order.index((kind, row_id)))

    def _step(self, delta: int) -> bool:
        chosen = self.chosen()
        row = (self._order.index(chosen) if chosen in self._order else -1 if delta > 0 else len(self._order)) + delta
        if not 0 <= row < len(self._order):
            return False
        self.legend.setCurrentRow(row)
        return True

    def _chosen_changed(self) -> None:
        chosen = self.chosen()
        self.view.set_chosen(*(chosen or (None, None)))
        self.unpin_button.setEnabled(self._position(chosen) is not None)
        item = self.view.chosen_item()
        if item is not None:
            self.view.ensureVisible(item.sceneBoundingRect(), 30, 30)

    def _position(self, chosen: tuple[str, str] | None) -> tuple[float, float] | None:
        if chosen is None:
            return None
        kind, row_id = chosen
        if kind == "resource":
            r = next((r for r in self.resources if r.id == row_id), None)
            return (r.map_x, r.map_y) if r is not None and r.map_x is not None else None
        item = next((m for m in self.view.markers if m.marker.kind == kind and row_id in m.marker.ids), None)
        return (item.marker.x, item.marker.y) if item is not None else None

    def _name(self, kind: str, row_id: str) -> str:
        if kind == "resource":
            return next((f"「{r.name}」" for r in self.resources if r.id == row_id), "社会資源")
        names = {nb.id: nb.name for nb in neighbourhoods.list_neighbourhoods(self.store, self.council_id)}
        return f"町内会「{names.get(row_id, '')}」"

    # --- pins ------------------------------------------------------------------------------------
    def place_chosen(self, x: float, y: float) -> None:
        chosen = self.chosen()
        if chosen is None:
            self.controller.message.emit("先に右の一覧で、印を置くものを選んでください")
            return
        self._save(chosen[0], [chosen[1]], x, y, f"{self._name(*chosen)}の印を地図に置く")

    def save_move(self, kind: str, ids, x: float, y: float) -> None:
        self._save(kind, list(ids), x, y, f"{self._name(kind, ids[0])}"
                   + (f"ほか{len(ids) - 1}件" if len(ids) > 1 else "") + "の印を動かす")

    def remove_pin(self) -> None:
        chosen = self.chosen()
        if self._position(chosen) is None:
            self.controller.message.emit("印を外すものを、右の一覧から選んでください")
            return
        name = self._name(*chosen)
        if self._save(chosen[0], [chosen[1]], None, None, f"{name}の印を外す"):
            self.controller.message.emit(f"{name}の印を外しました。元に戻す: Ctrl+Z")

    def _save(self, kind: str, ids: list[str], x: float | None, y: float | None, text: str) -> bool:
        """One undo step, however many resources share the pin."""
        store, controller = self.store, self.controller
        if kind == "resource":
            table, areas, setter = "resource", {"resources"}, resources.set_map_position
        else:
            table, areas, setter = "neighbourhood", {"neighbourhoods"}, area_map.set_neighbourhood_position
        try:
            with controller.several(text):
                for row_id in ids:
                    controller.update(text, table, row_id,
                                      lambda row_id=row_id: setter(store, row_id, x, y), areas)
        except UserError as exc:
            controller.failed.emit(str(exc))
            self.refresh()  # the dragged pin goes back to where it is stored
            return False
        return True

    # --- the map image ---------------------------------------------------------------------------
    def show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setProperty("role", "error" if error else "note")
        self.status.style().polish(self.status)
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self._status_timer.stop()
        if text and not error and not self.busy:
            self._status_timer.start()

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "地図の画像を選ぶ", self.controller.preference("map_folder"),
            "地図の画像・PDF (*.png *.jpg *.jpeg *.pdf *.PNG *.JPG *.JPEG *.PDF);;すべてのファイル (*)")
        if not path:
            return
        chosen = Path(path)
        self.controller.set_preference("map_folder", str(chosen.parent))
        page = None
        pages = pdf_page_count(chosen)
        if pages is not None and pages > 1:
            dialog = self.page.open_dialog(PageDialog(chosen.name, pages, self))
            if dialog.result() != QDialog.DialogCode.Accepted:
                return
            page = dialog.spin.value()
        self.load_file(chosen, page)

    def load_file(self, path: Path, page: int | None = None) -> worker.Job | None:
        """Read the file on a worker, then store it (one undo step). The button's path; tests
        call it with a file and wait for `busy` to end."""
        if self._reader is not None:
            return None
        # Owned by the application, not the tab: a page rebuilt while the file is read (the
        # practice file opened) must not destroy a running thread.
        reader = worker.Job(lambda _tell: _read_image(path, page), QApplication.instance())
        reader.council_id, reader.source = self.council_id, path.name
        reader.finished.connect(self._read_done)
        reader.finished.connect(reader.deleteLater)
        self._reader = reader
        self._set_busy(True)
        self.show_status(f"「{path.name}」を読み込んでいます…")
        reader.start()
        return reader

    @property
    def busy(self) -> bool:
        return self._reader is not None

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.choose_button, self.remove_button, self.reference_button):
            widget.setEnabled(not busy and (widget is self.choose_button or self.area is not None))
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QApplication.restoreOverrideCursor()

    def _read_done(self) -> None:
        reader, self._reader = self._reader, None
        reader.wait()
        self._set_busy(False)
        image, message = reader.result, ""
        if isinstance(reader.error, UserError):
            message = str(reader.error)
        elif isinstance(reader.error, MemoryError):
            message = f"「{reader.source}」を読むにはメモリが足りません。解像度を下げて読み取り直してください。"
        elif reader.error is not None:
            self.show_status("")
            raise reader.error
        if message:
            self.show_status(message, error=True)
            return
        if reader.council_id != self.council_id:
            self.show_status("読み込むあいだに協議体が変わったので、地図は入れませんでした。", error=True)
            return
        store, council_id, source = self.store, self.council_id, reader.source
        old = self.area
        text = "地図の画像を入れ替える" if old is not None else "地図の画像を入れる"
        try:
            if old is not None:
                self.controller.update(text, "area_map", old.id,
                                       lambda: area_map.set_map(store, council_id, image, source), {"resources"})
            else:
                self.controller.create(text, "area_map",
                                       lambda: area_map.set_map(store, council_id, image, source), {"resources"})
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return
        kept = f"{image.width:,}×{image.height:,} 画素、{len(image.data) / 1e6:.1f} MB"
        again = "基準点は入れ直してください。" if old is not None and old.located else ""
        self.show_status(f"「{source}」を地図にしました（{kept}）。{again}元に戻す: Ctrl+Z")

    def remove_map(self) -> None:
        if self.area is None:
            return
        if not confirm_delete(self, "地図の画像", question="この協議体の地図の画像を外しますか？",
                              detail="社会資源と町内会の印の位置は残ります。外しても「元に戻す」（Ctrl+Z）で戻せます。"):
            return
        store, council_id = self.store, self.council_id
        try:
            self.controller.delete("地図の画像を外す", "area_map", self.area.id,
                                   lambda: area_map.remove_map(store, council_id), {"resources"})
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return
        self.show_status("地図の画像を外しました。元に戻す: Ctrl+Z")

    def edit_reference(self):
        from app.ui.map_reference import ReferenceDialog

        if self.area is None:
            return None
        return self.page.open_dialog(ReferenceDialog(self, self.area))
