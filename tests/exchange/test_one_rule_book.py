"""One rule book: every rule across fields that the window's services apply is applied by the
import too, with the refusal naming the file, sheet, row and column (the import once stored a
町内会 with more people over 75 than over 65, which the window then could not save)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.exchange.merge import ImportFailed, import_files
from app.services import meetings, members, neighbourhoods, surveys, tallies
from tests.exchange.conftest import db_state, edit_cells, find_row, settled

# (sheet, a header that finds the row, its value, {header: value written}, the column named,
#  the service rule that refuses the same values in the window)
CASES = [
    ("町内会", "町内会名", "金井淵", {"65歳以上の人数": 100, "75歳以上の人数": 150}, "75歳以上の人数",
     lambda: neighbourhoods.check_counts({"population": 500, "aged_65_plus": 100, "aged_75_plus": 150})),
    ("町内会", "町内会名", "金井淵", {"人口": 50, "65歳以上の人数": 100, "75歳以上の人数": None},
     "65歳以上の人数",
     lambda: neighbourhoods.check_counts({"population": 50, "aged_65_plus": 100})),
    ("メンバー", "氏名", "池田 実", {"登録日": dt.datetime(2020, 5, 1), "最終確認日": dt.datetime(2019, 1, 1)},
     "最終確認日",
     lambda: members.check_dates({"registered_on": dt.date(2020, 5, 1),
                                  "last_confirmed_on": dt.date(2019, 1, 1)})),
    ("集計表", "協議体", "八幡", {"期間（から）": dt.datetime(2018, 3, 1), "期間（まで）": dt.datetime(2017, 3, 1)},
     "期間（まで）", lambda: tallies.check_period(dt.date(2018, 3, 1), dt.date(2017, 3, 1))),
    ("アンケート", "協議体", "乗附", {"配布数": 10, "回収数": 20}, "回収数",
     lambda: surveys.check_counts({"distributed": 10, "returned": 20})),
    ("会議・活動", "協議体", "八幡", {"開始": dt.time(12, 0), "終了": dt.time(10, 0)}, "終了",
     lambda: meetings.check_values({"start_time": dt.time(12, 0), "end_time": dt.time(10, 0)}, 0)),
]


@pytest.mark.parametrize(("sheet", "key", "value", "cells", "column", "rule"), CASES,
                         ids=[f"{c[0]}-{c[4]}" for c in CASES])
@pytest.mark.slow
def test_the_import_refuses_what_the_window_refuses(demo_store, exported, sheet, key, value, cells,
                                                     column, rule):
    with pytest.raises(ValidationError) as in_the_window:
        rule()
    assert in_the_window.value.field == column
    row = find_row(exported, sheet, key, value)
    edit_cells(exported, sheet, {(row, header): v for header, v in cells.items()})
    before = settled(demo_store)
    with pytest.raises(ImportFailed) as refused:
        import_files(demo_store, [exported])
    assert f"シート「{sheet}」 {row}行目「{column}」" in refused.value.problems[0], refused.value.problems
    assert settled(demo_store) == before
    assert db_state(demo_store.path) == before
