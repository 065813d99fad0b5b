"""Demo data: 27 councils, idempotent, consistent with the services' own rules."""

from sqlalchemy import func, select

from app import models
from app.services import councils, demo, members


def counts(store) -> dict[str, int]:
    with store.session() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t))
                for t in models.Base.metadata.sorted_tables}


def test_27_councils_with_seed_visions(demo_store):
    listed = councils.list_councils(demo_store)
    assert len(listed) == 27 and [c.tier for c in listed].count(1) == 1
    assert {c.name for c in listed if c.tier == 2} == set(demo.AREAS)
    visions = {c.name: c.vision for c in listed}
    assert visions["八幡"] == "動ける人がお互いに見守る交流のあるまち"
    assert visions["群馬（なのはな）"] == "地域で支え合うまち"
    assert councils.find_council(demo_store, "群馬（なのはな）").vision.subtitle == "気軽につかず はなれず おせっかい"


def test_loading_twice_changes_nothing(demo_store):
    before = counts(demo_store)
    report = demo.load_demo(demo_store)
    assert report.added == () and len(report.skipped) == 27
    assert counts(demo_store) == before


def test_yawata_members_are_varied(demo_store):
    listed = members.list_members(demo_store, councils.find_council(demo_store, "八幡").id)
    roles = {r for m in listed for r in m.roles}
    assert {"区長", "元区長", "民生委員", "公民館長", "住民"} <= roles
    assert any(m.is_thinker and m.is_provider for m in listed)
    assert any(not m.consent_handbook for m in listed) and any(m.consent_handbook for m in listed)
    assert {m.status for m in listed} == {"活動中", "休止", "退会"}
    assert [m.sort_key for m in listed] == sorted(m.sort_key for m in listed)


def test_synthetic_councils(store):
    demo.load_demo(store)
    report = demo.load_synthetic(store, 2, members=300, resources=40, needs=10)
    assert report.added == ("試験地区001", "試験地区002")
    council = councils.find_council(store, "試験地区002")
    assert len(members.list_members(store, council.id)) == 300
    assert demo.load_synthetic(store, 2).added == ()
