"""Crosstabs: the seed's totals exactly, 対象人数 not the row sum, bad cells refused."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import ValidationError
from app.services import councils, neighbourhoods, tallies
from app.services.tallies import TallyRowDTO, compute_totals


def by_kind(store, name):
    council = councils.find_council(store, name)
    return {t.kind: t for t in tallies.list_tallies(store, council.id)}


def test_yawata_needs_totals_match_the_seed(demo_store):
    t = by_kind(demo_store, "八幡")["needs"]
    assert t.totals.columns == (61, 48, 39, 21, 5, 32, 28, 21, 7, 7, 6, 8)
    assert t.totals.persons == 194
    assert t.totals.households == 5092
    assert [c.label for c in t.columns][:3] == ["居場所・運動", "見守り", "買い物"]
    # 対象人数 is not the row sum: 金井淵 has 59 needs among 31 persons.
    kanaibuchi = t.rows[0]
    assert kanaibuchi.label == "金井淵" and kanaibuchi.target_persons == 31
    assert sum(v or 0 for v in kanaibuchi.counts) == 59


def test_service_use_totals_match_the_seed(demo_store):
    yawata = by_kind(demo_store, "八幡")["service_use"]
    assert yawata.totals.columns == (74, 24, 24, 13, 37, 8, 9, 7, 1)
    assert yawata.totals.persons == 102
    toyooka = by_kind(demo_store, "豊岡")["service_use"]
    assert toyooka.totals.columns == (64, 14, 17, 11, 29, 3, 8, 1, 2)
    assert toyooka.totals.persons == 81


def test_create_from_pasted_text_values(store, council):
    neighbourhoods.create_neighbourhood(store, council.id, {"name": "金井淵", "households": 530})
    t = tallies.create_tally(
        store, council.id, kind="needs", columns=[("", "見守り"), ("", "買い物")],
        rows=[{"label": "金井淵", "target_persons": "３１", "counts": ["８", "１１"]},
              {"label": "どこか", "target_persons": "2", "counts": ["", "1"]}],
        period_from="H27.4.1", period_to="平成29年4月30日")
    assert t.totals.columns == (8, 12) and t.totals.persons == 33
    assert t.rows[0].households == 530 and t.rows[1].households is None
    assert t.totals.households == 530


@pytest.mark.parametrize("rows, where", [
    ([{"label": "A", "target_persons": 3, "counts": [4, 1]}], "1行目（A）の「見守り」"),
    ([{"label": "A", "target_persons": 3, "counts": ["x", 1]}], "1行目（A）の「見守り」"),
    ([{"label": "", "target_persons": 3, "counts": [1, 1]}], "1行目の町内会名"),
    ([{"label": "A", "target_persons": 3, "counts": [1]}], "1行目（A）"),
])
def test_bad_cells_are_named_and_nothing_is_saved(store, council, rows, where):
    with pytest.raises(ValidationError) as info:
        tallies.create_tally(store, council.id, kind="needs",
                             columns=[("", "見守り"), ("", "買い物")], rows=rows)
    assert info.value.field == where
    assert tallies.list_tallies(store, council.id) == []


def test_cell_edits_respect_target_persons(demo_store):
    t = by_kind(demo_store, "八幡")["needs"]
    row, column = t.rows[0], t.columns[1]  # 金井淵 × 見守り = 8, 対象人数 31
    after = tallies.set_cell(demo_store, row.id, column.id, "１０")
    assert after.totals.columns[1] == 50 and after.rows[0].counts[1] == 10
    cleared = tallies.set_cell(demo_store, row.id, column.id, "")
    assert cleared.rows[0].counts[1] is None and cleared.totals.columns[1] == 40
    with pytest.raises(ValidationError, match="対象人数（31人）より多い"):
        tallies.set_cell(demo_store, row.id, column.id, 32)
    with pytest.raises(ValidationError, match="11人以上"):
        tallies.set_target_persons(demo_store, row.id, 10)
    assert tallies.set_target_persons(demo_store, row.id, 40).totals.persons == 194 + 9


rows_strategy = st.integers(1, 6).flatmap(lambda ncols: st.lists(
    st.tuples(st.lists(st.one_of(st.none(), st.integers(0, 500)), min_size=ncols, max_size=ncols),
              st.integers(0, 1000), st.one_of(st.none(), st.integers(0, 5000))),
    max_size=15).map(lambda rows: (ncols, rows)))


@given(rows_strategy)
@pytest.mark.slow
def test_totals_are_column_sums_and_persons_are_not_row_sums(data):
    ncols, raw = data
    rows = [TallyRowDTO(str(i), f"r{i}", None, hh, persons, tuple(counts))
            for i, (counts, persons, hh) in enumerate(raw)]
    totals = compute_totals(ncols, rows)
    for c in range(ncols):
        assert totals.columns[c] == sum(r.counts[c] or 0 for r in rows)
    assert totals.persons == sum(r.target_persons for r in rows)
    assert totals.cells == sum(totals.columns)
    known = [r.households for r in rows if r.households is not None]
    assert totals.households == (sum(known) if known else None)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(st.integers(0, 30), min_size=3, max_size=3), st.integers(0, 20)),
                min_size=1, max_size=6))
def test_stored_tally_totals_equal_recomputed_sums(store, council, raw):
    rows = [{"label": f"町{i}", "target_persons": max(counts) + extra, "counts": counts}
            for i, (counts, extra) in enumerate(raw)]
    t = tallies.create_tally(store, council.id, kind="service_use",
                             columns=[("", "a"), ("", "b"), ("", "c")], rows=rows)
    assert t.totals.columns == tuple(sum(r["counts"][c] for r in rows) for c in range(3))
    assert t.totals.persons == sum(r["target_persons"] for r in rows)
    assert tallies.crosstab(store, t.id) == t
    tallies.delete_tally(store, t.id)
