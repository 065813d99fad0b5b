"""Lists made elsewhere carry the new dates by their header words: a member list's 退会日 (held to
the same rule as the window: only beside 退会, not before 登録日, the row named when refused, nothing
saved) and a resource list's 開始日 read as 始めた日 (not as the schedule's start time)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import UserError
from app.exchange.table import import_table
from app.services import members, resources
from tests.exchange.conftest import settled


def test_a_member_lists_leaving_date_is_read(store, council, tmp_path):
    path = tmp_path / "名簿.csv"
    path.write_text("氏名,登録年月日,状態,退会年月日\n山田 花子,令和2年4月1日,活動中,\n"
                    "佐藤 一郎,2020/4/1,退会,令和８年３月３１日\n", encoding="utf-8")
    report = import_table(store, path, council.id, "members")
    assert dict(report.mapping)["退会年月日"] == "退会日" and report.saved == 2
    got = {m.name: (m.status, m.left_on) for m in members.list_members(store, council.id)}
    assert got == {"山田 花子": ("活動中", None), "佐藤 一郎": ("退会", dt.date(2026, 3, 31))}


@pytest.mark.parametrize(("row", "reason"), [
    ("佐藤 一郎,2020/4/1,活動中,2026/3/31", "3行目「退会日」: 退会日は、状況が「退会」のときに入れます"),
    ("佐藤 一郎,2020/4/1,退会,2019/3/31", "3行目「退会日」: 登録日より前になっています"),
    ("佐藤 一郎,2020/4/1,退会,2026/2/30", "3行目「退会日」"),
])
def test_a_wrong_leaving_date_names_the_row_and_saves_nothing(store, council, tmp_path, row, reason):
    path = tmp_path / "名簿.csv"
    path.write_text(f"氏名,登録日,状況,退会日\n山田 花子,2020/4/1,活動中,\n{row}\n", encoding="utf-8")
    before = settled(store)
    with pytest.raises(UserError, match=reason):
        import_table(store, path, council.id, "members")
    assert settled(store) == before and members.list_members(store, council.id) == []


def test_a_resource_lists_start_date_is_not_its_start_time(store, council, tmp_path):
    path = tmp_path / "資源.csv"
    path.write_text("名称,日程,開始,終了,開始日\nミチの会,第2(木),12:00,13:00,平成30年3月31日\n",
                    encoding="utf-8")
    report = import_table(store, path, council.id, "resources")
    assert dict(report.mapping) == {"名称": "名称", "日程": "日程", "開始": "開始", "終了": "終了",
                                    "開始日": "始めた日"}
    made = resources.list_resources(store, council.id)[0]
    assert made.started_on == dt.date(2018, 3, 31) and made.schedule_text == "第2(木) 12:00〜13:00"
