"""Adding councils from a pasted list, removing one after a backup, and undoing the removal."""

import shutil
import time

import pytest
from sqlalchemy import func, select

from app.errors import UserError, ValidationError
from app.models import Base
from app.services import backups, councils, members, snapshots
from app.services.stress import STRESS_COUNCIL
from app.store import Store
from tests.services.test_snapshots import everything

PASTED = "八幡\n\n乗附、　豊岡\t倉賀野，新町\n　ｸﾗｶﾞﾉ　\n八幡\n"


@pytest.fixture
def city(store):
    return councils.create_council(store, {"name": "高崎市", "tier": 1})


def test_pasted_names_become_tier2_councils(store, city):
    councils.create_council(store, {"name": "豊岡", "tier": 2})
    report = councils.add_councils_from_text(store, city.id, PASTED)
    assert [c.name for c in report.created] == ["八幡", "乗附", "倉賀野", "新町", "クラガノ"]
    assert all(c.tier == 2 and c.parent_id == city.id for c in report.created)
    assert report.skipped == ["3行目「豊岡」: もう登録されているので、そのままにしました",
                              "5行目「八幡」: 同じ名前が上の行にあるので、1つだけ登録しました"]
    names = [c.name for c in councils.list_councils(store)]
    assert names.count("八幡") == 1 and "クラガノ" in names


def test_fullwidth_name_matches_registered_halfwidth(store, city):
    councils.create_council(store, {"name": "ABC地区", "tier": 2})
    report = councils.add_councils_from_text(store, city.id, "ＡＢＣ地区")
    assert report.created == [] and "もう登録されている" in report.skipped[0]


def test_invalid_name_refuses_the_whole_paste(store, city):
    text = "八幡\n乗附\n" + "長" * 101 + "\n豊岡"
    with pytest.raises(ValidationError) as info:
        councils.add_councils_from_text(store, city.id, text)
    assert str(info.value).startswith("3行目「長長長")
    assert "100" in str(info.value)
    assert [c.name for c in councils.list_councils(store)] == ["高崎市"]


def test_parent_must_be_tier1(store, city):
    area = councils.create_council(store, {"name": "八幡", "tier": 2})
    with pytest.raises(ValidationError, match="第1層"):
        councils.add_councils_from_text(store, area.id, "乗附")
    with pytest.raises(UserError, match="名前が見つかりません"):
        councils.add_councils_from_text(store, city.id, "\n 　\n")


def test_26_names_in_under_a_second(store, city):
    names = "\n".join(f"第{i}地区" for i in range(1, 27))
    started = time.perf_counter()
    report = councils.add_councils_from_text(store, city.id, names)
    assert time.perf_counter() - started < 1.0
    assert len(report.created) == 26


def test_empty_council(demo_store):
    fresh = councils.create_council(demo_store, {"name": "新しい地区", "tier": 2})
    assert councils.is_empty_council(demo_store, fresh.id)
    with demo_store.session() as s:
        assert councils.is_empty_council(s, fresh.id)
    assert not councils.is_empty_council(demo_store, councils.find_council(demo_store, "八幡").id)
    councils.revise_vision(demo_store, fresh.id, {"phrase": "支え合うまち"})
    assert not councils.is_empty_council(demo_store, fresh.id)


def counts(store) -> dict[str, int]:
    with store.session() as s:
        return {t.name: s.execute(select(func.count()).select_from(t)).scalar()
                for t in Base.metadata.sorted_tables}


def test_remove_council_backs_up_first(demo_store):
    yawata = councils.find_council(demo_store, "八幡")
    before = counts(demo_store)
    backup = councils.remove_council(demo_store, yawata.id)
    assert backup.reason == "before-delete-council"
    assert backup.reason_label == "協議体を削除する前（自動）"
    assert backups.list_backups(demo_store.path)[0].path == backup.path
    after = counts(demo_store)
    assert after["council"] == before["council"] - 1 and after["member"] < before["member"]
    with Store.open(backup.path) as saved:  # the backup still holds 八幡
        assert councils.find_council(saved, "八幡").id == yawata.id


def test_remove_council_deletes_nothing_when_backup_fails(demo_store, monkeypatch):
    yawata = councils.find_council(demo_store, "八幡")
    before = counts(demo_store)

    def broken(_store, _reason):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(backups, "backup_now", broken)
    with pytest.raises(UserError, match="協議体「八幡」を削除する前のバックアップを作れなかったので、削除していません"):
        councils.remove_council(demo_store, yawata.id)
    assert counts(demo_store) == before


def test_deleted_demo_council_comes_back_identical(demo_store):
    yawata = councils.find_council(demo_store, "八幡")
    before = everything(demo_store)
    snap = snapshots.capture(demo_store, "council", yawata.id)
    councils.remove_council(demo_store, yawata.id)
    assert everything(demo_store) != before
    snapshots.restore(demo_store, snap)
    assert everything(demo_store) == before


@pytest.fixture
def stress_store(tmp_path, stress_template):
    with Store.open(shutil.copyfile(stress_template, tmp_path / "stress.sqlite3")) as opened:
        yield opened


@pytest.mark.slow
def test_stress_council_delete_and_undo(stress_store):
    council = councils.find_council(stress_store, STRESS_COUNCIL)
    before_counts = counts(stress_store)
    before = everything(stress_store)
    some = members.list_members(stress_store, council.id)[::400]
    started = time.perf_counter()
    snap = snapshots.capture(stress_store, "council", council.id)
    councils.remove_council(stress_store, council.id)
    took = time.perf_counter() - started
    assert counts(stress_store)["member"] <= before_counts["member"] - 2000
    snapshots.restore(stress_store, snap)
    assert counts(stress_store) == before_counts
    assert everything(stress_store) == before
    assert [members.get_member(stress_store, m.id) for m in some] == some
    assert took < 4.0  # the figure (< 2 s) is measured by benchmarks/councils_bench.py
