"""Needs crosstab (町内会 × 分類) and coverage (the gap view), survey edits the pages rely on."""

from decimal import Decimal

import pytest

from app.errors import ValidationError
from app.services import councils, needs, neighbourhoods, resources, surveys
from app.services.needs import NO_NEIGHBOURHOOD, CrosstabCell
from app.services.overview import coordinator_overview


def yawata(store):
    return councils.find_council(store, "八幡")


def test_crosstab_of_yawata_sums_persons_and_totals_add_up(demo_store):
    council = yawata(demo_store)
    table = needs.crosstab(demo_store, council.id)
    listed = needs.list_needs(demo_store, council.id)
    assert table.categories == ("居場所・運動", "見守り", "買い物", "通院", "移動手段", "ゴミだし")
    assert len(table.rows) == 11  # every 町内会, also those without records
    assert NO_NEIGHBOURHOOD not in [r.neighbourhood for r in table.rows]
    assert table.total == CrosstabCell(persons=sum(n.count for n in listed), records=7)
    assert table.total.persons == 49
    kanaibuchi = next(r for r in table.rows if r.neighbourhood == "金井淵")
    assert kanaibuchi.total.persons == 12 + 5
    shopping = table.categories.index("買い物")
    assert table.column_totals[shopping].persons == 11 + 3
    for i, total in enumerate(table.column_totals):
        assert total == sum((r.cells[i] for r in table.rows), CrosstabCell())
    assert sum(r.total.persons for r in table.rows) == table.total.persons
    only_rows_with_needs = needs.crosstab(demo_store, council.id, include_empty=False)
    assert len(only_rows_with_needs.rows) == 5


def test_crosstab_counts_blank_persons_apart_and_has_a_no_neighbourhood_row(store, council):
    nb = neighbourhoods.create_neighbourhood(store, council.id, {"name": "一丁目"})
    needs.create_need(store, council.id, {"category": "見守り", "neighbourhood_id": nb.id,
                                          "count": "３"})
    needs.create_need(store, council.id, {"category": "見守り", "neighbourhood_id": nb.id})
    needs.create_need(store, council.id, {"category": "買い物", "count": 2, "status": "解決"})
    table = needs.crosstab(store, council.id)
    assert table.categories == ("見守り", "買い物")
    assert [r.neighbourhood for r in table.rows] == ["一丁目", NO_NEIGHBOURHOOD]
    assert table.rows[0].cells[0] == CrosstabCell(persons=3, records=2, without_count=1)
    assert table.rows[1].cells == (CrosstabCell(), CrosstabCell(2, 1, 0))
    assert (table.total.persons, table.records, table.without_count) == (5, 3, 1)
    unresolved = needs.crosstab(store, council.id, statuses=needs.OPEN_STATUSES)
    assert unresolved.categories == ("見守り",) and len(unresolved.rows) == 1
    with pytest.raises(ValidationError) as info:
        needs.crosstab(store, council.id, statuses=["終わった"])
    assert info.value.field == "状況"


def test_crosstab_of_a_council_without_needs_is_empty(store, council):
    table = needs.crosstab(store, council.id)
    assert table.categories == () and table.rows == () and table.total == CrosstabCell()


def test_coverage_puts_the_gaps_first_and_agrees_with_gaps(demo_store):
    council = yawata(demo_store)
    found = needs.coverage(demo_store, council.id)
    gaps = [c for c in found if c.is_gap]
    assert [c.category for c in gaps] == ["通院", "移動手段", "調理・弁当", "掃除", "入浴", "住環境",
                                          "布団干し", "床屋"]
    assert [c.category for c in found[:2]] == ["通院", "移動手段"]
    assert {(g.category, g.open_needs, g.persons, g.table_persons)
            for g in needs.gaps(demo_store, council.id)} == {
        (c.category, c.open_needs, c.persons, c.table_persons) for c in gaps}
    clinic = gaps[0]
    assert (clinic.open_needs, clinic.persons, clinic.without_count) == (1, 6, 0)
    assert clinic.neighbourhoods == ("上剣崎",) and clinic.statuses == (("未対応", 1),)
    assert clinic.descriptions == ("病院に行く足がない",)
    shopping = next(c for c in found if c.category == "買い物")
    assert set(shopping.resource_names) == {"移動販売", "お休み処のベンチ"}
    assert shopping.persons == 14 and shopping.statuses == (("対応中", 2),)


def test_coverage_after_linking_a_resource_and_resolving(demo_store):
    council = yawata(demo_store)
    clinic = next(n for n in needs.list_needs(demo_store, council.id) if n.category == "通院")
    bus = resources.create_resource(demo_store, council.id, {"name": "通院送迎"})
    needs.update_need(demo_store, clinic.id, {}, resource_ids=[bus.id])
    found = {c.category: c for c in needs.coverage(demo_store, council.id)}
    assert found["通院"].resource_names == ("通院送迎",) and not found["通院"].is_gap
    needs.update_need(demo_store, clinic.id, {"status": "解決"})
    # 八幡's needs table still counts 21 persons for 通院; the resource of the resolved need answers it
    after = {c.category: c for c in needs.coverage(demo_store, council.id)}["通院"]
    assert (after.open_needs, after.table_persons, after.resource_names) == (0, 21, ("通院送迎",))
    assert not after.is_gap and "通院" not in {g.category for g in needs.gaps(demo_store, council.id)}
    resolved = next(r for r in coordinator_overview(demo_store).councils if r.name == "八幡")
    assert "通院" not in resolved.gaps and "通院" in resolved.resolved_answered
    needs.update_need(demo_store, clinic.id, {}, resource_ids=[])  # resolved, but nothing answers it
    assert "通院" in {g.category for g in needs.gaps(demo_store, council.id)}
    assert "通院" in next(r for r in coordinator_overview(demo_store).councils if r.name == "八幡").gaps


def test_survey_count_edits_move_only_that_questions_percentages(demo_store):
    council = councils.find_council(demo_store, "乗附")
    (survey,) = surveys.list_surveys(demo_store, council.id)
    alone = survey.questions[0].choices[0]
    changed = surveys.set_choice_count(demo_store, alone.id, "２４０")
    q1 = changed.questions[0]
    assert q1.total == 871 and q1.choices[0].percent == Decimal("27.6")
    assert changed.questions[1] == survey.questions[1]
    for bad in ("たくさん", "-3", "1.5"):
        with pytest.raises(ValidationError) as info:
            surveys.set_choice_count(demo_store, alone.id, bad)
        assert info.value.field == "「一人暮らし」の数"
    assert surveys.results(demo_store, survey.id).questions[0].choices[0].count == 240
    with pytest.raises(ValidationError) as info:
        surveys.update_survey(demo_store, survey.id, {"distributed": "700"})
    assert info.value.field == "回収数"
    assert surveys.update_survey(demo_store, survey.id, {"returned": "１,０００",
                                                         "distributed": 3000}).response_rate \
        == Decimal("33.3")
