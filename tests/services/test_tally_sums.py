"""The あんしんセンター tables added up across councils, by category, never by column position."""

from __future__ import annotations

from app.services import councils, tallies
from app.services.tally_sums import city_sums


def test_city_sums_match_columns_by_category_not_position(demo_store):
    (needs_sum, use) = city_sums(demo_store)
    assert needs_sum.kind == "needs" and [line.council for line in needs_sum.councils] == ["八幡"]
    assert needs_sum.totals == (61, 48, 39, 21, 5, 32, 28, 21, 7, 7, 6, 8) and needs_sum.persons == 194
    assert use.kind == "service_use" and [line.council for line in use.councils] == ["八幡", "豊岡"]
    assert [line.persons for line in use.councils] == [102, 81] and use.persons == 183
    by_key = {(c.group, c.label): i for i, c in enumerate(use.columns)}
    yawata_line, toyooka_line = use.councils

    def figure(line, group, label):
        return line.counts[by_key[(group, label)]]

    # 八幡 lists 入浴 before 洗濯 under 訪問介護, 豊岡 the other way round
    assert (figure(yawata_line, "訪問介護", "洗濯"), figure(toyooka_line, "訪問介護", "洗濯")) == (7, 8)
    assert (figure(yawata_line, "訪問介護", "入浴"), figure(toyooka_line, "訪問介護", "入浴")) == (9, 1)
    assert use.totals[by_key[("訪問介護", "洗濯")]] == 15 and use.totals[by_key[("訪問介護", "入浴")]] == 10
    assert use.totals[by_key[("デイサービス", "入浴")]] == 24 + 14
    assert figure(yawata_line, "訪問介護", "その他") == 1 and figure(toyooka_line, "訪問介護", "その他") is None
    assert figure(yawata_line, "訪問介護", "移動介助") is None and use.totals[by_key[("訪問介護", "移動介助")]] == 2
    assert sum(use.totals) == 74 + 24 + 24 + 13 + 37 + 8 + 9 + 7 + 1 + 64 + 14 + 17 + 11 + 29 + 3 + 8 + 1 + 2


def test_city_sums_take_each_councils_newest_table(demo_store):
    toyooka = councils.find_council(demo_store, "豊岡").id
    newer = tallies.create_tally(
        demo_store, toyooka, kind="service_use", columns=[("訪問介護 ", "洗濯"), ("デイサービス", "ﾘﾊﾋﾞﾘ")],
        rows=[{"label": "北久保", "target_persons": 4, "counts": [3, 2]}], period_to="2018-04-30")
    use = next(k for k in city_sums(demo_store) if k.kind == "service_use")
    by_key = {(c.group, c.label): i for i, c in enumerate(use.columns)}
    line = next(x for x in use.councils if x.council == "豊岡")
    assert line.counts[by_key[("訪問介護", "洗濯")]] == 3  # the newest table, 全角/半角 and spaces aside
    assert line.counts[by_key[("デイサービス", "リハビリ")]] == 2
    assert line.counts[by_key[("訪問介護", "入浴")]] == 1  # only the older table has it
    assert line.persons == 4 and use.persons == 102 + 4
    assert [t.title for t in line.tables][0] == newer.title and len(line.tables) == 2
