"""The 地図 tab of the 社会資源 page driven as a user would: store a map from a file (and refuse a
broken one), place, drag, nudge and remove pins with the mouse and keys, undo, zoom, the
layers, the reference points; and the tab fits a 1024×700 screen with large text."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.services import area_map, councils, needs, resources
from app.ui import map_view
from app.ui.map_view import MapView, Marker
from tests.ui.conftest import answer_next_dialog, type_japanese
from tests.ui.test_forms import cut_off

LEFT = Qt.MouseButton.LeftButton


def open_tab(window, qtbot):
    page = window.show_page("resources")
    page.open_dialogs_modeless = True
    page.tabs.setCurrentIndex(1)
    tab = page.map_tab
    qtbot.waitExposed(tab.view)
    QApplication.processEvents()
    return tab


def yawata(store) -> str:
    return councils.find_council(store, "八幡").id


def stored(store, name: str):
    return next(r for r in resources.list_resources(store, yawata(store)) if r.name == name)


def choose(tab, name: str) -> str:
    rid = next(r.id for r in tab.resources if r.name == name)
    tab.choose("resource", rid)
    assert tab.chosen() == ("resource", rid)
    return rid


def item_of(tab, row_id: str):
    return next(m for m in tab.view.markers if row_id in m.marker.ids)


def on_screen(view: MapView, item) -> QPoint:
    return view.mapFromScene(item.pos())


def screen_width(view: MapView, item) -> float:
    return item.deviceTransform(view.viewportTransform()).mapRect(item.boundingRect()).width()


def click(qtbot, view: MapView, x: float, y: float) -> None:
    qtbot.mouseClick(view.viewport(), LEFT, pos=view.view_point(x, y).toPoint())


def drag(qtbot, view: MapView, start: QPoint, end: QPoint) -> None:
    viewport = view.viewport()
    qtbot.mousePress(viewport, LEFT, pos=start)
    for k in range(1, 6):  # several small moves, as a hand does
        qtbot.mouseMove(viewport, start + (end - start) * k / 5)
    qtbot.mouseRelease(viewport, LEFT, pos=end)


def png(width: int = 800, height: int = 600) -> bytes:
    image = Image.new("RGB", (width, height), "#f4f1e8")
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 60):
        draw.line([(i, 0), (i + 90, height)], fill="white", width=8)
    draw.line([(0, height // 2), (width, height // 3)], fill="#f2c75c", width=20)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def wait_loaded(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: not tab.busy, timeout=20000)


# --- the map image -------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_png_becomes_the_map_and_undo_gives_the_old_one_back(window, qtbot, demo_store, tmp_path):
    tab = open_tab(window, qtbot)
    council_id = yawata(demo_store)
    before = area_map.get_map(demo_store, council_id)  # the demo's own drawn map
    path = tmp_path / "八幡の地図.png"
    path.write_bytes(png(900, 600))
    assert tab.load_file(path) is not None
    assert tab.busy and not tab.choose_button.isEnabled()  # the busy indication
    wait_loaded(qtbot, tab)
    stored_map = area_map.get_map(demo_store, council_id)
    assert (stored_map.source, stored_map.width, stored_map.height) == ("八幡の地図.png", 900, 600)
    assert tab.view.has_image and tab.view.map_size == (900.0, 600.0)
    assert tab.view.sceneRect().size().toTuple() == (900.0, 600.0)
    assert "「八幡の地図.png」を地図にしました" in tab.status.text()
    assert tab.choose_button.isEnabled() and tab.remove_button.isEnabled()
    assert window.controller.undo_stack.undoText() in ("地図の画像を入れ替える", "地図の画像を入れる")

    window.controller.undo_stack.undo()
    again = area_map.get_map(demo_store, council_id)
    assert (again is None and before is None) or (again.image == before.image and again.located == before.located)
    QApplication.processEvents()
    assert tab.view.map_size == ((float(before.width), float(before.height)) if before else map_view.GRID_SIZE)


@pytest.mark.parametrize("content, words", [
    (png()[:400], "途中で壊れて"),                        # a truncated PNG
    ("会議のメモ\n".encode() * 50, "地図の画像として読めません"),  # not an image
])
@pytest.mark.slow
def test_a_broken_file_leaves_the_database_unchanged_and_says_why(window, qtbot, demo_store, tmp_path,
                                                                   content, words):
    tab = open_tab(window, qtbot)
    council_id = yawata(demo_store)
    before = area_map.get_map(demo_store, council_id)
    steps = window.controller.undo_stack.count()
    path = tmp_path / "地図.png"
    path.write_bytes(content)
    tab.load_file(path)
    wait_loaded(qtbot, tab)
    assert area_map.get_map(demo_store, council_id) == before
    assert window.controller.undo_stack.count() == steps
    assert tab.status.isVisible() and tab.status.property("role") == "error"
    assert "「地図.png」" in tab.status.text() and words in tab.status.text()


@pytest.mark.slow
def test_one_page_of_a_pdf_becomes_the_map(window, qtbot, demo_store, tmp_path):
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    path = tmp_path / "市の地図.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawString(100, 700, "page 1")
    pdf.showPage()
    pdf.setPageSize(landscape(A4))  # the map is on the second, landscape page
    pdf.line(50, 50, 700, 500)
    pdf.showPage()
    pdf.save()
    from app.ui.pages.resources.map_tab import pdf_page_count

    assert pdf_page_count(path) == 2
    tab = open_tab(window, qtbot)
    tab.load_file(path, 2)
    wait_loaded(qtbot, tab)
    stored_map = area_map.get_map(demo_store, yawata(demo_store))
    assert stored_map.source == "市の地図.pdf" and stored_map.landscape


@pytest.mark.slow
def test_removing_the_map_asks_and_can_be_undone(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    council_id = yawata(demo_store)
    assert area_map.get_map(demo_store, council_id) is not None  # the demo has a map
    answer_next_dialog("やめる")
    tab.remove_map()
    assert area_map.get_map(demo_store, council_id) is not None
    answer_next_dialog("削除する")
    tab.remove_map()
    assert area_map.get_map(demo_store, council_id) is None
    assert not tab.view.has_image and not tab.remove_button.isEnabled()
    assert "位置の目安" in tab.note.text()
    assert stored(demo_store, "八起きサロン").map_x == pytest.approx(0.71)  # pins stay
    window.controller.undo_stack.undo()
    assert area_map.get_map(demo_store, council_id) is not None and tab.view.has_image


# --- pins ----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_click_places_the_chosen_pin_and_the_legend_numbers_it(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    rows = [tab.legend.item(i).text() for i in range(tab.legend.count())]
    assert "ゴミ出しお手伝い（印なし）" in rows and rows[0] == "1. ミチの会"
    tab.legend.setCurrentItem(None)
    click(qtbot, tab.view, 0.9, 0.8)  # nothing chosen: nothing placed
    assert stored(demo_store, "ゴミ出しお手伝い").map_x is None
    choose(tab, "ゴミ出しお手伝い")
    click(qtbot, tab.view, 0.9, 0.8)
    placed = stored(demo_store, "ゴミ出しお手伝い")
    assert placed.map_x == pytest.approx(0.9, abs=0.005) and placed.map_y == pytest.approx(0.8, abs=0.005)
    number = area_map.map_numbers(resources.list_resources(demo_store, yawata(demo_store)))[placed.id]
    assert f"{number}. ゴミ出しお手伝い" in [tab.legend.item(i).text() for i in range(tab.legend.count())]
    assert item_of(tab, placed.id).marker.text == str(number)
    assert tab.chosen() == ("resource", placed.id)  # still chosen after the refresh
    window.controller.undo_stack.undo()
    assert stored(demo_store, "ゴミ出しお手伝い").map_x is None


@pytest.mark.slow
def test_enter_puts_the_chosen_pin_at_the_middle_of_the_view(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    choose(tab, "見守り・声かけ")
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    placed = stored(demo_store, "見守り・声かけ")
    assert (placed.map_x, placed.map_y) == pytest.approx(tab.view.centre_fraction(), abs=0.005)


@pytest.mark.slow
def test_dragging_a_pin_moves_it_in_one_undo_step(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    rid = stored(demo_store, "八起きサロン").id
    view = tab.view
    start = on_screen(view, item_of(tab, rid))
    scale = view.transform().m11()
    steps = window.controller.undo_stack.count()
    drag(qtbot, view, start, start + QPoint(60, -40))
    assert window.controller.undo_stack.count() == steps + 1  # saved once, on letting go
    moved = stored(demo_store, "八起きサロン")
    w, h = view.map_size
    assert moved.map_x == pytest.approx(0.71 + 60 / scale / w, abs=0.004)
    assert moved.map_y == pytest.approx(0.62 - 40 / scale / h, abs=0.004)
    assert window.controller.undo_stack.undoText().endswith("の印を動かす")
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # 元に戻す
    assert stored(demo_store, "八起きサロン").map_x == pytest.approx(0.71)


@pytest.mark.slow
def test_a_shared_pin_drags_every_resource_at_that_spot(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    at_hall = [r.id for r in tab.resources if (r.map_x, r.map_y) == (0.32, 0.28)]
    assert len(at_hall) == 7 and item_of(tab, at_hall[0]).marker.ids == tuple(at_hall)  # one pin
    start = on_screen(tab.view, item_of(tab, at_hall[0]))
    drag(qtbot, tab.view, start, start + QPoint(0, 50))
    after = {r.id: r for r in resources.list_resources(demo_store, yawata(demo_store))}
    assert len({(after[i].map_x, after[i].map_y) for i in at_hall}) == 1
    assert after[at_hall[0]].map_y > 0.3
    window.controller.undo_stack.undo()  # one step for all seven
    assert all(stored_row.map_y == pytest.approx(0.28) for stored_row in
               (r for r in resources.list_resources(demo_store, yawata(demo_store)) if r.id in at_hall))


@pytest.mark.slow
def test_arrow_keys_move_the_chosen_pin_and_delete_removes_it(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    view = tab.view
    choose(tab, "移動販売")
    view.setFocus()
    scale, (w, h) = view.transform().m11(), view.map_size
    steps = window.controller.undo_stack.count()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    moved = stored(demo_store, "移動販売")
    assert moved.map_x == pytest.approx(0.22 + map_view.STEP / scale / w, abs=0.001)
    assert moved.map_y == pytest.approx(0.40 + map_view.BIG_STEP / scale / h, abs=0.001)
    assert window.controller.undo_stack.count() == steps + 2  # one step per key let go
    window.controller.undo_stack.undo()
    assert stored(demo_store, "移動販売").map_y == pytest.approx(0.40)

    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stored(demo_store, "移動販売").map_x is None
    assert "元に戻す: Ctrl+Z" in window.statusBar().currentMessage()
    assert "移動販売（印なし）" in [tab.legend.item(i).text() for i in range(tab.legend.count())]
    window.controller.undo_stack.undo()
    assert stored(demo_store, "移動販売").map_x == pytest.approx(0.22 + map_view.STEP / scale / w, abs=0.001)


@pytest.mark.slow
def test_tab_on_the_map_chooses_the_next_entry_and_leaves_at_the_end(window, qtbot):
    tab = open_tab(window, qtbot)
    tab.legend.setCurrentRow(0)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Tab)
    assert tab.legend.currentRow() == 1 and tab.view.hasFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Backtab)
    assert tab.legend.currentRow() == 0
    tab.legend.setCurrentRow(tab.legend.count() - 1)
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Tab)  # the end: the focus moves on
    assert not tab.view.hasFocus()


@pytest.mark.slow
def test_pins_at_nearly_one_spot_are_drawn_apart_with_a_line_to_the_spot(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    a, b = stored(demo_store, "ゴミ出しお手伝い"), stored(demo_store, "見守り・声かけ")
    resources.set_map_position(demo_store, a.id, 0.8, 0.85)
    resources.set_map_position(demo_store, b.id, 0.802, 0.851)  # two numbers, almost one spot
    window.controller.changed.emit(frozenset({"resources"}))
    QApplication.processEvents()
    pa, pb = item_of(tab, a.id), item_of(tab, b.id)
    assert pa is not pb
    gap = on_screen(tab.view, pa) - on_screen(tab.view, pb)
    assert math.hypot(gap.x(), gap.y()) >= 2 * tab.view.pin_radius() - 1
    assert pb.line.isVisible() and pb.dot.isVisible() and not pa.line.isVisible()
    assert pb.dot.pos() == tab.view.scene_point(0.802, 0.851)  # the line starts at the true spot


@pytest.mark.slow
def test_zooming_keeps_each_pin_at_its_place_on_the_map(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    view = tab.view
    rid = stored(demo_store, "お休み処のベンチ").id
    item = item_of(tab, rid)
    fitted = view.transform().m11()
    size = screen_width(view, item)
    view.zoom_in()
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.transform().m11() == pytest.approx(fitted * map_view.ZOOM_STEP ** 2)
    assert view.fraction(item.pos()) == pytest.approx((0.58, 0.30), abs=0.002)
    assert screen_width(view, item) == pytest.approx(size)  # the same size on screen
    centre = QPointF(view.viewport().rect().center())
    event = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.transform().m11() == pytest.approx(fitted * map_view.ZOOM_STEP)
    view.fit()
    assert view.transform().m11() == pytest.approx(fitted)
    assert view.fraction(item.pos()) == pytest.approx((0.58, 0.30), abs=0.002)


def test_dragging_the_pan_does_not_place_a_pin(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    view = tab.view
    view.zoom_in()
    view.zoom_in()
    choose(tab, "ゴミ出しお手伝い")
    start = view.viewport().rect().center() + QPoint(0, 60)
    assert view.marker_at(start) is None
    before = view.horizontalScrollBar().value()
    drag(qtbot, view, start, start + QPoint(-80, 0))
    assert stored(demo_store, "ゴミ出しお手伝い").map_x is None  # a pan, not a click
    assert view.horizontalScrollBar().value() != before


# --- layers --------------------------------------------------------------------------------------

@pytest.mark.slow
def test_neighbourhood_names_are_a_layer_and_drag_like_pins(window, qtbot, demo_store):
    from app.services import neighbourhoods

    tab = open_tab(window, qtbot)
    assert not any(m.marker.kind == "neighbourhood" for m in tab.view.markers)
    tab.names_layer.setChecked(True)
    nb = next(n for n in neighbourhoods.list_neighbourhoods(demo_store, yawata(demo_store)) if n.name == "下大島")
    label = next(m for m in tab.view.markers if m.marker.kind == "neighbourhood" and m.marker.ids == (nb.id,))
    assert label.marker.text == "下大島"
    start = on_screen(tab.view, label)
    scale, (w, h) = tab.view.transform().m11(), tab.view.map_size
    drag(qtbot, tab.view, start, start + QPoint(-50, 30))
    after = next(n for n in neighbourhoods.list_neighbourhoods(demo_store, yawata(demo_store)) if n.id == nb.id)
    assert after.map_x == pytest.approx(nb.map_x - 50 / scale / w, abs=0.004)
    assert after.map_y == pytest.approx(nb.map_y + 30 / scale / h, abs=0.004)
    window.controller.undo_stack.undo()
    back = next(n for n in neighbourhoods.list_neighbourhoods(demo_store, yawata(demo_store)) if n.id == nb.id)
    assert (back.map_x, back.map_y) == pytest.approx((nb.map_x, nb.map_y))

    # An unplaced 町内会 is listed and placed like a resource.
    area_map.set_neighbourhood_position(demo_store, nb.id, None, None)
    window.controller.changed.emit(frozenset({"neighbourhoods"}))
    QApplication.processEvents()
    assert "町内会 下大島（印なし）" in [tab.legend.item(i).text() for i in range(tab.legend.count())]
    tab.choose("neighbourhood", nb.id)
    click(qtbot, tab.view, 0.1, 0.9)
    placed = next(n for n in neighbourhoods.list_neighbourhoods(demo_store, yawata(demo_store)) if n.id == nb.id)
    assert (placed.map_x, placed.map_y) == pytest.approx((0.1, 0.9), abs=0.005)


@pytest.mark.slow
def test_needs_layer_counts_open_needs_per_neighbourhood(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    tab.needs_layer.setChecked(True)
    open_counts = {row.neighbourhood_id: row.total.records
                   for row in needs.crosstab(demo_store, yawata(demo_store), needs.OPEN_STATUSES).rows}
    badges = {m.marker.ids[0]: m.marker.badge for m in tab.view.markers if m.marker.kind == "neighbourhood"}
    assert badges and all(badge == f"ニーズ {open_counts.get(nb_id, 0)}" for nb_id, badge in badges.items())
    assert any(open_counts.get(nb_id) for nb_id in badges)  # the demo has open needs somewhere
    assert all(m.marker.text == "" for m in tab.view.markers if m.marker.kind == "neighbourhood")  # names off


def test_salons_only_shows_the_salons(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    everything = {i for m in tab.view.markers for i in m.marker.ids}
    tab.salons_layer.setChecked(True)
    shown = {i for m in tab.view.markers for i in m.marker.ids}
    salons = {r.id for r in tab.resources if r.category == "居場所・サロン" and r.map_x is not None}
    assert shown == salons and shown < everything
    numbers = area_map.map_numbers(tab.resources)
    assert {m.marker.text for m in tab.view.markers} == {str(numbers[i]) for i in shown}  # printed numbers


# --- reference points ----------------------------------------------------------------------------

@pytest.mark.slow
def test_reference_points_are_clicked_typed_and_checked_at_the_field(window, qtbot, demo_store):
    tab = open_tab(window, qtbot)
    council_id = yawata(demo_store)
    area_map.set_reference_points(demo_store, council_id, None)
    window.controller.changed.emit(frozenset({"resources"}))
    dialog = tab.edit_reference()
    qtbot.waitExposed(dialog)
    click(qtbot, dialog.view, 0.3, 0.25)
    click(qtbot, dialog.view, 0.75, 0.7)
    (x1, y1, where1, error1), (x2, y2, where2, error2) = dialog.points
    assert (x1.value(), y1.value(), x2.value(), y2.value()) == pytest.approx((30, 25, 75, 70), abs=0.5)
    type_japanese(where1, "36.3400, 138.9300")
    type_japanese(where2, "北緯36度")
    dialog.save()
    assert error2.isVisible() and "緯度と経度" in error2.text() and not error1.isVisible()
    assert not area_map.get_map(demo_store, council_id).located
    where2.clear()
    type_japanese(where2, "３６．３１８０，　１３８．９７８０")  # full-width, as an IME may give it
    dialog.save()
    located = area_map.get_map(demo_store, council_id)
    assert located.located and located.ref2_lon == pytest.approx(138.978)
    assert located.ref1_x == pytest.approx(0.30, abs=0.005) and not dialog.isVisible()
    window.controller.undo_stack.undo()
    assert not area_map.get_map(demo_store, council_id).located


# --- the screen ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_map_tab_fits_1024x700_with_large_text(window, qtbot):
    window.large_text.setChecked(True)
    window._apply_text_scale()
    window.resize(1024, 700)
    try:
        tab = open_tab(window, qtbot)
        for box in (tab.names_layer, tab.needs_layer):
            box.setChecked(True)
        for _ in range(3):
            QApplication.processEvents()
        page = window.pages["resources"]
        holder = page.parentWidget()  # the scroll area's viewport: the page must not scroll
        assert page.height() <= holder.height()
        assert cut_off(window, page) == []
        assert tab.view.height() >= 200 and tab.legend.height() >= 3 * tab.legend.fontMetrics().height()
    finally:
        window.large_text.setChecked(False)
        window._apply_text_scale()


def test_markers_keep_their_screen_size_and_a_label_shows_name_and_badge(qtbot):
    view = MapView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    view.set_markers([Marker("resource", ("a",), "12", "", 0.5, 0.5),
                      Marker("neighbourhood", ("n",), "下大島", "", 0.2, 0.2, "ニーズ 3")])
    pin, name = view.markers
    assert pin.flags() & pin.GraphicsItemFlag.ItemIgnoresTransformations
    assert name.boundingRect().width() >= name._name_w + name._badge_w > name._name_w > 0  # side by side
    before, fitted = screen_width(view, pin), view.transform().m11()
    view.zoom(3)
    assert view.transform().m11() == pytest.approx(3 * fitted) and screen_width(view, pin) == pytest.approx(before)


def test_a_crowded_map_counts_close_pins_in_one_mark_and_zooming_shows_them(qtbot):
    view = MapView()
    qtbot.addWidget(view)
    view.resize(500, 380)
    view.show()
    spots = [(0.05 + 0.9 * ((i * 37) % 100) / 100, 0.05 + 0.9 * ((i * 61) % 97) / 97) for i in range(300)]
    view.set_markers([Marker("resource", (f"r{i}",), str(i + 1), f"{i + 1}. 社会資源{i + 1}", x, y)
                      for i, (x, y) in enumerate(spots)])

    def drawn() -> list:
        return [m for m in (*view.markers, *view.clusters) if m.isVisible()]

    def apart() -> bool:
        places = [view.mapFromScene(m.pos()) for m in drawn()]
        spacing = 2 * view.pin_radius() + 2
        return all(math.hypot(*(a - b).toTuple()) >= spacing - 1 for i, a in enumerate(places) for b in places[:i])

    assert view.clusters and apart()
    counted = [i for m in drawn() for i in m.marker.ids]
    assert sorted(counted) == sorted(f"r{i}" for i in range(300))  # every pin once: alone or counted
    assert all(m.marker.text == f"{len(m.marker.ids)}件" for m in view.clusters)
    view.set_chosen("resource", "r150")
    assert view.chosen_item().isVisible()  # the chosen pin is never inside a mark
    mark = view.clusters[len(view.clusters) // 2]
    scale = view.transform().m11()
    qtbot.mouseClick(view.viewport(), LEFT, pos=view.mapFromScene(mark.pos()))  # a mark: zoom in
    assert view.transform().m11() == pytest.approx(2 * scale)
    view.zoom(4)
    assert not view.clusters and apart()  # close enough: every pin on its own, none covered


@pytest.mark.slow
def test_the_button_asks_for_a_file_and_remembers_its_folder(window, qtbot, demo_store, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    path = tmp_path / "スキャン.png"
    path.write_bytes(png(640, 900))
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args: asked.append(args) or (str(path), ""))
    tab = open_tab(window, qtbot)
    tab.choose_button.click()
    wait_loaded(qtbot, tab)
    assert "*.pdf" in asked[0][3] and "*.jpg" in asked[0][3]
    stored_map = area_map.get_map(demo_store, yawata(demo_store))
    assert (stored_map.source, stored_map.width, stored_map.height) == ("スキャン.png", 640, 900)
    assert window.controller.preference("map_folder") == str(tmp_path)
