"""The あんしんセンター tables in the needs picture: gaps from the newest needs table beside the
records (never added), the tier-1 gaps, and rates per 町内会."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import update

from app.models import TallyColumn
from app.models.base import reference_id
from app.services import (
    councils,
    need_rates,
    need_tables,
    needs,
    neighbourhoods,
    resources,
    tallies,
)
from app.services.overview import coordinator_overview


def yawata(store):
    return councils.find_council(store, "八幡").id


def test_yawatas_gap_view_lists_what_only_its_needs_table_counts(demo_store):
    found = {c.category: c for c in needs.coverage(demo_store, yawata(demo_store))}
    gaps = {g.category: g for g in needs.gaps(demo_store, yawata(demo_store))}
    assert {k: gaps[k].table_persons for k in ("布団干し", "床屋", "通院")} == {
        "布団干し": 6, "床屋": 8, "通院": 21}
    # side by side, never added: 通院 has one record of 6 persons and 21 in the table
    assert (gaps["通院"].open_needs, gaps["通院"].persons, gaps["通院"].table_persons) == (1, 6, 21)
    assert (gaps["布団干し"].open_needs, gaps["布団干し"].persons) == (0, 0)
    futon = found["布団干し"]
    assert futon.is_gap and futon.table is not None
    assert futon.table.neighbourhoods == (("金井淵", 2), ("八幡3", 2), ("八幡4", 2))
    assert futon.table.period_to == dt.date(2017, 4, 30)
    # 買い物: 39 in the table, but the open needs have resources linked: covered
    assert not found["買い物"].is_gap and found["買い物"].table_persons == 39
    assert [c.category for c in found.values() if c.is_gap][:2] == ["通院", "移動手段"]


def test_a_resource_on_an_open_need_answers_the_tables_persons(demo_store):
    council_id = yawata(demo_store)
    helper = resources.create_resource(demo_store, council_id, {"name": "布団干し隊"})
    assert "布団干し" in {g.category for g in needs.gaps(demo_store, council_id)}
    needs.create_need(demo_store, council_id, {"category": "布団干し", "status": "対応中"},
                      resource_ids=[helper.id])
    after = {c.category: c for c in needs.coverage(demo_store, council_id)}["布団干し"]
    assert not after.is_gap and after.table_persons == 6 and after.resource_names == ("布団干し隊",)
    assert after.persons == 0 and after.without_count == 1  # the record's 人数 was left blank
    assert "布団干し" not in {g.category for g in needs.gaps(demo_store, council_id)}
    overview = coordinator_overview(demo_store)
    row = next(r for r in overview.councils if r.name == "八幡")
    assert "布団干し" not in row.gaps and "床屋" in row.gaps
    gap = next(g for g in overview.gaps if g.category == "布団干し")
    assert gap.councils_with_gap == () and gap.answering == 1 and gap.table_persons == 6


def test_tier1_gaps_count_the_needs_tables_of_every_council(demo_store):
    overview = coordinator_overview(demo_store)
    by_category = {g.category: g for g in overview.gaps}
    for category, persons in (("布団干し", 6), ("床屋", 8), ("通院", 21)):
        assert by_category[category].councils_with_gap == ("八幡",)
        assert by_category[category].table_persons == persons
    assert by_category["通院"].persons == 6  # the record's persons, kept apart
    assert overview.totals.table_needs["床屋"] == 8


def _needs_table(store, council_id, counts, *, start=None, end=None, labels=("見守り", "床屋")):
    return tallies.create_tally(
        store, council_id, kind="needs", columns=[("", label) for label in labels],
        rows=[{"label": "東町", "target_persons": max(counts) + 1, "counts": list(counts)}],
        period_from=start, period_to=end)


def test_the_newest_table_wins_per_category_and_periods_are_not_added(store, council):
    neighbourhoods.create_neighbourhood(store, council.id, {"name": "東町", "households": 200})
    old = _needs_table(store, council.id, [4, 3], start="2015-04-01", end="2016-03-31",
                       labels=("見守り", "床屋"))
    new = _needs_table(store, council.id, [9], start="2016-04-01", end="2017-03-31",
                       labels=("見守り",))
    figures = need_tables.figures(store, council.id)
    assert figures["見守り"].persons == 9 and figures["見守り"].tally_id == new.id  # not 4 + 9
    assert figures["床屋"].persons == 3 and figures["床屋"].tally_id == old.id  # only the old has it
    # the same period: the one entered last wins; a table without dates is older than any dated one
    same = _needs_table(store, council.id, [2], start="2016-04-01", end="2017-03-31",
                        labels=("見守り",))
    _needs_table(store, council.id, [7], labels=("見守り",))
    assert need_tables.figures(store, council.id)["見守り"].tally_id == same.id
    assert {g.category: g.table_persons for g in needs.gaps(store, council.id)} == {
        "見守り": 2, "床屋": 3}
    rates = need_rates.rates(store, council.id)
    assert rates.table_id == same.id and rates.rows[0].table_persons == 3  # its 対象人数


def test_only_needs_tables_feed_the_gaps_and_links_come_before_names(store, council):
    use = tallies.create_tally(store, council.id, kind="service_use", columns=[("訪問介護", "掃除")],
                               rows=[{"label": "東町", "target_persons": 5, "counts": [5]}])
    needs_table = _needs_table(store, council.id, [2, 1], labels=("ふとん", "床屋"))
    with store.session() as s:  # linked columns: the service-use one, and ふとん to 布団干し
        s.execute(update(TallyColumn).where(TallyColumn.tally_id == use.id)
                  .values(need_category_id=reference_id("need_category", "掃除")))
        s.execute(update(TallyColumn).where(TallyColumn.id == needs_table.columns[0].id)
                  .values(need_category_id=reference_id("need_category", "布団干し")))
    assert {g.category: g.table_persons for g in needs.gaps(store, council.id)} == {
        "布団干し": 2, "床屋": 1}  # 床屋 by its name, no 掃除 from the service-use table


def test_rates_per_100_households_and_aged_blank_where_unknown(store, council):
    for name, households, aged in (("東町", 200, 80), ("西町", 150, None), ("南町", None, None)):
        neighbourhoods.create_neighbourhood(store, council.id, {"name": name, "households": households,
                                                                "aged_65_plus": aged})
    empty = need_rates.rates(store, council.id)
    assert empty.table_id is None and empty.total.table_per_households is None
    assert [r.table_persons for r in empty.rows] == [None, None, None]
    tallies.create_tally(store, council.id, kind="needs", columns=[("", "見守り")], rows=[
        {"label": "東町", "target_persons": 9, "counts": [9]},
        {"label": "西町", "target_persons": 4, "counts": [4]},
        {"label": "南町", "target_persons": 5, "counts": [5]},
        {"label": "よそ", "target_persons": 1, "counts": [1]}])
    east = next(n for n in neighbourhoods.list_neighbourhoods(store, council.id) if n.name == "東町")
    needs.create_need(store, council.id, {"category": "見守り", "count": 3, "neighbourhood_id": east.id})
    needs.create_need(store, council.id, {"category": "見守り", "count": 2, "status": "解決",
                                          "neighbourhood_id": east.id})
    needs.create_need(store, council.id, {"category": "買い物", "count": 6})
    rates = need_rates.rates(store, council.id)
    rows = {r.neighbourhood: r for r in rates.rows}
    assert list(rows) == ["東町", "西町", "南町", "よそ", needs.NO_NEIGHBOURHOOD]
    assert (rows["東町"].table_per_households, rows["東町"].table_per_aged) == (Decimal("4.5"), Decimal("11.3"))
    assert rows["東町"].record_persons == 3 and rows["東町"].record_per_households == Decimal("1.5")
    assert (rows["西町"].table_per_households, rows["西町"].table_per_aged) == (Decimal("2.7"), None)
    assert rows["南町"].table_persons == 5 and rows["南町"].table_per_households is None
    assert rows["よそ"].households is None and rows[needs.NO_NEIGHBOURHOOD].record_persons == 6
    total = rates.total
    assert total.table_persons == 19 and total.households == 350
    assert total.table_per_households == Decimal("3.7")  # (9 + 4) / (200 + 150): known 世帯数 only
    assert total.table_per_aged == Decimal("11.3") and total.record_per_households == Decimal("1.5")
    assert total.record_persons == 9 and total.record_per_aged == Decimal("3.8")  # 3 / 80


def test_a_table_with_no_period_is_older_than_any_dated_one():
    dated = need_tables.LoadedTable("a", "c", "needs", "", None, dt.date(2000, 1, 1), None, (), ())
    undated = need_tables.LoadedTable("b", "c", "needs", "", None, None, dt.datetime(2030, 1, 1), (), ())
    assert need_tables.newest([undated, dated])["c"].id == "a"
