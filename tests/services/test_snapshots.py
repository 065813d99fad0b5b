"""Undo of a delete brings back the row and everything the delete took with it."""

from sqlalchemy import select

from app.models import Base
from app.services import councils, members, neighbourhoods, snapshots, tallies


def everything(store) -> dict:
    with store.session() as s:
        return {t.name: sorted(repr(sorted(r.items())) for r in s.execute(select(t)).mappings())
                for t in Base.metadata.sorted_tables}


def test_member_delete_and_restore(demo_store):
    yawata = councils.find_council(demo_store, "八幡")
    provider = next(m for m in members.list_members(demo_store, yawata.id) if m.is_provider)
    before = everything(demo_store)
    snap = snapshots.capture(demo_store, "member", provider.id)
    members.delete_member(demo_store, provider.id)
    assert everything(demo_store) != before
    snapshots.restore(demo_store, snap)
    assert everything(demo_store) == before
    assert members.get_member(demo_store, provider.id).trained


def test_neighbourhood_restore_relinks_members(demo_store):
    yawata = councils.find_council(demo_store, "八幡")
    nb = neighbourhoods.list_neighbourhoods(demo_store, yawata.id)[0]
    before = everything(demo_store)
    snap = snapshots.capture(demo_store, "neighbourhood", nb.id)
    neighbourhoods.delete_neighbourhood(demo_store, nb.id)
    snapshots.restore(demo_store, snap)
    assert everything(demo_store) == before


def test_whole_tally_restore(demo_store):
    yawata = councils.find_council(demo_store, "八幡")
    tally = tallies.list_tallies(demo_store, yawata.id, kind="needs")[0]
    snap = snapshots.capture(demo_store, "tally", tally.id)
    tallies.delete_tally(demo_store, tally.id)
    snapshots.restore(demo_store, snap)
    assert tallies.crosstab(demo_store, tally.id) == tally
