"""Councils, vision history, contacts, 高齢化率 derived and checked against typed rates."""

import datetime as dt

import pytest

from app.errors import NotFoundError, ValidationError
from app.services import attention, checks, councils, members, neighbourhoods


@pytest.mark.slow
def test_city_aging_rate_is_derived_from_counts(demo_store):
    city = councils.find_council(demo_store, "高崎市")
    assert city.tier == 1 and city.aging_rate == 27.03  # 101,270 / 374,707
    assert not checks.rate_disagrees(city.stated_aging_rate, city.aging_rate)


def test_yawata_typed_rate_disagreement_is_reported(demo_store):
    yawata = councils.find_council(demo_store, "八幡")
    assert yawata.aging_rate == 43.55 and yawata.stated_aging_rate == 29.86
    notices = [n for n in attention.notices(demo_store, yawata.id) if n.kind == "aging_rate"]
    assert len(notices) == 1
    assert "29.86%" in notices[0].message and "43.55%" in notices[0].message


def test_vision_history_keeps_old_wordings(store, council):
    councils.revise_vision(store, council.id, {"phrase": "地域で支え合うまち", "decided_on": "2017-03-31"})
    councils.revise_vision(store, council.id, {"phrase": "見守り合うまち", "subtitle": "気軽に",
                                               "decided_on": "令和7年4月1日"})
    history = councils.vision_history(store, council.id)
    assert [v.phrase for v in history] == ["地域で支え合うまち", "見守り合うまち"]
    current = councils.get_council(store, council.id).vision
    assert current.phrase == "見守り合うまち" and current.decided_on == dt.date(2025, 4, 1)
    with pytest.raises(ValidationError, match="前の日付"):
        councils.revise_vision(store, council.id, {"phrase": "x", "decided_on": "2016-01-01"})


def test_contacts_and_validation(store, council):
    updated = councils.set_contacts(store, council.id, [
        {"kind": "あんしんセンター", "name": "高齢者あんしんセンター八幡", "phone": "０２７-０００-０１１１"},
        {"kind": "社協", "name": "社会福祉協議会", "phone": "027-000-0222"}])
    assert [c.phone for c in updated.contacts] == ["027-000-0111", "027-000-0222"]
    with pytest.raises(ValidationError, match="連絡先の種類"):
        councils.set_contacts(store, council.id, [{"kind": "警察", "name": "x"}])
    assert len(councils.get_council(store, council.id).contacts) == 2


def test_names_are_unique_and_tiers_consistent(store, council):
    with pytest.raises(ValidationError, match="もう登録されています"):
        councils.create_council(store, {"name": "テスト地区"})
    with pytest.raises(ValidationError, match="第1層"):
        councils.create_council(store, {"name": "別", "parent_id": council.id})
    city = councils.create_council(store, {"name": "市", "tier": "１"})
    child = councils.create_council(store, {"name": "子", "parent_id": city.id})
    assert child.parent_id == city.id
    with pytest.raises(ValidationError, match="層"):
        councils.create_council(store, {"name": "三", "tier": 3})


def test_find_council_is_forgiving_but_clear(demo_store):
    assert councils.find_council(demo_store, "八幡協議体").name == "八幡"
    assert councils.find_council(demo_store, "なのはな").name == "群馬（なのはな）"
    with pytest.raises(NotFoundError, match="候補: 群馬（さくら）、群馬（なのはな）"):
        councils.find_council(demo_store, "群馬")
    with pytest.raises(NotFoundError, match="見つかりません"):
        councils.find_council(demo_store, "大阪")


def test_neighbourhood_counts_and_rate_warning(store, council):
    nb = neighbourhoods.create_neighbourhood(store, council.id, {
        "name": "若田", "households": "113", "population": "300", "aged_65_plus": "120",
        "aged_75_plus": "60", "stated_aging_rate": "30%"})
    assert nb.aging_rate == 40.0
    assert any(n.kind == "aging_rate" and "若田" in n.message
               for n in attention.notices(store, council.id))
    with pytest.raises(ValidationError, match="人口"):
        neighbourhoods.update_neighbourhood(store, nb.id, {"aged_65_plus": 301})
    with pytest.raises(ValidationError, match="もうあります"):
        neighbourhoods.create_neighbourhood(store, council.id, {"name": "若田"})
    with pytest.raises(ValidationError, match="世帯数"):
        neighbourhoods.create_neighbourhood(store, council.id, {"name": "x", "households": "百"})


def test_deleting_a_council_removes_its_records(demo_store):
    from sqlalchemy import func, select

    from app.models import Member, TallyCell

    yawata = councils.find_council(demo_store, "八幡")
    councils.delete_council(demo_store, yawata.id)
    with demo_store.session() as s:
        assert s.scalar(select(func.count()).select_from(Member)) == 0
        assert s.scalar(select(func.count()).select_from(TallyCell)) > 0  # 豊岡's stays


@pytest.mark.slow
def test_home_notices_name_a_few_of_a_kind_and_count_the_rest(stress_template, tmp_path):
    """西部中央地区 has hundreds of overdue confirmations: three are named, the rest counted."""
    import shutil

    from app.services.stress import STRESS_COUNCIL
    from app.store import Store
    from tests.conftest import STRESS_TODAY

    path = shutil.copyfile(stress_template, tmp_path / "s.sqlite3")
    with Store.open(path) as store:
        cid = councils.find_council(store, STRESS_COUNCIL).id
        found = attention.notices(store, cid, STRESS_TODAY)
        overdue = [m for m in members.list_members(store, cid) if m.is_supporter
                   and members.confirmation_overdue(m.last_confirmed_on or m.registered_on, STRESS_TODAY)]
    confirmations = [n for n in found if n.kind == "confirmation"]
    assert len(overdue) > 100 and len(confirmations) == attention.SHOWN_PER_KIND + 1
    assert confirmations[-1].message.startswith(f"ほかに{len(overdue) - attention.SHOWN_PER_KIND}人")
    assert len(found) < 20


def test_a_subtitle_typed_between_wave_dashes_shows_them_once(store):
    council = councils.create_council(store, {"name": "中央", "tier": 2},
                                      vision={"phrase": "見守り合うまち", "subtitle": "〜できる人が、できる時に〜"})
    assert council.vision.subtitle == "できる人が、できる時に"
    revised = councils.revise_vision(store, council.id, {"phrase": "見守り合うまち",
                                                         "subtitle": "～みんなのサポーター～ "})
    assert revised.subtitle == "みんなのサポーター"  # ー belongs to the word
