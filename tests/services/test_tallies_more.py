"""Pasting blocks from Excel, adding and removing rows, a blank tally, the table's details."""

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services import councils, neighbourhoods, tallies
from app.services.tallies import BlockError


def yawata_needs(store):
    council = councils.find_council(store, "八幡")
    return next(t for t in tallies.list_tallies(store, council.id) if t.kind == "needs")


def test_parse_block_reads_what_excel_puts_on_the_clipboard():
    assert tallies.parse_block("１\t2\t３\r\n4\t\t6\r\n") == [["１", "2", "３"], ["4", "", "6"]]
    assert tallies.parse_block("1,240\n5") == [["1,240"], ["5"]]
    assert tallies.parse_block('"1,2"\t3\n') == [["1,2", "3"]]
    assert tallies.parse_block("\n") == []
    assert tallies.parse_block("") == []


def test_paste_a_block_updates_cells_and_totals(demo_store):
    t = yawata_needs(demo_store)
    # 金井淵 and 上剣崎, columns 居場所・運動 .. 買い物 (sheet columns 2..4)
    after = tallies.paste_block(demo_store, t.id, 0, 2, tallies.parse_block("１\t2\t３\n4\t5\t6"))
    assert after.rows[0].counts[:3] == (1, 2, 3) and after.rows[1].counts[:3] == (4, 5, 6)
    assert after.totals.columns[:3] == (61 - 4 - 12 + 1 + 4, 48 - 8 - 7 + 2 + 5, 39 - 11 - 6 + 3 + 6)
    assert after.totals.columns[3:] == t.totals.columns[3:]
    assert after == tallies.crosstab(demo_store, t.id)


def test_blank_cells_clear_and_commas_are_read(demo_store):
    t = yawata_needs(demo_store)
    last = tallies.target_col(t)
    # 金井淵's 対象人数 (31) raised to 1,240 and its 床屋 (blank) set, 住環境 left blank
    after = tallies.paste_block(demo_store, t.id, 0, last - 2, [["", "７", "1,240"]])
    assert after.rows[0].counts[-2:] == (None, 7) and after.rows[0].target_persons == 1240
    cleared = tallies.paste_block(demo_store, t.id, 0, 2, [["", ""]])
    assert cleared.rows[0].counts[:2] == (None, None)


@pytest.mark.slow
def test_whole_rows_with_name_and_households_can_be_pasted_back(demo_store):
    t = yawata_needs(demo_store)
    line = ["金井淵", "530", *["1"] * len(t.columns), "31"]
    after = tallies.paste_block(demo_store, t.id, 0, 0, [line])
    assert after.rows[0].counts == (1,) * len(t.columns)


def test_every_bad_cell_is_listed_and_nothing_is_saved(demo_store):
    t = yawata_needs(demo_store)
    block = [["1", "x", "3"], ["4", "5", "９９"]]  # x is not a number; 99 > 上剣崎's 35
    with pytest.raises(BlockError) as info:
        tallies.paste_block(demo_store, t.id, 0, 2, block)
    problems = info.value.problems
    assert [(p.row, p.col) for p in problems] == [(0, 3), (1, 4)]
    assert problems[0].field == "金井淵の「見守り」" and "数ではありません" in problems[0].reason
    assert problems[1].field == "上剣崎の「買い物」" and "対象人数（35人）より多い" in problems[1].reason
    assert info.value.field == "金井淵の「見守り」" and "ほかに1か所" in str(info.value)
    assert tallies.crosstab(demo_store, t.id) == t


def test_counts_are_checked_against_the_pasted_target_persons(demo_store):
    t = yawata_needs(demo_store)
    last = tallies.target_col(t)
    # raising 対象人数 in the same block lets a bigger count in
    after = tallies.paste_block(demo_store, t.id, 0, last - 1, [["40", "40"]])
    assert after.rows[0].target_persons == 40 and after.rows[0].counts[-1] == 40
    # lowering it below a count that stays is refused at the 対象人数 cell
    with pytest.raises(BlockError) as info:
        tallies.paste_block(demo_store, t.id, 0, last, [["10"]])
    assert [(p.row, p.col) for p in info.value.problems] == [(0, last)]
    assert "40人以上" in info.value.reason


@pytest.mark.parametrize("top, left, block, message", [
    (0, 2, [], "貼り付けるものがありません"),
    (10, 2, [["1"], ["2"]], "はみ出します"),
    (0, 13, [["1", "2", "3"]], "はみ出します"),
    (11, 0, [["1"]], "表の中から"),
])
def test_blocks_that_do_not_fit_are_refused(demo_store, top, left, block, message):
    t = yawata_needs(demo_store)
    with pytest.raises(ValidationError, match=message):
        tallies.paste_block(demo_store, t.id, top, left, block)
    assert tallies.crosstab(demo_store, t.id) == t


def test_name_and_households_are_not_changed_by_a_paste(demo_store):
    t = yawata_needs(demo_store)
    with pytest.raises(BlockError) as info:
        tallies.paste_block(demo_store, t.id, 0, 0, [["上剣崎", "999"]])
    assert [p.field for p in info.value.problems] == ["金井淵の町内会名", "金井淵の世帯数"]
    assert "町内会の設定" in info.value.problems[1].reason


def test_add_and_delete_rows(demo_store):
    t = yawata_needs(demo_store)
    added = tallies.add_row(demo_store, t.id, "新町", "５")
    assert added.rows[-1].label == "新町" and added.rows[-1].target_persons == 5
    assert added.rows[-1].households is None and added.totals.persons == 199
    with pytest.raises(ValidationError, match="もうあります"):
        tallies.add_row(demo_store, t.id, "金井淵")
    with pytest.raises(ValidationError, match="入力してください"):
        tallies.add_row(demo_store, t.id, "　")
    removed = tallies.delete_row(demo_store, added.rows[0].id)
    assert [r.label for r in removed.rows][0] == "上剣崎" and removed.totals.households == 5092 - 530
    assert removed.totals.columns[0] == 61 - 4


def test_blank_tally_has_standard_columns_and_one_row_per_neighbourhood(store, council):
    for name, hh in (("東町", 120), ("西町", 80)):
        neighbourhoods.create_neighbourhood(store, council.id, {"name": name, "households": hh})
    t = tallies.create_blank_tally(store, council.id, "service_use",
                                   {"period_to": "令和7年3月31日", "source": "あんしんセンター"})
    assert [(c.group, c.label) for c in t.columns] == list(tallies.SERVICE_USE_COLUMNS)
    assert [r.label for r in t.rows] == ["東町", "西町"]
    assert t.totals.households == 200 and t.totals.persons == 0
    assert t.title == "通所・訪問サービスの利用内容" and t.period_to == dt.date(2025, 3, 31)
    with pytest.raises(ValidationError, match="という集計表はありません"):
        tallies.create_blank_tally(store, council.id, "other")


def test_update_tally_info(demo_store):
    t = yawata_needs(demo_store)
    after = tallies.update_tally_info(demo_store, t.id, {"title": "ニーズ", "source": "包括",
                                                         "period_from": "H28.4.1"})
    assert (after.title, after.source, after.period_from) == ("ニーズ", "包括", dt.date(2016, 4, 1))
    assert after.rows == t.rows
    with pytest.raises(ValidationError) as info:
        tallies.update_tally_info(demo_store, t.id, {"period_to": "H27.1.1"})
    assert info.value.field == "期間（まで）"
