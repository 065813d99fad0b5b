"""地図の基準点: two points of the council's map whose latitude/longitude the user knows (from
the city's map or a guide book), clicked on the map or typed, so that every pin gets a
latitude/longitude for other systems (area_map.lat_lon)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from app.errors import UserError
from app.services import area_map
from app.ui.map_view import MapView, Marker
from app.ui.widgets import EditDialog, fit_to_screen, label, mark_invalid, save_cancel_buttons


class ReferenceDialog(EditDialog):
    """Two points of the map whose latitude/longitude the user knows (from the city's map or a
    guide book): clicked on the map or typed as percentages, then saved as one undo step."""

    def __init__(self, tab, area: area_map.AreaMapDTO) -> None:
        super().__init__(tab)
        self.setWindowTitle("地図の基準点（緯度・経度）")
        self.tab, self.area = tab, area
        self.view = MapView()
        self.view.set_image(area.image)
        self.view.place.connect(self._clicked)
        self.view.moved.connect(lambda _k, ids, x, y: self._set_point(int(ids[0]) - 1, x, y))
        self.view.picked.connect(lambda _k, point: setattr(self, "next_point", int(point) - 1))
        self.next_point = 0
        self.points: list[tuple[QDoubleSpinBox, QDoubleSpinBox, QLineEdit, QLabel]] = []
        note = label("地図の上で、緯度・経度の分かる2か所（左上と右下の交差点など）を順にクリックして、"
                     "それぞれの緯度・経度を入れます。番号の印は引っぱって直せます。北が上の地図に使えます。",
                     "note", wrap=True)
        form = QHBoxLayout()  # the two points side by side under the map
        old = ((area.ref1_x, area.ref1_y, area.ref1_lat, area.ref1_lon),
               (area.ref2_x, area.ref2_y, area.ref2_lat, area.ref2_lon))
        for i, ((x, y, lat, lon), guess) in enumerate(zip(old, ((0.1, 0.1), (0.9, 0.9)), strict=True)):
            spins = []
            for value, what in ((x, "横（左から）"), (y, "縦（上から）")):
                spin = QDoubleSpinBox()
                spin.setRange(0, 100)
                spin.setDecimals(1)
                spin.setSuffix(" %")
                spin.setToolTip(f"{i + 1}点目の{what}の位置。地図をクリックしても決まります")
                spin.setValue(100 * (value if value is not None else guess[len(spins)]))
                spin.valueChanged.connect(lambda _v: self._show_points())
                spins.append(spin)
            where = QLineEdit(f"{lat}, {lon}" if lat is not None else "")
            where.setPlaceholderText("例: 36.3219, 139.0031")
            where.setToolTip(f"{i + 1}点目の緯度と経度（地図やガイドブックで調べた数）")
            error = label("", "error", wrap=True)
            error.hide()
            self.points.append((spins[0], spins[1], where, error))
            box = QGridLayout()
            box.addWidget(label(f"{i + 1}点目", "subheading"), 0, 0, 1, 4)
            box.addWidget(label("横"), 1, 0)
            box.addWidget(spins[0], 1, 1)
            box.addWidget(label("縦"), 1, 2)
            box.addWidget(spins[1], 1, 3)
            box.addWidget(label("緯度・経度"), 2, 0, 1, 4)
            box.addWidget(where, 3, 0, 1, 4)
            box.addWidget(error, 4, 0, 1, 4)
            box.setRowStretch(5, 1)
            form.addLayout(box, 1)
        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        buttons = save_cancel_buttons(self, self.save)
        if area.located:
            clear = buttons.addButton("基準点を消す", QDialogButtonBox.ButtonRole.ResetRole)
            clear.setToolTip("基準点を消します（印の緯度・経度もなくなります）")
            clear.clicked.connect(lambda: self._store(None, "地図の基準点を消す"))
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(960, 640))
        self._show_points()

    def _clicked(self, x: float, y: float) -> None:
        self._set_point(self.next_point, x, y)
        self.next_point = 1 - self.next_point

    def _set_point(self, index: int, x: float, y: float) -> None:
        spin_x, spin_y, _where, _error = self.points[index]
        spin_x.setValue(100 * x)
        spin_y.setValue(100 * y)
        self._show_points()

    def _show_points(self) -> None:
        self.view.set_markers([Marker("reference", (str(i + 1),), str(i + 1), f"{i + 1}点目",
                                      sx.value() / 100, sy.value() / 100)
                               for i, (sx, sy, _w, _e) in enumerate(self.points)])

    def save(self) -> None:
        for _sx, _sy, where, error in self.points:
            error.hide()
            mark_invalid(where, False)
        self.general_error.hide()
        points = []
        for i, (sx, sy, where, error) in enumerate(self.points):
            try:
                lat, lon = area_map.parse_lat_lon(where.text(), f"{i + 1}点目の緯度・経度")
            except UserError as exc:
                error.setText(getattr(exc, "reason", str(exc)))
                error.show()
                mark_invalid(where, True)
                where.setFocus()
                return
            points.append(area_map.ReferencePoint(sx.value() / 100, sy.value() / 100, lat, lon))
        self._store(points, "地図の基準点を決める")

    def _store(self, points, text: str) -> None:
        store, council_id = self.tab.store, self.tab.council_id
        try:
            self.tab.controller.update(text, "area_map", self.area.id,
                                       lambda: area_map.set_reference_points(store, council_id, points),
                                       {"resources"})
        except UserError as exc:
            self.general_error.setText(str(exc))
            self.general_error.show()
            return
        self.accept()
