"""A council's own file read onto an empty council of the same name: the file's council is adopted."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import func, select

from app.exchange.export_file import export_councils
from app.exchange.merge import ImportFailed, import_files
from app.models import AppMeta, Member
from app.services import councils, members, preferences
from app.services.overview import written_dates
from app.store import Store
from tests.exchange.conftest import settled

ADOPTED = "この協議体「八幡」は空だったので、ファイルの八幡のデータをそのまま使いました。"


@pytest.fixture
def new_pc(tmp_path, template_db):
    with Store.open(shutil.copyfile(template_db, tmp_path / "new_pc.sqlite3")) as opened:
        yield opened


@pytest.fixture
def yawata_file(demo_store, tmp_path):
    yawata = councils.find_council(demo_store, "八幡")
    path = tmp_path / "八幡.xlsx"
    export_councils(demo_store, path, [yawata.id], now=dt.datetime(2026, 11, 30, 9, 0))
    return path


@pytest.mark.slow
def test_empty_council_of_the_same_name_is_adopted(demo_store, new_pc, yawata_file):
    source = councils.find_council(demo_store, "八幡")
    local = councils.create_council(new_pc, {"name": "八幡", "tier": 2})
    other = councils.create_council(new_pc, {"name": "乗附", "tier": 2})
    preferences.put(new_pc, "last_council", local.id)
    report = import_files(new_pc, [yawata_file])
    assert report.notes.count(ADOPTED) == 1
    found = councils.find_council(new_pc, "八幡")
    assert found.id == source.id and found.vision == source.vision
    assert ([(m.id, m.name, m.roles, m.neighbourhood_name) for m in members.list_members(new_pc, found.id)]
            == [(m.id, m.name, m.roles, m.neighbourhood_name) for m in members.list_members(demo_store, source.id)])
    assert preferences.get(new_pc, "last_council") == source.id
    with new_pc.session() as s:
        assert s.get(AppMeta, f"imported:{local.id}") is None
        assert s.execute(select(func.count()).select_from(Member)).scalar() == len(
            members.list_members(demo_store, source.id))
    assert {c.name for c in councils.list_councils(new_pc)} == {"八幡", "乗附"}
    assert councils.get_council(new_pc, other.id).name == "乗附"
    again = import_files(new_pc, [yawata_file])  # read twice: nothing more to adopt
    assert ADOPTED not in again.notes and not again.changed


def test_dry_run_says_it_and_changes_nothing(new_pc, yawata_file):
    local = councils.create_council(new_pc, {"name": "八幡", "tier": 2})
    state = settled(new_pc)
    report = import_files(new_pc, [yawata_file], dry_run=True)
    assert ADOPTED in report.notes
    assert settled(new_pc) == state
    assert councils.find_council(new_pc, "八幡").id == local.id


def test_tier1_children_follow_the_adopted_council(demo_store, new_pc, tmp_path):
    city = councils.find_council(demo_store, "高崎市")
    export_councils(demo_store, tmp_path / "city.xlsx", [city.id])
    local_city = councils.create_council(new_pc, {"name": city.name, "tier": 1})
    child = councils.create_council(new_pc, {"name": "新しい地区", "tier": 2, "parent_id": local_city.id})
    report = import_files(new_pc, [tmp_path / "city.xlsx"])
    assert f"この協議体「{city.name}」は空だったので" in report.notes[0]
    assert councils.get_council(new_pc, child.id).parent_id == city.id


def test_a_council_with_records_is_still_refused(new_pc, yawata_file):
    local = councils.create_council(new_pc, {"name": "八幡", "tier": 2})
    members.create_member(new_pc, local.id, {"name": "山田 花子", "furigana": "やまだ はなこ"})
    state = settled(new_pc)
    with pytest.raises(ImportFailed, match="協議体「八幡」はデータベースに別のIDで登録されています"):
        import_files(new_pc, [yawata_file])
    assert settled(new_pc) == state


@pytest.mark.slow
def test_written_date_is_the_files_own_and_never_goes_back(demo_store, new_pc, tmp_path):
    yawata = councils.find_council(demo_store, "八幡")
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    export_councils(demo_store, old, [yawata.id], now=dt.datetime(2026, 4, 1, 9, 0))
    export_councils(demo_store, new, [yawata.id], now=dt.datetime(2026, 10, 1, 9, 0))
    import_files(new_pc, [new], now=dt.datetime(2026, 12, 1, 12, 0))
    assert written_dates(new_pc)[yawata.id] == dt.datetime(2026, 10, 1, 9, 0)
    import_files(new_pc, [old], now=dt.datetime(2026, 12, 2, 12, 0))
    assert written_dates(new_pc)[yawata.id] == dt.datetime(2026, 10, 1, 9, 0)
