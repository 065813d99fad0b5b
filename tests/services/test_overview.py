"""The coordinator's overview across councils, from the merged database."""

from __future__ import annotations

import datetime as dt

import pytest

from app.exchange.export_file import export_councils
from app.exchange.merge import import_files
from app.services import councils, members, needs
from app.services.demo import YAWATA_MEMBERS, YAWATA_RESOURCES
from app.services.overview import coordinator_overview, overview_totals


def test_one_row_per_council_with_the_demo_figures(demo_store):
    overview = coordinator_overview(demo_store)
    assert len(overview.councils) == 27 and overview.councils[0].tier == 1
    yawata = next(r for r in overview.councils if r.name == "八幡")
    staying = [m for m in YAWATA_MEMBERS if m[9] != "退会"]
    active = [m for m in YAWATA_MEMBERS if m[9] == "活動中"]
    # メンバー: one definition (活動中) on every screen and print
    assert yawata.members == yawata.active == len(active) == 20
    assert yawata.members == members.count_active(demo_store, yawata.id)
    listed = next(c for c in councils.list_councils(demo_store) if c.name == "八幡")
    assert listed.member_count == yawata.members
    assert yawata.supporters == sum(1 for m in active if m[3] or m[4])
    assert yawata.providers == sum(1 for m in active if m[4])
    assert yawata.core_members == sum(1 for m in staying if m[5])
    assert yawata.resource_total == len(YAWATA_RESOURCES)
    assert yawata.resources["居場所・サロン"] == sum(1 for r in YAWATA_RESOURCES if r[2] == "居場所・サロン")
    assert list(yawata.resources) == [c for c in overview.resource_categories if c in yawata.resources]
    assert yawata.open_needs["買い物"].records == 2 and yawata.open_needs["買い物"].persons == 14
    # the same gaps the needs page shows for 八幡: the recorded ones, then those only its needs table has
    assert yawata.gaps == tuple(g.category for g in needs.gaps(demo_store, yawata.id)) == (
        "通院", "移動手段", "調理・弁当", "掃除", "入浴", "住環境", "布団干し", "床屋")
    assert yawata.table_needs["布団干し"] == 6 and yawata.table_needs["買い物"] == 39
    toyooka = next(r for r in overview.councils if r.name == "豊岡")
    assert toyooka.members == 0 and toyooka.resources == {} and toyooka.open_needs == {}
    assert overview.totals.members == 20 and overview.totals.resource_total == 14


def test_gap_view_across_councils(demo_store):
    overview = coordinator_overview(demo_store)
    by_category = {g.category: g for g in overview.gaps}
    assert by_category["通院"].councils_with_gap == ("八幡",)
    assert by_category["買い物"].councils_with_needs == ("八幡",) and by_category["買い物"].councils_with_gap == ()
    from app.services.needs import OPEN_STATUSES, list_needs

    yawata = councils.find_council(demo_store, "八幡").id
    linked = {r for n in list_needs(demo_store, yawata)
              if n.category == "買い物" and n.status in OPEN_STATUSES for r in n.resource_ids}
    assert by_category["買い物"].answering == len(linked) > 0
    for gap in overview.gaps:  # the count and the list follow one rule
        if gap.answering == 0:
            assert gap.councils_with_gap == gap.councils_with_needs
        if not gap.councils_with_gap:
            assert gap.answering > 0
    assert overview.gaps[0].is_gap_somewhere  # gaps first


def test_last_export_and_import_dates(demo_store, tmp_path, store):
    yawata = councils.find_council(demo_store, "八幡")
    export_councils(demo_store, tmp_path / "y.xlsx", [yawata.id])
    exported = next(r for r in coordinator_overview(demo_store).councils if r.name == "八幡")
    assert exported.last_exported is not None and exported.last_imported is None
    import_files(store, [tmp_path / "y.xlsx"])
    received = next(r for r in coordinator_overview(store).councils if r.name == "八幡")
    assert received.last_imported is not None and received.members == 20


@pytest.mark.slow
def test_file_date_is_when_the_council_wrote_it(demo_store, tmp_path, store):
    yawata = councils.find_council(demo_store, "八幡")
    written = dt.datetime(2026, 9, 30, 8, 15)
    export_councils(demo_store, tmp_path / "new.xlsx", [yawata.id], now=written)
    export_councils(demo_store, tmp_path / "old.xlsx", [yawata.id], now=dt.datetime(2026, 3, 1, 8, 0))
    import_files(store, [tmp_path / "new.xlsx"], now=dt.datetime(2026, 12, 1, 10, 0))
    row = next(r for r in coordinator_overview(store).councils if r.name == "八幡")
    assert row.written_on == written and row.last_imported == dt.datetime(2026, 12, 1, 10, 0)
    import_files(store, [tmp_path / "old.xlsx"], now=dt.datetime(2026, 12, 2, 10, 0))
    row = next(r for r in coordinator_overview(store).councils if r.name == "八幡")
    assert row.written_on == written and row.last_imported == dt.datetime(2026, 12, 2, 10, 0)
    unread = next(r for r in coordinator_overview(demo_store).councils if r.name == "八幡")
    assert unread.written_on is None  # nothing was read into the demo database


def test_overview_totals_add_up_the_rows_shown(demo_store):
    rows = [r for r in coordinator_overview(demo_store).councils if r.tier == 2]
    total = overview_totals(rows)
    assert total.name == "合計"
    assert total.members == sum(members.count_active(demo_store, r.id) for r in rows) == 20
    assert total.supporters == sum(r.supporters for r in rows)
    assert total.resource_total == sum(r.resource_total for r in rows) == 14
    assert total.open_need_total == sum(r.open_need_total for r in rows) > 0
    assert overview_totals(rows[:0]).members == 0
    assert overview_totals(rows) == coordinator_overview(demo_store).totals.__class__(
        **{**coordinator_overview(demo_store).totals.__dict__, "name": "合計"})
